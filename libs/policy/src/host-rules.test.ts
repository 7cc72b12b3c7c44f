/**
 * Issue 22 major 10 (checks/hosts.ts): production hosts are not RFC 2606 placeholders, and a
 * placeholder kept by decision shows as waived with its reason, never silently passes.
 */
import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifests';
import { placeholderHost } from './checks/hosts';
import { checkPolicies } from './policy';

const ingress = (env: string, host: string, annotations: Record<string, string> = {}): Manifest => ({
  file: `dist/${env}/shop/web/Ingress.web.yaml`, env,
  object: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop', annotations }, spec: { rules: [{ host, http: { paths: [] } }], tls: [{ hosts: [host] }] } },
});
const config = (hosts: string): Manifest => ({
  file: 'dist/production/shop/shared/ConfigMap.settings.yaml', env: 'production',
  object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { DJANGO_ALLOWED_HOSTS: hosts, DATABASE_HOST: 'db.c7x2.us-east-1.rds.amazonaws.com', MODE: 'fast.test' } },
});
const found = (ms: Manifest[]) => checkPolicies(ms).violations.filter((v) => v.rule === 'production-real-host').map((v) => `${v.kind} ${v.name}: ${v.message}`);

describe('production-real-host (issue 22 major 10)', () => {
  it('knows the reserved names of RFC 2606', () => {
    for (const h of ['example.com', 'django.example.com', 'a.example.net', 'x.example.org', 'shop.test', 'shop.example', 'shop.invalid', 'localhost', 'app.localhost', '*.example.com']) expect(placeholderHost(h), h).toBeDefined();
    for (const h of ['api.quizmentor.com', 'example.co', 'myexample.com', 'test.io', 'core-internal.kiteclass.com']) expect(placeholderHost(h), h).toBeUndefined();
  });

  it('refuses the production Ingress and ALLOWED_HOSTS of the documents (sample-app.eks-demo.example.com, django.example.com)', () => {
    expect(found([ingress('production', 'sample-app.eks-demo.example.com'), config('django.example.com,10.0.0.1')])).toEqual([
      'ConfigMap settings: data.DJANGO_ALLOWED_HOSTS: django.example.com is a placeholder: example.com is reserved for documentation (RFC 2606 §3); give the real host, or waive with the decision\'s reason',
      'Ingress web: spec.rules[0].host: sample-app.eks-demo.example.com is a placeholder: example.com is reserved for documentation (RFC 2606 §3); give the real host, or waive with the decision\'s reason',
      'Ingress web: spec.tls[0].hosts[0]: sample-app.eks-demo.example.com is a placeholder: example.com is reserved for documentation (RFC 2606 §3); give the real host, or waive with the decision\'s reason',
    ]);
  });

  it('leaves other environments alone and reports a placeholder kept by decision as waived, with its reason', () => {
    expect(found([ingress('staging', 'shop.stage.example.com')])).toEqual([]);
    const report = checkPolicies([ingress('production', 'shop.example.com', { 'policy.gitops-manifests/waive-production-real-host': 'no domain given by the document' })]);
    expect(report.violations.filter((v) => v.rule === 'production-real-host')).toEqual([]);
    expect(report.waived.filter((v) => v.rule === 'production-real-host').map((v) => v.reason)).toEqual(['no domain given by the document', 'no domain given by the document']);
  });
});
