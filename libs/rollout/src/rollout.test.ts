import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ADDONS } from '@gitops/cluster-addons-addons';
import { backoffSeconds, simulateRollout, type AppOutcome, type RolloutResult } from './simulate';
import {
  clusterSecretStore, configMap, defaultDeny, deployment, egressPolicy, externalSecret, fixtureRepo, migrationJob,
  namespace, serviceMonitor, type FixtureOptions,
} from './fixtures/repo';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A Wednesday, 10:00 in Singapore: outside the weekend windows of the tests. */
const WEEKDAY = new Date('2026-11-25T02:00:00Z');

function run(opts: FixtureOptions, start = WEEKDAY): RolloutResult {
  const root = fixtureRepo(opts);
  roots.push(root);
  // Half an hour of simulated time: every retry backoff (capped at 3m) has come round several times.
  return simulateRollout({ root, maxSeconds: 1800, start });
}

function outcome(result: RolloutResult, application: string): AppOutcome {
  const o = result.outcomes.find((x) => x.application === application);
  if (!o) throw new Error(`no Application ${application}: ${result.outcomes.map((x) => x.application).join(', ')} ${result.errors.join('; ')}`);
  return o;
}

const addon = (name: keyof typeof ADDONS) => ({ name: ADDONS[name].name, repoURL: ADDONS[name].repoURL, chart: ADDONS[name].chart, namespace: ADDONS[name].namespace });
const wave = (n: number) => ({ 'argocd.argoproj.io/sync-wave': String(n) });
const NS = 'shop';

describe('rollout simulation over broken fixtures', () => {
  it('a well-ordered repository converges: Namespace first, the hook egress before the hook, the store before its ExternalSecret', () => {
    const result = run({
      addons: [addon('external-secrets')],
      services: {
        'fixture-shared': [namespace(NS, wave(-2)), defaultDeny(NS), clusterSecretStore('store', wave(-1)), externalSecret(NS, 'db', 'store')],
        'fixture-app': [
          egressPolicy(NS, 'migrate', wave(-2), 5432),
          migrationJob(NS, { 'argocd.argoproj.io/hook': 'Sync', ...wave(-1) }),
          egressPolicy(NS, 'web', {}, 5432), deployment(NS, 'web', { database: true, secret: 'db' }),
        ],
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.outcomes.filter((o) => !o.converged)).toEqual([]);
    // The generator made one Application per service folder, named by the template.
    expect(result.outcomes.map((o) => o.application)).toEqual(expect.arrayContaining(['fixture-shared', 'fixture-app', 'external-secrets', 'argocd-bootstrap']));
  });

  it('a hook that needs a later object: a PreSync migration whose egress policy is a Sync-phase resource fails under default-deny', () => {
    const result = run({
      services: {
        'fixture-shared': [namespace(NS), defaultDeny(NS)],
        'fixture-app': [egressPolicy(NS, 'migrate', {}, 5432), migrationJob(NS, { 'argocd.argoproj.io/hook': 'PreSync' })],
      },
    });
    const app = outcome(result, 'fixture-app');
    expect(app.converged).toBe(false);
    expect(app.object).toBe('Job shop/migrate');
    expect(app.reason).toMatch(/egress to DNS .* denied.*default-deny/);
    expect(outcome(result, 'fixture-shared').converged).toBe(true);
  });

  it('a pod whose policy allows DNS but not its database does not become Ready', () => {
    const result = run({
      services: { 'fixture-app': [namespace(NS, wave(-1)), defaultDeny(NS), egressPolicy(NS, 'web'), deployment(NS, 'web', { database: true })] },
    });
    const app = outcome(result, 'fixture-app');
    expect(app.converged).toBe(false);
    expect(app.object).toBe('Deployment shop/web');
    expect(app.reason).toMatch(/egress to the database \(DATABASE_HOST\) \(TCP 5432\) is denied/);
  });

  it("backing services named in env: a URL's port, a scheme's default, a Spring RabbitMQ host without SSL on 5672", () => {
    const withEnv = (env: object[]) => {
      const d = deployment(NS, 'web');
      d.spec.template.spec.containers[0].env = env;
      return d;
    };
    const policy = (ports: number[]) => {
      const p = egressPolicy(NS, 'web');
      p.spec.egress.push({ ports: ports.map((port) => ({ port, protocol: 'TCP' })) });
      return p;
    };
    const base = [namespace(NS, wave(-1)), defaultDeny(NS)];
    const redis = run({ services: { 'fixture-app': [...base, policy([6379]), withEnv([{ name: 'REDIS_URL', value: 'redis://cache.example.com:6380/0' }])] } });
    expect(outcome(redis, 'fixture-app').reason).toMatch(/egress to Redis \(REDIS_URL\) \(TCP 6380\) is denied/);
    const rabbit = [{ name: 'SPRING_RABBITMQ_HOST', value: 'b-1.mq.example.com' }];
    const plain = run({ services: { 'fixture-app': [...base, policy([5671]), withEnv(rabbit)] } });
    expect(outcome(plain, 'fixture-app').reason).toMatch(/egress to RabbitMQ \(SPRING_RABBITMQ_HOST\) \(TCP 5672\) is denied/);
    const tls = run({ services: { 'fixture-app': [...base, policy([5671]), withEnv([...rabbit, { name: 'SPRING_RABBITMQ_SSL_ENABLED', value: 'true' }])] } });
    expect(tls.outcomes.filter((o) => !o.converged)).toEqual([]);
  });

  it('an ExternalSecret before its store: the store in a later wave is never reached', () => {
    const result = run({
      addons: [addon('external-secrets')],
      services: { 'fixture-shared': [namespace(NS, wave(-1)), externalSecret(NS, 'db', 'store'), clusterSecretStore('store', wave(1))] },
    });
    const app = outcome(result, 'fixture-shared');
    expect(app.converged).toBe(false);
    expect(app.object).toBe('ExternalSecret shop/db');
    expect(app.reason).toMatch(/ClusterSecretStore store does not exist/);
  });

  it('an ExternalSecret with no External Secrets Operator: its kind is not served', () => {
    const result = run({ retry: { limit: 2 }, services: { 'fixture-shared': [namespace(NS), externalSecret(NS, 'db', 'store')] } });
    const app = outcome(result, 'fixture-shared');
    expect(app.converged).toBe(false);
    expect(app.object).toBe('ExternalSecret shop/db');
    expect(app.reason).toMatch(/ExternalSecret \(external-secrets.io\/v1\) is not served \(dry run\).*retry.limit 2 reached/);
  });

  it('a CRD kind before its add-on: without retries the failed dry run is never repeated', () => {
    // The add-on's Application comes in a later wave of the bootstrap than the ApplicationSet.
    const broken = run({
      retry: { limit: 0 }, addons: [{ ...addon('kube-prometheus-stack'), wave: 1 }],
      services: { 'fixture-app': [namespace(NS), serviceMonitor(NS, 'web')] },
    });
    const app = outcome(broken, 'fixture-app');
    expect(outcome(broken, 'kube-prometheus-stack').converged).toBe(true);
    expect(app.converged).toBe(false);
    expect(app.object).toBe('ServiceMonitor shop/web');
    expect(app.reason).toMatch(/ServiceMonitor \(monitoring.coreos.com\/v1\) is not served \(dry run\).*retry.limit 0 reached, and auto-sync does not retry/);

    // The repository's way out: skip the dry run of unknown kinds and retry without limit.
    const fixed = run({
      syncOptions: ['ServerSideApply=true', 'SkipDryRunOnMissingResource=true'], addons: [{ ...addon('kube-prometheus-stack'), wave: 1 }],
      services: { 'fixture-app': [namespace(NS), serviceMonitor(NS, 'web')] },
    });
    expect(fixed.outcomes.filter((o) => !o.converged)).toEqual([]);
  });

  it('a Namespace in another Application with no ordering: the first sync finds no namespace', () => {
    const services = { 'fixture-a-consumer': [configMap(NS, 'settings')], 'fixture-shared': [namespace(NS)] };
    const broken = run({ retry: { limit: 0 }, services });
    const app = outcome(broken, 'fixture-a-consumer');
    expect(app.converged).toBe(false);
    expect(app.object).toBe('ConfigMap shop/settings');
    expect(app.reason).toMatch(/namespaces "shop" not found/);
    expect(outcome(broken, 'fixture-shared').converged).toBe(true);

    const retried = run({ services });
    expect(retried.outcomes.filter((o) => !o.converged)).toEqual([]);
  });

  it('an Application whose project does not exist, or does not permit a kind, never syncs', () => {
    const missing = run({ project: 'nope', services: { 'fixture-app': [namespace(NS)] } });
    expect(outcome(missing, 'fixture-app')).toMatchObject({ converged: false, object: 'AppProject nope', reason: expect.stringMatching(/project nope which does not exist/) });

    const narrow = run({ retry: { limit: 1 }, namespaceResourceWhitelist: [{ group: '', kind: 'ConfigMap' }], services: { 'fixture-app': [namespace(NS, wave(-1)), configMap(NS, 'a'), serviceMonitor(NS, 'web')] } });
    expect(outcome(narrow, 'fixture-app')).toMatchObject({ converged: false, object: 'ServiceMonitor shop/web', reason: expect.stringMatching(/monitoring.coreos.com:ServiceMonitor is not permitted in project fixture/) });
  });
});

describe('rollout simulation: hooks, windows and Application health', () => {
  it('a failed hook whose only delete policy is HookSucceeded stays Failed: later syncs never rerun it', () => {
    // The hook's egress policy comes from another Application, whose first sync finds no namespace
    // and retries two minutes later: by then the hook has failed once.
    const services = (policy: string) => ({
      'fixture-app': [namespace(NS, wave(-1)), defaultDeny(NS), migrationJob(NS, { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': policy })],
      'fixture-z-netpol': [egressPolicy(NS, 'migrate', {}, 5432)],
    });
    const retry = { limit: -1, backoff: { duration: '2m', factor: 1, maxDuration: '2m' } };
    // With BeforeHookCreation the retry recreates the Job, which succeeds once the policy exists.
    const recreated = run({ retry, services: services('BeforeHookCreation') });
    expect(recreated.outcomes.filter((o) => !o.converged)).toEqual([]);
    const kept = run({ retry, services: services('HookSucceeded') });
    expect(outcome(kept, 'fixture-app')).toMatchObject({ converged: false, object: 'Job shop/migrate', reason: expect.stringMatching(/BackoffLimitExceeded: egress to DNS/) });
  });

  it('a deny sync window stops auto-sync of a fresh cluster while it is open', () => {
    const syncWindows = [{ kind: 'deny', schedule: '0 18 * * 5', duration: '62h', timeZone: 'Asia/Singapore', clusters: ['fixture-*'], manualSync: true, description: 'weekend freeze' }];
    const services = { 'fixture-app': [namespace(NS)] };
    const saturday = run({ syncWindows, services }, new Date('2026-11-28T02:00:00Z'));
    expect(outcome(saturday, 'fixture-app')).toMatchObject({ converged: false, object: 'AppProject fixture', reason: expect.stringMatching(/deny sync window "weekend freeze".*manual sync is allowed/) });
    expect(run({ syncWindows, services }).outcomes.filter((o) => !o.converged)).toEqual([]);
  });

  it('with the Application health customization, a wave of Applications waits for the previous one to be Healthy', () => {
    const child = (name: string, w: number) => ({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd', annotations: wave(w) },
      spec: {
        project: 'fixture', destination: { server: 'https://fixture.example.com', namespace: NS },
        source: { repoURL: 'https://example.com/fixture.git', path: `dist/children/${name}`, targetRevision: 'main' },
        syncPolicy: { automated: {}, retry: { limit: -1 }, syncOptions: ['CreateNamespace=true'] },
      },
    });
    const files = {
      'argocd/apps/parent.yaml': [{
        apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'parent', namespace: 'argocd' },
        spec: {
          project: 'argocd-bootstrap', destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
          source: { repoURL: 'https://example.com/fixture.git', path: 'dist/parent', targetRevision: 'main' }, syncPolicy: { automated: {}, retry: { limit: -1 } },
        },
      }],
      'dist/parent/apps.yaml': [child('child-a', 0), child('child-b', 1)],
      // child-a's pods wait for a Secret nothing makes.
      'dist/children/child-a/deploy.yaml': [deployment(NS, 'web', { secret: 'missing' })],
      'dist/children/child-b/cm.yaml': [configMap(NS, 'b')],
    };
    const plain = run({ services: {}, files });
    expect(outcome(plain, 'child-b').converged).toBe(true); // Applications count as Healthy once created (Argo CD >= 1.8)
    expect(outcome(plain, 'child-a')).toMatchObject({ converged: false, object: 'Deployment shop/web', reason: expect.stringMatching(/Secret missing/) });

    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argocd-cm', namespace: 'argocd' }, data: { 'resource.customizations.health.argoproj.io_Application': 'hs = {}\nreturn hs\n' } };
    const gated = run({ services: {}, files: { ...files, 'argocd/config/argocd-cm.yaml': [cm] } });
    expect(gated.outcomes.find((o) => o.application === 'child-b')).toBeUndefined();
    expect(outcome(gated, 'parent')).toMatchObject({ converged: false, object: 'Application argocd/child-a', reason: expect.stringMatching(/sync waits for its health/) });
  });
});

describe('rollout simulation: CRDs and the Secrets store', () => {
  it('a CRD and its custom resource in one sync: the resource waits for the CRD, no dry-run failure', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1', served: true, storage: true }] },
    };
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: NS } };
    const result = run({ retry: { limit: 0 }, services: { 'fixture-app': [namespace(NS), crd, widget] } });
    expect(result.outcomes.filter((o) => !o.converged)).toEqual([]);
  });

  it('a default-deny in the operator namespace: the store is never Ready and the ExternalSecret names it', () => {
    const result = run({
      addons: [addon('external-secrets')],
      services: {
        'fixture-eso-netpol': [defaultDeny('external-secrets')],
        'fixture-shared': [namespace(NS, wave(-2)), clusterSecretStore('store', wave(-1)), externalSecret(NS, 'db', 'store')],
      },
    });
    const app = outcome(result, 'fixture-shared');
    expect(app.converged).toBe(false);
    expect(app.object).toBe('ClusterSecretStore store');
    expect(app.reason).toMatch(/cannot reach the Secrets store: egress to DNS .* denied: NetworkPolicies default-deny/);
  });
});

describe('rollout simulation: ResourceQuota', () => {
  const sized = (app: string, cpu: string) => {
    const d = deployment(NS, app);
    d.spec.template.spec.containers[0].resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu, memory: '128Mi' } };
    return d;
  };
  const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: NS, annotations: wave(-1) }, spec: { hard: { 'limits.cpu': '1', 'requests.memory': '1Gi' } } };

  it('workloads past the quota, or without the quota\'d requests and limits, never get pods', () => {
    const over = run({ services: { 'fixture-app': [namespace(NS, wave(-2)), quota, sized('a', '600m'), sized('b', '600m')] } });
    expect(outcome(over, 'fixture-app')).toMatchObject({ converged: false, object: 'Deployment shop/b', reason: expect.stringMatching(/exceeded quota compute: limits.cpu used 1200m .* limited 1/) });
    const unsized = run({ services: { 'fixture-app': [namespace(NS, wave(-2)), quota, deployment(NS, 'a')] } });
    expect(outcome(unsized, 'fixture-app')).toMatchObject({ converged: false, object: 'Deployment shop/a', reason: expect.stringMatching(/ResourceQuota compute: must specify requests.memory/) });
    const fits = run({ services: { 'fixture-app': [namespace(NS, wave(-2)), quota, sized('a', '400m'), sized('b', '600m')] } });
    expect(fits.outcomes.filter((o) => !o.converged)).toEqual([]);
  });
});

describe('rollout simulation: Istio sidecars', () => {
  it('pods of an injected namespace need egress to istiod (15012) before they are Ready', () => {
    const injected = { ...namespace(NS, wave(-1)), metadata: { ...namespace(NS, wave(-1)).metadata, labels: { 'kubernetes.io/metadata.name': NS, 'istio-injection': 'enabled' } } };
    const addons = [addon('istio-base'), addon('istio-cni'), addon('istiod')];
    const withIstiod = egressPolicy(NS, 'web');
    withIstiod.spec.egress.push({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }], ports: [{ port: 15012, protocol: 'TCP' }] });
    const blocked = run({ addons, services: { 'fixture-app': [injected, defaultDeny(NS), egressPolicy(NS, 'web'), deployment(NS, 'web')] } });
    expect(outcome(blocked, 'fixture-app')).toMatchObject({ converged: false, object: 'Deployment shop/web', reason: expect.stringMatching(/egress to istiod \(sidecar xDS\) \(TCP 15012\) is denied/) });
    const allowed = run({ addons, services: { 'fixture-app': [injected, defaultDeny(NS), withIstiod, deployment(NS, 'web')] } });
    expect(allowed.outcomes.filter((o) => !o.converged)).toEqual([]);
  });
});

describe('retry backoff', () => {
  it('is duration x factor^n capped at maxDuration (types.go NextRetryAt)', () => {
    const retry = { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } };
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffSeconds(retry, n))).toEqual([5, 10, 20, 40, 80, 160, 180]);
  });
});
