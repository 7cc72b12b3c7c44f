/**
 * kiteclass-gateway: the instance API gateway (`*.kiteclass.com/api`): checks JWTs and routes to kiteclass-core. The document's Spring Boot conventions shared with kiteclass-core (probes on
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

describe('kiteclass-gateway', () => {
  it.each(environments)('runs its ECR image at the tag of environments/%s/kiteclass.yaml, with the resources given there', (env) => {
    const container = mainContainer(findObject(renderLeaf(service, env).objects, 'Deployment', 'kiteclass-gateway'));
    const v = values(env).services['kiteclass-gateway'];
    expect(container.image).toMatch(new RegExp(`^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/kiteclass-gateway:${v.tag}$`));
    expect(container.resources).toEqual(v.resources);
  });

  it('listens on 8080 and answers the kubelet on /livez and /readyz there, Actuator on 9090', () => {
    const container = mainContainer(findObject(renderLeaf(service, 'production').objects, 'Deployment', 'kiteclass-gateway'));
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'management' }]);
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/livez', port: 8080 });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 8080 });
    expect(envVar(container, 'SERVER_PORT').value).toBe('8080');
    expect(envVar(container, 'MANAGEMENT_SERVER_PORT').value).toBe('9090');
  });

  it.each(environments)('scales with the HPA bounds of environments/%s/kiteclass.yaml and leaves the count to it', (env) => {
    const objects = renderLeaf(service, env).objects;
    const a = values(env).services['kiteclass-gateway'].autoscaling;
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'kiteclass-gateway-hpa').spec).toMatchObject({ minReplicas: a.minReplicas, maxReplicas: a.maxReplicas });
    expect(findObject(objects, 'Deployment', 'kiteclass-gateway').spec.replicas).toBeUndefined();
    // a budget the eviction API can honour at the minimum size
    const pdb = findObject(objects, 'PodDisruptionBudget', 'kiteclass-gateway-pdb').spec;
    expect(pdb.minAvailable ?? 0).toBeLessThan(a.minReplicas);
  });

  it.each(environments)('runs as its service account, bound to the IAM role of environments/%s/kiteclass.yaml', (env) => {
    const objects = renderLeaf(service, env).objects;
    expect(findObject(objects, 'Deployment', 'kiteclass-gateway').spec.template.spec.serviceAccountName).toBe('kiteclass-gateway');
    expect(findObject(objects, 'ServiceAccount', 'kiteclass-gateway').metadata.annotations['eks.amazonaws.com/role-arn'])
      .toMatch(new RegExp(`^arn:aws:iam::\\d{12}:role/${values(env).services['kiteclass-gateway'].roleName}$`));
  });

  it('reads its secrets by reference from the ExternalSecret-made Secrets and kiteclass-config', () => {
    const container = mainContainer(findObject(renderLeaf(service, 'production').objects, 'Deployment', 'kiteclass-gateway'));
    expect(envVar(container, 'JWT_SECRET').valueFrom).toEqual({ secretKeyRef: { name: 'kiteclass-jwt-secret', key: 'secret' } });
    expect(envVar(container, 'SPRING_REDIS_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'kiteclass-redis-secret', key: 'password' } });
    expect(envVar(container, 'SPRING_REDIS_HOST').valueFrom).toEqual({ configMapKeyRef: { name: 'kiteclass-config', key: 'redis-host' } });
    expect(container.env.filter((e: any) => /SECRET|PASSWORD|KEY/.test(e.name) && e.value !== undefined).map((e: any) => e.name)).toEqual([]);
  });

  it('is reached only from the load balancer subnets and Prometheus', () => {
    const objects = renderLeaf(service, 'production').objects;
    const policy = findObject(objects, 'NetworkPolicy', 'kiteclass-gateway-netpol').spec;
    expect(policy.podSelector).toEqual({ matchLabels: { app: 'kiteclass-gateway' } });
    expect(policy.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort()).toEqual([8080, 9090].sort());
  });

  it('calls kiteclass-core through the internal ALB host of environments/<env>/kiteclass.yaml', () => {
    for (const env of environments) {
      const container = mainContainer(findObject(renderLeaf(service, env).objects, 'Deployment', 'kiteclass-gateway'));
      expect(envVar(container, 'KITECLASS_CORE_URL').value).toBe(`https://${values(env).ingress.coreHost}`);
    }
  });
});
