import { CLUSTER_NAMESPACES, type PolicyRule } from '@gitops/platform';
import type { K8sObject, Manifest } from './manifests';
import { matches, type LabelSelector } from './selectors';
import { isWorkload, toWorkload, type Workload } from './workloads';

/** A rule broken by one object. */
export interface Violation {
  rule: PolicyRule;
  file: string;
  kind: string;
  name: string;
  message: string;
}

/** Namespaces every cluster has, or that a cluster add-on owns (defined once, in the platform). */
export { CLUSTER_NAMESPACES };

/** What the checks of one environment see: its objects, indexed. */
export class PolicyContext {
  readonly workloads: Workload[];
  readonly namespaces: Set<string>;

  constructor(readonly manifests: readonly Manifest[]) {
    this.workloads = manifests.filter((m) => isWorkload(m.object)).map(toWorkload);
    this.namespaces = new Set(manifests.filter((m) => m.object.kind === 'Namespace').map((m) => m.object.metadata.name));
  }

  ofKind(kind: string, namespace?: string): Manifest[] {
    return this.manifests.filter((m) => m.object.kind === kind && (namespace === undefined || ns(m.object) === namespace));
  }

  /** Workloads in `namespace` whose pods `selector` selects. */
  selected(namespace: string, selector: LabelSelector): Workload[] {
    return this.workloads.filter((w) => w.namespace === namespace && matches(selector, w.podLabels));
  }

  /**
   * Labels of pods a controller creates at run time in `namespace` from rendered objects (so a
   * NetworkPolicy may select them): cert-manager's ACME HTTP-01 solver, for an Ingress that asks
   * an issuer for its certificate (cert-manager pkg/issuer/acme/http/pod.go).
   */
  runtimePodLabels(namespace: string): Record<string, string>[] {
    const asksIssuer = this.ofKind('Ingress', namespace).some((m) => {
      const a = m.object.metadata.annotations ?? {};
      return a['cert-manager.io/cluster-issuer'] !== undefined || a['cert-manager.io/issuer'] !== undefined;
    });
    return asksIssuer ? [{ 'acme.cert-manager.io/http01-solver': 'true' }] : [];
  }

  /** A namespace this repository renders, or one the cluster provides. */
  namespaceExists(name: string): boolean {
    return this.namespaces.has(name) || CLUSTER_NAMESPACES.has(name);
  }
}

export function ns(o: K8sObject): string {
  return o.metadata.namespace ?? 'default';
}

export function violation(m: Manifest, rule: PolicyRule, message: string): Violation {
  return { rule, file: m.file, kind: m.object.kind, name: m.object.metadata.name, message };
}
