/**
 * Broken repositories for real Argo CD (npm run test:argocd's harness, run.ts): each scenario is a
 * few Applications, their projects and their manifests in one small repository, and what Argo CD
 * must make of them - converge, or get stuck with its own message. All scenarios share one run (one
 * Argo CD, a fleet of two clusters) because each has its own Applications, projects, namespaces and
 * API groups; `scenarios.integration.test.ts` runs them.
 *
 * Two kinds, told apart by `origin`:
 * - `simulator`: the broken fixtures of the rollout simulator that libs/rollout used to be (its
 *   rollout.test.ts), as far as they concern Argo CD and the API server. The simulator's fixtures
 *   about the data plane (NetworkPolicies that block a pod's DNS, database or istiod, a hook's egress
 *   that arrives after the hook) cannot be run here - kwok's pods are Ready without a network - and
 *   are rules of `npm run validate`: `egress-reaches-dependencies` and `hook-egress-order`.
 * - `issue 21`: cases the simulator did not model.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { ARGOCD_IN_CLUSTER } from '@gitops/platform';
import type { KubeObject } from '../kube-client';
import type { ClusterPlan, Plan, PlannedAddon } from '../plan';
import type { AppReport } from './run';

/** The repository's URL as the bootstrap names it (served by the harness through its proxy). */
export const SCENARIO_REPO = 'https://github.com/example/argocd-scenarios.git';
/** The fleet: a cluster with the External Secrets CRDs, one with nothing, one never registered. */
export const FIXTURE_SERVER = 'https://fixture0000.gr7.us-east-1.eks.amazonaws.com';
export const BARE_SERVER = 'https://bare0000.gr7.us-east-1.eks.amazonaws.com';
export const UNREGISTERED_SERVER = 'https://unregistered0000.gr7.us-east-1.eks.amazonaws.com';


/** What a scenario says Argo CD must make of it; returns why not, or undefined when it holds. */
export type Check = (reports: ReadonlyMap<string, AppReport>) => string | undefined;

export interface Scenario {
  readonly name: string;
  readonly origin: 'simulator' | 'issue 21';
  /** In words: the broken thing and what Argo CD does with it. */
  readonly title: string;
  /** Repository-relative path -> objects. Applications of the scenario go under argocd/apps/. */
  readonly files: Readonly<Record<string, readonly KubeObject[]>>;
  /** Every Application the scenario reports on (children of a parent included). */
  readonly apps: readonly string[];
  readonly check: Check;
}

const line = (r: AppReport) => `${r.name}: ${r.sync}/${r.health}${r.message ? `: ${r.message}` : ''}`;

/** Synced and Healthy. */
export const converges = (app: string): Check => (reports) => {
  const r = reports.get(app);
  return r && r.sync === 'Synced' && r.health === 'Healthy' ? undefined : `${app} should be Synced and Healthy; ${r ? line(r) : 'not reported'}`;
};

/** Not Synced and Healthy, with Argo CD's message matching. */
export const stuck = (app: string, message: RegExp): Check => (reports) => {
  const r = reports.get(app);
  if (!r) return `${app}: not reported`;
  if (r.sync === 'Synced' && r.health === 'Healthy') return `${app} should be stuck with ${message}; it converged`;
  return message.test(r.message) ? undefined : `${app} should be stuck with ${message}; ${line(r)}`;
};

const all = (...checks: Check[]): Check => (reports) => checks.map((c) => c(reports)).find(Boolean);
const either = (...checks: Check[]): Check => (reports) => {
  const why = checks.map((c) => c(reports));
  return why.some((w) => !w) ? undefined : why.join(' / ');
};

// --- the objects scenarios are made of ----------------------------------------------------------

interface AppOptions {
  readonly project?: string;
  readonly server?: string;
  readonly namespace: string;
  /** @default scenarios/<name> */
  readonly path?: string;
  readonly wave?: number;
  readonly syncOptions?: readonly string[];
  readonly retry?: Record<string, unknown>;
}

/** An Application with automated sync and, unless said, no retry: a failed sync stays failed. */
export function application(name: string, o: AppOptions): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', ...(o.wave === undefined ? {} : { annotations: { 'argocd.argoproj.io/sync-wave': String(o.wave) } }) },
    spec: {
      project: o.project ?? 'scenarios',
      destination: { server: o.server ?? FIXTURE_SERVER, namespace: o.namespace },
      source: { repoURL: SCENARIO_REPO, targetRevision: 'main', path: o.path ?? `scenarios/${name}` },
      syncPolicy: { automated: { prune: true, selfHeal: true }, ...(o.syncOptions ? { syncOptions: [...o.syncOptions] } : {}), ...(o.retry ? { retry: o.retry } : {}) },
    },
  } as KubeObject;
}

/** A parent Application syncing the child Applications in scenarios/<name>/ (app of apps). */
const parent = (name: string) => application(name, { project: 'bootstrap', server: ARGOCD_IN_CLUSTER, namespace: 'argocd' });

export function project(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name, namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } },
    spec: { sourceRepos: [SCENARIO_REPO], destinations: [{ server: FIXTURE_SERVER, namespace: '*' }], ...spec },
  } as KubeObject;
}

const meta = (name: string, namespace?: string, annotations?: Record<string, string>, labels?: Record<string, string>) =>
  ({ name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}), ...(labels ? { labels } : {}) });
const wave = (n: number) => ({ 'argocd.argoproj.io/sync-wave': String(n) });
const hook = (phase: string, deletePolicy = 'BeforeHookCreation') => ({ 'argocd.argoproj.io/hook': phase, 'argocd.argoproj.io/hook-delete-policy': deletePolicy });

const CONTAINER = {
  name: 'app',
  image: 'registry.k8s.io/pause:3.10',
  resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 65532, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
};

export function namespace(name: string, labels?: Record<string, string>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: meta(name, undefined, annotations, labels) } as KubeObject;
}

export function configMap(name: string, ns: string, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, ns, annotations), data: { owner: name } } as KubeObject;
}

export function deployment(name: string, ns: string, o: { annotations?: Record<string, string>; pod?: Record<string, unknown>; container?: Record<string, unknown>; progressDeadlineSeconds?: number } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, ns, o.annotations),
    spec: {
      replicas: 1,
      ...(o.progressDeadlineSeconds ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ ...CONTAINER, ...o.container }], ...o.pod } },
    },
  } as KubeObject;
}

export function job(name: string, ns: string, annotations: Record<string, string>, pod: Record<string, unknown> = {}, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(name, ns, annotations),
    spec: { backoffLimit: 0, ...spec, template: { spec: { restartPolicy: 'Never', containers: [CONTAINER], ...pod } } },
  } as KubeObject;
}

export function crd(group: string, kind: string, versions: readonly string[] = ['v1']): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: versions.map((v, i) => ({ name: v, served: true, storage: i === 0, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })),
    },
  } as KubeObject;
}

export const customResource = (group: string, version: string, kind: string, name: string, ns: string, annotations?: Record<string, string>): KubeObject =>
  ({ apiVersion: `${group}/${version}`, kind, metadata: meta(name, ns, annotations), spec: { size: 1 } }) as KubeObject;

const secretStore = (name: string, ns: string, annotations?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: meta(name, ns, annotations), spec: { provider: { aws: { service: 'SecretsManager', region: 'us-east-1' } } } }) as KubeObject;

const externalSecret = (name: string, ns: string, store: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: meta(name, ns, annotations),
  spec: { refreshInterval: '1h', secretStoreRef: { name: store, kind: 'SecretStore' }, target: { name }, data: [{ secretKey: 'password', remoteRef: { key: `scenarios/${name}` } }] },
}) as KubeObject;

/**
 * A parent whose wave 0 holds the Application of a custom resource and a slow one (a Deployment
 * Available only 40 s after its pod is Ready: the parent waits for it, as Progressing), and whose
 * wave 1 holds the Application that brings the CRD. The custom resource's Application does not hold
 * the wave: its only object, of a kind not served yet, has no health, so it is Healthy at once
 * (gitops-engine pkg/sync/sync_context.go: a wave waits for resources neither Healthy nor Degraded).
 */
function crdLater(o: { name: string; group: string; title: string; retry?: Record<string, unknown>; check: Check }): Scenario {
  const { name, group } = o;
  return {
    name,
    origin: 'issue 21',
    title: o.title,
    files: {
      [`argocd/apps/${name}.yaml`]: [parent(name)],
      [`scenarios/${name}/apps.yaml`]: [
        application(`${name}-widget`, { namespace: name, path: `scenarios/${name}-widget`, wave: 0, syncOptions: CREATE_NAMESPACE, retry: o.retry }),
        application(`${name}-slow`, { namespace: `${name}-slow`, path: `scenarios/${name}-slow`, wave: 0, syncOptions: CREATE_NAMESPACE }),
        application(`${name}-crd`, { namespace: name, path: `scenarios/${name}-crd`, wave: 1 }),
      ],
      [`scenarios/${name}-widget/widget.yaml`]: [customResource(group, 'v1', 'Widget', 'one', name)],
      [`scenarios/${name}-slow/deployment.yaml`]: [{ ...deployment('slow', `${name}-slow`), spec: { ...deployment('slow', `${name}-slow`).spec, minReadySeconds: 40 } } as KubeObject],
      [`scenarios/${name}-crd/crd.yaml`]: [crd(group, 'Widget')],
    },
    apps: [name, `${name}-widget`, `${name}-slow`, `${name}-crd`],
    check: o.check,
  };
}

/** One Application with a ConfigMap, in a project of its own whose one sync window applies to it. */
function windowScenario(o: { name: string; origin: Scenario['origin']; title: string; window: Record<string, unknown>; check: Check }): Scenario {
  const { name } = o;
  return {
    name,
    origin: o.origin,
    title: o.title,
    files: {
      [`argocd/apps/${name}.yaml`]: [
        project(name, { clusterResourceWhitelist: [{ group: '*', kind: '*' }], syncWindows: [{ ...o.window, applications: ['*'] }] }),
        application(name, { project: name, namespace: name, syncOptions: CREATE_NAMESPACE }),
      ],
      [`scenarios/${name}/configmap.yaml`]: [configMap('settings', name)],
    },
    apps: [name],
    check: o.check,
  };
}

// --- the scenarios ----------------------------------------------------------------------------

const CREATE_NAMESPACE = ['CreateNamespace=true'];

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'well-ordered',
    origin: 'simulator',
    title: 'a well-ordered repository converges: the namespace first, a PreSync hook, the store before its ExternalSecret, then the workload',
    files: {
      'argocd/apps/well-ordered.yaml': [application('well-ordered', { namespace: 'well-ordered', syncOptions: CREATE_NAMESPACE })],
      'scenarios/well-ordered/resources.yaml': [
        job('migrate', 'well-ordered', hook('PreSync')),
        secretStore('aws', 'well-ordered'),
        externalSecret('db', 'well-ordered', 'aws', wave(1)),
        deployment('web', 'well-ordered', { annotations: wave(2), container: { envFrom: [{ secretRef: { name: 'db' } }] } }),
      ],
    },
    apps: ['well-ordered'],
    check: converges('well-ordered'),
  },
  {
    name: 'store-later',
    origin: 'simulator',
    title: 'an ExternalSecret before its store: the store in a later wave is never reached',
    files: {
      'argocd/apps/store-later.yaml': [application('store-later', { namespace: 'store-later', syncOptions: CREATE_NAMESPACE })],
      'scenarios/store-later/resources.yaml': [externalSecret('db', 'store-later', 'aws'), secretStore('aws', 'store-later', wave(1))],
    },
    apps: ['store-later'],
    check: stuck('store-later', /healthy state of external-secrets\.io\/ExternalSecret\/db/),
  },
  {
    name: 'no-operator',
    origin: 'simulator',
    title: 'an ExternalSecret on a cluster without the External Secrets Operator: its kind is not served',
    files: {
      'argocd/apps/no-operator.yaml': [application('no-operator', { server: BARE_SERVER, namespace: 'no-operator', syncOptions: CREATE_NAMESPACE })],
      'scenarios/no-operator/resources.yaml': [externalSecret('db', 'no-operator', 'aws')],
    },
    apps: ['no-operator'],
    check: stuck('no-operator', /ExternalSecret/),
  },
  {
    name: 'namespace-later',
    origin: 'simulator',
    title: "a namespace that another Application creates in a later wave: the first sync finds no namespace, Argo CD's default retry syncs it once the namespace is there (the simulator said stuck: it did not know the default retry)",
    files: {
      'argocd/apps/namespace-later.yaml': [parent('namespace-later')],
      'scenarios/namespace-later/apps.yaml': [
        application('namespace-later-user', { namespace: 'namespace-later', path: 'scenarios/namespace-later-user', wave: 0 }),
        application('namespace-later-owner', { namespace: 'namespace-later', path: 'scenarios/namespace-later-owner', wave: 1 }),
      ],
      'scenarios/namespace-later-user/configmap.yaml': [configMap('settings', 'namespace-later')],
      'scenarios/namespace-later-owner/namespace.yaml': [namespace('namespace-later')],
    },
    apps: ['namespace-later', 'namespace-later-user', 'namespace-later-owner'],
    check: all(converges('namespace-later-user'), converges('namespace-later-owner')),
  },
  {
    name: 'project-missing',
    origin: 'simulator',
    title: 'an Application whose project does not exist never syncs',
    files: {
      'argocd/apps/project-missing.yaml': [application('project-missing', { project: 'no-such-project', namespace: 'project-missing', syncOptions: CREATE_NAMESPACE })],
      'scenarios/project-missing/configmap.yaml': [configMap('settings', 'project-missing')],
    },
    apps: ['project-missing'],
    check: stuck('project-missing', /no-such-project.*(does not exist|not found)/),
  },
  {
    name: 'kind-not-permitted',
    origin: 'simulator',
    title: 'a project that does not permit a namespaced kind (Secret, where the project permits ConfigMaps only)',
    files: {
      'argocd/apps/kind-not-permitted.yaml': [
        project('configmaps-only', { clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }], namespaceResourceWhitelist: [{ group: '', kind: 'ConfigMap' }] }),
        application('kind-not-permitted', { project: 'configmaps-only', namespace: 'kind-not-permitted', syncOptions: CREATE_NAMESPACE }),
      ],
      'scenarios/kind-not-permitted/resources.yaml': [
        configMap('settings', 'kind-not-permitted'),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'kind-not-permitted' }, stringData: { token: 'x' } } as KubeObject,
      ],
    },
    apps: ['kind-not-permitted'],
    check: stuck('kind-not-permitted', /Secret.*not permitted in project configmaps-only/),
  },
  {
    name: 'failed-hook',
    origin: 'simulator',
    title: "a PreSync hook that fails (its Job passes its deadline, its pod never scheduled): the sync fails, again on each of Argo CD's 5 default retries",
    files: {
      'argocd/apps/failed-hook.yaml': [application('failed-hook', { namespace: 'failed-hook', syncOptions: CREATE_NAMESPACE })],
      'scenarios/failed-hook/resources.yaml': [
        job('migrate', 'failed-hook', hook('PreSync', 'HookSucceeded'), { nodeSelector: { 'scenario.example.com/no-such-node': 'true' } }, { activeDeadlineSeconds: 5 }),
        configMap('settings', 'failed-hook'),
      ],
    },
    apps: ['failed-hook'],
    check: stuck('failed-hook', /deadline/i),
  },
  windowScenario({
    name: 'deny-window',
    origin: 'simulator',
    title: 'a deny sync window open over the first sync: auto-sync of a fresh cluster does not start',
    window: { kind: 'deny', schedule: '* * * * *', duration: '24h' },
    check: stuck('deny-window', /Sync prevented by sync window/),
  }),
  windowScenario({
    name: 'deny-window-manual-sync',
    origin: 'issue 21',
    title: "a deny window that permits manual syncs (production's weekend freeze): auto-sync stays off, and the harness syncs it by hand as `argocd app sync` would",
    window: { kind: 'deny', schedule: '* * * * *', duration: '24h', manualSync: true },
    check: (reports) => converges('deny-window-manual-sync')(reports) ?? (reports.get('deny-window-manual-sync')?.syncedByHand ? undefined : 'deny-window-manual-sync converged without the harness syncing it by hand'),
  }),
  {
    name: 'crd-ordered',
    origin: 'simulator',
    title: 'with the Application health customization, a wave of Applications waits for the previous one: the CRD first, then its resource, converges',
    files: {
      'argocd/apps/crd-ordered.yaml': [parent('crd-ordered')],
      'scenarios/crd-ordered/apps.yaml': [
        application('crd-ordered-crd', { namespace: 'crd-ordered', path: 'scenarios/crd-ordered-crd', wave: 0 }),
        application('crd-ordered-gadget', { namespace: 'crd-ordered', path: 'scenarios/crd-ordered-gadget', wave: 1, syncOptions: CREATE_NAMESPACE }),
      ],
      'scenarios/crd-ordered-crd/crd.yaml': [crd('ordered.example.com', 'Gadget')],
      'scenarios/crd-ordered-gadget/gadget.yaml': [customResource('ordered.example.com', 'v1', 'Gadget', 'one', 'crd-ordered')],
    },
    apps: ['crd-ordered', 'crd-ordered-crd', 'crd-ordered-gadget'],
    check: all(converges('crd-ordered'), converges('crd-ordered-crd'), converges('crd-ordered-gadget')),
  },
  {
    name: 'crd-same-sync',
    origin: 'simulator',
    title: 'a CRD and its resource in one sync: the resource waits for the CRD, no dry-run failure',
    files: {
      'argocd/apps/crd-same-sync.yaml': [application('crd-same-sync', { namespace: 'crd-same-sync', syncOptions: CREATE_NAMESPACE })],
      'scenarios/crd-same-sync/resources.yaml': [crd('same.example.com', 'Gizmo'), customResource('same.example.com', 'v1', 'Gizmo', 'one', 'crd-same-sync')],
    },
    apps: ['crd-same-sync'],
    check: converges('crd-same-sync'),
  },
  {
    name: 'over-quota',
    origin: 'simulator',
    title: "a workload without the requests and limits its namespace's ResourceQuota requires never gets a pod",
    files: {
      'argocd/apps/over-quota.yaml': [application('over-quota', { namespace: 'over-quota', syncOptions: CREATE_NAMESPACE })],
      'scenarios/over-quota/resources.yaml': [
        { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'quota', namespace: 'over-quota', annotations: wave(-1) }, spec: { hard: { 'limits.cpu': '2', 'limits.memory': '2Gi' } } } as KubeObject,
        deployment('web', 'over-quota', { progressDeadlineSeconds: 15, container: { resources: {} } }),
      ],
    },
    apps: ['over-quota'],
    check: stuck('over-quota', /progress deadline|exceeded quota|must specify/),
  },
  // --- issue 21's own ------------------------------------------------------------------------
  crdLater({
    name: 'crd-later',
    group: 'later.example.com',
    title: "a custom resource whose CRD another Application brings in a later wave, 40 s after its first sync: Argo CD's default retry (5 times, 5 s doubling) syncs it once the CRD is there",
    check: converges('crd-later-widget'),
  }),
  crdLater({
    name: 'crd-later-retries-spent',
    group: 'later-spent.example.com',
    title: 'the same with retry.limit 1: the retry is spent before the CRD arrives, and a failed revision is not auto-synced again',
    retry: { limit: 1, backoff: { duration: '5s', factor: 2, maxDuration: '10s' } },
    check: stuck('crd-later-retries-spent-widget', /retried 1 times.*could not find later-spent\.example\.com\/Widget/),
  }),
  windowScenario({
    name: 'allow-window',
    origin: 'issue 21',
    title: 'allow windows none of which is open over the first sync: nothing syncs',
    // open one minute a year (1 January 00:00 UTC). A schedule that never matches (30 February)
    // would be open for ever: cron's Next returns the zero time, which is before now
    // (pkg/apis/application/v1alpha1/types.go SyncWindow.active at v3.3.10)
    window: { kind: 'allow', schedule: '0 0 1 1 *', duration: '1m' },
    check: stuck('allow-window', /Sync prevented by sync window/),
  }),
  {
    name: 'cluster-kind-not-permitted',
    origin: 'issue 21',
    title: 'a project with no cluster-scoped whitelist and a ClusterRole to sync',
    files: {
      'argocd/apps/cluster-kind-not-permitted.yaml': [
        project('namespaced-only', {}),
        application('cluster-kind-not-permitted', { project: 'namespaced-only', namespace: 'default' }),
      ],
      'scenarios/cluster-kind-not-permitted/clusterrole.yaml': [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'scenario-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] } as KubeObject,
      ],
    },
    apps: ['cluster-kind-not-permitted'],
    check: stuck('cluster-kind-not-permitted', /ClusterRole.*not permitted in project namespaced-only/),
  },
  {
    name: 'unregistered-destination',
    origin: 'issue 21',
    title: 'a destination cluster that is not registered with Argo CD',
    files: {
      'argocd/apps/unregistered-destination.yaml': [application('unregistered-destination', { server: UNREGISTERED_SERVER, namespace: 'default' })],
      'scenarios/unregistered-destination/configmap.yaml': [configMap('settings', 'default')],
    },
    apps: ['unregistered-destination'],
    check: stuck('unregistered-destination', new RegExp(`${UNREGISTERED_SERVER.replace(/\./g, '\\.')}|no clusters? (found|with this URL)`)),
  },
  {
    name: 'hook-needs-later-account',
    origin: 'issue 21',
    title: "a PreSync hook whose ServiceAccount is a Sync-phase resource: the hook's pod is never created, the sync waits for ever",
    files: {
      'argocd/apps/hook-needs-later-account.yaml': [application('hook-needs-later-account', { namespace: 'hook-needs-later-account', syncOptions: CREATE_NAMESPACE })],
      'scenarios/hook-needs-later-account/resources.yaml': [
        job('migrate', 'hook-needs-later-account', hook('PreSync'), { serviceAccountName: 'migrator' }),
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'migrator', namespace: 'hook-needs-later-account' } } as KubeObject,
      ],
    },
    apps: ['hook-needs-later-account'],
    check: stuck('hook-needs-later-account', /hook batch\/Job\/migrate|Job\/migrate/),
  },
  {
    name: 'shared-object',
    origin: 'issue 21',
    title: 'one object rendered by two Applications: Argo CD warns that it belongs to both',
    files: {
      'argocd/apps/shared-object.yaml': [
        application('shared-object-a', { namespace: 'shared-object', path: 'scenarios/shared-object', syncOptions: CREATE_NAMESPACE }),
        application('shared-object-b', { namespace: 'shared-object', path: 'scenarios/shared-object', syncOptions: CREATE_NAMESPACE }),
      ],
      'scenarios/shared-object/configmap.yaml': [configMap('shared', 'shared-object')],
    },
    apps: ['shared-object-a', 'shared-object-b'],
    check: either(stuck('shared-object-a', /SharedResourceWarning.*shared-object-b/), stuck('shared-object-b', /SharedResourceWarning.*shared-object-a/)),
  },
  {
    name: 'claim-later',
    origin: 'issue 21',
    title: 'a claim of a WaitForFirstConsumer class whose only consumer is in a later wave: it never binds, the wave never ends',
    files: {
      'argocd/apps/claim-later.yaml': [application('claim-later', { namespace: 'claim-later', syncOptions: CREATE_NAMESPACE })],
      'scenarios/claim-later/resources.yaml': [
        { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'scenario-wait-for-consumer', annotations: wave(-1) }, provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer', parameters: { type: 'gp3' } } as KubeObject,
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'claim-later' }, spec: { storageClassName: 'scenario-wait-for-consumer', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } as KubeObject,
        deployment('db', 'claim-later', { annotations: wave(1), pod: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } }),
      ],
    },
    apps: ['claim-later'],
    check: stuck('claim-later', /PersistentVolumeClaim\/data/),
  },
  {
    name: 'namespace-not-permitted',
    origin: 'issue 21',
    title: "a destination namespace the project's destinations do not permit",
    files: {
      'argocd/apps/namespace-not-permitted.yaml': [
        project('team-a-only', { destinations: [{ server: FIXTURE_SERVER, namespace: 'team-a' }] }),
        application('namespace-not-permitted', { project: 'team-a-only', namespace: 'team-b' }),
      ],
      'scenarios/namespace-not-permitted/configmap.yaml': [configMap('settings', 'team-b')],
    },
    apps: ['namespace-not-permitted'],
    check: stuck('namespace-not-permitted', /namespace 'team-b' do not match any of the allowed destinations in project 'team-a-only'/),
  },
  {
    name: 'missing-path',
    origin: 'issue 21',
    title: 'a source path that the repository does not have (a renamed folder)',
    files: {
      'argocd/apps/missing-path.yaml': [application('missing-path', { namespace: 'default', path: 'scenarios/renamed-away' })],
    },
    apps: ['missing-path'],
    check: stuck('missing-path', /renamed-away.*(does not exist|no such file)|app path does not exist/),
  },
  {
    name: 'refused-by-api-server',
    origin: 'issue 21',
    title: 'an object the API server refuses (a nodePort on a ClusterIP Service): the sync fails with its message',
    files: {
      'argocd/apps/refused-by-api-server.yaml': [application('refused-by-api-server', { namespace: 'refused-by-api-server', syncOptions: CREATE_NAMESPACE })],
      'scenarios/refused-by-api-server/service.yaml': [
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'refused-by-api-server' }, spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] } } as KubeObject,
      ],
    },
    apps: ['refused-by-api-server'],
    check: stuck('refused-by-api-server', /nodePort/),
  },
  {
    name: 'unserved-version',
    origin: 'issue 21',
    title: 'a custom resource of a version its CRD (in the same sync) does not serve',
    files: {
      'argocd/apps/unserved-version.yaml': [application('unserved-version', { namespace: 'unserved-version', syncOptions: CREATE_NAMESPACE })],
      'scenarios/unserved-version/resources.yaml': [crd('version.example.com', 'Sprocket', ['v1']), customResource('version.example.com', 'v2', 'Sprocket', 'one', 'unserved-version')],
    },
    apps: ['unserved-version'],
    check: stuck('unserved-version', /version\.example\.com\/v2|v2.*Sprocket|Sprocket.*v2/),
  },
  {
    name: 'pod-security',
    origin: 'issue 21',
    title: 'a privileged pod in a namespace that enforces Pod Security restricted: no pod is admitted, the Deployment passes its deadline',
    files: {
      'argocd/apps/pod-security.yaml': [application('pod-security', { namespace: 'pod-security' })],
      'scenarios/pod-security/resources.yaml': [
        namespace('pod-security', { 'pod-security.kubernetes.io/enforce': 'restricted' }, wave(-1)),
        deployment('web', 'pod-security', { progressDeadlineSeconds: 15, container: { securityContext: { privileged: true } } }),
      ],
    },
    apps: ['pod-security'],
    check: stuck('pod-security', /progress deadline/),
  },
];

/** The repository with every scenario, as a git repository with one commit; and its fleet. */
export function scenarioRepository(scenarios: readonly Scenario[] = SCENARIOS): { root: string; plan: Plan; expected: Set<string> } {
  const root = mkdtempSync(join(tmpdir(), 'argocd-scenarios-'));
  const files: Record<string, readonly KubeObject[]> = {
    'argocd/bootstrap/project.yaml': [{
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'bootstrap', namespace: 'argocd' },
      spec: {
        sourceRepos: [SCENARIO_REPO],
        destinations: [{ server: ARGOCD_IN_CLUSTER, namespace: 'argocd' }],
        namespaceResourceWhitelist: ['AppProject', 'Application'].map((kind) => ({ group: 'argoproj.io', kind })),
      },
    } as KubeObject],
    'argocd/bootstrap/application.yaml': [{
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'argocd-bootstrap', namespace: 'argocd' },
      spec: {
        project: 'bootstrap', destination: { server: ARGOCD_IN_CLUSTER, namespace: 'argocd' },
        source: { repoURL: SCENARIO_REPO, targetRevision: 'main', path: 'argocd/apps', directory: { recurse: true } },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    } as KubeObject],
    'argocd/apps/projects.yaml': [project('scenarios', { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] })],
  };
  for (const s of scenarios) {
    for (const [path, objects] of Object.entries(s.files)) {
      if (files[path]) throw new Error(`scenario ${s.name}: ${path} is another scenario's`);
      files[path] = objects;
    }
  }
  for (const [path, objects] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), objects.map((o) => stringify(o)).join('---\n'));
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_AUTHOR_NAME: 'scenarios', GIT_AUTHOR_EMAIL: 'scenarios@localhost', GIT_COMMITTER_NAME: 'scenarios', GIT_COMMITTER_EMAIL: 'scenarios@localhost' } });
  git('init', '--quiet', '--initial-branch', 'main');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'scenarios');

  const cluster = (name: string, server: string, addons: PlannedAddon[] = []): ClusterPlan => ({ name, environment: 'scenarios', server, kubernetesVersion: '1.32', apps: [], addons });
  const externalSecrets: PlannedAddon = {
    name: 'fixture-external-secrets', chart: 'external-secrets', repoURL: 'https://charts.external-secrets.io', version: '2.9.0', values: {}, file: '',
    application: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'fixture-external-secrets' }, spec: { destination: { server: FIXTURE_SERVER, namespace: 'external-secrets' } } } as KubeObject,
  };
  const plan: Plan = { management: cluster('management', ARGOCD_IN_CLUSTER), clusters: [cluster('fixture', FIXTURE_SERVER, [externalSecrets]), cluster('bare', BARE_SERVER)] };
  return { root, plan, expected: new Set(scenarios.flatMap((s) => s.apps)) };
}
