import { Construct } from 'constructs';
import { KubeResourceQuota, Quantity } from 'cdk8s-plus-27/lib/imports/k8s';

export interface ResourceQuotaProps {
  /** `metadata.name`. @default 'compute-quota' */
  readonly name?: string;
  /** Total CPU the namespace's pods may request. */
  readonly requestsCpu: string;
  /** Total memory the namespace's pods may request. */
  readonly requestsMemory: string;
  /** Total CPU limit of the namespace's pods. */
  readonly limitsCpu: string;
  /** Total memory limit of the namespace's pods. */
  readonly limitsMemory: string;
  /** Most PersistentVolumeClaims in the namespace. @default - no limit */
  readonly persistentVolumeClaims?: number;
}

/**
 * A ResourceQuota bounding what one namespace may take from its cluster. Quantities are kept as
 * written (`200Gi` stays `200Gi`).
 */
export class NamespaceQuota extends Construct {
  constructor(scope: Construct, id: string, props: ResourceQuotaProps) {
    super(scope, id);
    const q = (v: string) => Quantity.fromString(v);
    const hard: Record<string, Quantity> = {
      'requests.cpu': q(props.requestsCpu),
      'requests.memory': q(props.requestsMemory),
      'limits.cpu': q(props.limitsCpu),
      'limits.memory': q(props.limitsMemory),
    };
    if (props.persistentVolumeClaims !== undefined) hard.persistentvolumeclaims = q(String(props.persistentVolumeClaims));
    new KubeResourceQuota(this, 'Resource', { metadata: { name: props.name ?? 'compute-quota' }, spec: { hard } });
  }
}
