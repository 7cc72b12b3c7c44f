import { describe, expect, it } from 'vitest';
import { findObject, objectsOfKind, renderLeaf } from '@gitops/platform/testing';
import kiteclassShared from './index';

const production = renderLeaf(kiteclassShared, 'production').objects;
const staging = renderLeaf(kiteclassShared, 'staging').objects;

describe('kiteclass-shared', () => {
  it('creates the kiteclass-staging and kiteclass-production namespaces with restricted Pod Security', () => {
    for (const [objects, name] of [[production, 'kiteclass-production'], [staging, 'kiteclass-staging']] as const) {
      const ns = findObject(objects, 'Namespace', name);
      expect(ns.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      });
      expect(ns.metadata.namespace).toBeUndefined();
      for (const o of objects.filter((o) => o.kind !== 'Namespace' && o.kind !== 'Schedule')) {
        expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(name);
      }
    }
  });

  it('denies all traffic in the namespace by default', () => {
    expect(findObject(production, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('holds the documented staging settings in kiteclass-config', () => {
    expect(findObject(staging, 'ConfigMap', 'kiteclass-config').data).toEqual({
      'redis-host': 'kiteclass-staging.xxxxx.cache.amazonaws.com',
      'rabbitmq-host': 'b-xxxxx.mq.ap-southeast-1.amazonaws.com',
      's3-bucket': 'kiteclass-staging-uploads',
      'cdn-domain': 'staging-cdn.kiteclass.com',
    });
    expect(findObject(production, 'ConfigMap', 'kiteclass-config').data['s3-bucket']).toBe('kiteclass-production-uploads');
  });

  it('reads every secret from kiteclass/<env>/<name> in AWS Secrets Manager', () => {
    const expected = {
      'kiteclass-db-secret': ['database', ['url', 'username', 'password']],
      'kiteclass-redis-secret': ['redis', ['password']],
      'kiteclass-jwt-secret': ['jwt', ['secret']],
      'kiteclass-external-services-secret': ['external-services', ['zalo-api-key', 'vnpay-tmn-code', 'vnpay-hash-secret']],
      'kiteclass-oauth-secret': ['oauth', ['google-client-id', 'google-client-secret']],
    } as const;
    for (const [env, objects] of [['production', production], ['staging', staging]] as const) {
      const secrets = objectsOfKind(objects, 'ExternalSecret');
      expect(secrets.map((s) => s.metadata.name).sort()).toEqual(Object.keys(expected).sort());
      for (const es of secrets) {
        const [remote, keys] = expected[es.metadata.name as keyof typeof expected];
        expect(es.apiVersion).toBe('external-secrets.io/v1');
        expect(es.spec.secretStoreRef).toEqual({ name: 'aws-secrets-manager', kind: 'ClusterSecretStore' });
        expect(es.spec.target).toEqual({ name: es.metadata.name, creationPolicy: 'Owner' });
        expect(es.spec.refreshInterval).toBe('1h');
        expect(es.spec.data).toEqual(keys.map((k) => ({ secretKey: k, remoteRef: { key: `kiteclass/${env}/${remote}`, property: k } })));
      }
    }
  });

  it('routes the API host to kitehub-backend and the instance wildcard to the gateway per environment', () => {
    const rules = (objects: typeof production) => findObject(objects, 'Ingress', 'kiteclass-ingress').spec.rules;
    expect(rules(production)).toEqual([
      { host: 'api.kiteclass.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'kitehub-backend', port: { number: 8080 } } } }] } },
      {
        host: '*.kiteclass.com',
        http: {
          paths: [
            { path: '/api', pathType: 'Prefix', backend: { service: { name: 'kiteclass-gateway', port: { number: 8080 } } } },
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'kiteclass-frontend', port: { number: 3000 } } } },
          ],
        },
      },
    ]);
    expect(rules(staging).map((r: any) => r.host)).toEqual(['staging-api.kiteclass.com', '*.staging.kiteclass.com']);
  });

  it('carries the documented ALB annotations and selects the class by ingressClassName', () => {
    const ingress = findObject(production, 'Ingress', 'kiteclass-ingress');
    expect(ingress.spec.ingressClassName).toBe('alb');
    expect(ingress.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/certificate-arn': 'arn:aws:acm:ap-southeast-1:444455556666:certificate/7c9d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
      'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
      'alb.ingress.kubernetes.io/ssl-redirect': '443',
      // not the document's Ingress-wide /actuator/health: each backend Service has its own check (issue 13 item 2)
    });
  });

  it('alerts on the four documented conditions', () => {
    const rule = findObject(production, 'PrometheusRule', 'kiteclass-alerts');
    const alerts = rule.spec.groups[0].rules;
    expect(alerts.map((a: any) => [a.alert, a.labels.severity, a.for])).toEqual([
      ['HighErrorRate', 'critical', '5m'],
      ['HighLatency', 'warning', '5m'],
      ['PodNotReady', 'critical', '5m'],
      ['DBConnectionPoolExhausted', 'warning', '5m'],
    ]);
    expect(alerts[0].expr).toContain('> 0.01');
    expect(alerts[1].expr).toContain('histogram_quantile(0.99');
  });

  it('backs the namespace up daily with Velero and keeps backups 30 days', () => {
    const schedule = findObject(production, 'Schedule', 'kiteclass-backup-daily');
    expect(schedule.metadata.namespace).toBe('velero');
    expect(schedule.spec).toMatchObject({ schedule: '0 2 * * *', template: { includedNamespaces: ['kiteclass-production'], ttl: '720h0m0s' } });
  });
});
