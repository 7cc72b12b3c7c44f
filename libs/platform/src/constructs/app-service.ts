import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { selectorLabels } from './labels';

export interface ServicePort {
  /** Port name (`http`, `metrics`). */
  readonly name: string;
  /** Port the Service listens on. */
  readonly port: number;
  /** Container port traffic goes to. @default - same as `port` */
  readonly targetPort?: number;
}

export interface AppServiceProps {
  /** `metadata.name`. */
  readonly name: string;
  /** The `app` label of the pods to select. @default - same as `name` */
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

  constructor(scope: Construct, id: string, props: AppServiceProps) {
    super(scope, id);
    this.name = props.name;
    this.service = new kplus.Service(this, 'Resource', {
      metadata: { name: props.name, labels: selectorLabels(props.app ?? props.name), annotations: { ...props.annotations } },
      type: props.type ?? kplus.ServiceType.CLUSTER_IP,
      ports: props.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: kplus.Protocol.TCP })),
    });
    for (const [key, value] of Object.entries(selectorLabels(props.app ?? props.name))) {
      this.service.selectLabel(key, value);
    }
    // cdk8s-plus always writes an empty list; leaving the field out keeps the YAML as people write it
    ApiObject.of(this.service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
  }
}
