/**
 * kitehub-backend: the KiteHub API (api.kiteclass.com): accounts, schools, billing. The document's Spring Boot conventions shared with kiteclass-core (probes on
 * the main port, Actuator on the management port, IRSA, HPA), and what is its own. Expected
 * values come from environments/<env>/kiteclass.yaml and the document (port 8080), never from
 * today's tags.
 */
import { describe, expect, it } from 'vitest';
import { loadValues, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { envVar, findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import service from './index';

const values = (env: EnvironmentName) => loadValues(systemValuesFile(WORKSPACE_ROOT, env, service.system.name), service.system.values, WORKSPACE_ROOT);
const environments = ['staging', 'production'] as const;

describe('kitehub-backend', () => {
  it.each(environments)('runs its ECR image at the tag of environments/%s/kiteclass.yaml, with the resources given there', (env) => {
    const container = mainContainer(findObject(renderLeaf(service, env).objects, 'Deployment', 'kitehub-backend'));
    const v = values(env).services['kitehub-backend'];
    expect(container.image).toMatch(new RegExp(`^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/kitehub-backend:${v.tag}$`));
    expect(container.resources).toEqual(v.resources);
  });

  it('listens on 8080 and answers the kubelet on /livez and /readyz there, Actuator on 9090', () => {
    const container = mainContainer(findObject(renderLeaf(service, 'production').objects, 'Deployment', 'kitehub-backend'));
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'management' }]);
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/livez', port: 8080 });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 8080 });
    expect(envVar(container, 'SERVER_PORT').value).toBe('8080');
    expect(envVar(container, 'MANAGEMENT_SERVER_PORT').value).toBe('9090');
  });

  it.each(environments)('scales with the HPA bounds of environments/%s/kiteclass.yaml and leaves the count to it', (env) => {
    const objects = renderLeaf(service, env).objects;
    const a = values(env).services['kitehub-backend'].autoscaling;
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'kitehub-backend-hpa').spec).toMatchObject({ minReplicas: a.minReplicas, maxReplicas: a.maxReplicas });
    expect(findObject(objects, 'Deployment', 'kitehub-backend').spec.replicas).toBeUndefined();
    // a budget the eviction API can honour at the minimum size
    const pdb = findObject(objects, 'PodDisruptionBudget', 'kitehub-backend-pdb').spec;
    expect(pdb.minAvailable ?? 0).toBeLessThan(a.minReplicas);
  });

  it.each(environments)('runs as its service account, bound to the IAM role of environments/%s/kiteclass.yaml', (env) => {
    const objects = renderLeaf(service, env).objects;
    expect(findObject(objects, 'Deployment', 'kitehub-backend').spec.template.spec.serviceAccountName).toBe('kitehub-backend');
    expect(findObject(objects, 'ServiceAccount', 'kitehub-backend').metadata.annotations['eks.amazonaws.com/role-arn'])
      .toMatch(new RegExp(`^arn:aws:iam::\\d{12}:role/${values(env).services['kitehub-backend'].roleName}$`));
  });

  it('reads its secrets by reference from the ExternalSecret-made Secrets and kiteclass-config', () => {
    const container = mainContainer(findObject(renderLeaf(service, 'production').objects, 'Deployment', 'kitehub-backend'));
    expect(envVar(container, 'JWT_SECRET').valueFrom).toEqual({ secretKeyRef: { name: 'kiteclass-jwt-secret', key: 'secret' } });
    expect(envVar(container, 'SPRING_REDIS_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'kiteclass-redis-secret', key: 'password' } });
    for (const [name, key] of [['SPRING_DATASOURCE_URL', 'url'], ['SPRING_DATASOURCE_USERNAME', 'username'], ['SPRING_DATASOURCE_PASSWORD', 'password']]) {
      expect(envVar(container, name).valueFrom, name).toEqual({ secretKeyRef: { name: 'kiteclass-db-secret', key } });
    }
    expect(envVar(container, 'SPRING_REDIS_HOST').valueFrom).toEqual({ configMapKeyRef: { name: 'kiteclass-config', key: 'redis-host' } });
    expect(container.env.filter((e: any) => /SECRET|PASSWORD|KEY/.test(e.name) && e.value !== undefined).map((e: any) => e.name)).toEqual([]);
  });

  it('is reached only from the load balancer subnets and Prometheus', () => {
    const objects = renderLeaf(service, 'production').objects;
    const policy = findObject(objects, 'NetworkPolicy', 'kitehub-backend-netpol').spec;
    expect(policy.podSelector).toEqual({ matchLabels: { app: 'kitehub-backend' } });
    expect(policy.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort()).toEqual([8080, 9090].sort());
  });

  it('speaks AMQPS to Amazon MQ (port 5671, the only one its NetworkPolicy allows) and reads OAuth and payment keys from their secrets', () => {
    const container = mainContainer(findObject(renderLeaf(service, 'production').objects, 'Deployment', 'kitehub-backend'));
    expect(envVar(container, 'SPRING_RABBITMQ_SSL_ENABLED').value).toBe('true');
    for (const [name, secret, key] of [
      ['GOOGLE_CLIENT_ID', 'kiteclass-oauth-secret', 'google-client-id'],
      ['VNPAY_HASH_SECRET', 'kiteclass-external-services-secret', 'vnpay-hash-secret'],
    ]) {
      expect(envVar(container, name).valueFrom, name).toEqual({ secretKeyRef: { name: secret, key } });
    }
  });
});
