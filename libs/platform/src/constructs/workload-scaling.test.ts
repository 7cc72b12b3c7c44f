/**
 * The one rule for a workload's size (issue 15 item 2): values give a fixed count or HPA bounds,
 * never both (refinePodCount); WorkloadScaling holds the count with an HPA in every environment
 * and puts one budget over all the app's pods, sized from the same numbers.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { minPods, PodCountFields, refinePodCount } from '../values/schemas';
import { WorkloadScaling } from './autoscaler';
import { SecureDeployment } from './secure-deployment';

const deployment = (chart: any, name: string, app = name, replicas?: number) => new SecureDeployment(chart, name, {
  name, app, replicas, repository: 'r/web', tag: '1', component: 'backend', system: 'shop', ports: [{ name: 'http', containerPort: 8080 }],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
});
const kind = (objects: any[], k: string) => objects.filter((o) => o.kind === k);

describe('pod count values', () => {
  const schema = z.strictObject(PodCountFields).superRefine(refinePodCount);
  it('take exactly one of replicas and autoscaling', () => {
    expect(schema.safeParse({ replicas: 2 }).success).toBe(true);
    expect(schema.safeParse({ autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 } }).success).toBe(true);
    for (const bad of [{}, { replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 } }]) {
      const r = schema.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['replicas', "give exactly one of 'replicas' and 'autoscaling'"]]);
    }
  });
  it('give the fewest pods: the HPA minimum or the fixed count', () => {
    expect(minPods({ replicas: 3 })).toBe(3);
    expect(minPods({ autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 70 } })).toBe(2);
  });
});

describe('WorkloadScaling', () => {
  it('holds a fixed count with an HPA of equal bounds, and a budget from two pods', () => {
    const chart = Testing.chart();
    new WorkloadScaling(chart, 'S', { target: deployment(chart, 'web'), replicas: 2 });
    const objects = Testing.synth(chart);
    expect(kind(objects, 'HorizontalPodAutoscaler')[0].spec).toMatchObject({ minReplicas: 2, maxReplicas: 2, scaleTargetRef: { kind: 'Deployment', name: 'web' } });
    expect(kind(objects, 'PodDisruptionBudget')[0].spec).toEqual({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } });
  });

  it('puts no budget over a single pod unless asked, then one that allows its eviction', () => {
    const one = Testing.chart();
    new WorkloadScaling(one, 'S', { target: deployment(one, 'web'), replicas: 1 });
    expect(kind(Testing.synth(one), 'PodDisruptionBudget')).toEqual([]);
    const always = Testing.chart();
    new WorkloadScaling(always, 'S', { target: deployment(always, 'web'), replicas: 1, budget: 'always' });
    expect(kind(Testing.synth(always), 'PodDisruptionBudget')[0].spec.maxUnavailable).toBe(1);
  });

  it('counts a canary beside v1 in the one budget over the app', () => {
    const chart = Testing.chart();
    const v1 = deployment(chart, 'web');
    const s = new WorkloadScaling(chart, 'S', { target: v1, replicas: 1, alongside: [{ workload: deployment(chart, 'web-v2', 'web', 1), replicas: 1 }] });
    expect(s.minPods).toBe(2);
    expect(kind(Testing.synth(chart), 'PodDisruptionBudget')).toHaveLength(1);
  });

  it('refuses both or neither of replicas and autoscaling', () => {
    const chart = Testing.chart();
    expect(() => new WorkloadScaling(chart, 'S', { target: deployment(chart, 'web') })).toThrow("podCount web: give exactly one of 'replicas' and 'autoscaling'");
  });
});
