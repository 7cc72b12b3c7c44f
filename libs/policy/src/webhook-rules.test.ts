/**
 * webhook-before-objects (checks/webhooks.ts): no failurePolicy Fail webhook is ready only after
 * objects it intercepts in the same sync. kube-prometheus-stack as it was before issue 22 blocker
 * 3 (the chart's default failure policy, CA patched in PostSync, its own PrometheusRules in Sync)
 * fails; its Ignore, as rendered today, passes.
 */
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifests';
import { checkPolicies } from './policy';

const app = (chart: string, valuesObject: any): Manifest => ({
  file: `dist/production/cluster-addons/addons/c1/Application.${chart}-c1.yaml`, env: 'production',
  object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: `${chart}-c1`, namespace: 'argocd' }, spec: { source: { chart, helm: { valuesObject } }, destination: { server: 'https://c1' } } },
});
const at = (object: any): Manifest => ({ file: `dist/production/shop/web/${object.kind}.${object.metadata.name}.yaml`, env: 'production', object });
const found = (ms: Manifest[]) => checkPolicies(ms).violations.filter((v) => v.rule === 'webhook-before-objects').map((v) => `${v.kind} ${v.name}: ${v.message}`);
const WAVE = (w: number) => ({ 'argocd.argoproj.io/sync-wave': String(w) });

describe('webhook-before-objects: add-on charts (issue 22)', () => {
  it("refuses kube-prometheus-stack's default failure policy: its CA comes in PostSync, after its own PrometheusRules", () => {
    expect(found([app('kube-prometheus-stack', { crds: { enabled: true } })])).toEqual([
      "Application kube-prometheus-stack-c1: webhook kube-prometheus-stack-admission has failurePolicy Fail, but its caBundle is patched by the chart's post-install hook Job (PostSync), after its default PrometheusRules (defaultRules.create) (Sync): the API server refuses them and the sync never reaches the hook; set its failure policy to Ignore or create them after it",
    ]);
    expect(found([app('kube-prometheus-stack', { prometheusOperator: { admissionWebhooks: { failurePolicy: 'Ignore' } } })])).toEqual([]);
    expect(found([app('kube-prometheus-stack', { defaultRules: { create: false } })])).toEqual([]);
  });

  it("refuses an extraObjects item a Fail webhook of its chart intercepts before the webhook's server, and accepts a later wave", () => {
    const issuer = (annotations: any) => stringify({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'le', annotations }, spec: {} });
    expect(found([app('cert-manager', { extraObjects: [issuer({})] })])).toEqual([
      "Application cert-manager-c1: extraObjects ClusterIssuer le: applied at Sync wave 0, but webhook cert-manager-webhook (failurePolicy Fail) intercepts it and its server is the chart's webhook Deployment (Sync wave 0): give it a later sync wave",
    ]);
    expect(found([app('cert-manager', { extraObjects: [issuer(WAVE(1))] })])).toEqual([]);
  });
});

describe('webhook-before-objects: rendered webhook configurations', () => {
  const webhook = (failurePolicy: string) => at({
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'checker', annotations: WAVE(-1) },
    webhooks: [{ name: 'check.shop.io', failurePolicy, clientConfig: { service: { name: 'checker', namespace: 'shop' } },
      rules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['CREATE', 'UPDATE'] }] }],
  });
  const server = at({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'checker', namespace: 'shop', annotations: WAVE(2) },
    spec: { selector: { matchLabels: { app: 'checker' } }, template: { metadata: { labels: { app: 'checker' } }, spec: { containers: [{ name: 'c', image: 'r/c:1' }] } } } });
  const service = at({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'checker', namespace: 'shop' }, spec: { selector: { app: 'checker' }, ports: [{ port: 443 }] } });
  const config = at({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', annotations: WAVE(1) }, data: {} });

  it('refuses an object intercepted after the configuration and before its server', () => {
    expect(found([webhook('Fail'), server, service, config])).toEqual([
      'ConfigMap settings: applied at Sync wave 1, but webhook check.shop.io of ValidatingWebhookConfiguration checker (failurePolicy Fail) intercepts it and its server Deployment checker is applied at Sync wave 2: the API server refuses it until then',
    ]);
  });

  it('accepts Ignore, or the object after the server', () => {
    expect(found([webhook('Ignore'), server, service, config])).toEqual([]);
    expect(found([webhook('Fail'), server, service, { ...config, object: { ...config.object, metadata: { ...config.object.metadata, annotations: WAVE(3) } } }])).toEqual([]);
  });
});
