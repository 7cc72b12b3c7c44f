/**
 * Checks every KiteClass Spring Boot service shares (the conventions of kiteclass-core: probes on
 * the main port, Actuator on the management port, IRSA, an HPA from the values, secrets by
 * reference, a NetworkPolicy), for the services' own tests:
 * `import { itFollowsSpringServiceConventions } from '@gitops/kiteclass-system/testing'`.
 * Expected values come from environments/<env>/kiteclass.yaml, never from today's tags.
 */
import { describe, expect, it } from 'vitest';
import { loadValues, systemValuesFile, type EnvironmentName, type ServiceDefinition } from '@gitops/platform';
import { envVar, findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { MANAGEMENT_PORT, PORTS, SECRETS } from '../names';
import type { KiteclassValues } from '../values';

type ServiceName = keyof typeof PORTS;
const environments = ['staging', 'production'] as const;

/** The KiteClass values of an environment (tags change with every release: read, never pinned). */
export const kiteclassValues = (service: ServiceDefinition, env: EnvironmentName): KiteclassValues =>
  loadValues(systemValuesFile(WORKSPACE_ROOT, env, service.system.name), service.system.values, WORKSPACE_ROOT) as KiteclassValues;

export function itFollowsSpringServiceConventions(name: ServiceName, service: ServiceDefinition): void {
  const port = PORTS[name];
  const values = (env: EnvironmentName) => kiteclassValues(service, env);
  const v = (env: EnvironmentName) => values(env).services[name as keyof KiteclassValues['services']] as any;
  const deployment = (env: EnvironmentName) => findObject(renderLeaf(service, env).objects, 'Deployment', name);

  describe(`${name} follows the KiteClass Spring Boot conventions`, () => {
    it.each(environments)('runs its ECR image at the tag of environments/%s/kiteclass.yaml, with the resources given there', (env) => {
      const container = mainContainer(deployment(env));
      expect(container.image).toMatch(new RegExp(`^\\d{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com/${name}:${v(env).tag}$`));
      expect(container.resources).toEqual(v(env).resources);
    });

    it('answers the kubelet on /livez and /readyz on its port, Actuator on the management port', () => {
      const container = mainContainer(deployment('production'));
      expect(container.ports).toEqual([{ containerPort: port, name: 'http' }, { containerPort: MANAGEMENT_PORT, name: 'management' }]);
      expect(container.livenessProbe.httpGet).toMatchObject({ path: '/livez', port });
      expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port });
      expect(envVar(container, 'SERVER_PORT').value).toBe(String(port));
      expect(envVar(container, 'MANAGEMENT_SERVER_PORT').value).toBe(String(MANAGEMENT_PORT));
    });

    it.each(environments)('scales with the HPA bounds of environments/%s/kiteclass.yaml and leaves the count to it', (env) => {
      const objects = renderLeaf(service, env).objects;
      const a = v(env).autoscaling;
      expect(findObject(objects, 'HorizontalPodAutoscaler', `${name}-hpa`).spec).toMatchObject({ minReplicas: a.minReplicas, maxReplicas: a.maxReplicas });
      expect(deployment(env).spec.replicas).toBeUndefined();
      // a budget the eviction API can honour at the minimum size
      expect(findObject(objects, 'PodDisruptionBudget', `${name}-pdb`).spec.minAvailable ?? 0).toBeLessThan(a.minReplicas);
    });

    it.each(environments)('runs as its service account, bound to the IAM role of environments/%s/kiteclass.yaml', (env) => {
      expect(deployment(env).spec.template.spec.serviceAccountName).toBe(name);
      expect(findObject(renderLeaf(service, env).objects, 'ServiceAccount', name).metadata.annotations['eks.amazonaws.com/role-arn'])
        .toMatch(new RegExp(`^arn:aws:iam::\\d{12}:role/${v(env).roleName}$`));
    });

    it('reads the JWT and Redis secrets by reference and Redis from kiteclass-config; no secret-looking literal', () => {
      const container = mainContainer(deployment('production'));
      expect(envVar(container, 'JWT_SECRET').valueFrom).toEqual({ secretKeyRef: { name: SECRETS.jwt.name, key: 'secret' } });
      expect(envVar(container, 'SPRING_REDIS_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: SECRETS.redis.name, key: 'password' } });
      expect(envVar(container, 'SPRING_REDIS_HOST').valueFrom).toEqual({ configMapKeyRef: { name: 'kiteclass-config', key: 'redis-host' } });
      expect(container.env.filter((e: any) => /SECRET|PASSWORD|KEY/.test(e.name) && e.value !== undefined).map((e: any) => e.name)).toEqual([]);
    });

    it('is reached only on its port and the management port (load balancer subnets, Prometheus)', () => {
      const policy = findObject(renderLeaf(service, 'production').objects, 'NetworkPolicy', `${name}-netpol`).spec;
      expect(policy.podSelector).toEqual({ matchLabels: { app: name } });
      expect(policy.ingress.flatMap((r: any) => r.ports.map((p: any) => p.port)).sort()).toEqual([port, MANAGEMENT_PORT].sort());
    });
  });
}
