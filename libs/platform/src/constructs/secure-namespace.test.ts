import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { SecureNamespace } from './secure-namespace';

const render = (props: Partial<ConstructorParameters<typeof SecureNamespace>[2]> = {}) => {
  const chart = Testing.chart();
  new SecureNamespace(chart, 'Ns', { name: 'shop', ...props });
  return Testing.synth(chart);
};

describe('SecureNamespace', () => {
  it('enforces, audits and warns at Pod Security restricted, and waits for a person before a prune', () => {
    const ns = render().find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' });
    expect(ns.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-options': 'Prune=confirm' });
  });

  it('denies all traffic of its pods by default', () => {
    expect(render().find((o) => o.kind === 'NetworkPolicy')).toMatchObject({ metadata: { name: 'default-deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  });

  it('takes another level and more labels', () => {
    const ns = render({ podSecurity: 'baseline', labels: { 'istio-injection': 'enabled' } }).find((o) => o.kind === 'Namespace');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'istio-injection': 'enabled' });
  });
});
