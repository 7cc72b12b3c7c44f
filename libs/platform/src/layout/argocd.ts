/**
 * What Argo CD needs from the repository, spelled once (as argocd-autopilot's store.go does): the
 * layout of `argocd/`, the annotations Argo CD reads on rendered objects, and the order (sync
 * waves) in which it applies them. The renderer (`ServiceChart`) and the generator of `argocd/`
 * (`apps/argocd`) both read it here.
 */
import { ARGOCD_DIR, DIST_DIR } from './layout';

/** `argocd.argoproj.io/sync-wave`: lower waves are applied, and healthy, before higher ones. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/** `argocd.argoproj.io/sync-options`: per-object sync options, comma-separated. */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
/** `argocd.argoproj.io/hook`: runs the object as a resource hook of that phase (PreSync, Sync, PostSync, ...). */
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
/** `argocd.argoproj.io/hook-delete-policy`: when Argo CD deletes a hook object. */
export const HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
/** `argocd.argoproj.io/manifest-generate-paths`: which paths a webhook push must touch to refresh an app. */
export const MANIFEST_GENERATE_PATHS_ANNOTATION = 'argocd.argoproj.io/manifest-generate-paths';

/**
 * Objects whose loss is not undone by a re-sync (a Namespace takes everything in it; a
 * StatefulSet's volume claims hold data) are pruned only after a person confirms it in Argo CD.
 */
export const PRUNE_CONFIRM = 'Prune=confirm';

/**
 * Sync options (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/), spelled once
 * for what generates them (apps/argocd, the add-on Applications) and what checks them (the
 * coverage proof, the policy).
 */
export const SYNC_OPTION = {
  validate: 'Validate=true',
  foregroundPrune: 'PrunePropagationPolicy=foreground',
  pruneLast: 'PruneLast=true',
  serverSideApply: 'ServerSideApply=true',
  skipDryRunOnMissingResource: 'SkipDryRunOnMissingResource=true',
  failOnSharedResource: 'FailOnSharedResource=true',
  createNamespace: 'CreateNamespace=true',
  respectIgnoreDifferences: 'RespectIgnoreDifferences=true',
  pruneConfirm: PRUNE_CONFIRM,
  pruneDisabled: 'Prune=false',
} as const;

/**
 * The sync options of every Application that syncs a folder of this repository (a service's
 * `dist/` folder, the bootstrap's `argocd/`): the API server validates, a pruned Deployment is
 * gone only once its pods are, removals come after everything else is healthy, and server-side
 * apply (no 256 KiB last-applied annotation; fields other controllers own stay theirs).
 */
export const REPOSITORY_SYNC_OPTIONS = [SYNC_OPTION.validate, SYNC_OPTION.foregroundPrune, SYNC_OPTION.pruneLast, SYNC_OPTION.serverSideApply] as const;

/** Automated sync of every generated Application: prune, self-heal, never an empty folder. */
export const AUTOMATED_SYNC = { prune: true, selfHeal: true, allowEmpty: false } as const;

/**
 * Sync waves by kind. Argo CD applies wave by wave and waits for each to be healthy, so a
 * Namespace exists before anything in it, the ClusterSecretStore and the ExternalSecrets (and
 * so the Secrets they create), ConfigMaps, ServiceAccounts and the default-deny NetworkPolicy
 * exist before a pod starts. Kinds not listed are wave 0: workloads, Services, Ingresses,
 * autoscalers, budgets, monitoring objects.
 */
export const SYNC_WAVES: Readonly<Record<string, number>> = {
  // the place things live in
  Namespace: -3,
  ResourceQuota: -3,
  LimitRange: -3,
  // how secrets are fetched, and who runs the pods
  ClusterSecretStore: -2,
  SecretStore: -2,
  ServiceAccount: -2,
  Role: -2,
  RoleBinding: -2,
  ClusterRole: -2,
  ClusterRoleBinding: -2,
  // what the pods read at start, and the network they start in
  ExternalSecret: -1,
  ConfigMap: -1,
  PersistentVolumeClaim: -1,
  NetworkPolicy: -1,
};

/** The wave of a kind (0 for kinds the table leaves out). */
export function syncWaveOf(kind: string): number {
  return SYNC_WAVES[kind] ?? 0;
}

/** The Argo CD side of the repository: `argocd/` and the paths it points Argo CD at. */
export const ARGOCD_LAYOUT = {
  /** Where the generated Argo CD objects are, relative to the workspace root. */
  root: ARGOCD_DIR,
  /** One AppProject per system: `argocd/projects/<system>.yaml`. */
  projectsDir: 'projects',
  /** One ApplicationSet per environment and system: `argocd/applicationsets/<env>-<system>.yaml`. */
  applicationSetsDir: 'applicationsets',
  /** The app of apps and its project, applied once by hand: `argocd/bootstrap/`. */
  bootstrapDir: 'bootstrap',
} as const;

/** `dist/<env>/<system>`: the folder whose sub-folders an ApplicationSet's git directory generator lists. */
export function distSystemPath(env: string, system: string): string {
  return `${DIST_DIR}/${env}/${system}`;
}

/** The namespace Argo CD runs in, where AppProjects, ApplicationSets and Applications live. */
export const ARGOCD_NAMESPACE = 'argocd';

/** `app.kubernetes.io/managed-by` on generated Argo CD objects. */
export const ARGOCD_MANAGED_BY = 'gitops-manifests-apps-argocd';

/** The cluster Argo CD itself runs in, as Argo CD names it (the management cluster). */
export const ARGOCD_IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * Set by `argocd app confirm-deletion` / the UI on an Application to confirm a `Prune=confirm`
 * deletion (gitops-engine/pkg/sync/common/types.go `AnnotationDeletionApproved`; read by
 * `Application.IsDeletionConfirmed` in pkg/apis/application/v1alpha1/types.go). An ApplicationSet
 * must preserve it, or the controller strips it before the sync can read it.
 */
export const DELETION_APPROVED_ANNOTATION = 'argocd.argoproj.io/deletion-approved';

/**
 * How every generated Application retries a failed sync: forever, 5s doubling up to 3m between
 * attempts. A negative limit is unlimited (controller/appcontroller.go: `RetryCount < Limit ||
 * Limit < 0`; https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/). This is what makes
 * a fresh cluster converge: an Application whose CRD, Namespace or secret store is not there yet
 * keeps retrying, at most 3 minutes apart, until the add-on or `*-shared` it waits for is healthy.
 */
export const SYNC_RETRY = { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } } as const;

/**
 * The oldest Argo CD the repository works with, and the feature of each version it relies on.
 * The newest feature sets the minimum.
 */
export const ARGOCD_FEATURES: readonly { readonly feature: string; readonly since: string }[] = [
  // versions: the first release tag containing the feature's commit in the argo-cd repository
  { feature: 'retry.limit -1 (unlimited retries with backoff)', since: '1.7' },
  { feature: 'AppProject syncWindows timeZone', since: '2.2' },
  { feature: 'ServerSideApply=true sync option', since: '2.5' },
  { feature: 'ApplicationSet preservedFields.annotations', since: '2.7' },
  { feature: 'ApplicationSet syncPolicy.applicationsSync create-update, goTemplateOptions missingkey=error', since: '2.8' },
  { feature: 'Prune=confirm and the deletion-approved annotation', since: '2.14' },
  { feature: 'logs RBAC enforced for project roles (`logs, get`)', since: '3.0' },
  { feature: 'SkipDryRunOnMissingResource=true as an Application sync option', since: '3.1' },
  { feature: 'clusterResourceWhitelist entries restricted by `name` (Namespace per system)', since: '3.3' },
];
export const ARGOCD_MINIMUM_VERSION = '3.3';

/** The longest wait between two sync attempts: a cluster waiting on an add-on or `*-shared` catches up within it. */
export const MAX_RETRY_BACKOFF_SECONDS = 300;

/** Seconds of a Go duration such as `3m`, `1h30m`, `90s` (how Argo CD parses backoff durations); NaN when it is not one. */
export function goDurationSeconds(d: unknown): number {
  const m = typeof d === 'string' && d !== '' ? /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d) : null;
  if (!m) return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/**
 * What keeps an Application's `syncPolicy.retry` from converging on a fresh cluster, one message
 * each: a limit (controller/appcontroller.go retries while `RetryCount < Limit || Limit < 0`, and
 * once an operation has failed for good auto-sync does not retry the same revision:
 * `alreadyAttemptedSync`), or a backoff that is missing or not capped at MAX_RETRY_BACKOFF_SECONDS.
 * Shared by the Argo CD coverage proof (apps/argocd) and the policy check (libs/policy checks/argocd.ts).
 */
export function retryProblems(retry: any): string[] {
  const out: string[] = [];
  if (!(typeof retry?.limit === 'number' && retry.limit < 0)) out.push(`syncPolicy.retry.limit must be -1 (retry until it converges; got ${retry?.limit})`);
  const cap = goDurationSeconds(retry?.backoff?.maxDuration);
  if (!(goDurationSeconds(retry?.backoff?.duration) > 0) || !(retry?.backoff?.factor >= 1) || !(cap > 0 && cap <= MAX_RETRY_BACKOFF_SECONDS)) {
    out.push(`syncPolicy.retry.backoff must be a duration, a factor >= 1 and a maxDuration of at most ${MAX_RETRY_BACKOFF_SECONDS}s (got ${JSON.stringify(retry?.backoff)})`);
  }
  return out;
}
