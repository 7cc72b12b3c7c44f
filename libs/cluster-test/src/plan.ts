/**
 * What each cluster receives, read from the repository as Argo CD reads it: the ApplicationSets of
 * argocd/applicationsets generate the Applications (@gitops/platform's expandApplicationSet, the one
 * apps/argocd's coverage proof uses), each Application's
 * folder in dist/ is what it syncs (as committed in the working tree, never a fresh render), and the
 * add-on Applications (synced to the management cluster) say which charts each cluster runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ARGOCD_IN_CLUSTER, ENVIRONMENTS, expandApplicationSet, HOOK_ANNOTATION, parseYaml, SYNC_WAVE_ANNOTATION } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import type { KubeObject } from './kube-client';

export interface PlannedObject {
  readonly object: KubeObject;
  /** Repository-relative file it came from. */
  readonly file: string;
}

/** One Argo CD Application with a folder of plain manifests. */
export interface PlannedApp {
  readonly name: string;
  /** dist/<env>/<system>/<service>[/<cluster>] */
  readonly path: string;
  readonly objects: readonly PlannedObject[];
}

/** An add-on Application (a Helm chart) destined for a cluster. */
export interface PlannedAddon {
  readonly name: string;
  readonly chart: string;
  readonly repoURL: string;
  readonly version: string;
  readonly values: Record<string, any>;
  readonly file: string;
  /** The Application as rendered. */
  readonly application: KubeObject;
}

export interface ClusterPlan {
  readonly name: string;
  readonly environment: string;
  readonly server: string;
  readonly kubernetesVersion: string;
  readonly apps: PlannedApp[];
  readonly addons: PlannedAddon[];
}

export interface Plan {
  /** The management cluster (Argo CD's own): the bootstrap's folders of add-on Applications. */
  readonly management: ClusterPlan;
  readonly clusters: ClusterPlan[];
}

/** The objects of one folder, read as Argo CD's repo server does (*.yaml, *.yml, *.json; no recursion). */
export function readFolder(root: string, path: string): PlannedObject[] {
  const dir = join(root, path);
  const out: PlannedObject[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (!/\.(ya?ml|json)$/.test(entry)) continue;
    const file = relative(root, join(dir, entry));
    const parsed = parseYaml(readFileSync(join(dir, entry), 'utf8'), file, { multi: true, goYaml: true });
    if (parsed.problems.length) throw new Error(`${file}: ${parsed.problems[0].reason}`);
    for (const doc of parsed.documents) {
      const value = doc.value as KubeObject;
      if (value && typeof value === 'object' && value.kind) out.push({ object: value, file });
    }
  }
  return out;
}

export function planCatalogue(root: string): Plan {
  const fleet = ENVIRONMENTS.filter((env) => existsSync(join(root, 'environments', env, 'environment.yaml'))).flatMap((env) =>
    loadEnvironment(env, root).clusters.map((c) => ({ ...c, environment: env })),
  );
  const byServer = new Map(fleet.map((c) => [c.server, { name: c.name, environment: c.environment, server: c.server, kubernetesVersion: c.kubernetesVersion, apps: [] as PlannedApp[], addons: [] as PlannedAddon[] }]));
  const management: ClusterPlan = { name: 'management', environment: '', server: ARGOCD_IN_CLUSTER, kubernetesVersion: fleet[0]?.kubernetesVersion ?? '', apps: [], addons: [] };

  const appsetDir = join(root, 'argocd/applicationsets');
  for (const file of readdirSync(appsetDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const parsed = parseYaml(readFileSync(join(appsetDir, file), 'utf8'), `argocd/applicationsets/${file}`, { multi: true, goYaml: true });
    for (const doc of parsed.documents) {
      for (const app of expandApplicationSet(root, doc.value)) {
        const server: string = app.spec?.destination?.server;
        const target = server === ARGOCD_IN_CLUSTER ? management : byServer.get(server);
        if (!target) throw new Error(`argocd/applicationsets/${file}: Application ${app.metadata?.name} targets ${server}, which no environment names`);
        const path = String(app.spec?.source?.path ?? '');
        target.apps.push({ name: String(app.metadata?.name), path, objects: readFolder(root, path) });
      }
    }
  }
  // the add-on Applications the management cluster receives, by the cluster they install into
  for (const app of management.apps) {
    for (const { object, file } of app.objects) {
      if (object.kind !== 'Application' || !object.spec?.source?.chart) continue;
      const cluster = byServer.get(object.spec.destination?.server);
      if (!cluster) throw new Error(`${file}: Application ${object.metadata.name} targets ${object.spec.destination?.server}, which no environment names`);
      const source = object.spec.source;
      cluster.addons.push({ name: object.metadata.name!, chart: source.chart, repoURL: source.repoURL, version: source.targetRevision, values: source.helm?.valuesObject ?? {}, file, application: object });
    }
  }
  return { management, clusters: [...byServer.values()].filter((c) => c.apps.length || c.addons.length) };
}

/**
 * Kind order inside one phase and wave: gitops-engine pkg/sync/sync_tasks.go `kindOrder` (Helm's
 * kind_sorter); kinds not listed (custom resources) sort last, then by name.
 */
const KIND_ORDER: readonly string[] = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim',
  'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role',
  'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet',
  'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

/** Argo CD's order inside one sync: phase, then wave, then kind, then name (gitops-engine sync_tasks.go). */
export function syncOrder(objects: readonly PlannedObject[]): { phase: string; wave: number; objects: PlannedObject[] }[] {
  const phaseOf = (o: KubeObject) => {
    const hooks = String(o.metadata.annotations?.[HOOK_ANNOTATION] ?? '').split(',').map((h) => h.trim()).filter(Boolean);
    return hooks.find((h) => ['PreSync', 'Sync', 'PostSync'].includes(h)) ?? (hooks.length ? 'Skip' : 'Sync');
  };
  const kindRank = (kind: string) => (KIND_ORDER.indexOf(kind) < 0 ? KIND_ORDER.length : KIND_ORDER.indexOf(kind));
  const groups = new Map<string, { phase: string; wave: number; objects: PlannedObject[] }>();
  for (const p of objects) {
    const phase = phaseOf(p.object);
    if (phase === 'Skip') continue; // SyncFail and Skip hooks do not run in a successful sync
    const wave = Number(p.object.metadata.annotations?.[SYNC_WAVE_ANNOTATION] ?? 0);
    const key = `${phase}/${wave}`;
    if (!groups.has(key)) groups.set(key, { phase, wave, objects: [] });
    groups.get(key)!.objects.push(p);
  }
  const phases = ['PreSync', 'Sync', 'PostSync'];
  return [...groups.values()]
    .sort((a, b) => phases.indexOf(a.phase) - phases.indexOf(b.phase) || a.wave - b.wave)
    .map((g) => ({ ...g, objects: g.objects.sort((a, b) => kindRank(a.object.kind) - kindRank(b.object.kind) || String(a.object.metadata.name).localeCompare(String(b.object.metadata.name))) }));
}
