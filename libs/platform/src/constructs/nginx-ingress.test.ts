import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { NginxIngress } from './nginx-ingress';

const base = { name: 'api', host: 'api.example.com', tlsSecretName: 'api-tls', paths: [{ path: '/', service: 'api', port: 80 }] };
const render = (props: Partial<ConstructorParameters<typeof NginxIngress>[2]> = {}) => {
  const chart = Testing.chart();
  new NginxIngress(chart, 'I', { ...base, ...props });
  return Testing.synth(chart)[0];
};

describe('NginxIngress', () => {
  it('terminates TLS for its host and always redirects to HTTPS; no limits, CORS or mesh unless asked', () => {
    const o = render();
    expect(o.spec).toEqual({
      ingressClassName: 'nginx', tls: [{ hosts: ['api.example.com'], secretName: 'api-tls' }],
      rules: [{ host: 'api.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 80 } } } }] } }],
    });
    expect(o.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/ssl-redirect': 'true', 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' });
  });

  it('writes cert-manager, rate limits, body size, timeouts, CORS and the mesh upstream as ingress-nginx reads them', () => {
    const a = render({ clusterIssuer: 'letsencrypt', limitRps: 10, limitRpm: 100, proxyBodySize: '10m', proxyTimeoutSeconds: 30, cors: { allowOrigin: 'https://x', allowMethods: 'GET' }, mesh: { namespace: 'shop' } }).metadata.annotations;
    expect(a).toMatchObject({
      'cert-manager.io/cluster-issuer': 'letsencrypt',
      'nginx.ingress.kubernetes.io/limit-rps': '10', 'nginx.ingress.kubernetes.io/limit-rpm': '100',
      'nginx.ingress.kubernetes.io/proxy-body-size': '10m',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '30', 'nginx.ingress.kubernetes.io/proxy-send-timeout': '30',
      'nginx.ingress.kubernetes.io/enable-cors': 'true', 'nginx.ingress.kubernetes.io/cors-allow-origin': 'https://x', 'nginx.ingress.kubernetes.io/cors-allow-methods': 'GET',
      'nginx.ingress.kubernetes.io/service-upstream': 'true', 'nginx.ingress.kubernetes.io/upstream-vhost': 'api.shop.svc.cluster.local',
    });
  });

  it('refuses no paths, and a mesh Ingress to two Services', () => {
    expect(() => render({ paths: [] })).toThrow("NginxIngress api: 'paths' must name at least one path");
    expect(() => render({ mesh: { namespace: 'shop' }, paths: [{ path: '/a', service: 'a', port: 80 }, { path: '/b', service: 'b', port: 80 }] }))
      .toThrow("NginxIngress api: 'mesh' sets one upstream Host per Ingress, but its paths go to a, b: give each Service an Ingress");
  });
});
