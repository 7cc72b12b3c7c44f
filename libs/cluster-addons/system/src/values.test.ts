import { describe, expect, it } from 'vitest';
import { ClusterAddonsValuesSchema } from './values';

const values = (addons: Record<string, string>) => ({ externalSecrets: { namespace: 'external-secrets', serviceAccount: 'external-secrets' }, addons });
const issues = (addons: Record<string, string>) => {
  const r = ClusterAddonsValuesSchema.safeParse(values(addons));
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('cluster-addons values: Istio charts of one release', () => {
  it('accepts base, cni and istiod at one version', () => {
    expect(issues({ 'istio-base': '1.26.0', 'istio-cni': '1.26.0', istiod: '1.26.0' })).toEqual([]);
  });

  it('refuses an istiod of another version than base', () => {
    expect(issues({ 'istio-base': '1.26.0', 'istio-cni': '1.26.0', istiod: '1.26.1' })).toContain(
      "addons.istiod: must equal addons.istio-base (1.26.0): Istio's base and istiod charts are one release",
    );
  });

  it('refuses a CNI node agent of another version than istiod', () => {
    expect(issues({ 'istio-base': '1.26.0', 'istio-cni': '1.25.2', istiod: '1.26.0' })).toEqual([
      "addons.istio-cni: must equal addons.istiod (1.26.0): Istio's cni and istiod charts are one release",
    ]);
  });
});

describe('cluster-addons values: support waivers (libs/policy/src/checks/support.ts)', () => {
  const waiver = { version: '4.12.1', reason: 'the project is retired; migration is its own change', decidedBy: 'platform-team', recorded: '2026-12-07', expires: '2027-01-31' };
  const parse = (supportWaivers: unknown) => ClusterAddonsValuesSchema.safeParse({ ...values({ 'ingress-nginx': '4.12.1' }), supportWaivers });
  const messages = (supportWaivers: unknown) => {
    const r = parse(supportWaivers);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('takes a dated, reasoned waiver of a pinned add-on', () => {
    expect(messages({ 'ingress-nginx': waiver })).toEqual([]);
  });

  it('refuses a waiver of an add-on the file does not pin, one without a real reason, and one that expires before it was recorded', () => {
    expect(messages({ 'cert-manager': { ...waiver, version: 'v1.17.2' } })).toEqual(['supportWaivers.cert-manager: waives the support window of an add-on this file does not pin']);
    expect(messages({ 'ingress-nginx': { ...waiver, reason: 'old' } })).toEqual(['supportWaivers.ingress-nginx.reason: give a reason a reviewer can judge (at least 20 characters)']);
    expect(messages({ 'ingress-nginx': { ...waiver, expires: '2026-01-01' } })).toEqual(['supportWaivers.ingress-nginx.expires: expires must not be before recorded']);
  });
});
