import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../values/environment';
import { SlothServiceLevel } from './sloth-slo';

const cluster = { name: 'c1', monitoring: { selectorLabels: { release: 'kube-prometheus-stack' }, namespace: 'monitoring' } } as unknown as Cluster;
const slo = {
  name: 'requests-availability', objective: 99.9, description: 'requests succeed', alertName: 'WebAvailability',
  errorQuery: 'sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))', totalQuery: 'sum(rate(http_requests_total[{{.window}}]))',
};
const render = (slos = [slo]) => {
  const chart = Testing.chart();
  new SlothServiceLevel(chart, 'S', { name: 'web', service: 'web', cluster, slos });
  return Testing.synth(chart)[0];
};

describe('SlothServiceLevel', () => {
  it('is a Sloth PrometheusServiceLevel with event SLIs and page/ticket alerts, carrying the Prometheus labels', () => {
    const o = render();
    expect(o).toMatchObject({ apiVersion: 'sloth.slok.dev/v1', kind: 'PrometheusServiceLevel', metadata: { name: 'web', labels: { release: 'kube-prometheus-stack' } }, spec: { service: 'web' } });
    expect(o.spec.slos[0]).toMatchObject({ name: 'requests-availability', objective: 99.9, sli: { events: { errorQuery: slo.errorQuery, totalQuery: slo.totalQuery } }, alerting: { name: 'WebAvailability' } });
  });

  it('refuses no SLO, an objective outside (0, 100), and a query that does not take its range from {{.window}}', () => {
    expect(() => render([])).toThrow("SlothServiceLevel web: 'slos' must name at least one SLO");
    expect(() => render([{ ...slo, objective: 100 }])).toThrow("SLO 'requests-availability' 'objective' must be above 0 and below 100 (got 100)");
    expect(() => render([{ ...slo, totalQuery: 'sum(rate(http_requests_total[5m]))' }])).toThrow("SLO 'requests-availability' 'totalQuery' must take its range from {{.window}}");
  });
});
