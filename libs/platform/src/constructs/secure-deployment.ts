import { ApiObject } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-27';
import { KubeDeployment, IntOrString } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { selectorLabels } from './labels';
import {
  httpProbe, SecurePodTemplate,
  type ContainerPort, type HttpProbe, type InitContainer, type IWorkload, type SecureWorkloadProps,
} from './pod-template';

export interface SecureDeploymentProps extends SecureWorkloadProps {
  /**
   * Add the `version` label to the selector, so two Deployments of one app (v1 and a v2 canary
   * routed by Istio subsets) never claim each other's pods. Selectors are immutable: set it at creation.
   * @default false
   */
  readonly selectVersion?: boolean;
  /** Pod count. @default - unset, so that an HPA owns it and Argo CD does not fight the HPA */
  readonly replicas?: number;
  /** Container ports; the first is the one probes use by default. */
  readonly ports: readonly ContainerPort[];
  /** @default - none */
  readonly liveness?: HttpProbe;
  /** @default - none */
  readonly readiness?: HttpProbe;
  /** @default - none */
  readonly startup?: HttpProbe;
  /** Seconds to sleep in preStop so the load balancer drains the pod first. @default - no preStop hook */
  readonly preStopSleepSeconds?: number;
  /** Rolling update bounds. @default - maxSurge 25%, maxUnavailable 25% */
  readonly rollingUpdate?: { readonly maxSurge: number | string; readonly maxUnavailable: number | string };
  /** Containers run in order before the main one, with the same security context. @default - none */
  readonly initContainers?: readonly InitContainer[];
}

/**
 * A Deployment on the secure pod template (pod-template.ts, DESIGN.md principle 5). It can be
 * the target of an autoscaler (cdk8s-plus's `IScalable`).
 */
export class SecureDeployment extends Construct implements IWorkload, kplus.IScalable {
  public readonly name: string;
  public readonly ports: readonly ContainerPort[];
  /** Every label the pods carry. */
  public readonly labels: Record<string, string>;
  /** The `app` label of the pods. */
  public readonly app: string;
  /** The main container's name. */
  public readonly containerName: string;
  /** The labels the Deployment selects its pods by. */
  public readonly selector: Record<string, string>;
  /** The Deployment object (for a JSON patch no prop covers). */
  public readonly resource: KubeDeployment;
  public readonly replicas?: number;
  public hasAutoscaler = false;

  constructor(scope: Construct, id: string, props: SecureDeploymentProps) {
    super(scope, id);
    if (props.ports.length === 0) throw new Error(`SecureDeployment ${props.name}: 'ports' must name at least one port`);
    const firstPort = props.ports[0].containerPort;
    const pod = new SecurePodTemplate(props, {
      ports: props.ports,
      liveness: props.liveness && httpProbe(props.liveness, firstPort),
      readiness: props.readiness && httpProbe(props.readiness, firstPort),
      startup: props.startup && httpProbe(props.startup, firstPort),
      preStopSleepSeconds: props.preStopSleepSeconds,
      initContainers: props.initContainers,
      explicitApiDefaults: true,
    });
    this.name = props.name;
    this.ports = props.ports;
    this.app = pod.app;
    this.containerName = pod.containerName;
    this.labels = pod.labels;
    this.replicas = props.replicas;
    this.selector = props.selectVersion ? { ...selectorLabels(pod.app), version: pod.labels.version } : selectorLabels(pod.app);
    const rolling = props.rollingUpdate ?? { maxSurge: '25%', maxUnavailable: '25%' };
    this.resource = new KubeDeployment(this, 'Resource', {
      metadata: { name: props.name, labels: pod.labels },
      spec: {
        replicas: props.replicas,
        // the API server's defaults, written out as they have always been rendered
        minReadySeconds: 0,
        progressDeadlineSeconds: 600,
        selector: { matchLabels: this.selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: percentOrAbsolute(rolling.maxSurge), maxUnavailable: percentOrAbsolute(rolling.maxUnavailable) } },
        template: pod.spec,
      },
    });
    pod.applyWaivers(ApiObject.of(this.resource));
  }

  /** The first container port. */
  public get port(): ContainerPort {
    return this.ports[0];
  }

  public markHasAutoscaler(): void {
    this.hasAutoscaler = true;
  }

  public toScalingTarget(): kplus.ScalingTarget {
    // the HPA's metrics are always given, so cdk8s-plus need not inspect the containers
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name, containers: [], replicas: this.replicas };
  }
}

function percentOrAbsolute(v: number | string): IntOrString {
  if (typeof v === 'number') return IntOrString.fromNumber(v);
  if (!/^\d+%$/.test(v)) throw new Error(`rolling update value '${v}' must be a number or a percentage such as 25%`);
  return IntOrString.fromString(v);
}
