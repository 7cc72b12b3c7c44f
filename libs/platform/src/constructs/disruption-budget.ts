import { Construct } from 'constructs';
import { IntOrString, KubePodDisruptionBudget } from 'cdk8s-plus-27/lib/imports/k8s';
import { selectorLabels } from './labels';
import type { IWorkload } from './pod-template';

export interface DisruptionBudgetProps {
  /**
   * The workloads whose pods it protects, selected by their common `app` label (a canary
   * Deployment beside v1 shares it: one budget over both, since two budgets over one pod block
   * every eviction).
   */
  readonly targets: readonly IWorkload[];
  /** `metadata.name`. @default - `<app>-pdb` */
  readonly name?: string;
  /**
   * The fewest pods the budget's workloads run: their `replicas`, or their HPA's `minReplicas`
   * (summed over every Deployment whose pods carry the `app` label, e.g. a canary beside v1).
   */
  readonly minPods: number;
  /**
   * Pods that must stay up during a drain; must be below `minPods`.
   * @default - 1 where `minPods` is 2 or more; for a single pod, `maxUnavailable: 1` instead
   * (its drain reschedules it: a budget cannot keep one pod up through its own eviction)
   */
  readonly minAvailable?: number;
}

/**
 * A PodDisruptionBudget (production requires one per workload, DESIGN.md principle 6) that
 * never forbids every eviction at the workload's minimum size: the eviction API allows
 * currentHealthy - minAvailable evictions (kubernetes pkg/controller/disruption;
 * https://kubernetes.io/docs/concepts/workloads/pods/disruptions/), so a `minAvailable` equal to
 * that size (1 of 1, or 1 with an HPA minimum of 1) would block every node drain and cluster
 * upgrade for good. The one rule, for every service: minAvailable < minPods.
 */
export class DisruptionBudget extends Construct {
  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    const apps = [...new Set(props.targets.map((t) => t.app))];
    if (apps.length !== 1) {
      throw new Error(`DisruptionBudget ${props.name ?? ''}: 'targets' must be workloads of one app label (got ${apps.length === 0 ? 'none' : apps.join(', ')})`);
    }
    const [app] = apps;
    const name = props.name ?? `${app}-pdb`;
    if (!Number.isInteger(props.minPods) || props.minPods < 1) throw new Error(`DisruptionBudget ${name}: 'minPods' (${props.minPods}) must be a whole number of at least 1`);
    const minAvailable = props.minAvailable ?? (props.minPods >= 2 ? 1 : undefined);
    if (minAvailable !== undefined && !(Number.isInteger(minAvailable) && minAvailable >= 0 && minAvailable < props.minPods)) {
      throw new Error(`DisruptionBudget ${name}: 'minAvailable' (${minAvailable}) must be below the workload's minimum of ${props.minPods} pod(s), or no node drain can ever evict one`);
    }
    new KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name },
      spec: {
        ...(minAvailable !== undefined ? { minAvailable: IntOrString.fromNumber(minAvailable) } : { maxUnavailable: IntOrString.fromNumber(1) }),
        selector: { matchLabels: selectorLabels(app) },
      },
    });
  }
}
