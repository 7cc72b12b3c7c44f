/**
 * ExternalSecret and the one naming convention of secrets in AWS Secrets Manager
 * (`<system>/<env>/<remote>`), which every system's `*-shared` service uses through externalSecretsFor.
 */
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AWS_SECRETS_MANAGER_STORE, externalSecretsFor, secretsManagerKey } from './external-secret';

const ctx = { system: 'shop', env: { name: 'staging' } };

describe('ExternalSecret', () => {
  it('reads every property of one remote secret into a Secret of its own name, through the ClusterSecretStore, hourly by default', () => {
    const chart = new Chart(new App(), 'test');
    externalSecretsFor(chart, ctx, { db: { name: 'shop-db', remote: 'database', properties: ['username', 'password'] } });
    const [es] = chart.toJson();
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata.name).toBe('shop-db');
    expect(es.spec).toEqual({
      refreshInterval: '1h',
      secretStoreRef: { name: AWS_SECRETS_MANAGER_STORE, kind: 'ClusterSecretStore' },
      target: { name: 'shop-db', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'username', remoteRef: { key: 'shop/staging/database', property: 'username' } },
        { secretKey: 'password', remoteRef: { key: 'shop/staging/database', property: 'password' } },
      ],
    });
  });

  it('names the remote secret <system>/<env>/<remote>, the remote defaulting to the Secret name', () => {
    expect(secretsManagerKey(ctx, 'jwt')).toBe('shop/staging/jwt');
    const chart = new Chart(new App(), 'test');
    const made = externalSecretsFor(chart, ctx, { a: { name: 'shop-a', properties: ['k'] }, b: { name: 'shop-b', remote: 'other', properties: ['k'] } });
    expect(made.map((e) => e.name)).toEqual(['shop-a', 'shop-b']);
    expect(chart.toJson().map((o: any) => o.spec.data[0].remoteRef.key)).toEqual(['shop/staging/shop-a', 'shop/staging/other']);
  });
});
