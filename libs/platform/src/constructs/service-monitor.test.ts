import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../values/environment';
import { METRICS_ANNOTATION, ServiceMonitor } from './service-monitor';

const cluster = { name: 'c1', monitoring: { selectorLabels: { release: 'kube-prometheus-stack' }, namespace: 'monitoring' } } as unknown as Cluster;

describe('ServiceMonitor', () => {
  it("scrapes the app's Services in its own namespace, every 30s on /metrics over http, with the cluster Prometheus's labels", () => {
    const chart = Testing.chart();
    new ServiceMonitor(chart, 'M', { name: 'web', endpoints: [{ port: 'metrics' }], cluster, metrics: ['http_requests_total', 'pg_'] });
    const [o] = Testing.synth(chart);
    expect(o).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'web', labels: { release: 'kube-prometheus-stack' } } });
    expect(o.metadata.annotations[METRICS_ANNOTATION]).toBe('http_requests_total pg_');
    expect(o.spec).toEqual({ selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }] });
  });

  it('refuses no endpoint and no metric names', () => {
    expect(() => new ServiceMonitor(Testing.chart(), 'M', { name: 'web', endpoints: [], cluster, metrics: ['x'] })).toThrow("ServiceMonitor web: 'endpoints' must name at least one endpoint");
    expect(() => new ServiceMonitor(Testing.chart(), 'M', { name: 'web', endpoints: [{ port: 'metrics' }], cluster, metrics: [] })).toThrow("ServiceMonitor web: 'metrics' must name the metric families it scrapes");
  });
});
