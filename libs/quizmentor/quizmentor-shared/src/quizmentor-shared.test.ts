import { describe, expect, it } from 'vitest';
import { prometheusSelectorLabels } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { findObject, objectsOfKind, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import shared from './index';

const production = renderLeaf(shared, 'production').objects;
const staging = renderLeaf(shared, 'staging').objects;

describe('quizmentor-shared', () => {
  it('labels the namespaces for Istio injection and Pod Security Admission restricted', () => {
    for (const [objects, name] of [[production, 'quizmentor-prod'], [staging, 'quizmentor-staging']] as const) {
      expect(findObject(objects, 'Namespace', name).metadata.labels).toMatchObject({
        name,
        'istio-injection': 'enabled',
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
    }
  });

  it('renders no PodSecurityPolicy and no SealedSecret (nor any Secret)', () => {
    for (const objects of [production, staging]) {
      expect(objects.map((o) => o.kind)).not.toContain('PodSecurityPolicy');
      expect(objects.map((o) => o.kind)).not.toContain('SealedSecret');
      expect(objects.map((o) => o.kind)).not.toContain('Secret');
    }
  });

  it('bounds the production namespace with the documented compute-quota', () => {
    expect(findObject(production, 'ResourceQuota', 'compute-quota').spec.hard).toEqual({
      'requests.cpu': '100', 'requests.memory': '200Gi', 'limits.cpu': '200', 'limits.memory': '400Gi', persistentvolumeclaims: '10',
    });
  });

  it('reads every secret from quizmentor/<env>/<name> through the aws-secrets-manager ClusterSecretStore', () => {
    const secrets = objectsOfKind(production, 'ExternalSecret');
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(['database-credentials', 'jwt-secret', 'postgres-secret', 'redis-credentials']);
    for (const s of secrets) {
      expect(s.apiVersion).toBe('external-secrets.io/v1');
      expect(s.spec.secretStoreRef).toEqual({ name: 'aws-secrets-manager', kind: 'ClusterSecretStore' });
      for (const d of s.spec.data) expect(d.remoteRef.key).toBe(`quizmentor/production/${s.metadata.name}`);
    }
    expect(findObject(production, 'ExternalSecret', 'database-credentials').spec.data.map((d: any) => d.secretKey)).toEqual(['url', 'username', 'password']);
    expect(findObject(staging, 'ExternalSecret', 'jwt-secret').spec.data[0].remoteRef.key).toBe('quizmentor/staging/jwt-secret');
  });

  describe('quizmentor-ingress', () => {
    const ingress = findObject(production, 'Ingress', 'quizmentor-ingress');

    it('uses ingressClassName nginx, not the deprecated annotation', () => {
      expect(ingress.spec.ingressClassName).toBe('nginx');
      expect(ingress.metadata.annotations['kubernetes.io/ingress.class']).toBeUndefined();
    });

    it('terminates TLS with a cert-manager certificate for its host', () => {
      expect(ingress.spec.tls).toEqual([{ hosts: ['api.quizmentor.com'], secretName: 'quizmentor-tls' }]);
      expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
      expect(findObject(staging, 'Ingress', 'quizmentor-ingress').spec.tls).toEqual([{ hosts: ['api.staging.quizmentor.com'], secretName: 'quizmentor-tls' }]);
    });

    it('carries the documented rate-limit, body size, timeout, CORS and HTTPS annotations', () => {
      expect(ingress.metadata.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/limit-rps': '10',
        'nginx.ingress.kubernetes.io/limit-rpm': '100',
        'nginx.ingress.kubernetes.io/proxy-body-size': '10m',
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '60',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '60',
        'nginx.ingress.kubernetes.io/enable-cors': 'true',
        'nginx.ingress.kubernetes.io/cors-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'nginx.ingress.kubernetes.io/cors-allow-origin': 'https://quizmentor.com',
        'nginx.ingress.kubernetes.io/ssl-redirect': 'true',
        'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      });
    });

    it('routes its three paths to the services on port 80, /api/learning through the mesh in an Ingress of its own (issue 13 item 3)', () => {
      const rules = (paths: string[][]) => [{
        host: 'api.quizmentor.com',
        http: { paths: paths.map(([path, name]) => ({ path, pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } })) },
      }];
      expect(ingress.spec.rules).toEqual(rules([['/api/validate', 'bloom-validator'], ['/api/adaptive', 'adaptive-engine']]));
      const learning = findObject(production, 'Ingress', 'learning-orchestrator-ingress');
      expect(learning.spec.rules).toEqual(rules([['/api/learning', 'learning-orchestrator']]));
      expect(learning.metadata.annotations).toMatchObject({
        'nginx.ingress.kubernetes.io/service-upstream': 'true',
        'nginx.ingress.kubernetes.io/upstream-vhost': 'learning-orchestrator.quizmentor-prod.svc.cluster.local',
      });
      // same host and certificate; only the first Ingress asks cert-manager for it (one Certificate per annotated Ingress)
      expect(learning.spec.tls).toEqual(ingress.spec.tls);
      expect(learning.metadata.annotations).not.toHaveProperty('cert-manager.io/cluster-issuer');
    });
  });

  it('has the five documented alerts with their severities and team', () => {
    const rule = findObject(production, 'PrometheusRule', 'prometheus-alerts');
    const [group] = rule.spec.groups;
    expect(group).toMatchObject({ name: 'quizmentor', interval: '30s' });
    expect(group.rules.map((r: any) => [r.alert, r.for, r.labels.severity, r.labels.team])).toEqual([
      ['HighErrorRate', '5m', 'critical', 'platform'],
      ['HighLatency', '5m', 'warning', 'platform'],
      ['PodCrashLooping', '5m', 'critical', 'platform'],
      ['HighMemoryUsage', '5m', 'warning', 'platform'],
      ['DatabaseConnectionPoolExhausted', '5m', 'critical', 'platform'],
    ]);
    expect(group.rules[2].expr).toContain('namespace="quizmentor-prod"');
  });

  it('fixes the document\'s alerts that could not mean what they say (issue 13 items 13, 15)', () => {
    const rules = findObject(production, 'PrometheusRule', 'prometheus-alerts').spec.groups[0].rules;
    const by = (name: string) => rules.find((r: any) => r.alert === name);
    // a count of restarts, shown as a count
    expect(by('PodCrashLooping').expr).toMatch(/^increase\(kube_pod_container_status_restarts_total\{[^}]*\}\[15m\]\) > 0/);
    expect(by('PodCrashLooping').annotations.description).toContain('restarted {{ $value | humanize }} times');
    // working set (what eviction and the OOM killer use), not usage with page cache
    expect(by('HighMemoryUsage').expr).toContain('container_memory_working_set_bytes');
    expect(by('HighMemoryUsage').expr).not.toContain('container_memory_usage_bytes');
    // both sides of the division reduced to the same labels and matched explicitly
    expect(by('DatabaseConnectionPoolExhausted').expr).toMatch(/sum by \(instance\) \(pg_stat_database_numbackends\)\n\/ on\(instance\) max by \(instance\) \(pg_settings_max_connections\)/);
  });

  it('labels its PrometheusRule and SLO object for the cluster\'s Prometheus (issue 13 item 16)', () => {
    for (const [objects, env] of [[production, 'production'], [staging, 'staging']] as const) {
      // the system's clusters, from environment.yaml (one per environment for QuizMentor)
      const environment = loadEnvironment(env, WORKSPACE_ROOT);
      const cluster = environment.clusters.find((c) => environment.systems.quizmentor.clusters.includes(c.name))!;
      for (const [kind, name] of [['PrometheusRule', 'prometheus-alerts'], ['PrometheusServiceLevel', 'quizmentor-slos']]) {
        expect(findObject(objects, kind, name).metadata.labels).toMatchObject(prometheusSelectorLabels(cluster));
      }
    }
  });

  it('declares the two Sloth SLOs in the CRD\'s camelCase, with a latency SLI that counts slow requests as errors', () => {
    const slo = findObject(production, 'PrometheusServiceLevel', 'quizmentor-slos');
    expect(slo.apiVersion).toBe('sloth.slok.dev/v1');
    expect(slo.spec.service).toBe('quizmentor');
    expect(slo.spec.labels).toEqual({ team: 'platform' });
    expect(slo.spec.slos.map((s: any) => [s.name, s.objective, s.alerting.name])).toEqual([
      // renamed from the document's HighErrorRate/HighLatency, which the PrometheusRule's alerts already use
      ['requests-availability', 99.9, 'LearningOrchestratorErrorBudgetBurn'],
      ['requests-latency', 99, 'LearningOrchestratorLatencyBudgetBurn'],
    ]);
    expect(slo.spec.slos[0].alerting.pageAlert.labels).toEqual({ severity: 'critical', team: 'platform' });
    const latency = slo.spec.slos[1].sli.events;
    // bad = all requests minus those within 0.2 s (the document counted the fast ones as errors)
    expect(latency.errorQuery).toMatch(/_count\{[^}]*\}\[\{\{\.window\}\}\]\)\)\n- sum\(rate\(http_request_duration_seconds_bucket\{[^}]*le="0\.2"/);
    // every range is Sloth's window, which it fills in per burn-rate window (issue 13 item 14)
    for (const s of slo.spec.slos) {
      for (const q of [s.sli.events.errorQuery, s.sli.events.totalQuery]) expect(q.match(/\[[^\]]*\]/g)!.every((r: string) => r === '[{{.window}}]')).toBe(true);
    }
    expect(JSON.stringify(slo)).not.toMatch(/error_query|page_alert/);
  });
});
