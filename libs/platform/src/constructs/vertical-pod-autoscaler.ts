import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export type VpaUpdateMode = 'Off' | 'Initial' | 'Recreate' | 'Auto' | 'InPlaceOrRecreate';

export interface VerticalPodAutoscalerProps {
  /** `metadata.name`. @default - `<target>-vpa` */
  readonly name?: string;
  /** The Deployment whose pods it sizes. */
  readonly targetDeployment: string;
  /** The container the bounds apply to. */
  readonly containerName: string;
  /**
   * How recommendations are applied. `Off` only publishes them (in the VPA's status) for people
   * to copy into the values files.
   * @default 'Off'
   */
  readonly updateMode?: VpaUpdateMode;
  /**
   * The target also has an HPA scaling on CPU or memory utilisation. A VPA that changes those
   * requests moves the HPA's utilisation under it and the two fight, so any mode other than
   * `Off` is then refused.
   * @default false
   */
  readonly targetHasHpa?: boolean;
  /** Smallest requests it recommends. */
  readonly minAllowed: { readonly cpu: string; readonly memory: string };
  /** Largest requests it recommends. */
  readonly maxAllowed: { readonly cpu: string; readonly memory: string };
}

/**
 * A VerticalPodAutoscaler (autoscaling.k8s.io/v1; no npm package models it: fields from
 * kubernetes/autoscaler vertical-pod-autoscaler/pkg/apis/autoscaling.k8s.io/v1/types.go).
 */
export class VerticalPodAutoscaler extends Construct {
  public readonly updateMode: VpaUpdateMode;

  constructor(scope: Construct, id: string, props: VerticalPodAutoscalerProps) {
    super(scope, id);
    this.updateMode = props.updateMode ?? 'Off';
    if (props.targetHasHpa && this.updateMode !== 'Off') {
      throw new Error(
        `VerticalPodAutoscaler for ${props.targetDeployment}: 'updateMode' ${this.updateMode} with 'targetHasHpa' would fight the HPA on CPU/memory; use 'Off'`,
      );
    }
    new ApiObject(this, 'Resource', {
      apiVersion: 'autoscaling.k8s.io/v1',
      kind: 'VerticalPodAutoscaler',
      metadata: { name: props.name ?? `${props.targetDeployment}-vpa` },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.targetDeployment },
        updatePolicy: { updateMode: this.updateMode },
        resourcePolicy: {
          containerPolicies: [{
            containerName: props.containerName,
            minAllowed: { ...props.minAllowed },
            maxAllowed: { ...props.maxAllowed },
          }],
        },
      },
    });
  }
}
