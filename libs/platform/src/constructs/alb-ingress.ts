import { Construct } from 'constructs';
import { KubeIngress, type HttpIngressPath } from 'cdk8s-plus-27/lib/imports/k8s';

/** A share of a path's traffic sent to one Service (AWS Load Balancer Controller weighted target groups). */
export interface WeightedBackend {
  readonly service: string;
  readonly port: number;
  /** Relative weight; the weights of a path are summed. */
  readonly weight: number;
}

export interface AlbPath {
  /** Path prefix. */
  readonly path: string;
  /** Service and port that get all traffic; or give `weighted`. */
  readonly service?: string;
  readonly port?: number;
  /** Split the traffic between several Services by weight (e.g. stable 90, canary 10). */
  readonly weighted?: readonly WeightedBackend[];
}

export interface AlbRule {
  readonly host: string;
  readonly paths: readonly AlbPath[];
}

export interface AlbIngressProps {
  /** `metadata.name`. */
  readonly name: string;
  /** @default 'internet-facing' */
  readonly scheme?: 'internet-facing' | 'internal';
  /** ACM certificate of the HTTPS listener (TLS on every ingress, DESIGN.md principle 6). */
  readonly certificateArn: string;
  /** Target group health check path. @default '/' */
  readonly healthcheckPath?: string;
  /** Also listen on HTTP 80 and redirect it to HTTPS. @default true for internet-facing, false for internal */
  readonly redirectHttp?: boolean;
  readonly rules: readonly AlbRule[];
}

/**
 * An Ingress for the AWS Load Balancer Controller, targeting pod IPs. The class is chosen by
 * `spec.ingressClassName: alb` (the `kubernetes.io/ingress.class` annotation is deprecated).
 */
export class AlbIngress extends Construct {
  constructor(scope: Construct, id: string, props: AlbIngressProps) {
    super(scope, id);
    const scheme = props.scheme ?? 'internet-facing';
    const redirect = props.redirectHttp ?? scheme === 'internet-facing';
    const annotations: Record<string, string> = {
      'alb.ingress.kubernetes.io/scheme': scheme,
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/certificate-arn': props.certificateArn,
      'alb.ingress.kubernetes.io/listen-ports': redirect ? '[{"HTTP": 80}, {"HTTPS": 443}]' : '[{"HTTPS": 443}]',
      'alb.ingress.kubernetes.io/healthcheck-path': props.healthcheckPath ?? '/',
    };
    if (redirect) annotations['alb.ingress.kubernetes.io/ssl-redirect'] = '443';

    const rules = props.rules.map((rule) => ({
      host: rule.host,
      http: {
        paths: rule.paths.map((p): HttpIngressPath => {
          if (p.weighted) {
            // The controller reads the split from an action annotation; the backend names the action.
            const action = `${p.weighted[0].service}-weighted`;
            annotations[`alb.ingress.kubernetes.io/actions.${action}`] = JSON.stringify({
              type: 'forward',
              forwardConfig: {
                targetGroups: p.weighted.map((w) => ({ serviceName: w.service, servicePort: String(w.port), weight: w.weight })),
              },
            });
            return { path: p.path, pathType: 'Prefix', backend: { service: { name: action, port: { name: 'use-annotation' } } } };
          }
          if (!p.service || !p.port) throw new Error(`AlbIngress ${props.name}: path ${p.path} needs 'service' and 'port', or 'weighted'`);
          return { path: p.path, pathType: 'Prefix', backend: { service: { name: p.service, port: { number: p.port } } } };
        }),
      },
    }));

    new KubeIngress(this, 'Resource', {
      metadata: { name: props.name, annotations },
      spec: { ingressClassName: 'alb', rules },
    });
  }
}
