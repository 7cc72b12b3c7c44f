/**
 * Generates what Argo CD reads (`argocd/`) from the folder layout of `dist/`, the environments'
 * clusters and `environments/argocd.yaml`: one AppProject per system, one ApplicationSet per
 * environment and system (a git directory generator over `dist/<env>/<system>/*`, crossed with
 * the system's clusters when it runs on several), and the bootstrap Application with its project.
 * A system's Applications go to exactly the clusters `environments/<env>/environment.yaml` places it on.
 * Pure: the same inputs give the same objects, in the same order.
 */
import { AppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet';
import { ARGOCD_IN_CLUSTER, ARGOCD_LAYOUT, ARGOCD_MANAGED_BY, ENVIRONMENTS, LABEL_KEYS, ARGOCD_NAMESPACE, DELETION_APPROVED_ANNOTATION, distSystemPath, MANIFEST_GENERATE_PATHS_ANNOTATION, PRUNE_CONFIRM, serverKey, SYNC_OPTIONS_ANNOTATION, SYNC_OPTION, SYNC_RETRY, REPOSITORY_SYNC_OPTIONS, AUTOMATED_SYNC, SYNC_WAVE_ANNOTATION, systemClusters, type Cluster, type Environment } from '@gitops/platform';
import { type RenderedObject } from '@gitops/platform/render';
import type { ArgoCdConfig } from './config';
import {
  ADDON_CLUSTER_KINDS, ADDON_NAMESPACED_KINDS, applicationsProjectName, childKindsOf, EVERY_NAMESPACE_OBJECTS, grantsSummary, isApplicationsLeaf,
  NEVER_MATCHING_KIND, type GroupKind, type NamedGroupKind,
} from './project-rules';
import type { DistLeaf } from './tree';

/** The cluster Argo CD itself runs in, as Argo CD names it. */
export const IN_CLUSTER = ARGOCD_IN_CLUSTER;
/** The project (and Application) that manages `argocd/` itself. */
export const BOOTSTRAP_NAME = 'argocd-bootstrap';

export const LABELS = {
  partOf: LABEL_KEYS.partOf,
  managedBy: LABEL_KEYS.managedBy,
  environment: 'gitops-manifests/environment',
  cluster: 'gitops-manifests/cluster',
  service: 'gitops-manifests/service',
} as const;

/**
 * The sync policy of every generated Application, after the QuizMentor document's: automated
 * prune and self-heal, never an empty sync, retried until it converges.
 * - No `CreateNamespace=true`: every system renders its own Namespace (with Pod Security
 *   Admission labels); Argo CD creating a bare one first would hide a missing Namespace.
 * - `PrunePropagationPolicy=foreground`: a pruned Deployment is gone only once its pods are.
 * - `PruneLast=true`: removals happen after everything else is applied and healthy.
 * - `ServerSideApply=true`: no 256 KiB last-applied annotation on large objects (alert rules),
 *   and fields other controllers own (the HPA's replicas) stay theirs.
 * - `SkipDryRunOnMissingResource=true` (Application level, Argo CD 3.1): a custom resource whose
 *   CRD is not installed yet (its add-on still syncing) no longer fails the dry run of the whole
 *   Application, so the earlier waves (the Namespace, the ConfigMaps) are applied; the sync then
 *   fails at that resource and is retried.
 * - `retry.limit: -1` (SYNC_RETRY): retried for ever, 5s doubling up to 3m apart.
 * How a fresh cluster converges: Argo CD orders nothing across Applications (an ApplicationSet
 * creates them all at once, and a sync wave of the bootstrap only waits for an ApplicationSet to
 * exist), so every Application retries until what it needs (the add-on's CRDs, the `*-shared`
 * Namespace, ConfigMaps and the ClusterSecretStore's Secrets) is there: add-ons first converge
 * on their own, then `*-shared`, then the services, each at most 3 minutes after its dependency.
 * - No `FailOnSharedResource=true`: Argo CD decides "shared" from the tracking id on the live
 *   object alone (controller/state.go), so after a service is renamed its new Application would
 *   fail for ever on objects the old one applied. The coverage proof checks instead that no
 *   object is rendered twice for one cluster (project-checks.ts).
 */
export const SERVICE_SYNC_POLICY = {
  automated: AUTOMATED_SYNC,
  syncOptions: [...REPOSITORY_SYNC_OPTIONS, SYNC_OPTION.skipDryRunOnMissingResource],
  retry: SYNC_RETRY,
} as const;

/**
 * The ApplicationSets' own policy: the controller creates and updates Applications but never
 * deletes them (a generator that briefly sees no folders deletes nothing), and should one be
 * deleted anyway, its resources stay in the cluster.
 */
/**
 * What Argo CD leaves out of the services' diff. A StatefulSet's `volumeClaimTemplates` is an
 * atomic list that the API server fills in (apiVersion, kind, volumeMode, status); under
 * ServerSideApply Argo CD's structured-merge diff compares it whole, so the StatefulSets of
 * postgres-primary and redis-cluster stayed OutOfSync after every successful sync (found by
 * npm run test:argocd with Argo CD 3.3.10). The field is immutable after creation (the API server
 * refuses a change, which npm run test:cluster -- --base shows), so leaving it out hides nothing
 * Argo CD could apply.
 */
export const SERVICE_IGNORE_DIFFERENCES = [{ group: 'apps', kind: 'StatefulSet', jsonPointers: ['/spec/volumeClaimTemplates'] }] as const;

export const APPLICATION_SET_SYNC_POLICY = { applicationsSync: 'create-update', preserveResourcesOnDeletion: true } as const;

/**
 * Annotations the ApplicationSet controller must leave on the Applications it updates: the
 * approval of a `Prune=confirm` deletion (without it the controller strips the approval before
 * the sync reads it; applicationset_controller.go keeps only its defaultPreservedAnnotations).
 */
export const PRESERVED_FIELDS = { annotations: [DELETION_APPROVED_ANNOTATION] } as const;

/**
 * The bootstrap applies AppProjects one wave before ApplicationSets, so no ApplicationSet
 * generates Applications of a project that does not exist yet (issue 13 item 21). An AppProject
 * has no health check, so it counts as healthy as soon as it exists.
 */
export const PROJECT_SYNC_WAVE = '-1';

/**
 * On AppProjects and ApplicationSets: the bootstrap Application prunes them only after a person
 * confirms, so a generator bug that drops a file from argocd/ cannot remove a system.
 */
const PRUNE_BY_HAND = { [SYNC_OPTIONS_ANNOTATION]: PRUNE_CONFIRM };
const PROJECT_ANNOTATIONS = { ...PRUNE_BY_HAND, [SYNC_WAVE_ANNOTATION]: PROJECT_SYNC_WAVE };

/** One generated object and where it goes under `argocd/`. */
export interface GeneratedObject {
  /** Folder under `argocd/`. */
  readonly dir: string;
  /** File name in that folder. */
  readonly file: string;
  readonly object: RenderedObject;
}

export class GenerateError extends Error {
  override name = 'GenerateError';
}

export interface GenerateInput {
  readonly leaves: readonly DistLeaf[];
  readonly environments: ReadonlyMap<string, Environment>;
  readonly config: ArgoCdConfig;
}

/** A group of a system's leaves in one environment that share a destination namespace. */
interface LeafGroup {
  readonly namespace: string;
  readonly leaves: DistLeaf[];
}

/**
 * The kinds a system may own: the AppProject whitelists a kind only when a system renders it AND
 * it is listed here, so a hostile or mistaken kind (a bare Pod, a ClusterRoleBinding, an unknown
 * CRD) is an error to review, not a permission Argo CD grants. `namespaced` is the kind's scope
 * (a cluster-scoped kind must carry no namespace; a namespaced one must carry its namespace).
 * Add a kind here, with why, when a system needs it.
 */
export const SYSTEM_KINDS: readonly { group: string; kind: string; namespaced: boolean }[] = [
  // cluster-scoped: each system its own namespace; cluster-addons the secret store
  { group: '', kind: 'Namespace', namespaced: false },
  { group: 'external-secrets.io', kind: 'ClusterSecretStore', namespaced: false },
  // workloads run through controllers (never bare Pods) and their configuration
  { group: 'apps', kind: 'Deployment', namespaced: true },
  { group: 'apps', kind: 'StatefulSet', namespaced: true },
  { group: 'batch', kind: 'Job', namespaced: true },
  { group: 'batch', kind: 'CronJob', namespaced: true },
  { group: '', kind: 'ConfigMap', namespaced: true },
  { group: '', kind: 'Service', namespaced: true },
  { group: '', kind: 'ServiceAccount', namespaced: true },
  { group: '', kind: 'ResourceQuota', namespaced: true },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', namespaced: true },
  { group: 'autoscaling.k8s.io', kind: 'VerticalPodAutoscaler', namespaced: true },
  { group: 'policy', kind: 'PodDisruptionBudget', namespaced: true },
  { group: 'networking.k8s.io', kind: 'Ingress', namespaced: true },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', namespaced: true },
  { group: 'networking.istio.io', kind: 'DestinationRule', namespaced: true },
  { group: 'networking.istio.io', kind: 'VirtualService', namespaced: true },
  { group: 'external-secrets.io', kind: 'ExternalSecret', namespaced: true },
  { group: 'monitoring.coreos.com', kind: 'PrometheusRule', namespaced: true },
  { group: 'monitoring.coreos.com', kind: 'ServiceMonitor', namespaced: true },
  { group: 'sloth.slok.dev', kind: 'PrometheusServiceLevel', namespaced: true },
  { group: 'velero.io', kind: 'Schedule', namespaced: true },
];

export function generate({ leaves: allLeaves, environments, config }: GenerateInput): GeneratedObject[] {
  checkLayout(allLeaves);
  checkKinds(allLeaves);
  checkServerSpellings(environments);
  // Folders of Argo CD Applications (the add-ons of one cluster) go to the management cluster
  // through their own ApplicationSet and project; everything else to the system's clusters.
  const applicationLeaves = allLeaves.filter(isApplicationsLeaf);
  const leaves = allLeaves.filter((l) => !isApplicationsLeaf(l));
  const systems = [...new Set(allLeaves.map((l) => l.system))].sort();
  // A Namespace belongs to one system: its project permits it by name, so two would both own it.
  const namespaceOwner = new Map<string, DistLeaf>();
  for (const l of leaves) {
    for (const o of l.objects.filter((x) => x.kind === 'Namespace' && x.group === '')) {
      const first = namespaceOwner.get(o.name);
      if (first && first.system !== l.system) throw new GenerateError(`${o.file}: Namespace ${o.name} is also rendered by system ${first.system} (${first.path}); a namespace belongs to one system`);
      if (!first) namespaceOwner.set(o.name, l);
    }
  }
  for (const system of new Set(applicationLeaves.map((l) => l.system))) {
    if (systems.includes(applicationsProjectName(system))) throw new GenerateError(`dist/*/${applicationsProjectName(system)}: a system may not be named like the project of ${system}'s Applications`);
  }
  for (const system of Object.keys(config.clusterScopedSystems)) {
    if (!systems.includes(system)) throw new GenerateError(`environments/argocd.yaml: clusterScopedSystems.${system}: no such system in dist/`);
  }
  const out: GeneratedObject[] = [];
  /** `<server> <namespace>` -> the system granted it and the leaf that uses it. */
  const granted = new Map<string, { system: string; leaf: string }>();
  for (const system of systems) {
    const envs = [...new Set(leaves.filter((l) => l.system === system).map((l) => l.env))].sort();
    const ownApplications = applicationLeaves.filter((l) => l.system === system);
    // dist/<env>/<system>/<service>/<cluster>: a service whose objects differ per cluster (render.ts)
    const perCluster = leaves.filter((l) => l.system === system && isPerCluster(l));
    for (const l of perCluster) {
      const cluster = l.path.split('/')[4];
      if (!clustersOf(environments, l.env, system).some((c) => c.name === cluster)) {
        throw new GenerateError(`${l.path}: ${cluster} is not a cluster environments/${l.env}/environment.yaml places ${system} on`);
      }
      if (leaves.some((s) => s.path === distServicePath(l))) throw new GenerateError(`${distServicePath(l)}: files both in the folder and in its per-cluster folders; a service renders one way or the other`);
    }
    const groupsByEnv = new Map(envs.map((env) => [env, groupLeaves(leaves.filter((l) => l.system === system && l.env === env), config)]));
    for (const d of projectDestinations(system, groupsByEnv, environments)) {
      // Two AppProjects granted one namespace both sync into it: a namespace belongs to one system.
      const key = `${serverKey(d.server)} ${d.namespace}`;
      const other = granted.get(key);
      if (other && other.system !== system) {
        const [a, b] = [other, { system, leaf: d.leaf }].sort((x, y) => (x.system < y.system ? -1 : 1));
        throw new GenerateError(`namespace ${d.namespace} on ${d.server} (${d.env}) would be granted to AppProjects ${a.system} (${a.leaf}) and ${b.system} (${b.leaf}): a namespace belongs to one system`);
      }
      if (!other) granted.set(key, { system, leaf: d.leaf });
    }
    out.push(project(system, groupsByEnv, leaves.filter((l) => l.system === system), ownApplications, environments, config));
    if (ownApplications.length > 0) out.push(applicationsProject(system, ownApplications, environments, config));
    for (const env of [...new Set(ownApplications.map((l) => l.env))].sort()) {
      if (!environments.get(env)) throw new GenerateError(`dist/${env}/: no environments/${env}/environment.yaml names its clusters`);
      out.push(applicationsApplicationSet(system, environments.get(env)!, clustersOf(environments, env, system), ownApplications.filter((l) => l.env === env), config));
    }
    for (const env of envs) {
      const environment = environments.get(env);
      if (!environment) throw new GenerateError(`dist/${env}/: no environments/${env}/environment.yaml names its clusters`);
      const groups = groupsByEnv.get(env)!;
      const clusters = clustersOf(environments, env, system);
      const own = perCluster.filter((l) => l.env === env);
      // the folders of Applications are carved out of the system generator too
      const carvedApplications = ownApplications.filter((l) => l.env === env);
      groups.forEach((group, i) => {
        const shared = { ...group, leaves: group.leaves.filter((l) => !isPerCluster(l)) };
        // the main generator's dist/<env>/<system>/* must not take a folder of per-cluster folders
        const carved = i === 0 ? [...groups.slice(1), { namespace: '', leaves: [...own, ...carvedApplications] }] : null;
        if (shared.leaves.length > 0 || i === 0) out.push(applicationSet(system, environment, clusters, shared, carved, config));
      });
      if (own.length > 0) out.push(perClusterApplicationSet(system, environment, clusters, own, groups[0].namespace, config));
    }
  }
  out.push(bootstrapProject(config), bootstrapApplication(config));
  return out;
}

/** `dist/<env>/<system>/<service>/<cluster>`: one cluster's folder of a service whose objects differ per cluster. */
function isPerCluster(leaf: DistLeaf): boolean {
  return leaf.path.split('/').length === 5;
}

/** `dist/<env>/<system>/<service>` of a leaf. */
function distServicePath(leaf: DistLeaf): string {
  return leaf.path.split('/').slice(0, 4).join('/');
}

/**
 * Leaves must be `dist/<env>/<system>/<service>` (synced to every cluster of the system), or
 * `dist/<env>/<system>/<service>/<cluster>` (synced to that cluster): no files elsewhere, nothing deeper.
 */
function checkLayout(leaves: readonly DistLeaf[]): void {
  for (const leaf of leaves) {
    const depth = leaf.path.split('/').length;
    if (!leaf.service || (depth !== 4 && depth !== 5)) {
      throw new GenerateError(`${leaf.path}: files must be in dist/<env>/<system>/<service>/ (or its per-cluster folders dist/<env>/<system>/<service>/<cluster>/), one folder per service`);
    }
    if (leaf.objects.length === 0) throw new GenerateError(`${leaf.path}: holds no Kubernetes object`);
  }
}

/** Every object's kind must be one a system may own, in its scope. */
function checkKinds(leaves: readonly DistLeaf[]): void {
  for (const leaf of leaves) {
    const apps = leaf.objects.filter((o) => o.group === 'argoproj.io' && o.kind === 'Application');
    if (apps.length === 0) continue;
    if (apps.length !== leaf.objects.length) throw new GenerateError(`${leaf.path}: Argo CD Applications and other objects in one folder; Applications go to the management cluster, the rest to the workload cluster, so they need separate folders`);
    if (leaf.path.split('/').length !== 5) throw new GenerateError(`${leaf.path}: a folder of Argo CD Applications must be per cluster (dist/<env>/<system>/<service>/<cluster>), so it says which cluster its Applications deploy to`);
    for (const o of apps) if (o.namespace !== ARGOCD_NAMESPACE) throw new GenerateError(`${o.file}: Application ${o.name} must be in namespace ${ARGOCD_NAMESPACE}, where Argo CD reads Applications`);
  }
  for (const o of leaves.filter((l) => !isApplicationsLeaf(l)).flatMap((l) => l.objects)) {
    const known = SYSTEM_KINDS.find((k) => k.group === o.group && k.kind === o.kind);
    if (!known) {
      throw new GenerateError(`${o.file}: ${o.kind} (${o.group || 'core group'}) is not a kind a system may own (apps/argocd/src/generate.ts SYSTEM_KINDS); the AppProject will not whitelist it`);
    }
    if (known.namespaced !== Boolean(o.namespace)) {
      throw new GenerateError(`${o.file}: ${o.kind} is ${known.namespaced ? 'namespaced: it must have' : 'cluster-scoped: it must not have'} metadata.namespace`);
    }
  }
}

/** The (server, namespace) destinations of a system's AppProject, each with a leaf that needs it. */
function projectDestinations(system: string, groupsByEnv: Map<string, LeafGroup[]>, environments: ReadonlyMap<string, Environment>) {
  const out: { env: string; server: string; namespace: string; leaf: string }[] = [];
  for (const [env, groups] of groupsByEnv) {
    for (const cluster of clustersOf(environments, env, system)) {
      for (const g of groups) {
        out.push({ env, server: cluster.server, namespace: g.namespace, leaf: g.leaves[0]?.path ?? distSystemPath(env, '') });
        for (const l of g.leaves) for (const namespace of leafNamespaces(l)) out.push({ env, server: cluster.server, namespace, leaf: l.path });
      }
    }
  }
  return out;
}

/**
 * The namespace a leaf's Application deploys into: the one most of its namespaced objects use
 * (ties: alphabetical); undefined when all are cluster-scoped. Objects in other namespaces (a
 * Velero Schedule lives in `velero`) carry their namespace, and the project permits it.
 */
export function leafNamespace(leaf: DistLeaf): string | undefined {
  const counts = new Map<string, number>();
  for (const o of leaf.objects) if (o.namespace) counts.set(o.namespace, (counts.get(o.namespace) ?? 0) + 1);
  return [...counts.entries()].sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1))[0]?.[0];
}

/** Every namespace the objects of a leaf use. */
export function leafNamespaces(leaf: DistLeaf): string[] {
  return [...new Set(leaf.objects.map((o) => o.namespace).filter((n): n is string => Boolean(n)))].sort();
}

/**
 * Groups a system's leaves of one environment by destination namespace, the largest group first
 * (it gets the `dist/<env>/<system>/*` generator; the others are carved out of it).
 */
function groupLeaves(leaves: DistLeaf[], config: ArgoCdConfig): LeafGroup[] {
  const system = leaves[0].system;
  const byNamespace = new Map<string, DistLeaf[]>();
  const clusterScoped: DistLeaf[] = [];
  for (const leaf of leaves) {
    const ns = leafNamespace(leaf);
    if (ns) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), leaf]);
    else clusterScoped.push(leaf);
  }
  const configured = config.clusterScopedSystems[system];
  if (byNamespace.size > 0 && configured) {
    throw new GenerateError(`environments/argocd.yaml: clusterScopedSystems.${system}: the system renders namespaced objects; remove the entry`);
  }
  if (byNamespace.size === 0) {
    if (!configured) {
      throw new GenerateError(`${distSystemPath(leaves[0].env, system)}: only cluster-scoped objects; name the namespace its Applications target in environments/argocd.yaml under clusterScopedSystems.${system}`);
    }
    byNamespace.set(configured, []);
  }
  const groups = [...byNamespace.entries()]
    .map(([namespace, ls]) => ({ namespace, leaves: ls }))
    .sort((a, b) => b.leaves.length - a.leaves.length || (a.namespace < b.namespace ? -1 : 1));
  // A leaf of cluster-scoped objects only goes with the system's main namespace.
  groups[0].leaves.push(...clusterScoped);
  for (const g of groups) g.leaves.sort((a, b) => (a.path < b.path ? -1 : 1));
  return groups;
}

/**
 * One API server, one spelling, across environments: Argo CD matches a cluster by its server
 * string, so `https://A.example.com/` and `https://a.example.com` would be two clusters (and
 * two sets of credentials) for one API server. Within one environment the schema refuses it.
 */
function checkServerSpellings(environments: ReadonlyMap<string, Environment>): void {
  const seen = new Map<string, { env: string; cluster: string; server: string }>();
  for (const [env, environment] of [...environments].sort(([a], [b]) => (a === b ? 0 : ENV_ORDER(a) - ENV_ORDER(b)))) {
    for (const c of environment.clusters) {
      const first = seen.get(serverKey(c.server));
      if (first && first.server !== c.server) {
        throw new GenerateError(`environments/${env}/environment.yaml: clusters: ${c.name}: server ${c.server} is ${first.server} spelled another way (environments/${first.env}/environment.yaml, ${first.cluster}); Argo CD matches servers by their text, so write it the same way`);
      }
      if (!first) seen.set(serverKey(c.server), { env, cluster: c.name, server: c.server });
    }
  }
}

/** Environments in promotion order (development, staging, production), others after. */
const ENV_ORDER = (env: string) => {
  const i = (ENVIRONMENTS as readonly string[]).indexOf(env);
  return i < 0 ? ENVIRONMENTS.length : i;
};

/** The clusters `environments/<env>/environment.yaml` places a system on. */
export function clustersOf(environments: ReadonlyMap<string, Environment>, env: string, system: string): Cluster[] {
  const environment = environments.get(env);
  if (!environment) throw new GenerateError(`dist/${env}/: no environments/${env}/environment.yaml names its clusters`);
  const clusters = systemClusters(environment, system);
  if (!clusters) throw new GenerateError(`environments/${env}/environment.yaml: systems.${system}: no placement, but dist/${env}/${system}/ exists; say which clusters it runs on`);
  return clusters;
}

/** `<system>-<service without the system prefix>-<cluster>`: project, service, environment and cluster in one name. */
export function applicationName(system: string, service: string, cluster: string): string {
  return `${system}-${service.startsWith(`${system}-`) ? service.slice(system.length + 1) : service}-${cluster}`;
}

/** The Argo CD Applications in a system's folders of Applications (the add-ons), as rendered. */
function innerApplications(applicationLeaves: readonly DistLeaf[]) {
  return applicationLeaves.flatMap((l) => l.objects.map((o) => ({ leaf: l, name: o.name, spec: o.spec as any })));
}

function project(system: string, groupsByEnv: Map<string, LeafGroup[]>, leaves: DistLeaf[], applicationLeaves: readonly DistLeaf[], environments: ReadonlyMap<string, Environment>, config: ArgoCdConfig): GeneratedObject {
  const destinations = new Map<string, { server: string; namespace: string }>();
  for (const { server, namespace } of projectDestinations(system, groupsByEnv, environments)) destinations.set(`${server} ${namespace}`, { server, namespace });
  // The add-on Applications of this project: their clusters and namespaces, their chart repositories.
  const inner = innerApplications(applicationLeaves);
  for (const a of inner) {
    if (a.spec?.project !== system) throw new GenerateError(`${a.leaf.path}: Application ${a.name} names project ${a.spec?.project}; the Applications a system renders belong to its own project, ${system}`);
    destinations.set(`${a.spec.destination.server} ${a.spec.destination.namespace}`, { server: a.spec.destination.server, namespace: a.spec.destination.namespace });
  }
  const addons = inner.length > 0;
  const rendered = leaves.flatMap((l) => l.objects);
  const sortKinds = <T extends NamedGroupKind>(list: T[]) => [...new Map(list.map((k) => [`${k.group}/${k.kind}/${k.name ?? ''}`, k])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  // Cluster-scoped: the kinds the system renders, each Namespace by its name (Argo CD 3.3), so a
  // system can neither create nor take another's namespace; plus what add-on charts install.
  const clusterKinds = sortKinds([
    ...rendered.filter((o) => !o.namespace).map((o) => (o.kind === 'Namespace' && o.group === '' ? { group: '', kind: 'Namespace', name: o.name } : { group: o.group, kind: o.kind })),
    ...(addons ? ADDON_CLUSTER_KINDS : []),
    // CreateNamespace=true creates the add-on's namespace, checked against this list like any object
    ...inner.filter((a) => (a.spec.syncPolicy?.syncOptions ?? []).includes(SYNC_OPTION.createNamespace)).map((a) => ({ group: '', kind: 'Namespace', name: a.spec.destination.namespace as string })),
  ]);
  // Namespaced: the kinds it renders and those the cluster creates below them (Pods, ReplicaSets,
  // EndpointSlices, ExternalSecret Secrets), which Argo CD otherwise drops from the resource tree.
  const namespacedRendered = sortKinds(rendered.filter((o) => o.namespace).map((o) => ({ group: o.group, kind: o.kind })));
  const namespacedKinds: GroupKind[] = addons ? [...ADDON_NAMESPACED_KINDS] : sortKinds([...namespacedRendered, ...childKindsOf(namespacedRendered)]);
  const envs = [...new Set([...groupsByEnv.keys(), ...applicationLeaves.map((l) => l.env)])];
  const roles = config.roles
    .map((r) => {
      const byEnv = new Map<string, Set<string>>();
      const policies: string[] = [];
      for (const g of r.grants) {
        for (const e of g.environments.filter((env) => envs.includes(env))) {
          for (const c of clustersOf(environments, e, system)) {
            // Application names end with their cluster (applicationName), so a role reaches an
            // environment's Applications through the clusters the system runs on there; the
            // add-on Applications by name.
            const objects = [
              ...(groupsByEnv.has(e) ? [`${system}/${system}-*-${c.name}`] : []),
              ...inner.filter((a) => a.leaf.env === e && a.spec.destination.server === c.server).map((a) => `${system}/${a.name}`),
            ];
            for (const a of g.actions) {
              for (const obj of objects) policies.push(a === 'logs' ? `p, proj:${system}:${r.name}, logs, get, ${obj}, allow` : `p, proj:${system}:${r.name}, applications, ${a}, ${obj}, allow`);
              if (objects.length > 0) byEnv.set(e, (byEnv.get(e) ?? new Set()).add(a));
            }
          }
        }
      }
      // The description is the role's purpose and exactly what the policies grant.
      return { name: r.name, description: `${r.purpose} (${grantsSummary(byEnv)})`, groups: [...r.groups], policies: [...new Set(policies)] };
    })
    .filter((r) => r.policies.length > 0);
  const syncWindows = [...groupsByEnv.keys()].flatMap((env) =>
    (config.syncWindows[env as keyof typeof config.syncWindows] ?? []).map((w) => ({
      ...w,
      // Applications name their cluster by server, so the window matches servers; no
      // `applications` list, which would widen the window to every cluster (windows OR their selectors).
      clusters: clustersOf(environments, env, system).map((c) => c.server),
    })));
  const model = new AppProject({
    metadata: { name: system, namespace: ARGOCD_NAMESPACE, labels: { [LABELS.partOf]: system, [LABELS.managedBy]: ARGOCD_MANAGED_BY }, annotations: PROJECT_ANNOTATIONS },
    spec: {
      description: `${system}: only its own namespaces (${[...new Set([...destinations.values()].map((d) => d.namespace))].sort().join(', ')}) and the kinds it renders${addons ? ' and its add-ons install' : ''}`,
      sourceRepos: [config.repoURL, ...[...new Set(inner.flatMap((a) => (a.spec.sources ?? [a.spec.source]).map((src: any) => src.repoURL as string)))].sort()],
      destinations: [...destinations.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d),
      // Cluster-scoped kinds: an empty or absent list allows none (IsGroupKindNamePermitted).
      clusterResourceWhitelist: clusterKinds,
      // Namespaced kinds: never empty (project-rules.ts NEVER_MATCHING_KIND: [] turns into absent, which allows all).
      namespaceResourceWhitelist: namespacedKinds.length > 0 ? namespacedKinds : [NEVER_MATCHING_KIND],
      // What the cluster puts in every namespace is not an orphan (project-rules.ts EVERY_NAMESPACE_OBJECTS).
      // Orphans are listed but not warned on where add-ons deploy: their destinations include
      // kube-system, where EKS runs components no Application manages (coredns, aws-node, kube-proxy).
      orphanedResources: { warn: !addons, ignore: EVERY_NAMESPACE_OBJECTS.map((o) => ({ ...o })) },
      ...(roles.length ? { roles } : {}),
      ...(syncWindows.length ? { syncWindows } : {}),
    },
  });
  return emit(ARGOCD_LAYOUT.projectsDir, `${system}.yaml`, model);
}

/**
 * The project of the Applications that sync a system's folders of Applications: they may create
 * `argoproj.io/Application` in `argocd` on the management cluster and nothing else; what those
 * Applications deploy is decided by their own project (the system's).
 */
function applicationsProject(system: string, applicationLeaves: readonly DistLeaf[], environments: ReadonlyMap<string, Environment>, config: ArgoCdConfig): GeneratedObject {
  const name = applicationsProjectName(system);
  // The same roles as the system's, on the Applications of these folders (`<system>-<service>-<cluster>`).
  const roles = config.roles.map((r) => {
    const byEnv = new Map<string, Set<string>>();
    const policies: string[] = [];
    for (const g of r.grants) {
      for (const l of applicationLeaves.filter((leaf) => g.environments.includes(leaf.env as never))) {
        const obj = `${name}/${applicationName(system, l.service, l.path.split('/')[4])}`;
        for (const a of g.actions) {
          policies.push(a === 'logs' ? `p, proj:${name}:${r.name}, logs, get, ${obj}, allow` : `p, proj:${name}:${r.name}, applications, ${a}, ${obj}, allow`);
          byEnv.set(l.env, (byEnv.get(l.env) ?? new Set()).add(a));
        }
      }
    }
    return { name: r.name, description: `${r.purpose} (${grantsSummary(byEnv)})`, groups: [...r.groups], policies: [...new Set(policies)] };
  }).filter((r) => r.policies.length > 0);
  const model = new AppProject({
    metadata: { name, namespace: ARGOCD_NAMESPACE, labels: { [LABELS.partOf]: system, [LABELS.managedBy]: ARGOCD_MANAGED_BY }, annotations: PROJECT_ANNOTATIONS },
    spec: {
      description: `${system}'s Argo CD Applications, per cluster: only argoproj.io/Application in ${ARGOCD_NAMESPACE} on the management cluster`,
      sourceRepos: [config.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: [{ group: 'argoproj.io', kind: 'Application' }],
      ...(roles.length ? { roles } : {}),
    },
  });
  return emit(ARGOCD_LAYOUT.projectsDir, `${name}.yaml`, model);
}

/** What differs between the ApplicationSets of service folders: the rest is one shape. */
interface ServiceApplicationSetProps {
  readonly name: string;
  readonly system: string;
  readonly env: Environment;
  readonly generators: unknown[];
  /** Go-template expressions of the generator's parameters. */
  readonly params: { readonly service: string; readonly cluster: string; readonly path: string };
  readonly project: string;
  readonly destination: { readonly server: string; readonly namespace: string };
  readonly config: ArgoCdConfig;
}

/** An ApplicationSet of service folders: one Application per folder and cluster, named and labelled alike. */
function serviceApplicationSet(p: ServiceApplicationSetProps): GeneratedObject {
  const { system, env, params } = p;
  const model = new ApplicationSet({
    metadata: { name: p.name, namespace: ARGOCD_NAMESPACE, labels: { [LABELS.partOf]: system, [LABELS.environment]: env.name, [LABELS.managedBy]: ARGOCD_MANAGED_BY }, annotations: PRUNE_BY_HAND },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: p.generators as never,
      syncPolicy: { ...APPLICATION_SET_SYNC_POLICY },
      preservedFields: structuredClone(PRESERVED_FIELDS) as never,
      template: {
        metadata: {
          name: `${system}-{{ trimPrefix "${system}-" ${params.service} }}-${params.cluster}`,
          labels: {
            [LABELS.partOf]: system,
            [LABELS.service]: `{{ ${params.service} }}`,
            [LABELS.environment]: env.name,
            [LABELS.cluster]: params.cluster,
            [LABELS.managedBy]: ARGOCD_MANAGED_BY,
          },
          // A push refreshes (and re-renders) only the Applications whose folder it touched.
          annotations: { [MANIFEST_GENERATE_PATHS_ANNOTATION]: `/{{ ${params.path} }}` },
        },
        spec: {
          project: p.project,
          source: { repoURL: p.config.repoURL, targetRevision: p.config.targetRevision, path: `{{ ${params.path} }}`, directory: { recurse: false } },
          destination: { ...p.destination },
          syncPolicy: structuredClone(SERVICE_SYNC_POLICY) as never,
          ignoreDifferences: structuredClone(SERVICE_IGNORE_DIFFERENCES) as never,
        },
      },
    },
  });
  return emit(ARGOCD_LAYOUT.applicationSetsDir, `${p.name}.yaml`, model);
}

/**
 * One Application per folder of Applications (`dist/<env>/<system>/<service>/<cluster>`), named
 * after the cluster its Applications deploy to, synced to the management cluster's `argocd`
 * namespace. The Applications inside carry sync waves by dependency (add-ons before what needs
 * them); Argo CD waits for an Application's health between waves only with the
 * `resource.customizations.health.argoproj.io_Application` setting (removed from the defaults in
 * Argo CD 1.8), which the README's install section has the user set: without it the waves apply
 * in order without waiting, and the add-ons converge through their unlimited retries.
 */
function applicationsApplicationSet(system: string, env: Environment, clusters: readonly Cluster[], leaves: readonly DistLeaf[], config: ArgoCdConfig): GeneratedObject {
  const elements = leaves.map((l) => {
    const cluster = clusters.find((c) => c.name === l.path.split('/')[4]);
    if (!cluster) throw new GenerateError(`${l.path}: ${l.path.split('/')[4]} is not a cluster environments/${env.name}/environment.yaml places ${system} on`);
    const name = applicationName(system, l.service, cluster.name);
    if (name.length > 63) throw new GenerateError(`${l.path}: Application name ${name} is ${name.length} characters; at most 63 (shorten the service or cluster name)`);
    return { path: l.path, service: l.service, cluster: cluster.name };
  });
  return serviceApplicationSet({
    name: `${env.name}-${applicationsProjectName(system)}`,
    system,
    env,
    generators: [{ list: { elements } }],
    params: { service: '.service', cluster: '{{ .cluster }}', path: '.path' },
    project: applicationsProjectName(system),
    destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
    config,
  });
}

function applicationSet(system: string, env: Environment, clusters: readonly Cluster[], group: LeafGroup, carvedOut: LeafGroup[] | null, config: ArgoCdConfig): GeneratedObject {
  // exactly the clusters the system runs on in this environment
  const several = clusters.length > 1;
  const only = clusters[0];
  const clusterParam = several ? '{{ .cluster }}' : only.name;
  const serverParam = several ? '{{ .server }}' : only.server;
  // The main group lists every folder of the system (so a new service needs no change here),
  // minus the folders of other groups; a further group lists its folders by name.
  const directories = carvedOut
    ? [{ path: `${distSystemPath(env.name, system)}/*` }, ...[...new Set(carvedOut.flatMap((g) => g.leaves).map(distServicePath))].map((path) => ({ path, exclude: true }))]
    : group.leaves.map((l) => ({ path: l.path }));
  const git = { repoURL: config.repoURL, revision: config.targetRevision, directories };
  const generators = several
    ? [{ matrix: { generators: [{ git }, { list: { elements: clusters.map((c) => ({ cluster: c.name, server: c.server })) } }] } }]
    : [{ git }];
  for (const leaf of group.leaves) {
    for (const c of clusters) {
      const name = applicationName(system, leaf.service, c.name);
      if (name.length > 63) throw new GenerateError(`${leaf.path}: Application name ${name} is ${name.length} characters; at most 63 (shorten the service or cluster name)`);
    }
  }
  return serviceApplicationSet({
    name: carvedOut ? `${env.name}-${system}` : `${env.name}-${system}-${group.namespace}`,
    system,
    env,
    generators,
    params: { service: '.path.basename', cluster: clusterParam, path: '.path.path' },
    project: system,
    destination: { server: serverParam, namespace: group.namespace },
    config,
  });
}

/**
 * The Applications of per-cluster folders, listed one by one (a list generator): each folder goes
 * to its own cluster only, under the name and labels every other Application of the system has.
 */
function perClusterApplicationSet(system: string, env: Environment, clusters: readonly Cluster[], leaves: readonly DistLeaf[], mainNamespace: string, config: ArgoCdConfig): GeneratedObject {
  const elements = leaves.map((l) => {
    const cluster = clusters.find((c) => c.name === l.path.split('/')[4])!;
    const name = applicationName(system, l.service, cluster.name);
    if (name.length > 63) throw new GenerateError(`${l.path}: Application name ${name} is ${name.length} characters; at most 63 (shorten the service or cluster name)`);
    return { path: l.path, service: l.service, cluster: cluster.name, server: cluster.server, namespace: leafNamespace(l) ?? mainNamespace };
  });
  return serviceApplicationSet({
    name: `${env.name}-${system}-per-cluster`,
    system,
    env,
    generators: [{ list: { elements } }],
    params: { service: '.service', cluster: '{{ .cluster }}', path: '.path' },
    project: system,
    destination: { server: '{{ .server }}', namespace: '{{ .namespace }}' },
    config,
  });
}

/** The project of the app of apps: Argo CD's own objects, in its own namespace, nothing else. */
function bootstrapProject(config: ArgoCdConfig): GeneratedObject {
  const model = new AppProject({
    metadata: { name: BOOTSTRAP_NAME, namespace: ARGOCD_NAMESPACE, labels: { [LABELS.managedBy]: ARGOCD_MANAGED_BY } },
    spec: {
      description: `Argo CD's own configuration: the AppProjects, ApplicationSets and this bootstrap, from ${ARGOCD_LAYOUT.root}/`,
      sourceRepos: [config.repoURL],
      destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: ['AppProject', 'Application', 'ApplicationSet'].map((kind) => ({ group: 'argoproj.io', kind })),
      orphanedResources: { warn: true },
    },
  });
  return emit(ARGOCD_LAYOUT.bootstrapDir, 'project.yaml', model);
}

/** The app of apps: syncs `argocd/` (recursively), including itself and its project. */
function bootstrapApplication(config: ArgoCdConfig): GeneratedObject {
  const model = new Application({
    metadata: {
      name: BOOTSTRAP_NAME,
      namespace: ARGOCD_NAMESPACE,
      labels: { [LABELS.managedBy]: ARGOCD_MANAGED_BY },
      annotations: { [MANIFEST_GENERATE_PATHS_ANNOTATION]: `/${ARGOCD_LAYOUT.root}` },
    },
    spec: {
      project: BOOTSTRAP_NAME,
      source: { repoURL: config.repoURL, targetRevision: config.targetRevision, path: ARGOCD_LAYOUT.root, directory: { recurse: true } },
      destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
      syncPolicy: {
        automated: { ...AUTOMATED_SYNC },
        // The bootstrap alone may fail on a shared object: nothing else should apply argocd/.
        syncOptions: [...REPOSITORY_SYNC_OPTIONS, SYNC_OPTION.failOnSharedResource],
        retry: structuredClone(SERVICE_SYNC_POLICY.retry) as never,
      },
    },
  });
  return emit(ARGOCD_LAYOUT.bootstrapDir, 'application.yaml', model);
}

/** Validates the model against its package's schema and returns it as a plain object. */
function emit(dir: string, file: string, model: { validate(): void; toJSON(): unknown }): GeneratedObject {
  model.validate();
  return { dir, file, object: JSON.parse(JSON.stringify(model.toJSON())) as RenderedObject };
}
