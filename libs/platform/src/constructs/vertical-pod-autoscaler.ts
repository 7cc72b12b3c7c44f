import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { SecureDeployment } from './secure-deployment';

export type VpaUpdateMode = 'Off' | 'Initial' | 'Recreate' | 'Auto' | 'InPlaceOrRecreate';

export interface VerticalPodAutoscalerProps {
  /** `metadata.name`. @default - `<target>-vpa` */
  readonly name?: string;
  /** The Deployment whose pods it sizes (the bounds apply to its main container); create its HPA first. */
  readonly target: SecureDeployment;
  /**
   * How recommendations are applied. `Off` only publishes them (in the VPA's status) for people
   * to copy into the values files.
   * @default 'Off'
   */
  readonly updateMode?: VpaUpdateMode;
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
    // An HPA on the target scales on CPU or memory utilisation; a VPA changing those requests
    // moves the utilisation under it and the two fight: only recommendations then.
    if (props.target.hasAutoscaler && this.updateMode !== 'Off') {
      throw new Error(
        `VerticalPodAutoscaler for ${props.target.name}: 'updateMode' ${this.updateMode} would fight its HPA on CPU/memory; use 'Off'`,
      );
    }
    new ApiObject(this, 'Resource', {
      apiVersion: 'autoscaling.k8s.io/v1',
      kind: 'VerticalPodAutoscaler',
      metadata: { name: props.name ?? `${props.target.name}-vpa` },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.target.name },
        updatePolicy: { updateMode: this.updateMode },
        resourcePolicy: {
          containerPolicies: [{
            containerName: props.target.containerName,
            minAllowed: { ...props.minAllowed },
            maxAllowed: { ...props.maxAllowed },
          }],
        },
      },
    });
  }
}
