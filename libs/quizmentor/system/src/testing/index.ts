/**
 * Checks every QuizMentor application service shares (the learning-orchestrator conventions),
 * for the services' own tests: `import { itFollowsServiceConventions } from '@gitops/quizmentor-system/testing'`.
 */
import { expect, it } from 'vitest';
import type { ServiceDefinition } from '@gitops/platform';
import { loadValues, systemValuesFile } from '@gitops/platform';
import { findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import type { AppName } from '../names';
import type { QuizmentorValues } from '../values';

/** Probes, rolling update 1/0, Service 80→3000 plus 9090 metrics, production HA, staging size. */
export function itFollowsServiceConventions(name: string, service: ServiceDefinition): void {
  const production = renderLeaf(service, 'production').objects;
  const staging = renderLeaf(service, 'staging').objects;
  const deployment = findObject(production, 'Deployment', name);
  const container = mainContainer(deployment);

  it('follows the orchestrator conventions: probes, rolling update, Service 80 plus 9090 metrics', () => {
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/health/live', port: 3000 });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/health/ready', port: 3000 });
    expect(container.startupProbe.httpGet).toMatchObject({ path: '/health/startup', port: 3000 });
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(findObject(production, 'Service', name).spec.ports.map((p: any) => [p.port, p.targetPort])).toEqual([[80, 3000], [9090, 9090]]);
    expect(findObject(production, 'ServiceMonitor', name).spec.endpoints[0].port).toBe('metrics');
  });

  it('has at least two pods and a PodDisruptionBudget in production', () => {
    expect(findObject(production, 'HorizontalPodAutoscaler', `${name}-hpa`).spec.minReplicas).toBeGreaterThanOrEqual(2);
    findObject(production, 'PodDisruptionBudget', `${name}-pdb`);
  });

  it('holds its pod count by an HPA in every environment, a fixed count as equal bounds, so spec.replicas never changes owner (issue 13 item 22)', () => {
    const values = (env: 'staging' | 'production') =>
      (loadValues(systemValuesFile(WORKSPACE_ROOT, env, service.system.name), service.system.values, WORKSPACE_ROOT) as QuizmentorValues).services[name as AppName];
    for (const [env, objects] of [['staging', staging], ['production', production]] as const) {
      const v = values(env);
      const hpa = findObject(objects, 'HorizontalPodAutoscaler', `${name}-hpa`).spec;
      expect(findObject(objects, 'Deployment', name).spec.replicas, env).toBeUndefined();
      expect([hpa.minReplicas, hpa.maxReplicas], env).toEqual(v.replicas !== undefined ? [v.replicas, v.replicas] : [v.autoscaling!.minReplicas, v.autoscaling!.maxReplicas]);
    }
  });
}
