import { Construct } from 'constructs';
import { KubeIngress } from 'cdk8s-plus-27/lib/imports/k8s';

export interface NginxPath {
  /** Path prefix. */
  readonly path: string;
  /** Service name. */
  readonly service: string;
  /** Service port. */
  readonly port: number;
}

export interface NginxIngressProps {
  /** `metadata.name`. */
  readonly name: string;
  /** The one host it serves. */
  readonly host: string;
  /** Secret cert-manager writes the certificate to (TLS on every ingress, DESIGN.md principle 6). */
  readonly tlsSecretName: string;
  /** cert-manager ClusterIssuer that signs the certificate. */
  readonly clusterIssuer: string;
  readonly paths: readonly NginxPath[];
  /** Requests per second per client IP (`limit-rps`). @default - no limit */
  readonly limitRps?: number;
  /** Requests per minute per client IP (`limit-rpm`). @default - no limit */
  readonly limitRpm?: number;
  /** Largest request body, e.g. `10m`. @default - ingress-nginx's 1m */
  readonly proxyBodySize?: string;
  /** Seconds to wait on the upstream when reading and sending. @default - ingress-nginx's 60 */
  readonly proxyTimeoutSeconds?: number;
  /** CORS: allowed origin and methods. @default - CORS off */
  readonly cors?: { readonly allowOrigin: string; readonly allowMethods: string };
}

/**
 * An Ingress for ingress-nginx with a cert-manager certificate and HTTPS enforced. The class is
 * chosen by `spec.ingressClassName: nginx` (the `kubernetes.io/ingress.class` annotation is
 * deprecated).
 */
export class NginxIngress extends Construct {
  constructor(scope: Construct, id: string, props: NginxIngressProps) {
    super(scope, id);
    if (props.paths.length === 0) throw new Error(`NginxIngress ${props.name}: 'paths' must name at least one path`);
    const a: Record<string, string> = { 'cert-manager.io/cluster-issuer': props.clusterIssuer };
    const n = (key: string, value: string | number | undefined) => {
      if (value !== undefined) a[`nginx.ingress.kubernetes.io/${key}`] = String(value);
    };
    n('limit-rps', props.limitRps);
    n('limit-rpm', props.limitRpm);
    n('proxy-body-size', props.proxyBodySize);
    n('proxy-read-timeout', props.proxyTimeoutSeconds);
    n('proxy-send-timeout', props.proxyTimeoutSeconds);
    if (props.cors) {
      n('enable-cors', 'true');
      n('cors-allow-methods', props.cors.allowMethods);
      n('cors-allow-origin', props.cors.allowOrigin);
    }
    n('ssl-redirect', 'true');
    n('force-ssl-redirect', 'true');

    new KubeIngress(this, 'Resource', {
      metadata: { name: props.name, annotations: a },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: [props.host], secretName: props.tlsSecretName }],
        rules: [{
          host: props.host,
          http: {
            paths: props.paths.map((p) => ({
              path: p.path,
              pathType: 'Prefix',
              backend: { service: { name: p.service, port: { number: p.port } } },
            })),
          },
        }],
      },
    });
  }
}
