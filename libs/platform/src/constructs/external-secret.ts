import { ExternalSecret as ExternalSecretModel } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { Construct } from 'constructs';
import { addModel } from './model-object';

/** The ClusterSecretStore every system reads AWS Secrets Manager through (rendered by the platform). */
export const AWS_SECRETS_MANAGER_STORE = 'aws-secrets-manager';

export interface ExternalSecretProps {
  /** Name of the ExternalSecret and of the Secret it creates. */
  readonly name: string;
  /** Secret name in AWS Secrets Manager, e.g. `kiteclass/production/database`. */
  readonly remoteKey: string;
  /** Keys of the Secret, each read from the property of the same name in the remote JSON secret. */
  readonly properties: readonly string[];
  /** How often the operator re-reads the secret. @default '1h' */
  readonly refreshInterval?: string;
  /** @default 'aws-secrets-manager' (a ClusterSecretStore) */
  readonly storeName?: string;
}

/**
 * An External Secrets `ExternalSecret` (external-secrets.io/v1: v1beta1, which the KiteClass
 * document uses, is no longer served by current operators). Secrets never appear in git.
 */
export class ExternalSecret extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    this.name = props.name;
    addModel(this, 'Resource', new ExternalSecretModel({
      metadata: { name: props.name },
      spec: {
        refreshInterval: props.refreshInterval ?? '1h',
        secretStoreRef: { name: props.storeName ?? AWS_SECRETS_MANAGER_STORE, kind: 'ClusterSecretStore' },
        target: { name: props.name, creationPolicy: 'Owner' },
        data: props.properties.map((property) => ({
          secretKey: property,
          remoteRef: { key: props.remoteKey, property },
        })),
      },
    }));
  }
}

/** A secret a system keeps in AWS Secrets Manager, read into the Kubernetes Secret `name`. */
export interface SystemSecret {
  /** Name of the ExternalSecret and of the Secret it creates. */
  readonly name: string;
  /** Last part of its AWS Secrets Manager key (`<system>/<env>/<remote>`). @default - `name` */
  readonly remote?: string;
  /** Keys of the Secret, each a property of the remote JSON secret. */
  readonly properties: readonly string[];
}

/**
 * AWS Secrets Manager key of a system's secret in an environment: `<system>/<env>/<remote>`, the
 * one naming convention every system's secrets follow (so IAM policies can grant `<system>/<env>/*`).
 */
export function secretsManagerKey(ctx: { readonly system: string; readonly env: { readonly name: string } }, remote: string): string {
  return `${ctx.system}/${ctx.env.name}/${remote}`;
}

/** One ExternalSecret per secret (construct id `Secret-<key>`), each read from `secretsManagerKey(ctx, remote)`. */
export function externalSecretsFor(
  scope: Construct,
  ctx: { readonly system: string; readonly env: { readonly name: string } },
  secrets: Readonly<Record<string, SystemSecret>>,
): ExternalSecret[] {
  return Object.entries(secrets).map(([id, secret]) => new ExternalSecret(scope, `Secret-${id}`, {
    name: secret.name,
    remoteKey: secretsManagerKey(ctx, secret.remote ?? secret.name),
    properties: secret.properties,
  }));
}
