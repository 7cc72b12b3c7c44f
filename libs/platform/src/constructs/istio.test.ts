import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { CanaryVirtualService, VersionedDestinationRule } from './istio';

describe('CanaryVirtualService', () => {
  it('splits the host between subsets v1 and v2 by weight, a header forcing the canary first', () => {
    const chart = Testing.chart();
    new CanaryVirtualService(chart, 'V', { host: 'web', canaryWeight: 10, canaryHeader: { name: 'x-canary', exact: 'true' } });
    const [o] = Testing.synth(chart);
    expect(o).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'web' } });
    expect(o.spec.http[0]).toEqual({ match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [{ destination: { host: 'web', subset: 'v2' }, weight: 100 }] });
    expect(o.spec.http[1].route).toEqual([{ destination: { host: 'web', subset: 'v1' }, weight: 90 }, { destination: { host: 'web', subset: 'v2' }, weight: 10 }]);
  });

  it('refuses a weight outside 0-100 or not whole', () => {
    for (const w of [-1, 101, 2.5]) {
      expect(() => new CanaryVirtualService(Testing.chart(), 'V', { host: 'web', canaryWeight: w })).toThrow(`CanaryVirtualService web: 'canaryWeight' must be a whole number from 0 to 100 (got ${w})`);
    }
  });
});

describe('VersionedDestinationRule', () => {
  it('has a subset per version, selected by the version label, and no traffic policy unless given', () => {
    const chart = Testing.chart();
    new VersionedDestinationRule(chart, 'D', { host: 'web', versions: ['v1', 'v2'] });
    expect(Testing.synth(chart)[0]).toMatchObject({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'web' }, spec: { host: 'web', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] } });
    expect(Testing.synth(chart)[0].spec.trafficPolicy).toBeUndefined();
  });

  it('refuses no versions', () => {
    expect(() => new VersionedDestinationRule(Testing.chart(), 'D', { host: 'web', versions: [] })).toThrow("VersionedDestinationRule web: 'versions' must name at least one subset");
  });
});
