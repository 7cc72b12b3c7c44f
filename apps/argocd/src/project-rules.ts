/**
 * What an AppProject must allow, and how Argo CD reads it: the generator (`generate.ts`) builds
 * projects from these rules and the coverage proof (`coverage.ts`) checks `argocd/` against them
 * with the same matching Argo CD uses. Sources cite the argo-cd repository (v3.3+).
 */
import type { DistLeaf } from './tree';
import { goPathMatch } from '@gitops/platform';

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}
export interface NamedGroupKind extends GroupKind {
  readonly name?: string;
}

const key = (g: GroupKind) => `${g.group}/${g.kind}`;

/**
 * Kinds the cluster creates for a rendered kind (by ownerReference, or Argo CD's own link of a
 * StatefulSet to its claims). Argo CD leaves a child out of the resource tree when its project
 * does not permit the child's kind (controller/appcontroller.go `getResourceTree`:
 * `proj.IsResourcePermitted(child...)`, `if !permitted { return false }`), so without these, Pods,
 * ReplicaSets, Job pods, EndpointSlices and ExternalSecret-made Secrets vanish from the UI and
 * `argocd app logs` finds no pod. Argo CD has no "visible but not deployable" list: the generator's
 * SYSTEM_KINDS check keeps these kinds out of dist/ instead.
 */
export const CHILD_KINDS: Readonly<Record<string, readonly GroupKind[]>> = {
  'apps/Deployment': [{ group: 'apps', kind: 'ReplicaSet' }],
  'apps/ReplicaSet': [{ group: '', kind: 'Pod' }],
  'apps/StatefulSet': [{ group: '', kind: 'Pod' }, { group: 'apps', kind: 'ControllerRevision' }, { group: '', kind: 'PersistentVolumeClaim' }],
  'apps/DaemonSet': [{ group: '', kind: 'Pod' }, { group: 'apps', kind: 'ControllerRevision' }],
  'batch/CronJob': [{ group: 'batch', kind: 'Job' }],
  'batch/Job': [{ group: '', kind: 'Pod' }],
  '/Service': [{ group: 'discovery.k8s.io', kind: 'EndpointSlice' }],
  // creationPolicy Owner (the default): the operator sets the ExternalSecret as the Secret's owner
  'external-secrets.io/ExternalSecret': [{ group: '', kind: 'Secret' }],
};

/** Every kind the cluster creates below the given kinds, transitively, sorted, without the given ones. */
export function childKindsOf(kinds: readonly GroupKind[]): GroupKind[] {
  const seen = new Map(kinds.map((k) => [key(k), k]));
  const out = new Map<string, GroupKind>();
  const queue = [...kinds];
  while (queue.length > 0) {
    for (const child of CHILD_KINDS[key(queue.shift()!)] ?? []) {
      if (seen.has(key(child))) continue;
      seen.set(key(child), child);
      out.set(key(child), child);
      queue.push(child);
    }
  }
  return [...out.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
}

/**
 * Objects the cluster puts in every namespace, which no Application renders. Argo CD's orphaned
 * resource warning skips the first two by itself (controller/appcontroller.go
 * `isKnownOrphanedResourceExclusion`); istiod publishes `istio-ca-root-cert` into every namespace,
 * so a project with orphan warnings lists it under `orphanedResources.ignore` (all three are listed,
 * so the list says what it covers).
 */
export const EVERY_NAMESPACE_OBJECTS: readonly Required<NamedGroupKind>[] = [
  { group: '', kind: 'ConfigMap', name: 'kube-root-ca.crt' },
  { group: '', kind: 'ServiceAccount', name: 'default' },
  { group: '', kind: 'ConfigMap', name: 'istio-ca-root-cert' },
];

/** Argo CD's own exclusions of orphaned resources (controller/appcontroller.go `isKnownOrphanedResourceExclusion`). */
export function isOrphanIgnored(o: Required<NamedGroupKind>, ignore: readonly NamedGroupKind[] | undefined): boolean {
  if (o.group === '' && o.kind === 'ServiceAccount' && o.name === 'default') return true;
  if (o.group === '' && o.kind === 'ConfigMap' && o.name === 'kube-root-ca.crt') return true;
  return (ignore ?? []).some((i) => (!i.kind || goPathMatch(i.kind, o.kind)) && goPathMatch(i.group ?? '', o.group) && (!i.name || goPathMatch(i.name, o.name)));
}

/**
 * The cluster-scoped kinds the add-on charts install, allowed to the project of the add-on
 * Applications (https://argo-cd.readthedocs.io/en/stable/user-guide/projects/: a cluster-scoped
 * kind is denied unless whitelisted). Narrowest that installs them: CRDs (every operator), the
 * controllers' cluster RBAC, admission webhooks and policies (external-secrets, cert-manager,
 * istio, aws-load-balancer-controller, kube-prometheus-stack), metrics-server's APIService, the
 * EBS driver's CSIDriver and StorageClass, ingress classes and their ALB parameters, and
 * cert-manager's ClusterIssuer. Namespaces only by name (the add-ons' own). Namespaced kinds are
 * not listed one by one: every chart brings its own (Deployments, Secrets, Jobs, its CRs), the list
 * could not be checked without rendering the charts, and the destinations already confine them to
 * the add-ons' namespaces.
 */
export const ADDON_CLUSTER_KINDS: readonly GroupKind[] = [
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' },
  { group: 'apiregistration.k8s.io', kind: 'APIService' },
  { group: 'cert-manager.io', kind: 'ClusterIssuer' },
  { group: 'elbv2.k8s.aws', kind: 'IngressClassParams' },
  { group: 'networking.k8s.io', kind: 'IngressClass' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
  { group: 'storage.k8s.io', kind: 'CSIDriver' },
  { group: 'storage.k8s.io', kind: 'StorageClass' },
];
/** Namespaced kinds of the add-on Applications' project: any, inside the add-on namespaces. */
export const ADDON_NAMESPACED_KINDS: readonly GroupKind[] = [{ group: '*', kind: '*' }];

/**
 * The namespaced whitelist of a project that may create no namespaced object. An empty list
 * denies all (`len(namespaceWhitelist) != 0 && ...` in `IsGroupKindNamePermitted`,
 * pkg/apis/application/v1alpha1/app_project_types.go) but a nil one allows all, and the field is
 * `omitempty`: one round trip through the API (an `argocd proj` edit, a controller update) turns
 * `[]` into nil. An entry no object can match survives the round trip: `.invalid` is reserved
 * (RFC 2606), so no API group has it.
 */
export const NEVER_MATCHING_KIND: GroupKind = { group: 'nothing.invalid', kind: 'NoNamespacedObject' };

/**
 * Argo CD's check of a kind (and, for cluster-scoped kinds, a name) against a project's
 * whitelists: pkg/apis/application/v1alpha1/app_project_types.go `IsGroupKindNamePermitted` and
 * types.go `isResourceInList`/`isNamedResourceInList` (Go `filepath.Match` globs; an entry without
 * a name matches every name; an empty cluster whitelist denies all, a nil namespaced one allows all).
 */
export function isGroupKindNamePermitted(project: any, o: GroupKind & { name: string }, namespaced: boolean): boolean {
  if (namespaced) {
    const list: NamedGroupKind[] | undefined = project.spec.namespaceResourceWhitelist;
    const black: NamedGroupKind[] = project.spec.namespaceResourceBlacklist ?? [];
    const inList = (l: NamedGroupKind[]) => l.some((e) => goPathMatch(e.kind, o.kind) && goPathMatch(e.group, o.group));
    return (list === undefined || (list.length > 0 && inList(list))) && !inList(black);
  }
  const inNamed = (l: NamedGroupKind[]) => l.some((e) => goPathMatch(e.kind, o.kind) && goPathMatch(e.group, o.group) && (!e.name || goPathMatch(e.name, o.name)));
  const list: NamedGroupKind[] = project.spec.clusterResourceWhitelist ?? [];
  return list.length > 0 && inNamed(list) && !inNamed(project.spec.clusterResourceBlacklist ?? []);
}

/** A folder of Argo CD Applications (an app of apps), e.g. the add-ons of one cluster: synced to the management cluster. */
export function isApplicationsLeaf(leaf: DistLeaf): boolean {
  return leaf.objects.length > 0 && leaf.objects.every((o) => o.group === 'argoproj.io' && o.kind === 'Application');
}

/** The project of the Applications that sync a system's folders of Applications: it may create Applications in argocd, nothing else. */
export function applicationsProjectName(system: string): string {
  return `${system}-applications`;
}

/**
 * What a role's policies grant, in words: `production: get, logs, sync, update`. The generator
 * writes it into the role's description from the grants; the coverage proof reads it back from
 * the policies, so a description cannot say more or less than the policies do.
 */
export function grantsSummary(byEnv: ReadonlyMap<string, ReadonlySet<string>>): string {
  return [...byEnv].filter(([, a]) => a.size > 0).sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([env, actions]) => `${env}: ${[...actions].sort().join(', ')}`).join('; ');
}
