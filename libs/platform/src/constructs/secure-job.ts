import { Construct } from 'constructs';
import { KubeJob } from 'cdk8s-plus-27/lib/imports/k8s';
import { containerSecurityContext, DEFAULT_UID, envVars, podSecurityContext, resourceRequirements } from './pod-defaults';
import { podLabels } from '../labels';
import type { Resources } from '../schemas';
import { writableVolumeName, type EnvSource } from './secure-deployment';

/** Argo CD resource hook phases (https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/). */
export type ArgoHookPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'Skip';
/** When Argo CD deletes a hook object. */
export type ArgoHookDeletePolicy = 'BeforeHookCreation' | 'HookSucceeded' | 'HookFailed';

/** How Argo CD runs the Job as a resource hook. */
export interface ArgoHook {
  /** Sync phase the Job runs in; `PreSync` runs and waits for it before anything else is applied. */
  readonly phase: ArgoHookPhase;
  /**
   * When Argo CD deletes the Job. @default 'BeforeHookCreation' (the finished Job and its logs stay
   * until the next sync, and its fixed name never collides with the previous run)
   */
  readonly deletePolicy?: ArgoHookDeletePolicy;
}

export interface SecureJobProps {
  /** `metadata.name`, the container name and the pods' `app` label. */
  readonly name: string;
  /** Image repository, without tag. */
  readonly repository: string;
  /** Pinned image tag; also the `app.kubernetes.io/version` label. */
  readonly tag: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** System name (`app.kubernetes.io/part-of`). */
  readonly system: string;
  /** Command (the image's entrypoint is replaced). @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** Arguments. @default - the image's CMD */
  readonly args?: readonly string[];
  /** Environment variables, in the order given. @default - none */
  readonly env?: Readonly<Record<string, EnvSource>>;
  /** Requests and limits (required: an unbounded pod is never a default). */
  readonly resources: Resources;
  /** UID the container runs as. @default 10001 */
  readonly runAsUser?: number;
  /** Directories that must be writable under the read-only root (emptyDir). @default ['/tmp'] */
  readonly writableDirs?: readonly string[];
  /** Retries before the Job fails. @default 1 (a task that failed twice needs a person, not a loop) */
  readonly backoffLimit?: number;
  /** Seconds after which the Job is stopped and failed. @default 600 */
  readonly activeDeadlineSeconds?: number;
  /** Run as an Argo CD resource hook. @default - an ordinary Job, applied with the rest */
  readonly argoHook?: ArgoHook;
  /** Argo CD sync wave (ordering among hooks of the same phase). @default - none (wave 0) */
  readonly syncWave?: number;
  /** @default - the namespace's default service account, with no API token mounted */
  readonly serviceAccountName?: string;
}

/**
 * A batch/v1 Job with the secure defaults of SecureDeployment (DESIGN.md principle 5): non-root,
 * read-only root, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault,
 * requests and limits, no API token; pods never restart in place (the Job retries instead).
 * Built on the raw KubeJob: cdk8s-plus's Job has no seccomp field and labels pods by address.
 */
export class SecureJob extends Construct {
  public readonly name: string;
  public readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: SecureJobProps) {
    super(scope, id);
    const backoffLimit = props.backoffLimit ?? 1;
    const activeDeadlineSeconds = props.activeDeadlineSeconds ?? 600;
    if (backoffLimit < 0) throw new Error(`SecureJob ${props.name}: 'backoffLimit' (${backoffLimit}) must not be negative`);
    if (activeDeadlineSeconds <= 0) throw new Error(`SecureJob ${props.name}: 'activeDeadlineSeconds' (${activeDeadlineSeconds}) must be positive`);
    this.name = props.name;
    this.labels = podLabels({ app: props.name, system: props.system, imageTag: props.tag, component: props.component });
    const user = props.runAsUser ?? DEFAULT_UID;
    const writable = props.writableDirs ?? ['/tmp'];

    const annotations: Record<string, string> = {};
    if (props.argoHook) {
      annotations['argocd.argoproj.io/hook'] = props.argoHook.phase;
      annotations['argocd.argoproj.io/hook-delete-policy'] = props.argoHook.deletePolicy ?? 'BeforeHookCreation';
    }
    if (props.syncWave !== undefined) annotations['argocd.argoproj.io/sync-wave'] = String(props.syncWave);

    new KubeJob(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: this.labels,
        ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      },
      spec: {
        backoffLimit,
        activeDeadlineSeconds,
        template: {
          metadata: { labels: this.labels },
          spec: {
            restartPolicy: 'Never',
            serviceAccountName: props.serviceAccountName,
            // nothing in a batch task here calls the Kubernetes API
            automountServiceAccountToken: false,
            securityContext: podSecurityContext(user),
            containers: [{
              name: props.name,
              image: `${props.repository}:${props.tag}`,
              imagePullPolicy: 'IfNotPresent',
              command: props.command && [...props.command],
              args: props.args && [...props.args],
              env: envVars(props.env ?? {}),
              resources: resourceRequirements(props.resources),
              securityContext: containerSecurityContext(user),
              volumeMounts: writable.map((path) => ({ name: writableVolumeName(path), mountPath: path })),
            }],
            volumes: writable.map((path) => ({ name: writableVolumeName(path), emptyDir: {} })),
          },
        },
      },
    });
  }
}
