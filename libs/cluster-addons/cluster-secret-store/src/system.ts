import { defineSystem, dnsLabel } from '@gitops/platform';
import { z } from 'zod';

/** `environments/<env>/cluster-addons.yaml`: where the External Secrets Operator runs in the clusters. */
export const ClusterAddonsValuesSchema = z.strictObject({
  externalSecrets: z.strictObject({
    /** Namespace the External Secrets Operator is installed in (by its Helm chart, not by this repository). */
    namespace: dnsLabel,
    /** The operator's service account, annotated with the IAM role (IRSA) that may read AWS Secrets Manager. */
    serviceAccount: dnsLabel,
  }),
});
export type ClusterAddonsValues = z.infer<typeof ClusterAddonsValuesSchema>;

/**
 * Cluster-wide add-ons every system relies on, rendered per environment like any system. Its
 * objects are cluster-scoped; its namespace is the External Secrets Operator's.
 */
export const clusterAddons = defineSystem({
  name: 'cluster-addons',
  environments: ['development', 'staging', 'production'],
  values: ClusterAddonsValuesSchema,
  namespace: (values) => values.externalSecrets.namespace,
});
