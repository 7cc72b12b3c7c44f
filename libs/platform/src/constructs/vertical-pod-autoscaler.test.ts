import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { VerticalPodAutoscaler } from './vertical-pod-autoscaler';

const props = { targetDeployment: 'web', containerName: 'web', minAllowed: { cpu: '50m', memory: '64Mi' }, maxAllowed: { cpu: '1', memory: '1Gi' } };

describe('VerticalPodAutoscaler', () => {
  it('only recommends (updateMode Off) by default, named <target>-vpa', () => {
    const chart = Testing.chart();
    const vpa = new VerticalPodAutoscaler(chart, 'V', props);
    expect(vpa.updateMode).toBe('Off');
    expect(Testing.synth(chart)[0]).toEqual({
      apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', metadata: { name: 'web-vpa' },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        updatePolicy: { updateMode: 'Off' },
        resourcePolicy: { containerPolicies: [{ containerName: 'web', minAllowed: { cpu: '50m', memory: '64Mi' }, maxAllowed: { cpu: '1', memory: '1Gi' } }] },
      },
    });
  });

  it('refuses to change requests under an HPA on the same metrics', () => {
    expect(() => new VerticalPodAutoscaler(Testing.chart(), 'V', { ...props, updateMode: 'Auto', targetHasHpa: true }))
      .toThrow("VerticalPodAutoscaler for web: 'updateMode' Auto with 'targetHasHpa' would fight the HPA on CPU/memory; use 'Off'");
    expect(new VerticalPodAutoscaler(Testing.chart(), 'V', { ...props, updateMode: 'Auto' }).updateMode).toBe('Auto');
  });
});
