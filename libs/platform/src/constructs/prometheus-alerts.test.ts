import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../values/environment';
import { PrometheusAlerts } from './prometheus-alerts';

const cluster = { name: 'c1', monitoring: { selectorLabels: { release: 'kube-prometheus-stack' }, namespace: 'monitoring' } } as unknown as Cluster;
const rule = { alert: 'WebDown', expr: 'up{job="web"} == 0', for: '5m', severity: 'critical' as const, summary: 'web is down', description: 'no web target is up' };

describe('PrometheusAlerts', () => {
  it('holds one group named after the rule, with severity and the annotations per alert, and the labels Prometheus selects', () => {
    const chart = Testing.chart();
    new PrometheusAlerts(chart, 'A', { name: 'web-alerts', cluster, rules: [rule], labels: { team: 'shop' } });
    const [o] = Testing.synth(chart);
    expect(o).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'web-alerts', labels: { release: 'kube-prometheus-stack' } } });
    expect(o.spec.groups).toEqual([{ name: 'web-alerts', rules: [{ alert: 'WebDown', expr: 'up{job="web"} == 0', for: '5m', labels: { severity: 'critical', team: 'shop' }, annotations: { summary: 'web is down', description: 'no web target is up' } }] }]);
  });

  it('takes a group name and an evaluation interval', () => {
    const chart = Testing.chart();
    new PrometheusAlerts(chart, 'A', { name: 'web-alerts', group: 'web', interval: '1m', cluster, rules: [rule] });
    expect(Testing.synth(chart)[0].spec.groups[0]).toMatchObject({ name: 'web', interval: '1m' });
  });
});
