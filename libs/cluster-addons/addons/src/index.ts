import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { addModel, ARGOCD_NAMESPACE, defineService, AUTOMATED_SYNC, SYNC_OPTION, SYNC_RETRY, SYNC_WAVE_ANNOTATION } from '@gitops/platform';
import { clusterAddons } from '@gitops/cluster-addons-system';
import { addonReasons, addonsForCluster, addonSyncWave, type AddonDefinition } from './catalog';

/** Argo CD project of the add-on Applications (argocd/projects/cluster-addons.yaml). */
export const ADDONS_PROJECT = 'cluster-addons';

/**
 * How an add-on Application syncs. Automated with prune and self-heal, never an empty sync.
 * Retries never stop, backoff capped at 3 minutes (the platform's SYNC_RETRY, as every generated
 * Application): an add-on waits for nothing but its cluster and its dependencies, which arrive in time.
 * Sync options (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/):
 * `CreateNamespace=true` (the chart's namespace does not exist on a fresh cluster) and
 * `ServerSideApply=true` (CRDs such as prometheus-operator's exceed the 262144-byte
 * last-applied-configuration annotation of a client-side apply).
 */
export const ADDON_SYNC_POLICY = {
  automated: AUTOMATED_SYNC,
  syncOptions: [SYNC_OPTION.createNamespace, SYNC_OPTION.serverSideApply],
  retry: SYNC_RETRY,
} as const;

/**
 * The add-on's sync policy. Where a controller rewrites fields Argo CD ignores in the diff
 * (`ignoreDifferences`), `RespectIgnoreDifferences=true` keeps the sync from writing them back:
 * without it "the desired state is applied as-is" and the two fight on every sync
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#respect-ignore-differences-configs).
 */
function syncPolicyOf(addon: AddonDefinition) {
  return {
    ...structuredClone(ADDON_SYNC_POLICY),
    syncOptions: [...ADDON_SYNC_POLICY.syncOptions, ...(addon.ignoreDifferences ? [SYNC_OPTION.respectIgnoreDifferences] : [])],
  };
}

/**
 * One Argo CD Application per add-on the cluster needs (libs/cluster-addons/addons/src/catalog.ts):
 * the upstream chart at the exact version of `environments/<env>/cluster-addons.yaml`, its values
 * computed from the cluster's facts, installed on the cluster's API server. The Applications
 * themselves live in Argo CD's namespace on the management cluster; they differ per cluster, so
 * each cluster gets its folder `dist/<env>/cluster-addons/addons/<cluster>/`.
 */
export default defineService({
  system: clusterAddons,
  name: 'addons',
  render(chart, ctx) {
    const { env, cluster, values } = ctx;
    const file = `environments/${env.name}/cluster-addons.yaml`;
    const reasons = addonReasons(env, cluster.name);
    const addons = addonsForCluster(env, cluster);
    // Every missing version at once, one line each: file, field, reason.
    const missing = addons.filter((a) => !values.addons[a.name]).map((a) =>
      `${file}: addons.${a.name}: missing; cluster ${cluster.name} needs it (for ${reasons.get(a.name)!.join(', ')}): give an exact chart version of ${a.repoURL} ${a.chart}`);
    if (missing.length > 0) throw new Error(missing.join('\n'));

    for (const addon of addons) {
      addModel(chart, addon.name, new Application({
        metadata: {
          name: `${addon.name}-${cluster.name}`,
          namespace: ARGOCD_NAMESPACE,
          // Dependencies first (CRD providers, istio-base before istiod), all before the systems (wave 0).
          annotations: { [SYNC_WAVE_ANNOTATION]: String(addonSyncWave(addon.name)) },
        },
        spec: {
          project: ADDONS_PROJECT,
          source: {
            repoURL: addon.repoURL,
            chart: addon.chart,
            targetRevision: values.addons[addon.name]!,
            helm: { releaseName: addon.releaseName, valuesObject: addon.values({ env, cluster, values }) },
          },
          destination: { server: cluster.server, namespace: addon.namespace },
          syncPolicy: syncPolicyOf(addon) as never,
          ...(addon.ignoreDifferences ? { ignoreDifferences: structuredClone(addon.ignoreDifferences) as never } : {}),
        },
      }));
    }
  },
});
