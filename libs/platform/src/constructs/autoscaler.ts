import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { minPods, type Autoscaling, type PodCount } from '../values/schemas';
import { DisruptionBudget } from './disruption-budget';
import type { IWorkload } from './pod-template';
import type { SecureDeployment } from './secure-deployment';

/** One HPA scaling policy: change by `percent` of current pods at most once per `periodSeconds`. */
export interface ScalingPolicy {
  readonly percent: number;
  readonly periodSeconds: number;
}

export interface ScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly policies: readonly ScalingPolicy[];
}

export interface AutoscalerProps extends Autoscaling {
  /** The workload to scale. */
  readonly target: SecureDeployment;
  /** `metadata.name`. @default - `<target>-hpa` */
  readonly name?: string;
  /** @default - Kubernetes' default scale-up behaviour */
  readonly scaleUp?: ScalingRules;
  /** @default - Kubernetes' default scale-down behaviour */
  readonly scaleDown?: ScalingRules;
}

/** An autoscaling/v2 HorizontalPodAutoscaler on CPU (and optionally memory) utilisation. */
export class Autoscaler extends Construct {
  public readonly hpa: kplus.HorizontalPodAutoscaler;

  constructor(scope: Construct, id: string, props: AutoscalerProps) {
    super(scope, id);
    const metrics = [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.cpuUtilization))];
    if (props.memoryUtilization !== undefined) {
      metrics.push(kplus.Metric.resourceMemory(kplus.MetricTarget.averageUtilization(props.memoryUtilization)));
    }
    this.hpa = new kplus.HorizontalPodAutoscaler(this, 'Resource', {
      metadata: { name: props.name ?? `${props.target.name}-hpa` },
      target: props.target,
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      metrics,
      scaleUp: props.scaleUp && scalingRules(props.scaleUp),
      scaleDown: props.scaleDown && scalingRules(props.scaleDown),
    });
  }
}

function scalingRules(r: ScalingRules): kplus.ScalingRules {
  return {
    stabilizationWindow: Duration.seconds(r.stabilizationWindowSeconds),
    policies: r.policies.map((p) => ({ replicas: kplus.Replicas.percent(p.percent), duration: Duration.seconds(p.periodSeconds) })),
  };
}

export interface PodCountProps {
  /** The Deployment; it carries no `spec.replicas`: the HPA owns the count in every environment. */
  readonly target: SecureDeployment;
  /** A fixed pod count (an environment without autoscaling); give this or `autoscaling`. */
  readonly replicas?: number;
  /** HPA bounds and targets; give this or `replicas`. */
  readonly autoscaling?: Autoscaling;
  /** @default - Kubernetes' default scale-up behaviour */
  readonly scaleUp?: ScalingRules;
  /** @default - Kubernetes' default scale-down behaviour */
  readonly scaleDown?: ScalingRules;
}

/**
 * The pod count of a Deployment whose environments differ (fixed replicas in one, an HPA in
 * another), held by an HPA everywhere: a fixed count is an HPA with minReplicas = maxReplicas.
 * Why: the field `spec.replicas` must never change hands between Git and the HPA. Dropping it
 * from an applied manifest (switching an environment to autoscaling) makes the API server reset
 * it to its default of 1 ("Horizontal Pod Autoscaling: Migrating Deployments and StatefulSets to
 * horizontal autoscaling", https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling;
 * under Argo CD's ServerSideApply the applier owns the field and removing it removes the value),
 * and adding it back (autoscaling to fixed) fights the HPA. With the HPA always there, a switch
 * only changes the HPA's bounds. The HPA clamps to [min, max] before it reads any metric
 * (kubernetes pkg/controller/podautoscaler/horizontal.go), so a fixed count holds without metrics.
 */
export function podCount(scope: Construct, id: string, props: PodCountProps): Autoscaler {
  const { target, replicas, autoscaling } = props;
  if ((replicas === undefined) === (autoscaling === undefined)) {
    throw new Error(`podCount ${target.name}: give exactly one of 'replicas' and 'autoscaling'`);
  }
  // 80% CPU is the HPA's own default target; with equal bounds it cannot move the count
  const bounds: Autoscaling = autoscaling ?? { minReplicas: replicas!, maxReplicas: replicas!, cpuUtilization: 80 };
  return new Autoscaler(scope, id, { target, ...bounds, scaleUp: props.scaleUp, scaleDown: props.scaleDown });
}

export interface WorkloadScalingProps extends PodCount {
  /** The Deployment whose count an HPA holds in every environment (see podCount). */
  readonly target: SecureDeployment;
  /** @default - Kubernetes' default scale-up behaviour */
  readonly scaleUp?: ScalingRules;
  /** @default - Kubernetes' default scale-down behaviour */
  readonly scaleDown?: ScalingRules;
  /**
   * Fixed-size workloads whose pods carry the target's `app` label (a canary beside v1): one
   * budget covers them all, since two budgets over one pod block every eviction. @default - none
   */
  readonly alongside?: readonly { readonly workload: IWorkload; readonly replicas: number }[];
  /**
   * When the pods get a PodDisruptionBudget: from two pods (a budget over one pod can only allow
   * its eviction), or always (one pod: `maxUnavailable: 1`, so the budget exists before scaling up).
   * @default 'from-two-pods'
   */
  readonly budget?: 'from-two-pods' | 'always';
}

/**
 * The one rule for a stateless workload's size: its pod count held by an HPA in every
 * environment (podCount: a fixed count is equal bounds) and the disruption budget over all its
 * pods, sized from the same numbers (DisruptionBudget keeps minAvailable below the minimum).
 */
export class WorkloadScaling extends Construct {
  public readonly autoscaler: Autoscaler;
  public readonly budget?: DisruptionBudget;
  /** The fewest pods the app runs: the HPA's minimum plus the fixed workloads beside it. */
  public readonly minPods: number;

  constructor(scope: Construct, id: string, props: WorkloadScalingProps) {
    super(scope, id);
    this.autoscaler = podCount(this, 'Autoscaler', props);
    const alongside = props.alongside ?? [];
    this.minPods = minPods(props) + alongside.reduce((n, a) => n + a.replicas, 0);
    if ((props.budget ?? 'from-two-pods') === 'always' || this.minPods >= 2) {
      this.budget = new DisruptionBudget(this, 'DisruptionBudget', { targets: [props.target, ...alongside.map((a) => a.workload)], minPods: this.minPods });
    }
  }
}
