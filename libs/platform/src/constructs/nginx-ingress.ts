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
  /**
   * cert-manager ClusterIssuer that signs the certificate. Give it on one Ingress of a host only:
   * cert-manager makes one Certificate per annotated Ingress, and the others of the host name the
   * same `tlsSecretName`.
   * @default - no cert-manager annotation (another Ingress of the host requests the certificate)
   */
  readonly clusterIssuer?: string;
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
  /**
   * Send through the Istio mesh, so the Service's VirtualService (weights, header routes) applies
   * to external traffic: ingress-nginx otherwise sends to the pod endpoints itself and bypasses
   * it. Sets `service-upstream: "true"` (to the Service's cluster IP) and `upstream-vhost` (the
   * Host the controller's sidecar routes by) to `<service>.<namespace>.svc.cluster.local`. That
   * Host is one per Ingress, so every path must go to the same Service. The ingress-nginx pods
   * need the Istio sidecar (ingress-nginx docs, annotations "Service Upstream", "Custom NGINX
   * upstream vhost"; Istio docs on ingress controllers in the mesh).
   * @default - not through the mesh
   */
  readonly mesh?: { readonly namespace: string };
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
    const a: Record<string, string> = props.clusterIssuer ? { 'cert-manager.io/cluster-issuer': props.clusterIssuer } : {};
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
    if (props.mesh) {
      const services = [...new Set(props.paths.map((p) => p.service))];
      if (services.length > 1) throw new Error(`NginxIngress ${props.name}: 'mesh' sets one upstream Host per Ingress, but its paths go to ${services.join(', ')}: give each Service an Ingress`);
      n('service-upstream', 'true');
      n('upstream-vhost', `${services[0]}.${props.mesh.namespace}.svc.cluster.local`);
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
