/**
 * Checks every QuizMentor application service shares (the learning-orchestrator conventions),
 * for the services' own tests: `import { itFollowsServiceConventions } from '@gitops/quizmentor-system/testing'`.
 */
import { expect, it } from 'vitest';
import type { ServiceDefinition } from '@gitops/platform';
import { findObject, mainContainer, renderLeaf } from '@gitops/platform/testing';

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

  it('runs one fixed pod in staging, without an HPA', () => {
    expect(findObject(staging, 'Deployment', name).spec.replicas).toBe(1);
    expect(staging.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });
}
