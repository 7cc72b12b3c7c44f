import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { Autoscaling } from '../schemas';
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
      target: props.target.deployment,
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
