import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { selectorLabels } from './labels';
import type { IWorkload } from './pod-template';

export interface ServicePort {
  /** Port name (`http`, `metrics`). */
  readonly name: string;
  /** Port the Service listens on. */
  readonly port: number;
  /** Container port traffic goes to. @default - same as `port` */
  readonly targetPort?: number;
  /**
   * The port's application protocol (`spec.ports[].appProtocol`), which Istio routes by when the
   * name carries no protocol prefix such as `http-` or `tcp-` (Istio docs, "Explicit protocol
   * selection"). @default - none (the name's prefix, else Istio's protocol sniffing)
   */
  readonly appProtocol?: string;
}

export interface AppServiceProps {
  /** `metadata.name`. */
  readonly name: string;
  /** The workload whose pods it sends traffic to (selected by their `app` label); give this or `app`. */
  readonly target?: IWorkload;
  /**
   * The `app` label of pods no construct in this library renders (validate checks a workload
   * carries it: rule service-selects-workload). Give this or `target`.
   */
  readonly app?: string;
  readonly ports: readonly ServicePort[];
  /** @default ClusterIP */
  readonly type?: kplus.ServiceType;
  /** @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Service that selects pods by their `app` label (never by cdk8s's generated address). */
export class AppService extends Construct {
  public readonly service: kplus.Service;
  public readonly name: string;
  /** Its ports, for what routes to it (an Ingress path checks the port it names exists). */
  public readonly ports: readonly ServicePort[];

  constructor(scope: Construct, id: string, props: AppServiceProps) {
    super(scope, id);
    if ((props.target === undefined) === (props.app === undefined)) throw new Error(`AppService ${props.name}: give exactly one of 'target' and 'app'`);
    const app = props.target?.app ?? props.app!;
    this.name = props.name;
    this.ports = props.ports;
    this.service = new kplus.Service(this, 'Resource', {
      metadata: { name: props.name, labels: selectorLabels(app), annotations: { ...props.annotations } },
      type: props.type ?? kplus.ServiceType.CLUSTER_IP,
      ports: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: kplus.Protocol.TCP })),
    });
    for (const [key, value] of Object.entries(selectorLabels(app))) {
      this.service.selectLabel(key, value);
    }
    // cdk8s-plus always writes an empty list; leaving the field out keeps the YAML as people write it
    ApiObject.of(this.service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    // cdk8s-plus's ServicePort has no appProtocol
    props.ports.forEach((p, i) => {
      if (p.appProtocol) ApiObject.of(this.service).addJsonPatch(JsonPatch.add(`/spec/ports/${i}/appProtocol`, p.appProtocol));
    });
  }
}
