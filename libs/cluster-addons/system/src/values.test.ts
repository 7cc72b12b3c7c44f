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
