import { ClusterSecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ClusterSecretStore';
import { addModel, AWS_SECRETS_MANAGER_STORE, defineService } from '@gitops/platform';
import { clusterAddons } from '@gitops/cluster-addons-system';

/**
 * The platform-wide `ClusterSecretStore` `aws-secrets-manager` that every ExternalSecret reads
 * through: AWS Secrets Manager in the environment's region, authenticated with IRSA (the
 * operator's service account token is exchanged for its IAM role), so no AWS key is ever stored.
 */
export default defineService({
  system: clusterAddons,
  name: 'cluster-secret-store',
  render(chart, ctx) {
    const eso = ctx.values.externalSecrets;
    addModel(chart, 'Store', new ClusterSecretStore({
      metadata: { name: AWS_SECRETS_MANAGER_STORE },
      spec: {
        provider: {
          aws: {
            service: 'SecretsManager',
            // Both production clusters read the environment's secrets region (secrets live once per environment).
            region: ctx.env.awsRegion,
            auth: { jwt: { serviceAccountRef: { name: eso.serviceAccount, namespace: eso.namespace } } },
          },
        },
      },
    }));
  },
});
