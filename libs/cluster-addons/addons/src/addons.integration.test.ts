import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENTS, prometheusSelectorLabels, SYNC_RETRY, SYNC_WAVE_ANNOTATION, type EnvironmentName } from '@gitops/platform';
import { loadEnvironment, renderServices, type RenderedLeaf } from '@gitops/platform/render';
import { readTree, runCommand, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import service from './index';
import {
  ADDONS, addonRoleArn, addonsForCluster, GP3_ENCRYPTED_STORAGE_CLASS, KUBE_PROMETHEUS_STACK_NAMESPACE, KUBE_PROMETHEUS_STACK_RELEASE,
  requiredCapabilities, capabilityProblems, type AddonName,
} from './catalog';

/** The versions the values file of `env` pins (read, never copied into the test). */
const pinned = (env: EnvironmentName): Record<string, string> =>
  parse(readFileSync(join(WORKSPACE_ROOT, 'environments', env, 'cluster-addons.yaml'), 'utf8')).addons;

const leavesOf = (env: EnvironmentName, root = WORKSPACE_ROOT): RenderedLeaf[] => renderServices([service], { root, environments: [env] });

describe('addons: one Application per add-on each cluster needs', () => {
  it.each(ENVIRONMENTS)('%s: a folder per cluster, each Application pinned, aimed at its cluster, synced by Argo CD on the management cluster', (env) => {
    const environment = loadEnvironment(env, WORKSPACE_ROOT);
    const versions = pinned(env);
    const leaves = leavesOf(env);
    // every cluster of the environment runs cluster-addons, and each gets its own folder
    expect(leaves.map((l) => l.path).sort()).toEqual(environment.systems['cluster-addons'].clusters.map((c) => `${env}/cluster-addons/addons/${c}`).sort());
    for (const leaf of leaves) {
      const cluster = environment.clusters.find((c) => c.name === leaf.cluster)!;
      const expected = addonsForCluster(environment, cluster.name).map((a) => a.name).sort();
      expect(leaf.objects.map((o) => o.metadata.name).sort()).toEqual(expected.map((a) => `${a}-${cluster.name}`).sort());
      for (const app of leaf.objects as any[]) {
        const addon = ADDONS[app.metadata.name.slice(0, -cluster.name.length - 1) as AddonName];
        expect(app.apiVersion).toBe('argoproj.io/v1alpha1');
        expect(app.kind).toBe('Application');
        expect(app.metadata.namespace).toBe('argocd');
        expect(app.spec.project).toBe('cluster-addons');
        // no cascading delete: removing an add-on Application must not delete its CRDs (and every object of their kinds)
        expect(app.metadata.finalizers).toBeUndefined();
        expect(app.spec.source).toMatchObject({ repoURL: addon.repoURL, chart: addon.chart, targetRevision: versions[addon.name] });
        expect(app.spec.source.helm.releaseName).toBe(addon.releaseName);
        expect(app.spec.destination).toEqual({ server: cluster.server, namespace: addon.namespace });
        expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['CreateNamespace=true', 'ServerSideApply=true']));
        // fields a controller rewrites are ignored in the diff AND left alone by the sync
        expect(app.spec.syncPolicy.syncOptions.includes('RespectIgnoreDifferences=true')).toBe(Boolean(app.spec.ignoreDifferences));
        expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
        // unlimited retries (negative limit), backoff capped: the platform's retry, as every generated Application
        expect(app.spec.syncPolicy.retry).toEqual(SYNC_RETRY);
        expect(app.spec.syncPolicy.retry.limit).toBeLessThan(0);
        expect(app.spec.syncPolicy.retry.backoff.maxDuration).toBeDefined();
        // every add-on before the systems' objects (wave 0)
        expect(Number(app.metadata.annotations[SYNC_WAVE_ANNOTATION])).toBeLessThan(0);
      }
    }
  });

  it('orders each add-on after the add-ons it depends on (istio-base before istiod, the load-balancer controller before ingress-nginx, kube-prometheus-stack before sloth)', () => {
    const leaf = leavesOf('production').find((l) => l.objects.some((o) => o.metadata.name.startsWith('istiod-')))!;
    const wave = (addon: string) => Number(leaf.objects.find((o) => o.metadata.name === `${addon}-${leaf.cluster}`)!.metadata.annotations![SYNC_WAVE_ANNOTATION]);
    for (const addon of leaf.objects.map((o) => o.metadata.name.slice(0, -leaf.cluster!.length - 1) as AddonName)) {
      for (const dep of ADDONS[addon].dependsOn) expect(wave(dep), `${dep} before ${addon}`).toBeLessThan(wave(addon));
    }
    expect(wave('istio-base')).toBeLessThan(wave('istiod'));
  });

  it.each(ENVIRONMENTS)('%s: ingress-nginx controller pods join the mesh exactly where istiod runs (mesh-routed Ingresses need it), without capturing inbound traffic', (env) => {
    for (const leaf of leavesOf(env)) {
      const names = leaf.objects.map((o) => o.metadata.name);
      const nginx = leaf.objects.find((o) => o.metadata.name === `ingress-nginx-${leaf.cluster}`) as any;
      if (!nginx) continue;
      const controller = nginx.spec.source.helm.valuesObject.controller;
      if (names.includes(`istiod-${leaf.cluster}`)) {
        expect(controller.podLabels).toEqual({ 'sidecar.istio.io/inject': 'true' });
        expect(controller.podAnnotations).toEqual({ 'traffic.sidecar.istio.io/includeInboundPorts': '' });
      } else {
        expect(controller.podLabels).toBeUndefined();
      }
    }
  });

  it('computes per-cluster values from the cluster facts: region, cluster name, IRSA roles in the cluster account', () => {
    const environment = loadEnvironment('production', WORKSPACE_ROOT);
    for (const leaf of leavesOf('production')) {
      const cluster = environment.clusters.find((c) => c.name === leaf.cluster)!;
      const values = (addon: string) => (leaf.objects.find((o) => o.metadata.name === `${addon}-${cluster.name}`) as any).spec.source.helm.valuesObject;
      const lbc = values('aws-load-balancer-controller');
      expect(lbc).toMatchObject({ clusterName: cluster.name, region: cluster.region });
      expect(lbc.serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(`arn:aws:iam::${cluster.accountId}:role/${cluster.name}-aws-load-balancer-controller`);
      expect(values('external-secrets').serviceAccount.annotations['eks.amazonaws.com/role-arn']).toBe(addonRoleArn(cluster, 'external-secrets'));
    }
  });

  it('installs kube-prometheus-stack as release kube-prometheus-stack in monitoring (its Prometheus selects release: kube-prometheus-stack)', () => {
    expect(KUBE_PROMETHEUS_STACK_RELEASE).toBe('kube-prometheus-stack');
    expect(KUBE_PROMETHEUS_STACK_NAMESPACE).toBe('monitoring');
    const app = leavesOf('production').flatMap((l) => l.objects).find((o) => o.metadata.name.startsWith('kube-prometheus-stack-')) as any;
    expect(app.spec.source.helm.releaseName).toBe('kube-prometheus-stack');
    expect(app.spec.destination.namespace).toBe('monitoring');
  });

  it('makes each cluster\'s Prometheus select the labels its cluster fact names (monitoring.selectorLabels)', () => {
    for (const env of ENVIRONMENTS) {
      const environment = loadEnvironment(env, WORKSPACE_ROOT);
      for (const leaf of leavesOf(env)) {
        const app = leaf.objects.find((o) => o.metadata.name === `kube-prometheus-stack-${leaf.cluster}`) as any;
        if (!app) continue;
        const labels = prometheusSelectorLabels(environment.clusters.find((c) => c.name === leaf.cluster)!);
        const spec = app.spec.source.helm.valuesObject.prometheus.prometheusSpec;
        for (const selector of ['serviceMonitorSelector', 'podMonitorSelector', 'ruleSelector']) expect(spec[selector], `${leaf.path} ${selector}`).toEqual({ matchLabels: labels });
      }
    }
  });

  it('defines StorageClass gp3-encrypted (ebs.csi.aws.com, gp3, encrypted) through the EBS CSI driver chart where claims name it', () => {
    const app = leavesOf('production').flatMap((l) => l.objects).find((o) => o.metadata.name.startsWith('aws-ebs-csi-driver-')) as any;
    const [sc] = app.spec.source.helm.valuesObject.storageClasses;
    expect(sc.name).toBe(GP3_ENCRYPTED_STORAGE_CLASS);
    // the chart renders its storageClasses with provisioner ebs.csi.aws.com; parameters are strings
    expect(sc.parameters).toEqual({ type: 'gp3', encrypted: 'true' });
  });
});

describe('requiredCapabilities and capabilityProblems catch the whole class', () => {
  const vpa = { apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', metadata: { name: 'x' } };
  it('a CRD kind, an ingress class, a storage class, a load balancer, a metrics API, an issuer, an injector', () => {
    expect(requiredCapabilities(vpa)).toEqual([{ type: 'kind', group: 'autoscaling.k8s.io', version: 'v1', kind: 'VerticalPodAutoscaler' }]);
    expect(requiredCapabilities({ apiVersion: 'apps/v1', kind: 'Deployment' })).toEqual([]);
    expect(requiredCapabilities({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { annotations: { 'cert-manager.io/cluster-issuer': 'le' } }, spec: { ingressClassName: 'nginx' } }))
      .toEqual([{ type: 'ingressClass', name: 'nginx' }, { type: 'clusterIssuer', name: 'le' }]);
    expect(requiredCapabilities({ apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { volumeClaimTemplates: [{ spec: { storageClassName: 'gp3-encrypted' } }, { spec: {} }] } }))
      .toEqual([{ type: 'storageClass', name: 'gp3-encrypted' }, { type: 'defaultStorageClass' }]);
    expect(requiredCapabilities({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', spec: { metrics: [{ type: 'Resource' }, { type: 'External' }] } }))
      .toEqual([{ type: 'apiService', name: 'v1beta1.metrics.k8s.io' }, { type: 'apiService', name: 'v1beta1.external.metrics.k8s.io' }]);
    expect(requiredCapabilities({ apiVersion: 'v1', kind: 'Namespace', metadata: { labels: { 'istio-injection': 'enabled' } } }))
      .toEqual([{ type: 'sidecarInjection', key: 'istio-injection', value: 'enabled' }]);
  });

  it('names the cluster, the file and what is missing; a version the CRD does not serve is missing too', () => {
    expect(capabilityProblems('c1', [{ file: 'dist/x/VerticalPodAutoscaler.x.yaml', object: vpa }], [ADDONS['metrics-server']])).toEqual([
      'c1: dist/x/VerticalPodAutoscaler.x.yaml: VerticalPodAutoscaler x needs VerticalPodAutoscaler (autoscaling.k8s.io/v1): add-on vertical-pod-autoscaler provides it and is not installed on this cluster',
    ]);
    expect(capabilityProblems('c1', [{ file: 'f', object: vpa }], [ADDONS['vertical-pod-autoscaler']])).toEqual([]);
    const es = { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'old' } };
    expect(capabilityProblems('c1', [{ file: 'f', object: es }], [ADDONS['external-secrets']])).toEqual([
      'c1: f: ExternalSecret old needs ExternalSecret (external-secrets.io/v1beta1): no add-on of the catalog provides it',
    ]);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' } } };
    expect(capabilityProblems('c1', [{ file: 'f', object: svc }], [])).toHaveLength(1);
    expect(capabilityProblems('c1', [{ file: 'f', object: svc }], [ADDONS['aws-load-balancer-controller']])).toEqual([]);
  });
});

describe('bad add-on values stop the render with file, field and reason; dist/ unchanged', () => {
  const cases: [string, (text: string) => string, string][] = [
    ['an unknown add-on', (t) => t.replace('addons:\n', 'addons:\n  traefik: 1.0.0\n'), 'environments/production/cluster-addons.yaml:9:12: addons.traefik: unknown key'],
    ['a range instead of an exact version', (t) => t.replace(/velero: .*/, 'velero: ^10.0.0'), 'addons.velero: must be an exact chart version such as 1.17.2'],
    ['an add-on a system needs, missing', (t) => t.replace(/\n {2}velero: .*/, ''), 'environments/production/cluster-addons.yaml: addons.velero: missing; cluster kiteclass-production needs it (for kiteclass)'],
    ['no Let\'s Encrypt account where cert-manager is installed', (t) => t.replace(/letsEncrypt:\n.*\n/, ''), "environments/production/cluster-addons.yaml: letsEncrypt.email: missing; cert-manager's ClusterIssuer letsencrypt-prod needs the Let's Encrypt account's e-mail"],
    ['istiod of another Istio release than istio-base', (t) => t.replace(/istiod: .*/, 'istiod: 1.25.0'), 'addons.istiod: must equal addons.istio-base'],
  ];

  it.each(cases)('%s', async (_name, edit, message) => {
    const ws = scratchWorkspace();
    try {
      const file = join(ws.root, 'environments/production/cluster-addons.yaml');
      writeFileSync(file, edit(readFileSync(file, 'utf8')));
      const before = readTree(join(ws.root, 'dist'));
      const run = await runCommand(process.execPath, ['--import', 'tsx', 'libs/platform/src/cli/synth.ts', 'libs/cluster-addons/addons'], { cwd: ws.root });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(message);
      expect(readTree(join(ws.root, 'dist'))).toEqual(before);
    } finally {
      ws.cleanup();
    }
  });
});
