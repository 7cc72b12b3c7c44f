import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Autoscaler } from './autoscaler';
import { SecureDeployment } from './secure-deployment';
import { VerticalPodAutoscaler } from './vertical-pod-autoscaler';

const deployment = (chart: any) => new SecureDeployment(chart, 'D', {
  name: 'web', containerName: 'app', repository: 'r/web', tag: '1', component: 'backend', system: 'shop', ports: [{ name: 'http', containerPort: 8080 }],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
});
const bounds = { minAllowed: { cpu: '50m', memory: '64Mi' }, maxAllowed: { cpu: '1', memory: '1Gi' } };

describe('VerticalPodAutoscaler', () => {
  it("only recommends (updateMode Off) by default, named <target>-vpa, bounding the target's main container", () => {
    const chart = Testing.chart();
    const vpa = new VerticalPodAutoscaler(chart, 'V', { target: deployment(chart), ...bounds });
    expect(vpa.updateMode).toBe('Off');
    expect(Testing.synth(chart).find((o) => o.kind === 'VerticalPodAutoscaler')).toEqual({
      apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', metadata: { name: 'web-vpa' },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        updatePolicy: { updateMode: 'Off' },
        resourcePolicy: { containerPolicies: [{ containerName: 'app', minAllowed: { cpu: '50m', memory: '64Mi' }, maxAllowed: { cpu: '1', memory: '1Gi' } }] },
      },
    });
  });

  it('changes requests of a target without an HPA, and refuses to for one an HPA scales', () => {
    const free = Testing.chart();
    expect(new VerticalPodAutoscaler(free, 'V', { target: deployment(free), updateMode: 'Auto', ...bounds }).updateMode).toBe('Auto');
    const chart = Testing.chart();
    const target = deployment(chart);
    new Autoscaler(chart, 'Hpa', { target, minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 });
    expect(() => new VerticalPodAutoscaler(chart, 'After', { target, updateMode: 'Auto', ...bounds }))
      .toThrow("VerticalPodAutoscaler for web: 'updateMode' Auto would fight its HPA on CPU/memory; use 'Off'");
  });
});
