import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export interface VeleroScheduleProps {
  /** `metadata.name`; backups are named `<name>-<timestamp>`. */
  readonly name: string;
  /** Cron expression, in the Velero server's time zone. */
  readonly schedule: string;
  /** Namespaces to back up. */
  readonly includedNamespaces: readonly string[];
  /** How long each backup is kept, as a Go duration. */
  readonly ttl: string;
  /** Namespace Velero runs in. @default 'velero' */
  readonly veleroNamespace?: string;
  /** Take volume snapshots. @default true */
  readonly snapshotVolumes?: boolean;
}

/**
 * A Velero `Schedule` (velero.io/v1; no npm package models it: fields from Velero's API
 * reference, docs/main/api-types/schedule.md).
 */
export class VeleroSchedule extends Construct {
  constructor(scope: Construct, id: string, props: VeleroScheduleProps) {
    super(scope, id);
    new ApiObject(this, 'Resource', {
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: { name: props.name, namespace: props.veleroNamespace ?? 'velero' },
      spec: {
        schedule: props.schedule,
        useOwnerReferencesInBackup: false,
        template: {
          includedNamespaces: [...props.includedNamespaces],
          snapshotVolumes: props.snapshotVolumes ?? true,
          ttl: props.ttl,
        },
      },
    });
  }
}
