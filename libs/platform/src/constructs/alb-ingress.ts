import { Construct } from 'constructs';
import { KubeIngress, type HttpIngressPath } from 'cdk8s-plus-27/lib/imports/k8s';
import type { AppService } from './app-service';

/**
 * The Service a path sends traffic to: the `AppService` construct where this library renders it
 * (a wrong port then fails here), else its name (a Service another service renders; validate's
 * rules ingress-backend and alb-action-backend check it).
 */
export type BackendService = AppService | string;

/** A share of a path's traffic sent to one Service (AWS Load Balancer Controller weighted target groups). */
export interface WeightedBackend {
  readonly service: BackendService;
  /** Service port NUMBER: the action writes it as a JSON number, because a string servicePort is a port name to the controller. */
  readonly port: number;
  /** Relative weight; the weights of a path are summed. */
  readonly weight: number;
}

export interface AlbPath {
  /** Path prefix. */
  readonly path: string;
  /** Service and port that get all traffic; or give `weighted`. */
  readonly service?: BackendService;
  readonly port?: number;
  /** Split the traffic between several Services by weight (e.g. stable 90, canary 10). */
  readonly weighted?: readonly WeightedBackend[];
  /**
   * Name of the controller action of a `weighted` path (the backend names it; a DNS-1035 label).
   * Two paths of one Ingress with different splits need different names: the render refuses a clash.
   * @default '<first weighted service>-weighted'; for `fixedResponse`: 'fixed-response-<status code>'
   */
  readonly action?: string;
  /**
   * Answer the path at the load balancer instead (e.g. 404 for a path only the cluster may
   * reach). Both controllers pick the longest Prefix, so it shadows a shorter path to a Service.
   * @default - forward to a Service
   */
  readonly fixedResponse?: { readonly statusCode: number; readonly messageBody?: string };
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
      // no healthcheck-path here: it would apply to every target group; each backend Service carries its own (albHealthCheck)
    };
    if (redirect) annotations['alb.ingress.kubernetes.io/ssl-redirect'] = '443';

    const rules = props.rules.map((rule) => ({
      host: rule.host,
      http: {
        paths: rule.paths.map((p): HttpIngressPath => {
          const useAction = (action: string, config: string): HttpIngressPath => {
            const key = `alb.ingress.kubernetes.io/actions.${action}`;
            if (annotations[key] !== undefined && annotations[key] !== config) {
              throw new Error(`AlbIngress ${props.name}: path ${rule.host}${p.path}: action '${action}' is already another path's; give this path its own 'action' name`);
            }
            annotations[key] = config;
            return { path: p.path, pathType: 'Prefix', backend: { service: { name: action, port: { name: 'use-annotation' } } } };
          };
          if (p.fixedResponse) {
            const f = p.fixedResponse;
            return useAction(p.action ?? `fixed-response-${f.statusCode}`, JSON.stringify({
              type: 'fixed-response',
              fixedResponseConfig: { contentType: 'text/plain', statusCode: String(f.statusCode), ...(f.messageBody !== undefined ? { messageBody: f.messageBody } : {}) },
            }));
          }
          if (p.weighted) {
            // The controller reads the split from an action annotation; the backend names the action.
            return useAction(p.action ?? `${serviceName(p.weighted[0].service)}-weighted`, JSON.stringify({
              type: 'forward',
              forwardConfig: {
                // servicePort as a number: TargetGroupTuple.ServicePort is an IntOrString and a string is a port
                // NAME (aws-load-balancer-controller pkg/ingress/config_types.go)
                targetGroups: p.weighted.map((w) => ({ serviceName: backend(props.name, p.path, w.service, w.port), servicePort: w.port, weight: w.weight })),
              },
            }));
          }
          if (!p.service || !p.port) throw new Error(`AlbIngress ${props.name}: path ${p.path} needs 'service' and 'port', or 'weighted'`);
          return { path: p.path, pathType: 'Prefix', backend: { service: { name: backend(props.name, p.path, p.service, p.port), port: { number: p.port } } } };
        }),
      },
    }));

    new KubeIngress(this, 'Resource', {
      metadata: { name: props.name, annotations },
      spec: { ingressClassName: 'alb', rules },
    });
  }
}

function serviceName(s: BackendService): string {
  return typeof s === 'string' ? s : s.name;
}

/** The Service's name; for an AppService, once the port is known to be one of its ports. */
function backend(ingress: string, path: string, s: BackendService, port: number): string {
  if (typeof s !== 'string' && !s.ports.some((p) => p.port === port)) {
    throw new Error(`AlbIngress ${ingress}: path ${path} sends traffic to port ${port} of Service ${s.name}, which listens on ${s.ports.map((p) => p.port).join(', ')}`);
  }
  return serviceName(s);
}

/**
 * The target group health check of one backend Service, as annotations of that Service: the
 * controller merges a Service's `alb.ingress.kubernetes.io/healthcheck-*` annotations over the
 * Ingress's (docs guide/ingress/annotations.md: "annotations applied to Service have higher
 * priority"), so each backend is checked on a path it serves.
 * @param path an HTTP path the pods answer on the traffic port (e.g. their readiness probe's)
 */
export function albHealthCheck(path: string): Record<string, string> {
  return { 'alb.ingress.kubernetes.io/healthcheck-path': path };
}
