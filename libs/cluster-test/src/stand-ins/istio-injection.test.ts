import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IContainer, IPod } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import {
  applyJsonPatch,
  DEFAULT_PROXY_IMAGE,
  injectSidecar,
  ISTIOD_CHART_DEFAULTS,
  istioOptionsFromApplication,
  mutatingWebhookConfiguration,
  startIstioInjectionWebhook,
  type IstioInjectionOptions,
  type JsonPatchOp,
} from './istio-injection';

const CNI_OFF: IstioInjectionOptions = { cniEnabled: false, proxyImage: DEFAULT_PROXY_IMAGE };
const CNI_ON: IstioInjectionOptions = { cniEnabled: true, proxyImage: DEFAULT_PROXY_IMAGE };

/** A pod as a Deployment's ReplicaSet creates it in a mesh namespace. */
function appPod(extra: { annotations?: Record<string, string>; labels?: Record<string, string>; hostNetwork?: boolean } = {}): IPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'learning-orchestrator-7d9f8b6c5d-',
      namespace: 'quizmentor',
      labels: { app: 'learning-orchestrator', 'pod-template-hash': '7d9f8b6c5d', ...extra.labels },
      ...(extra.annotations && { annotations: extra.annotations }),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'learning-orchestrator-7d9f8b6c5d', uid: 'u-1', controller: true }],
    },
    spec: {
      ...(extra.hostNetwork && { hostNetwork: true }),
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'migrate', image: 'example/migrate:1' }],
      containers: [{ name: 'app', image: 'example/app:1', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
}

const byName = (containers: IContainer[] | undefined, name: string) => containers?.find((c) => c.name === name);

describe('the Istio sidecar injection stand-in', () => {
  it('injects istio-init as root with NET_ADMIN and NET_RAW, last of the init containers, when Istio CNI is off', () => {
    // GIVEN a pod of a Deployment, CNI off (the chart's default)
    // WHEN it is injected
    const { injected } = injectSidecar(appPod(), CNI_OFF);

    // THEN istio-init comes after the pod's own init containers, with the template's security context
    expect(injected.spec!.initContainers!.map((c) => c.name)).toEqual(['migrate', 'istio-init']);
    const init = byName(injected.spec!.initContainers, 'istio-init')!;
    expect(init.image).toBe('docker.io/istio/proxyv2:1.26.0');
    expect(init.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    });
    expect(init.args).toEqual([
      'istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT',
      '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info',
    ]);
    expect(init.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
  });

  it('injects istio-proxy last, as UID 1337 with every capability dropped and a read-only root filesystem', () => {
    // GIVEN a pod of a Deployment
    // WHEN it is injected
    const { injected } = injectSidecar(appPod(), CNI_OFF);

    // THEN
    expect(injected.spec!.containers.map((c) => c.name)).toEqual(['app', 'istio-proxy']);
    const proxy = byName(injected.spec!.containers, 'istio-proxy')!;
    expect(proxy.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    });
    expect(proxy.ports).toEqual([{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }]);
    expect(proxy.args).toEqual([
      'proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info',
    ]);
    expect(proxy.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
    expect(proxy.readinessProbe).toEqual({ httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, timeoutSeconds: 3, failureThreshold: 4 });
    expect(proxy.startupProbe).toEqual({ httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: 600 });
    const env = Object.fromEntries(proxy.env!.map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      CA_ADDR: 'istiod.istio-system.svc:15012',
      PROXY_CONFIG: '{}\n',
      ISTIO_META_APP_CONTAINERS: 'app',
      ISTIO_META_POD_PORTS: '[\n    {"name":"http","containerPort":8080,"protocol":"TCP"}\n]',
      ISTIO_META_WORKLOAD_NAME: 'learning-orchestrator',
      ISTIO_META_OWNER: 'kubernetes://apis/apps/v1/namespaces/quizmentor/deployments/learning-orchestrator',
    });
  });

  it('adds the template volumes, labels and annotations, and records what it injected in sidecar.istio.io/status', () => {
    // GIVEN a pod of a Deployment
    // WHEN it is injected
    const { injected } = injectSidecar(appPod(), CNI_OFF);

    // THEN
    expect(injected.spec!.volumes!.map((v) => v.name)).toEqual([
      'tmp', 'workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert',
    ]);
    const volume = (name: string) => injected.spec!.volumes!.find((v) => v.name === name);
    expect(volume('istio-envoy')).toEqual({ name: 'istio-envoy', emptyDir: { medium: 'Memory' } });
    expect(volume('istio-token')!.projected!.sources![0].serviceAccountToken).toEqual({ path: 'istio-token', expirationSeconds: 43200, audience: 'istio-ca' });
    expect(volume('istiod-ca-cert')).toEqual({ name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } });
    expect(volume('istio-podinfo')!.downwardAPI!.items!.map((i) => i.fieldRef!.fieldPath)).toEqual(['metadata.labels', 'metadata.annotations']);
    expect(injected.metadata!.labels).toMatchObject({
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'learning-orchestrator',
      'service.istio.io/canonical-revision': 'latest',
    });
    expect(injected.metadata!.annotations).toEqual({
      'istio.io/rev': 'default',
      'kubectl.kubernetes.io/default-container': 'app',
      'kubectl.kubernetes.io/default-logs-container': 'app',
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/status':
        '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}',
    });
  });

  it('injects istio-validation first, as UID 1337 with no capabilities, and istio-proxy unchanged, when Istio CNI is on', () => {
    // GIVEN CNI on
    // WHEN a pod is injected
    const { injected } = injectSidecar(appPod(), CNI_ON);

    // THEN the validation container runs before the pod's own init containers and needs no privilege
    expect(injected.spec!.initContainers!.map((c) => c.name)).toEqual(['istio-validation', 'migrate']);
    const validation = byName(injected.spec!.initContainers, 'istio-validation')!;
    expect(validation.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsUser: 1337,
      runAsNonRoot: true,
    });
    expect(validation.args!.slice(-2)).toEqual(['--run-validation', '--skip-rule-apply']);
    expect(byName(injected.spec!.containers, 'istio-proxy')!.securityContext).toEqual(
      byName(injectSidecar(appPod(), CNI_OFF).injected.spec!.containers, 'istio-proxy')!.securityContext,
    );
    expect(injected.metadata!.annotations).toMatchObject({
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
    });
    expect(JSON.parse(injected.metadata!.annotations!['sidecar.istio.io/status']).initContainers).toEqual(['istio-validation']);
  });

  it('answers the injection as RFC 6902 add operations that turn the pod into the injected pod', () => {
    // GIVEN a pod with labels, init containers and volumes already
    const pod = appPod();

    // WHEN it is injected
    const { patch, injected } = injectSidecar(pod, CNI_OFF);

    // THEN each operation adds to the pod's own lists and maps, and the input is left as it was
    expect(patch.every((op) => op.op === 'add')).toBe(true);
    expect(patch.map((op) => op.path)).toEqual([
      '/metadata/labels/security.istio.io~1tlsMode',
      '/metadata/labels/service.istio.io~1canonical-name',
      '/metadata/labels/service.istio.io~1canonical-revision',
      '/metadata/annotations',
      '/spec/initContainers/-',
      '/spec/containers/-',
      ...Array(8).fill('/spec/volumes/-'),
    ]);
    expect(applyJsonPatch(pod, patch)).toEqual(injected);
    expect(pod).toEqual(appPod());
  });

  it.each([
    ['the sidecar.istio.io/inject: "false" annotation', { annotations: { 'sidecar.istio.io/inject': 'false' } }],
    ['the sidecar.istio.io/inject: "false" label', { labels: { 'sidecar.istio.io/inject': 'false' } }],
    ['a sidecar.istio.io/inject: "false" label over a "true" annotation', { labels: { 'sidecar.istio.io/inject': 'false' }, annotations: { 'sidecar.istio.io/inject': 'true' } }],
    ['host networking', { hostNetwork: true }],
  ])('injects nothing into a pod opted out by %s', (_case, extra) => {
    // GIVEN a pod istiod would leave alone
    const pod = appPod(extra);

    // WHEN it goes through the stand-in
    const { patch, injected } = injectSidecar(pod, CNI_OFF);

    // THEN nothing changes
    expect(patch).toEqual([]);
    expect(injected).toEqual(pod);
  });

  it('injects a pod whose annotation says sidecar.istio.io/inject: "true"', () => {
    expect(injectSidecar(appPod({ annotations: { 'sidecar.istio.io/inject': 'true' } }), CNI_OFF).patch).not.toEqual([]);
  });

  it('injects nothing into a pod that already has istio-proxy, so injecting twice changes nothing', () => {
    // GIVEN an injected pod
    const once = injectSidecar(appPod(), CNI_OFF).injected;

    // WHEN it is injected again
    const twice = injectSidecar(once, CNI_OFF);

    // THEN
    expect(twice.patch).toEqual([]);
    expect(twice.injected).toEqual(once);
  });

  it('follows the pod annotations the template reads: interception mode TPROXY runs the proxy as root with NET_ADMIN, NONE drops the init container', () => {
    // GIVEN / WHEN
    const tproxy = injectSidecar(appPod({ annotations: { 'sidecar.istio.io/interceptionMode': 'TPROXY' } }), CNI_OFF).injected;
    const none = injectSidecar(appPod({ annotations: { 'sidecar.istio.io/interceptionMode': 'NONE' } }), CNI_OFF).injected;

    // THEN
    expect(byName(tproxy.spec!.containers, 'istio-proxy')!.securityContext).toMatchObject({ capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, runAsNonRoot: false, runAsUser: 0 });
    expect(none.spec!.initContainers!.map((c) => c.name)).toEqual(['migrate']);
    expect(JSON.parse(none.metadata!.annotations!['sidecar.istio.io/status']).initContainers).toBeNull();
    expect(() => injectSidecar(appPod({ annotations: { 'sidecar.istio.io/interceptionMode': 'MAGIC' } }), CNI_OFF)).toThrow(
      'sidecar.istio.io/interceptionMode: "MAGIC" is not one of REDIRECT, TPROXY, NONE',
    );
  });

  it("moves the pod's Prometheus scrape annotations to the proxy, which serves the merged metrics on its status port", () => {
    // GIVEN a pod scraped by Prometheus, with one annotation in another spelling
    const pod = appPod({ annotations: { 'prometheus.io/port': '9090', 'prometheus.io.path': '/metrics' } });

    // WHEN it is injected
    const { patch, injected } = injectSidecar(pod, CNI_OFF);

    // THEN Prometheus is pointed at istio-agent, and the agent told where the app's metrics are
    expect(patch[3]).toEqual({ op: 'remove', path: '/metadata/annotations/prometheus.io.path' });
    expect(injected.metadata!.annotations).toMatchObject({ 'prometheus.io/port': '15020', 'prometheus.io/path': '/stats/prometheus', 'prometheus.io/scrape': 'true' });
    expect(injected.metadata!.annotations).not.toHaveProperty(['prometheus.io.path']);
    expect(byName(injected.spec!.containers, 'istio-proxy')!.env!.at(-1)).toEqual({ name: 'ISTIO_PROMETHEUS_ANNOTATIONS', value: '{"scrape":"","path":"/metrics","port":"9090"}' });

    // AND a pod that is not scraped keeps its annotations
    const notScraped = injectSidecar(appPod({ annotations: { 'prometheus.io/scrape': 'false' } }), CNI_OFF).injected;
    expect(notScraped.metadata!.annotations).toMatchObject({ 'prometheus.io/scrape': 'false' });
    expect(notScraped.metadata!.annotations).not.toHaveProperty(['prometheus.io/port']);
  });

  it('takes the proxy resources from the pod annotations instead of the chart values when the pod sets any', () => {
    const { injected } = injectSidecar(appPod({ annotations: { 'sidecar.istio.io/proxyCPU': '50m', 'sidecar.istio.io/proxyMemoryLimit': '256Mi' } }), CNI_OFF);
    expect(byName(injected.spec!.containers, 'istio-proxy')!.resources).toEqual({ requests: { cpu: '50m' }, limits: { memory: '256Mi' } });
  });
});

describe('the stand-in defaults are the istiod 1.26.0 chart values', () => {
  const VALUES = join(WORKSPACE_ROOT, '..', 'shared', 'addons', 'istiod', 'values.yaml');
  if (!existsSync(VALUES)) console.warn(`istio-injection.test: ${VALUES} (the istiod 1.26.0 chart values) is missing; the defaults are not checked against it`);
  // hub and tag are placeholders in the repository's values.yaml, set to the release in the published chart
  const PUBLISHED_ONLY = new Set(['global.hub', 'global.tag']);

  it.skipIf(!existsSync(VALUES))('match ../shared/addons/istiod/values.yaml key by key (skipped where that file is absent: it lives beside the repository, not in it)', () => {
    // GIVEN the chart's values at 1.26.0
    const values = parse(readFileSync(VALUES, 'utf8'))._internal_defaults_do_not_set;
    const at = (path: string) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], values);

    // THEN every value the stand-in hard-codes is the chart's
    for (const [path, value] of Object.entries(ISTIOD_CHART_DEFAULTS)) {
      if (PUBLISHED_ONLY.has(path)) continue;
      expect(at(path), path).toEqual(value);
    }
    expect({ hub: at('global.hub'), tag: at('global.tag') }).toEqual({ hub: 'gcr.io/istio-testing', tag: 'latest' });
  });
});

describe('istioOptionsFromApplication', () => {
  const PRODUCTION = join(WORKSPACE_ROOT, 'dist/production/cluster-addons/addons/quizmentor-prod/Application.istiod-quizmentor-prod.yaml');
  const production = () => parse(readFileSync(PRODUCTION, 'utf8'));
  const withValues = (valuesObject: unknown) => {
    const app = production();
    app.spec.source.helm.valuesObject = valuesObject;
    return app;
  };

  it('reads the committed production istiod Application: CNI on (add-on istio-cni), the release proxy image, the chart resources', () => {
    expect(istioOptionsFromApplication(production())).toEqual({
      cniEnabled: true,
      proxyImage: 'docker.io/istio/proxyv2:1.26.0',
      privileged: false,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
    });
  });

  it.each([
    ['cni.enabled', { cni: { enabled: true } }],
    ['pilot.cni.enabled (copied to the top by the chart)', { pilot: { cni: { enabled: true } } }],
  ])('turns CNI on from %s', (_key, values) => {
    expect(istioOptionsFromApplication(withValues(values)).cniEnabled).toBe(true);
  });

  it('ignores istio_cni.enabled, which istiod 1.26 no longer reads', () => {
    expect(istioOptionsFromApplication(withValues({ istio_cni: { enabled: true } })).cniEnabled).toBe(false);
  });

  it('builds the proxy image from global.hub, global.tag and global.variant, and merges resource overrides into the chart defaults', () => {
    const options = istioOptionsFromApplication(
      withValues({ global: { hub: 'registry.example/istio', tag: '1.26.0-patched', variant: 'distroless', proxy: { resources: { requests: { cpu: '50m' } } } } }),
    );
    expect(options.proxyImage).toBe('registry.example/istio/proxyv2:1.26.0-patched-distroless');
    expect(options.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } });
  });

  it('refuses another istiod release, another chart, and values the stand-in does not model, by their exact reasons', () => {
    const app = production();
    app.spec.source.targetRevision = '1.27.0';
    expect(() => istioOptionsFromApplication(app)).toThrow(
      `istiod-quizmentor-prod: spec.source.targetRevision is "1.27.0"; the stand-in follows istiod 1.26.0's injection template (compare the new release's template and update it first)`,
    );
    const elsewhere = production();
    elsewhere.spec.destination.namespace = 'mesh';
    expect(() => istioOptionsFromApplication(elsewhere)).toThrow(
      'istiod-quizmentor-prod: spec.destination.namespace is "mesh"; the stand-in models istiod in "istio-system"',
    );
    const other = production();
    other.spec.source.chart = 'base';
    expect(() => istioOptionsFromApplication(other)).toThrow('istiod-quizmentor-prod: spec.source.chart is "base", not "istiod"');
    expect(() => istioOptionsFromApplication(withValues({ revision: 'canary' }))).toThrow(
      'istiod-quizmentor-prod: spec.source.helm: revision is "canary"; the stand-in models only ""',
    );
    expect(() => istioOptionsFromApplication(withValues({ profile: 'ambient' }))).toThrow(
      'istiod-quizmentor-prod: spec.source.helm: profile "ambient" changes the injection in ways the stand-in does not model',
    );
  });
});

describe('the stand-in webhook', () => {
  let dir: string;
  let cert: string;
  let key: string;
  beforeAll(() => {
    // a throwaway self-signed certificate for 127.0.0.1
    dir = mkdtempSync(join(tmpdir(), 'istio-injection-webhook-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** POSTs an AdmissionReview as the API server does, trusting only the throwaway certificate. */
  function review(url: string, body: unknown): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', ca: cert, headers: { 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }
  const admissionReview = (uid: string, object: IPod) => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid, operation: 'CREATE', namespace: 'quizmentor', resource: { group: '', version: 'v1', resource: 'pods' }, object },
  });

  it('answers an AdmissionReview over HTTPS with allowed, JSONPatch and the base64 patch, and without a patch for an opted-out pod', async () => {
    // GIVEN the webhook on a free port
    const webhook = await startIstioInjectionWebhook({ ...CNI_OFF, cert, key });
    try {
      expect(webhook.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/inject$/);

      // WHEN the API server sends a pod without a namespace in its object (as controllers create them)
      const pod = appPod();
      delete pod.metadata!.namespace;
      const injected = await review(webhook.url, admissionReview('uid-1', pod));

      // THEN it answers with the patch injectSidecar makes for that pod in the request's namespace
      expect(injected.status).toBe(200);
      const answer = JSON.parse(injected.body);
      expect(answer).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'uid-1', allowed: true, patchType: 'JSONPatch' } });
      const patch: JsonPatchOp[] = JSON.parse(Buffer.from(answer.response.patch, 'base64').toString('utf8'));
      expect(patch).toEqual(injectSidecar(appPod(), CNI_OFF).patch);

      // WHEN / THEN an opted-out pod is allowed unchanged
      const optedOut = JSON.parse((await review(webhook.url, admissionReview('uid-2', appPod({ annotations: { 'sidecar.istio.io/inject': 'false' } })))).body);
      expect(optedOut.response).toEqual({ uid: 'uid-2', allowed: true });

      // WHEN / THEN a pod istiod would refuse is refused with the reason
      const refused = JSON.parse((await review(webhook.url, admissionReview('uid-3', appPod({ annotations: { 'sidecar.istio.io/interceptionMode': 'MAGIC' } })))).body);
      expect(refused.response).toEqual({
        uid: 'uid-3',
        allowed: false,
        status: { message: 'Pod injection failed: sidecar.istio.io/interceptionMode: "MAGIC" is not one of REDIRECT, TPROXY, NONE' },
      });
    } finally {
      await webhook.close();
    }
  });

  it('is registered by a MutatingWebhookConfiguration with the chart selectors for istio-injection: enabled namespaces', () => {
    // GIVEN / WHEN
    const config = mutatingWebhookConfiguration('https://127.0.0.1:9443/inject', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

    // THEN
    expect(config.metadata!.name).toBe('istio-sidecar-injector-stand-in');
    expect(config.webhooks).toEqual([
      {
        name: 'namespace.sidecar-injector.istio.io',
        clientConfig: { url: 'https://127.0.0.1:9443/inject', caBundle: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64') },
        sideEffects: 'None',
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
        failurePolicy: 'Fail',
        reinvocationPolicy: 'Never',
        admissionReviewVersions: ['v1'],
        namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] },
        objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] }] },
      },
    ]);
  });
});
