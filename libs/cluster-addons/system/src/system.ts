import { defineSystem } from '@gitops/platform';
import { ClusterAddonsValuesSchema } from './values';

/**
 * Cluster-wide add-ons every system relies on, rendered per environment like any system: the
 * ClusterSecretStore (cluster-secret-store) and the Argo CD Applications that install the add-ons'
 * Helm charts on each cluster (addons). Its namespace is the External Secrets Operator's.
 */
export const clusterAddons = defineSystem({
  name: 'cluster-addons',
  environments: ['development', 'staging', 'production'],
  values: ClusterAddonsValuesSchema,
  namespace: (values) => values.externalSecrets.namespace,
});
