/**
 * `egress-reaches-dependencies` (checks/egress.ts) on the data-plane fixtures of the rollout
 * simulator it replaces (libs/rollout/src/rollout.test.ts): each fails for the reason the
 * simulator gave, and a corrected variant passes. Also the simulator's hook fixture, which
 * `hook-egress-order` (checks/hooks.ts) covers.
 */
import { describe, expect, it } from 'vitest';
import { hookJobName, type Environment } from '@gitops/platform';
import type { Manifest } from './manifests';
import { checkPolicies } from './policy';

const NS = 'shop';
const RULE = 'egress-reaches-dependencies';
const at = (file: string, object: any, namespace = NS): Manifest =>
  ({ file: `dist/staging/shop/${file}`, env: 'staging', object: { ...object, metadata: { namespace, ...object.metadata } } });

const namespace = (labels: Record<string, string> = {}) =>
  at(`shop-shared/Namespace.${NS}.yaml`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, namespace: undefined, labels: { 'kubernetes.io/metadata.name': NS, ...labels } } });
const defaultDeny = (ns = NS, folder = 'shop-shared') =>
  at(`${folder}/NetworkPolicy.default-deny.yaml`, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }, ns);
const DNS_RULE = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};
/** Egress for pods labelled app=<app>: DNS, and TCP to `ports` (the database's subnet). */
const egressPolicy = (app: string, ports: number[] = [], extra: any[] = [], annotations: Record<string, string> = {}) =>
  at(`${app}/NetworkPolicy.${app}-egress.yaml`, {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `${app}-egress`, annotations },
    spec: {
      podSelector: { matchLabels: { app } }, policyTypes: ['Egress'],
      egress: [DNS_RULE, ...(ports.length ? [{ to: [{ ipBlock: { cidr: '10.0.4.0/24' } }], ports: ports.map((port) => ({ port, protocol: 'TCP' })) }] : []), ...extra],
    },
  });
const podTemplate = (app: string, env: any[] = [], annotations?: Record<string, string>) => ({
  metadata: { labels: { app }, ...(annotations ? { annotations } : {}) },
  spec: { containers: [{ name: app, image: `registry.example.com/${app}:1.0.0`, env }] },
});
const deployment = (app: string, env: any[] = [], annotations?: Record<string, string>) =>
  at(`${app}/Deployment.${app}.yaml`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app }, spec: { selector: { matchLabels: { app } }, template: podTemplate(app, env, annotations) } });
const DB_ENV = [{ name: 'DATABASE_HOST', value: 'db.example.com' }, { name: 'DATABASE_PORT', value: '5432' }];
const denial = (what: string, names = 'default-deny, web-egress') => `Deployment web: egress to ${what} is denied: NetworkPolicies ${names} select the pod and none allows it`;

/** The messages of the rule only. */
const found = (manifests: Manifest[], rule = RULE, fleet?: ReadonlyMap<string, Environment>) =>
  checkPolicies(manifests, fleet).violations.filter((v) => v.rule === rule).map((v) => `${v.kind} ${v.name}: ${v.message}`);

describe('egress-reaches-dependencies: DNS and the database', () => {
  it('refuses a pod whose policy allows DNS but not its database', () => {
    expect(found([namespace(), defaultDeny(), egressPolicy('web'), deployment('web', DB_ENV)])).toEqual([
      denial('the database (DATABASE_HOST) (TCP 5432)'),
    ]);
    expect(found([namespace(), defaultDeny(), egressPolicy('web', [5432]), deployment('web', DB_ENV)])).toEqual([]);
  });

  it('refuses a pod under a default-deny alone: no DNS, no database', () => {
    expect(found([namespace(), defaultDeny(), deployment('web', DB_ENV)])).toEqual([
      'Deployment web: egress to DNS (kube-dns, UDP 53) is denied: NetworkPolicies default-deny select the pod and none allows it',
      'Deployment web: egress to the database (DATABASE_HOST) (TCP 5432) is denied: NetworkPolicies default-deny select the pod and none allows it',
    ]);
  });

  it('reads DNS to kube-dns, to any peer, or to 0.0.0.0/0 without except as allowed; UDP 53 elsewhere as not', () => {
    const dnsTo = (to: any[] | undefined) => at('web/NetworkPolicy.web-egress.yaml', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-egress' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ...(to ? { to } : {}), ports: [{ port: 53, protocol: 'UDP' }] }] },
    });
    const dns = (to: any[] | undefined) => found([namespace(), defaultDeny(), dnsTo(to), deployment('web')]);
    expect(dns(undefined)).toEqual([]);
    expect(dns([{ ipBlock: { cidr: '0.0.0.0/0' } }])).toEqual([]);
    expect(dns([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }])).toEqual([]);
    // a pod selector alone means pods of the policy's own namespace
    expect(dns([{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }])).toEqual([denial('DNS (kube-dns, UDP 53)')]);
    expect(dns([{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }])).toEqual([denial('DNS (kube-dns, UDP 53)')]);
    expect(dns([{ ipBlock: { cidr: '10.0.4.0/24' } }])).toEqual([denial('DNS (kube-dns, UDP 53)')]);
  });
});

describe('egress-reaches-dependencies: the backing services named in env', () => {
  const base = [namespace(), defaultDeny()];

  it("refuses a URL's port the policy does not allow: REDIS_URL on 6380 with only 6379 allowed", () => {
    expect(found([...base, egressPolicy('web', [6379]), deployment('web', [{ name: 'REDIS_URL', value: 'redis://cache.example.com:6380/0' }])])).toEqual([
      denial('Redis (REDIS_URL) (TCP 6380)'),
    ]);
    expect(found([...base, egressPolicy('web', [6380]), deployment('web', [{ name: 'REDIS_URL', value: 'redis://cache.example.com:6380/0' }])])).toEqual([]);
  });

  it('refuses a Spring RabbitMQ host without SSL on 5672 when only 5671 is allowed, and passes it with SPRING_RABBITMQ_SSL_ENABLED=true', () => {
    const rabbit = [{ name: 'SPRING_RABBITMQ_HOST', value: 'b-1.mq.example.com' }];
    expect(found([...base, egressPolicy('web', [5671]), deployment('web', rabbit)])).toEqual([denial('RabbitMQ (SPRING_RABBITMQ_HOST) (TCP 5672)')]);
    expect(found([...base, egressPolicy('web', [5671]), deployment('web', [...rabbit, { name: 'SPRING_RABBITMQ_SSL_ENABLED', value: 'true' }])])).toEqual([]);
  });

  it('reads values from ConfigMaps of the namespace (configMapKeyRef, envFrom), and names from Secrets', () => {
    const config = at('shop-shared/ConfigMap.shop-config.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shop-config' }, data: { 'rabbitmq-host': 'b-1.mq.example.com', 'rabbitmq-ssl': 'true', CACHE_URL: 'rediss://cache.example.com:6390' } });
    const fromConfig = (key: string) => ({ valueFrom: { configMapKeyRef: { name: 'shop-config', key } } });
    const web = deployment('web', [{ name: 'SPRING_RABBITMQ_HOST', ...fromConfig('rabbitmq-host') }, { name: 'SPRING_RABBITMQ_SSL_ENABLED', ...fromConfig('rabbitmq-ssl') }]);
    expect(found([...base, config, egressPolicy('web', [5671]), web])).toEqual([]);
    web.object.spec.template.spec.containers[0].envFrom = [{ configMapRef: { name: 'shop-config' } }];
    expect(found([...base, config, egressPolicy('web', [5671]), web])).toEqual([denial('CACHE_URL (TCP 6390)')]);
    // a Secret's value is unknown: the name says a database, on its default port
    const secret = deployment('web', [{ name: 'SPRING_DATASOURCE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }]);
    expect(found([...base, egressPolicy('web'), secret])).toEqual([denial('the database (SPRING_DATASOURCE_URL) (TCP 5432)')]);
  });

  it('reads jdbc: URLs, scheme defaults, <PREFIX>_PORT siblings, and ignores ALLOWED_HOSTS', () => {
    const needs = (env: any[]) => found([...base, egressPolicy('web'), deployment('web', env)]);
    expect(needs([{ name: 'SPRING_DATASOURCE_URL', value: 'jdbc:postgresql://db.example.com:6432/app' }])).toEqual([denial('the database (SPRING_DATASOURCE_URL) (TCP 6432)')]);
    expect(needs([{ name: 'SEARCH_URL', value: 'https://search.example.com/index' }])).toEqual([denial('SEARCH_URL (TCP 443)')]);
    expect(needs([{ name: 'CACHE_HOST', value: 'cache.example.com' }, { name: 'CACHE_PORT', value: '11211' }])).toEqual([denial('CACHE_HOST (TCP 11211)')]);
    expect(needs([{ name: 'ELASTICSEARCH_HOST', value: 'es.example.com' }])).toEqual([denial('Elasticsearch (ELASTICSEARCH_HOST) (TCP 9200)')]);
    expect(needs([{ name: 'DJANGO_ALLOWED_HOSTS', value: 'shop.example.com' }, { name: 'ALLOWED_HOSTS', value: 'shop.example.com' }])).toEqual([]);
  });

  it("checks a URL to a rendered Service on the Service's targetPort, which is what policies see", () => {
    const api = deployment('api');
    api.object.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
    const service = at('api/Service.api.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }] } });
    const web = deployment('web', [{ name: 'API_URL', value: `http://api.${NS}.svc.cluster.local` }]);
    expect(found([...base, api, service, egressPolicy('api', [], [{}]), egressPolicy('web', [80]), web])).toEqual([denial('API_URL (TCP 8080)')]);
    expect(found([...base, api, service, egressPolicy('api', [], [{}]), egressPolicy('web', [8080]), web])).toEqual([]);
  });
});

describe('egress-reaches-dependencies: the External Secrets Operator', () => {
  const operator = (values: any = {}) => ({
    file: 'dist/staging/cluster-addons/addons/fixture/Application.external-secrets-fixture.yaml', env: 'staging',
    object: {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'external-secrets-fixture', namespace: 'argocd' },
      spec: {
        project: 'cluster-addons', destination: { server: 'https://fixture.example.com', namespace: 'external-secrets' },
        source: { repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', targetRevision: '2.9.0', helm: { releaseName: 'external-secrets', valuesObject: values } },
      },
    },
  } as Manifest);

  it('refuses a default-deny in the operator namespace: the store is never Ready', () => {
    const store = 'the External Secrets Operator (Application external-secrets-fixture, namespace external-secrets) cannot reach the Secrets store, so no SecretStore or ClusterSecretStore becomes Ready';
    expect(found([operator(), defaultDeny('external-secrets', 'eso-netpol')])).toEqual([
      `NetworkPolicy default-deny: ${store}: egress to DNS (kube-dns, UDP 53) is denied: NetworkPolicies default-deny select its pod and none allows it`,
      `NetworkPolicy default-deny: ${store}: egress to the Secrets store (AWS Secrets Manager, HTTPS) (TCP 443) is denied: NetworkPolicies default-deny select its pod and none allows it`,
    ]);
  });

  it('passes when a policy selecting the controller pod allows DNS and 443, or when no policy selects it', () => {
    const allow = at('eso-netpol/NetworkPolicy.external-secrets-egress.yaml', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'external-secrets-egress' },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'external-secrets' } }, policyTypes: ['Egress'], egress: [DNS_RULE, { ports: [{ port: 443, protocol: 'TCP' }] }] },
    }, 'external-secrets');
    expect(found([operator(), defaultDeny('external-secrets', 'eso-netpol'), allow])).toEqual([]);
    // the webhook's pods are app.kubernetes.io/name: external-secrets-webhook, not the controller
    const webhookOnly = at('eso-netpol/NetworkPolicy.webhook.yaml', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'webhook' },
      spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'external-secrets-webhook' } }, policyTypes: ['Egress'] },
    }, 'external-secrets');
    expect(found([operator(), webhookOnly])).toEqual([]);
    // nameOverride renames the controller's label
    expect(found([operator({ nameOverride: 'eso' }), defaultDeny('external-secrets', 'eso-netpol'), allow])).toHaveLength(2);
  });
});

describe('egress-reaches-dependencies: Istio sidecars', () => {
  const istiod = [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }], ports: [{ port: 15012, protocol: 'TCP' }] }];

  it('refuses pods of an injected namespace without egress to istiod (15012), and passes them with it', () => {
    const injected = namespace({ 'istio-injection': 'enabled' });
    expect(found([injected, defaultDeny(), egressPolicy('web'), deployment('web')])).toEqual([denial('istiod (sidecar xDS) (TCP 15012)')]);
    expect(found([injected, defaultDeny(), egressPolicy('web', [], istiod), deployment('web')])).toEqual([]);
    expect(found([namespace({ 'istio.io/rev': 'stable' }), defaultDeny(), egressPolicy('web'), deployment('web')])).toHaveLength(1);
  });

  it('passes pods that opt out of injection, and pods of a namespace without injection', () => {
    const injected = namespace({ 'istio-injection': 'enabled' });
    expect(found([injected, defaultDeny(), egressPolicy('web'), deployment('web', [], { 'sidecar.istio.io/inject': 'false' })])).toEqual([]);
    expect(found([namespace({ 'istio-injection': 'disabled', 'istio.io/rev': 'stable' }), defaultDeny(), egressPolicy('web'), deployment('web')])).toEqual([]);
    expect(found([namespace(), defaultDeny(), egressPolicy('web'), deployment('web')])).toEqual([]);
  });
});

describe('egress-reaches-dependencies: pods no egress policy selects', () => {
  it('passes a pod with no egress policy selecting it: ingress-only policies and policies of other pods do not restrict it', () => {
    const ingressOnly = at('web/NetworkPolicy.web-ingress.yaml', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-ingress' }, spec: { podSelector: {}, ingress: [{}] } });
    expect(found([namespace(), ingressOnly, egressPolicy('other'), deployment('web', DB_ENV)])).toEqual([]);
    expect(found([namespace(), deployment('web', DB_ENV)])).toEqual([]);
  });

  it('reads absent policyTypes as Egress when egress is set', () => {
    const implicit = at('web/NetworkPolicy.web-egress.yaml', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-egress' }, spec: { podSelector: { matchLabels: { app: 'web' } }, egress: [DNS_RULE] } });
    expect(found([namespace(), implicit, deployment('web', DB_ENV)])).toEqual([denial('the database (DATABASE_HOST) (TCP 5432)', 'web-egress')]);
  });

  it('counts only the policies of the same cluster', () => {
    const env = {
      name: 'staging',
      clusters: [{ name: 'a', server: 'https://a.example.com' }, { name: 'b', server: 'https://b.example.com' }],
      systems: { shop: { clusters: ['a', 'b'] } },
    } as unknown as Environment;
    const onCluster = (cluster: string, m: Manifest): Manifest => ({ ...m, file: m.file.replace(/\/([^/]+)$/, `/${cluster}/$1`) });
    const manifests = [namespace(), onCluster('a', defaultDeny(NS, 'web')), onCluster('b', deployment('web', DB_ENV))];
    expect(found(manifests, RULE, new Map([['staging', env]]))).toEqual([]);
    expect(found(manifests)).toHaveLength(2);
  });
});

describe("the simulator's hook fixture: a PreSync migration whose egress policy is a Sync-phase resource fails under default-deny", () => {
  const template = podTemplate('migrate', DB_ENV);
  const name = hookJobName('migrate', template);
  const job = (hook: Record<string, string>) => at(`migrate/Job.${name}.yaml`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, annotations: hook }, spec: { template } });

  it('hook-egress-order refuses it; its own egress is complete, so egress-reaches-dependencies does not', () => {
    const manifests = [namespace(), defaultDeny(), egressPolicy('migrate', [5432]), job({ 'argocd.argoproj.io/hook': 'PreSync' })];
    expect(found(manifests, 'hook-egress-order')).toEqual([
      `Job ${name}: hook phase PreSync, wave 0: its NetworkPolicy migrate-egress (phase Sync, wave 0) is not applied before it; its pod cannot reach DNS or its database, the hook fails and the sync stops: give it an egress NetworkPolicy in its own Application, in an earlier phase or wave`,
    ]);
    expect(found(manifests)).toEqual([]);
  });

  it('passes as a Sync-phase hook in wave -1 after its policy in wave -2', () => {
    const manifests = [namespace(), defaultDeny(), egressPolicy('migrate', [5432], [], { 'argocd.argoproj.io/sync-wave': '-2' }),
      job({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '-1' })];
    expect(found(manifests, 'hook-egress-order')).toEqual([]);
  });
});
