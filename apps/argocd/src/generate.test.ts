import { describe, expect, it } from 'vitest';
import { ARGOCD_FEATURES, ARGOCD_MINIMUM_VERSION, type Environment } from '@gitops/platform';
import { generate } from './generate';
import { ArgoCdConfigSchema } from './config';
import type { DistLeaf } from './tree';

const cluster = (name: string, server: string, region = 'ap-southeast-1') => ({
  name, server, accountId: '111122223333', region, kubernetesVersion: '1.32',
  network: { vpcId: 'vpc-0123456789abcdef0', vpcCidr: '10.0.0.0/16', loadBalancerSubnets: ['10.0.1.0/24'], databaseSubnets: [] }, eksAddons: [], certificates: {},
});
const staging: Environment = {
  name: 'staging', awsAccountId: '111122223333', awsRegion: 'ap-southeast-1', clusters: [cluster('staging-a', 'https://a.example.com')],
  systems: { shop: { clusters: ['staging-a'] }, blog: { clusters: ['staging-a'] } },
};
const config = ArgoCdConfigSchema.parse({ repoURL: 'https://example.com/repo.git', targetRevision: 'main' });
const leaf = (service: string, objects: { kind: string; group?: string; namespace?: string }[], system = 'shop'): DistLeaf => ({
  env: 'staging', system, service, path: `dist/staging/${system}/${service}`,
  objects: objects.map((o) => ({ group: o.group ?? '', kind: o.kind, name: 'x', namespace: o.namespace, annotations: {}, spec: {}, file: `dist/staging/${system}/${service}/f` })),
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

  it('targets exactly the clusters the system runs on: ApplicationSet, AppProject destinations, roles and sync windows', () => {
    // GIVEN an environment of two clusters, shop placed on the second only
    const env: Environment = {
      ...staging,
      clusters: [cluster('blog-staging', 'https://blog.example.com'), cluster('shop-staging', 'https://shop.example.com', 'us-east-1')],
      systems: { blog: { clusters: ['blog-staging'] }, shop: { clusters: ['shop-staging'] } },
    };
    const withWindows = ArgoCdConfigSchema.parse({
      repoURL: 'https://example.com/repo.git', targetRevision: 'main',
      roles: [{ name: 'dev', purpose: 'd', groups: ['g'], grants: [{ environments: ['staging'], actions: ['sync'] }] }],
      syncWindows: { staging: [{ kind: 'deny', schedule: '0 18 * * 5', duration: '62h', timeZone: 'UTC', manualSync: true, description: 'freeze' }] },
    });
    const out = generate({ leaves: [leaf('api', [{ kind: 'Service', namespace: 'shop-staging' }])], environments: new Map([['staging', env]]), config: withWindows });
    const set = out.find((o) => o.object.kind === 'ApplicationSet')!.object as any;
    const project = out.find((o) => o.object.kind === 'AppProject' && o.object.metadata.name === 'shop')!.object as any;
    // THEN everything names shop-staging, nothing names blog-staging
    expect(set.spec.template.spec.destination.server).toBe('https://shop.example.com');
    expect(set.spec.template.metadata.name).toContain('-shop-staging');
    expect(project.spec.destinations).toEqual([{ server: 'https://shop.example.com', namespace: 'shop-staging' }]);
    expect(project.spec.syncWindows.map((w: any) => w.clusters)).toEqual([['https://shop.example.com']]);
    expect(project.spec.roles[0].policies).toEqual(['p, proj:shop:dev, applications, sync, shop/shop-*-shop-staging, allow']);
    expect(project.spec.roles[0].description).toBe('d (staging: sync)');
  });

  it('refuses a folder of a system the environment does not place on any cluster', () => {
    const env: Environment = { ...staging, systems: { blog: { clusters: ['staging-a'] } } };
    expect(() => generate({ leaves: [leaf('api', [{ kind: 'Service', namespace: 'shop-staging' }])], environments: new Map([['staging', env]]), config }))
      .toThrow('environments/staging/environment.yaml: systems.shop: no placement, but dist/staging/shop/ exists; say which clusters it runs on');
  });

  it('refuses to grant one namespace to two AppProjects', () => {
    // GIVEN blog's values name shop's namespace
    const leaves = [leaf('api', [{ kind: 'Namespace' }, { kind: 'Service', namespace: 'shop-staging' }]), leaf('web', [{ kind: 'Service', namespace: 'shop-staging' }], 'blog')];
    expect(() => generate({ leaves, environments: new Map([['staging', staging]]), config }))
      .toThrow('namespace shop-staging on https://a.example.com (staging) would be granted to AppProjects blog (dist/staging/blog/web) and shop (dist/staging/shop/api): a namespace belongs to one system');
  });

  it('refuses a Namespace rendered by two systems (each project permits its own Namespaces by name)', () => {
    const leaves = [leaf('api', [{ kind: 'Namespace' }, { kind: 'Service', namespace: 'shop-staging' }]), leaf('web', [{ kind: 'Namespace' }, { kind: 'Service', namespace: 'blog-staging' }], 'blog')];
    expect(() => generate({ leaves, environments: new Map([['staging', staging]]), config }))
      .toThrow('dist/staging/blog/web/f: Namespace x is also rendered by system shop (dist/staging/shop/api); a namespace belongs to one system');
  });

  it('refuses a kind no system may own instead of whitelisting it (a bare Pod, a ClusterRoleBinding, an unknown CRD)', () => {
    const run = (o: { kind: string; group?: string; namespace?: string }) => () =>
      generate({ leaves: [leaf('api', [{ kind: 'Service', namespace: 'shop-staging' }, o])], environments: new Map([['staging', staging]]), config });
    expect(run({ kind: 'Pod', namespace: 'shop-staging' })).toThrow('dist/staging/shop/api/f: Pod (core group) is not a kind a system may own (apps/argocd/src/generate.ts SYSTEM_KINDS); the AppProject will not whitelist it');
    expect(run({ kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io' })).toThrow('ClusterRoleBinding (rbac.authorization.k8s.io) is not a kind a system may own');
    expect(run({ kind: 'Miner', group: 'crypto.example.com', namespace: 'shop-staging' })).toThrow('Miner (crypto.example.com) is not a kind a system may own');
  });

  it('refuses a known kind in the wrong scope (a Namespace given a namespace, a Service without one)', () => {
    const run = (o: { kind: string; group?: string; namespace?: string }) => () =>
      generate({ leaves: [leaf('api', [{ kind: 'Service', namespace: 'shop-staging' }, o])], environments: new Map([['staging', staging]]), config });
    expect(run({ kind: 'Namespace', namespace: 'shop-staging' })).toThrow('dist/staging/shop/api/f: Namespace is cluster-scoped: it must not have metadata.namespace');
    expect(run({ kind: 'ConfigMap' })).toThrow('dist/staging/shop/api/f: ConfigMap is namespaced: it must have metadata.namespace');
  });

  it('whitelists exactly the kinds the system renders, its own Namespaces by name, and what the cluster creates below them', () => {
    const leaves = [leaf('api', [{ kind: 'Namespace' }, { kind: 'Service', namespace: 'shop-staging' }, { kind: 'Deployment', group: 'apps', namespace: 'shop-staging' }])];
    const project = generate({ leaves, environments: new Map([['staging', staging]]), config }).find((o) => o.object.kind === 'AppProject' && o.object.metadata.name === 'shop')!.object as any;
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'x' }]);
    // Deployment -> ReplicaSet -> Pod and Service -> EndpointSlice stay in the resource tree
    expect(project.spec.namespaceResourceWhitelist).toEqual([
      { group: '', kind: 'Pod' }, { group: '', kind: 'Service' }, { group: 'apps', kind: 'Deployment' }, { group: 'apps', kind: 'ReplicaSet' }, { group: 'discovery.k8s.io', kind: 'EndpointSlice' },
    ]);
  });

  it('permits no namespaced kind with an entry that survives an API round trip, never with []', () => {
    const cfg = ArgoCdConfigSchema.parse({ repoURL: 'https://example.com/repo.git', targetRevision: 'main', clusterScopedSystems: { shop: 'shop-staging' } });
    const project = generate({ leaves: [leaf('crds', [{ kind: 'Namespace' }])], environments: new Map([['staging', staging]]), config: cfg })
      .find((o) => o.object.kind === 'AppProject' && o.object.metadata.name === 'shop')!.object as any;
    expect(project.spec.namespaceResourceWhitelist).toEqual([{ group: 'nothing.invalid', kind: 'NoNamespacedObject' }]);
  });

  it('refuses one API server spelled two ways in two environments (Argo CD would register two clusters)', () => {
    const production: Environment = { ...staging, name: 'production', clusters: [cluster('production-a', 'https://A.example.com/')], systems: { shop: { clusters: ['production-a'] } } };
    const leaves = [leaf('api', [{ kind: 'Service', namespace: 'shop-staging' }]), { ...leaf('api', [{ kind: 'Service', namespace: 'shop-production' }]), env: 'production', path: 'dist/production/shop/api' }];
    expect(() => generate({ leaves, environments: new Map([['staging', staging], ['production', production]]), config }))
      .toThrow('environments/production/environment.yaml: clusters: production-a: server https://A.example.com/ is https://a.example.com spelled another way (environments/staging/environment.yaml, staging-a); Argo CD matches servers by their text, so write it the same way');
  });
});

describe('generate, per-cluster folders', () => {
  const two: Environment = {
    ...staging,
    clusters: [cluster('shop-sg', 'https://sg.example.com'), cluster('shop-us', 'https://us.example.com', 'us-east-1')],
    systems: { shop: { clusters: ['shop-sg', 'shop-us'], singletons: { clusters: ['shop-us'] } } },
  };
  const at = (path: string, service: string): DistLeaf => ({ ...leaf(service, [{ kind: 'ConfigMap', namespace: 'shop-staging' }]), path });

  it('sends dist/<env>/<system>/<service>/<cluster> to that cluster only, and keeps it out of the system generator', () => {
    const leaves = [at('dist/staging/shop/docs', 'docs'), at('dist/staging/shop/web/shop-sg', 'web'), at('dist/staging/shop/web/shop-us', 'web')];
    const sets = generate({ leaves, environments: new Map([['staging', two]]), config }).filter((o) => o.object.kind === 'ApplicationSet').map((o) => o.object as any);
    expect(sets.map((s) => s.metadata.name)).toEqual(['staging-shop', 'staging-shop-per-cluster']);
    expect(sets[0].spec.generators[0].matrix.generators[0].git.directories).toEqual([{ path: 'dist/staging/shop/*' }, { path: 'dist/staging/shop/web', exclude: true }]);
    expect(sets[1].spec.generators[0].list.elements).toEqual([
      { path: 'dist/staging/shop/web/shop-sg', service: 'web', cluster: 'shop-sg', server: 'https://sg.example.com', namespace: 'shop-staging' },
      { path: 'dist/staging/shop/web/shop-us', service: 'web', cluster: 'shop-us', server: 'https://us.example.com', namespace: 'shop-staging' },
    ]);
    expect(sets[1].spec.template.metadata.name).toBe('shop-{{ trimPrefix "shop-" .service }}-{{ .cluster }}');
  });

  it('refuses a per-cluster folder of a cluster the system is not placed on', () => {
    expect(() => generate({ leaves: [at('dist/staging/shop/web/elsewhere', 'web')], environments: new Map([['staging', two]]), config }))
      .toThrow('dist/staging/shop/web/elsewhere: elsewhere is not a cluster environments/staging/environment.yaml places shop on');
  });
});

describe('the Argo CD version the repository needs', () => {
  it('is the newest version among the features it relies on', () => {
    const num = (v: string) => v.split('.').map(Number);
    const newest = [...ARGOCD_FEATURES].sort((a, b) => { const [x, y] = [num(a.since), num(b.since)]; return x[0] - y[0] || x[1] - y[1]; }).at(-1)!;
    expect(ARGOCD_MINIMUM_VERSION).toBe(newest.since);
  });
});

describe('generate, folders of Argo CD Applications (add-ons)', () => {
  const addonsEnv: Environment = { ...staging, systems: { ...staging.systems, 'cluster-addons': { clusters: ['staging-a'] } } };
  const cfg = ArgoCdConfigSchema.parse({ repoURL: 'https://example.com/repo.git', targetRevision: 'main', clusterScopedSystems: { 'cluster-addons': 'external-secrets' } });
  const app = (project = 'cluster-addons', namespace = 'argocd') => ({
    group: 'argoproj.io', kind: 'Application', name: 'metrics-server-staging-a', namespace, annotations: {}, file: 'dist/staging/cluster-addons/addons/staging-a/f',
    spec: { project, source: { repoURL: 'https://charts.example.com', chart: 'metrics-server' }, destination: { server: 'https://a.example.com', namespace: 'kube-system' }, syncPolicy: { syncOptions: ['CreateNamespace=true'] } },
  });
  const store: DistLeaf = { ...leaf('cluster-secret-store', [{ kind: 'ClusterSecretStore', group: 'external-secrets.io' }], 'cluster-addons') };
  const addons = (objects: any[], path = 'dist/staging/cluster-addons/addons/staging-a'): DistLeaf => ({ env: 'staging', system: 'cluster-addons', service: 'addons', path, objects });
  const run = (l: DistLeaf) => generate({ leaves: [store, l], environments: new Map([['staging', addonsEnv]]), config: cfg });

  it('sends the folder to the management cluster under a project that may create only Applications, and opens the add-on project to its charts', () => {
    const out = run(addons([app()]));
    const set = out.find((o) => o.object.metadata.name === 'staging-cluster-addons-applications')!.object as any;
    expect(set.spec.template.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'argocd' });
    expect(set.spec.template.spec.project).toBe('cluster-addons-applications');
    const own = out.find((o) => o.object.kind === 'AppProject' && o.object.metadata.name === 'cluster-addons-applications')!.object as any;
    expect(own.spec.namespaceResourceWhitelist).toEqual([{ group: 'argoproj.io', kind: 'Application' }]);
    const project = out.find((o) => o.object.kind === 'AppProject' && o.object.metadata.name === 'cluster-addons')!.object as any;
    expect(project.spec.destinations).toContainEqual({ server: 'https://a.example.com', namespace: 'kube-system' });
    expect(project.spec.sourceRepos).toContain('https://charts.example.com');
    expect(project.spec.clusterResourceWhitelist).toContainEqual({ group: '', kind: 'Namespace', name: 'kube-system' });
    // the system generator does not also take the folder
    const main = out.find((o) => o.object.metadata.name === 'staging-cluster-addons')!.object as any;
    expect(main.spec.generators[0].git.directories).toContainEqual({ path: 'dist/staging/cluster-addons/addons', exclude: true });
  });

  it('refuses Applications mixed with other objects, outside a per-cluster folder, outside argocd, or of another project', () => {
    expect(() => run(addons([app(), { ...app(), group: '', kind: 'ConfigMap', name: 'x', namespace: 'argocd' }]))).toThrow('dist/staging/cluster-addons/addons/staging-a: Argo CD Applications and other objects in one folder');
    expect(() => run(addons([app()], 'dist/staging/cluster-addons/addons'))).toThrow('dist/staging/cluster-addons/addons: a folder of Argo CD Applications must be per cluster');
    expect(() => run(addons([app('cluster-addons', 'default')]))).toThrow('Application metrics-server-staging-a must be in namespace argocd');
    expect(() => run(addons([app('kiteclass')]))).toThrow('Application metrics-server-staging-a names project kiteclass; the Applications a system renders belong to its own project, cluster-addons');
  });
});
