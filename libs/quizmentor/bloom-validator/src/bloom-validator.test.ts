import { describe, expect, it } from 'vitest';
import { envVar, findObject, mainContainer, renderLeaf } from '@gitops/platform/testing';
import bloomValidator from './index';

const production = renderLeaf(bloomValidator, 'production').objects;
const staging = renderLeaf(bloomValidator, 'staging').objects;

describe('bloom-validator', () => {
  const deployment = findObject(production, 'Deployment', 'bloom-validator');
  const container = mainContainer(deployment);

  it('runs the validator container with the documented resources and worker settings', () => {
    expect(container.name).toBe('validator');
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '250m', memory: '512Mi' } });
    expect(envVar(container, 'WORKERS').value).toBe('4');
    expect(envVar(container, 'MAX_REQUESTS_PER_WORKER').value).toBe('1000');
  });

  it('is scaled by bloom-validator-hpa from 2 to 10 pods at 70% CPU and 80% memory, with the documented behaviour', () => {
    const hpa = findObject(production, 'HorizontalPodAutoscaler', 'bloom-validator-hpa');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'bloom-validator' });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.spec.behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] });
    expect(hpa.spec.behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] });
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it('has a PodDisruptionBudget in production, none in staging where it may run one pod', () => {
    expect(findObject(production, 'PodDisruptionBudget', 'bloom-validator-pdb').spec.selector).toEqual({ matchLabels: { app: 'bloom-validator' } });
    expect(staging.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(findObject(staging, 'HorizontalPodAutoscaler', 'bloom-validator-hpa').spec.minReplicas).toBe(1);
  });

  it('serves port 80 for the Ingress path /api/validate and admits the NGINX controller and the orchestrator', () => {
    expect(findObject(production, 'Service', 'bloom-validator').spec.ports[0]).toEqual({ name: 'http', port: 80, targetPort: 8000, protocol: 'TCP' });
    const policy = findObject(production, 'NetworkPolicy', 'bloom-validator-netpol');
    const from = policy.spec.ingress.filter((r: any) => r.ports.some((p: any) => p.port === 8000)).flatMap((r: any) => r.from);
    expect(from).toContainEqual({ podSelector: { matchLabels: { app: 'learning-orchestrator' } } });
    expect(from).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
    });
  });
});
