import { describe, expect, it } from 'vitest';
import type { Environment } from '@gitops/platform';
import { generate } from './generate';
import { ArgoCdConfigSchema } from './config';
import type { DistLeaf } from './tree';

const staging: Environment = { name: 'staging', awsAccountId: '111122223333', awsRegion: 'ap-southeast-1', clusters: [{ name: 'staging-a', server: 'https://a.example.com', region: 'ap-southeast-1' }] };
const config = ArgoCdConfigSchema.parse({ repoURL: 'https://example.com/repo.git', targetRevision: 'main' });
const leaf = (service: string, objects: { kind: string; group?: string; namespace?: string }[]): DistLeaf => ({
  env: 'staging', system: 'shop', service, path: `dist/staging/shop/${service}`,
  objects: objects.map((o) => ({ group: o.group ?? '', kind: o.kind, name: 'x', namespace: o.namespace, annotations: {}, spec: {}, file: 'f' })),
});

describe('generate', () => {
  it('refuses a system of cluster-scoped objects only until argocd.yaml names its namespace', () => {
    expect(() => generate({ leaves: [leaf('crds', [{ kind: 'Namespace' }])], environments: new Map([['staging', staging]]), config }))
      .toThrow('dist/staging/shop: only cluster-scoped objects; name the namespace its Applications target in environments/argocd.yaml under clusterScopedSystems.shop');
  });

  it('carves a service that deploys into another namespace out of the system generator into its own ApplicationSet', () => {
    // GIVEN two services in shop-staging and one in payments
    const leaves = [leaf('api', [{ kind: 'Service', namespace: 'shop-staging' }]), leaf('web', [{ kind: 'Service', namespace: 'shop-staging' }]), leaf('pay', [{ kind: 'Service', namespace: 'payments' }])];
    // WHEN
    const sets = generate({ leaves, environments: new Map([['staging', staging]]), config }).filter((o) => o.object.kind === 'ApplicationSet').map((o) => o.object as any);
    // THEN
    expect(sets.map((s) => s.metadata.name)).toEqual(['staging-shop', 'staging-shop-payments']);
    expect(sets[0].spec.generators[0].git.directories).toEqual([{ path: 'dist/staging/shop/*' }, { path: 'dist/staging/shop/pay', exclude: true }]);
    expect(sets[1].spec.generators[0].git.directories).toEqual([{ path: 'dist/staging/shop/pay' }]);
    expect(sets[1].spec.template.spec.destination).toEqual({ server: 'https://a.example.com', namespace: 'payments' });
  });

  it('refuses a cluster whose name does not start with its environment', () => {
    const env = { ...staging, clusters: [{ ...staging.clusters[0], name: 'blue' }] };
    expect(() => generate({ leaves: [leaf('api', [{ kind: 'Service', namespace: 'shop-staging' }])], environments: new Map([['staging', env]]), config }))
      .toThrow('environments/staging/environment.yaml: clusters: blue: must start with "staging-", so the names of its Argo CD Applications tell the environment');
  });
});
