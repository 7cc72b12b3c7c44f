import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { KubeNetworkPolicy } from 'cdk8s-plus-27/lib/imports/k8s';
import { PRUNE_CONFIRM, SYNC_OPTIONS_ANNOTATION } from '../layout/argocd';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface SecureNamespaceProps {
  /** `metadata.name`. */
  readonly name: string;
  /** Pod Security Admission level enforced (and audited and warned). @default 'restricted' */
  readonly podSecurity?: PodSecurityLevel;
  /** More labels, e.g. `istio-injection: enabled`. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Namespace with Pod Security Admission labels (PodSecurityPolicy was removed in Kubernetes
 * 1.25) and a default-deny NetworkPolicy, so a workload talks only where its own policy says.
 */
export class SecureNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: SecureNamespaceProps) {
    super(scope, id);
    this.name = props.name;
    const level = props.podSecurity ?? 'restricted';
    new kplus.Namespace(this, 'Resource', {
      metadata: {
        name: props.name,
        labels: {
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/audit': level,
          'pod-security.kubernetes.io/warn': level,
          ...props.labels,
        },
        // Pruning a namespace deletes everything in it: Argo CD waits for a person to confirm.
        annotations: { [SYNC_OPTIONS_ANNOTATION]: PRUNE_CONFIRM },
      },
    });
    new KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace: props.name },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  }
}
