import { describe, expect, it } from 'vitest';
import { prometheusSelectorLabels } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { envVar, findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import exporter, { POSTGRES_EXPORTER } from './index';

const production = renderLeaf(exporter, 'production');

describe('postgres-exporter', () => {
  const deployment = findObject(production.objects, 'Deployment', 'postgres-exporter');
  const container = mainContainer(deployment);

  it('runs prometheus-community/postgres_exporter against postgres-primary with its own login from Secrets Manager', () => {
    expect(container.image).toBe(`${POSTGRES_EXPORTER.repository}:${POSTGRES_EXPORTER.tag}`);
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 9187 }]);
    expect(envVar(container, 'DATA_SOURCE_URI').value).toBe('postgres-primary.quizmentor-prod.svc:5432/quizmentor?sslmode=disable');
    expect(envVar(container, 'DATA_SOURCE_PASS').valueFrom).toEqual({ secretKeyRef: { name: 'postgres-exporter-credentials', key: 'password' } });
    expect(findObject(production.objects, 'ExternalSecret', 'postgres-exporter-credentials').spec.data.map((d: any) => d.remoteRef.key))
      .toEqual(['quizmentor/production/postgres-exporter', 'quizmentor/production/postgres-exporter']);
  });

  it('is scraped by a ServiceMonitor on the Service\'s metrics port, labelled for the cluster\'s Prometheus', () => {
    const monitor = findObject(production.objects, 'ServiceMonitor', 'postgres-exporter');
    const service = findObject(production.objects, 'Service', 'postgres-exporter');
    expect(monitor.spec.selector.matchLabels).toEqual({ app: 'postgres-exporter' });
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(service.spec.ports.map((p: any) => p.name)).toContain(monitor.spec.endpoints[0].port);
    // what the metrics-scraped rule holds the QuizMentor alerts' pg_* series to
    expect(monitor.metadata.annotations['monitoring.gitops-manifests/metrics']).toBe('pg_');
    const env = loadEnvironment('production', WORKSPACE_ROOT);
    const cluster = env.clusters.find((c) => env.systems.quizmentor.clusters.includes(c.name))!;
    expect(monitor.metadata.labels).toMatchObject(prometheusSelectorLabels(cluster));
  });

  it('may reach postgres (both directions stated) and is reachable from the monitoring namespace only', () => {
    const own = findObject(production.objects, 'NetworkPolicy', 'postgres-exporter-netpol');
    expect(own.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 9187, protocol: 'TCP' }] }]);
    expect(own.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'postgres' } } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    const toPostgres = findObject(production.objects, 'NetworkPolicy', 'postgres-from-exporter');
    expect(toPostgres.spec.podSelector).toEqual({ matchLabels: { app: 'postgres' } });
    expect(toPostgres.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { app: 'postgres-exporter' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }]);
  });
});
