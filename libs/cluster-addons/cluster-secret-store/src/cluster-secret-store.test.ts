import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { AWS_SECRETS_MANAGER_STORE, SYNC_WAVE_ANNOTATION } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { findObject, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import service from './index';

const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

describe('cluster-secret-store', () => {
  it.each(ENVIRONMENTS)('renders the ClusterSecretStore aws-secrets-manager in %s, reading Secrets Manager in the environment region with IRSA', (env) => {
    // WHEN
    const leaf = renderLeaf(service, env);
    // THEN
    expect(leaf.path).toBe(`${env}/cluster-addons/cluster-secret-store`);
    expect(leaf.objects).toHaveLength(1);
    const store = findObject(leaf.objects, 'ClusterSecretStore', 'aws-secrets-manager');
    expect(store.apiVersion).toBe('external-secrets.io/v1');
    expect(store.metadata.namespace).toBeUndefined();
    expect(store.spec.provider.aws).toEqual({
      service: 'SecretsManager',
      region: loadEnvironment(env, WORKSPACE_ROOT).awsRegion,
      auth: { jwt: { serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } } },
    });
  });

  it('is applied before the ExternalSecrets that read through it (sync wave -2)', () => {
    const store = findObject(renderLeaf(service, 'production').objects, 'ClusterSecretStore', AWS_SECRETS_MANAGER_STORE);
    expect(store.metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe('-2');
  });

  it('holds no AWS credentials: IRSA only, no secretRef', () => {
    const text = [...renderLeaf(service, 'production').files.values()].join('\n');
    expect(text).not.toMatch(/secretRef|accessKeyID|secretAccessKey/);
  });

  it('is the store every ExternalSecret rendered in dist/ refers to', () => {
    // GIVEN every ExternalSecret any system rendered
    const refs = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.startsWith('ExternalSecret.')) {
          for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
            const ref = doc.toJS()?.spec?.secretStoreRef;
            refs.add(`${ref?.kind}/${ref?.name}`);
          }
        }
      }
    };
    walk(join(WORKSPACE_ROOT, 'dist'));
    // THEN they all name this ClusterSecretStore
    expect(refs.size).toBeGreaterThan(0);
    expect([...refs]).toEqual([`ClusterSecretStore/${AWS_SECRETS_MANAGER_STORE}`]);
  });
});
