/**
 * The traffic rules (issue 13 items 1-4, 11; checks/traffic.ts) on fixtures of their own: each
 * catches its whole class in the forms the controllers read, and passes the correct forms.
 * Today's dist/ broke each of them before the fix (see the commit message).
 */
import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifests';
import { checkPolicies } from './policy';

const NS = 'shop';
const at = (file: string, object: any): Manifest => ({ file: `dist/staging/shop/${file}`, env: 'staging', object: { ...object, metadata: { namespace: NS, ...object.metadata } } });

/** A Deployment `app` with container ports and probes. */
function deployment(app: string, opts: { ports?: { name: string; containerPort: number }[]; probe?: { path: string; port: number | string }; serviceAccount?: string; annotations?: any } = {}): Manifest {
  const ports = opts.ports ?? [{ name: 'http', containerPort: 8080 }];
  const probe = { httpGet: opts.probe ?? { path: '/healthz', port: ports[0].containerPort } };
  return at(`${app}/Deployment.${app}.yaml`, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app },
    spec: {
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
        spec: { ...(opts.serviceAccount ? { serviceAccountName: opts.serviceAccount } : {}), containers: [{ name: app, image: `r/${app}:1`, ports, livenessProbe: probe, readinessProbe: probe }] },
      },
    },
  });
}
function service(app: string, ports: { name: string; port: number; targetPort?: number }[] = [{ name: 'http', port: 80, targetPort: 8080 }], annotations?: Record<string, string>): Manifest {
  return at(`${app}/Service.${app}.yaml`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: app, labels: { app }, ...(annotations ? { annotations } : {}) },
    spec: { selector: { app }, ports: ports.map((p) => ({ ...p, targetPort: p.targetPort ?? p.port })) },
  });
}
function ingress(name: string, opts: { cls?: string; annotations?: Record<string, string>; paths: { path: string; backend: any; pathType?: string }[]; host?: string }): Manifest {
  return at(`shared/Ingress.${name}.yaml`, {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, annotations: opts.annotations ?? {} },
    spec: {
      ingressClassName: opts.cls ?? 'alb',
      rules: [{ host: opts.host ?? 'shop.example.com', http: { paths: opts.paths.map((p) => ({ pathType: 'Prefix', ...p })) } }],
    },
  });
}
const to = (name: string, port: number | string) => ({ service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } });
const action = (name: string) => to(name, 'use-annotation');
const forward = (...groups: [string, number | string, number][]) =>
  JSON.stringify({ type: 'forward', forwardConfig: { targetGroups: groups.map(([serviceName, servicePort, weight]) => ({ serviceName, servicePort, weight })) } });
const PUBLIC = { 'alb.ingress.kubernetes.io/scheme': 'internet-facing' };
const HC = (path: string) => ({ 'alb.ingress.kubernetes.io/healthcheck-path': path });

/** The messages of `rule` only. */
const found = (rule: string, manifests: Manifest[]) => checkPolicies(manifests).violations.filter((v) => v.rule === rule).map((v) => `${v.kind} ${v.name}: ${v.message}`);

describe('alb-action-backend: ALB actions forward to real Service ports, by type (issue 13 item 1)', () => {
  const core = () => [deployment('core', { ports: [{ name: 'http', containerPort: 8081 }] }), service('core', [{ name: 'http', port: 8081 }], HC('/healthz')),
    deployment('canary', { ports: [{ name: 'http', containerPort: 8081 }] }), service('canary', [{ name: 'http', port: 8081 }], HC('/healthz'))];
  const split = (json: string, name = 'core-weighted') => ingress('core', { annotations: { [`alb.ingress.kubernetes.io/actions.${name}`]: json }, paths: [{ path: '/', backend: action('core-weighted') }] });

  it('refuses a string servicePort that is no port name (the controller reads a string as a name)', () => {
    expect(found('alb-action-backend', [...core(), split(forward(['core', '8081', 90], ['canary', '8081', 10]))])).toEqual([
      'Ingress core: spec.rules[0].http.paths[0] (shop.example.com/): action core-weighted: Service core has no port name "8081" (a string servicePort is a port name); its ports: 8081 (name "http")',
      'Ingress core: spec.rules[0].http.paths[0] (shop.example.com/): action core-weighted: Service canary has no port name "8081" (a string servicePort is a port name); its ports: 8081 (name "http")',
    ]);
  });

  it('accepts a number that is a port, or a string that is a port name', () => {
    expect(found('alb-action-backend', [...core(), split(forward(['core', 8081, 90], ['canary', 'http', 10]))])).toEqual([]);
  });

  it('refuses a number that is no port, a Service that is not rendered, a missing servicePort', () => {
    expect(found('alb-action-backend', [...core(), split(forward(['core', 8080, 90], ['gone', 8081, 10]))])).toEqual([
      'Ingress core: spec.rules[0].http.paths[0] (shop.example.com/): action core-weighted: Service core has no port number 8080; its ports: 8081 (name "http")',
      'Ingress core: spec.rules[0].http.paths[0] (shop.example.com/): action core-weighted forwards to Service gone, which is not rendered in shop',
    ]);
    expect(found('alb-action-backend', [...core(), split(JSON.stringify({ type: 'forward', forwardConfig: { targetGroups: [{ serviceName: 'core', weight: 1 }] } }))])).toHaveLength(1);
  });

  it('refuses a use-annotation backend without its action, or with an action that is not JSON', () => {
    expect(found('alb-action-backend', [...core(), split(forward(['core', 8081, 100]), 'other')])).toEqual([
      'Ingress core: spec.rules[0].http.paths[0] (shop.example.com/): backend core-weighted uses an annotation, but alb.ingress.kubernetes.io/actions.core-weighted is not defined',
    ]);
    expect(found('alb-action-backend', [...core(), split('{"type": forward')])).toEqual(['Ingress core: annotation alb.ingress.kubernetes.io/actions.core-weighted is not JSON']);
  });
});

describe('alb-health-check: each target group is checked on a path its pods answer (issue 13 item 2)', () => {
  const two = (ingressAnnotations: Record<string, string>, apiHc?: string, webHc?: string) => [
    deployment('api', { probe: { path: '/actuator/health/readiness', port: 8080 } }), service('api', undefined, apiHc ? HC(apiHc) : undefined),
    deployment('web', { ports: [{ name: 'http', containerPort: 3000 }], probe: { path: '/', port: 'http' } }), service('web', [{ name: 'http', port: 3000 }], webHc ? HC(webHc) : undefined),
    ingress('shop', { annotations: ingressAnnotations, paths: [{ path: '/api', backend: to('api', 80) }, { path: '/', backend: to('web', 3000) }] }),
  ];

  it('refuses a health-check path on an Ingress with backends of different Services or ports', () => {
    const v = found('alb-health-check', two(HC('/actuator/health/readiness'), '/actuator/health/readiness', '/'));
    expect(v).toEqual([
      'Ingress shop: alb.ingress.kubernetes.io/healthcheck-path on the Ingress applies to every target group (api:80, web:3000): set it on each backend Service instead',
    ]);
  });

  it('refuses a target group checked on a path none of its probes uses on that port (the controller default is /)', () => {
    const v = found('alb-health-check', two({}, undefined, '/actuator/health'));
    expect(v).toEqual([
      'Ingress shop: target group api:80: health check path / on port 8080 is not a path api (api) answers: its HTTP probes there are /actuator/health/readiness; set alb.ingress.kubernetes.io/healthcheck-path on Service api',
      'Ingress shop: target group web:3000: health check path /actuator/health on port 3000 is not a path web (web) answers: its HTTP probes there are /; set alb.ingress.kubernetes.io/healthcheck-path on Service web',
    ]);
  });

  it('accepts each Service checked on its readiness path, the Service annotation taking precedence over the Ingress one', () => {
    expect(found('alb-health-check', two({}, '/actuator/health/readiness', '/'))).toEqual([]);
    const one = [deployment('api', { probe: { path: '/ready', port: 8080 } }), service('api', undefined, HC('/ready')), ingress('shop', { annotations: HC('/nope'), paths: [{ path: '/', backend: to('api', 80) }] })];
    expect(found('alb-health-check', one)).toEqual([]);
  });

  it('checks the health-check port the annotations name, by number or container port name', () => {
    const mgmt = (port: string) => [
      deployment('api', { ports: [{ name: 'http', containerPort: 8080 }, { name: 'management', containerPort: 9090 }], probe: { path: '/ready', port: 9090 } }),
      service('api', undefined, { ...HC('/ready'), 'alb.ingress.kubernetes.io/healthcheck-port': port }),
      ingress('shop', { paths: [{ path: '/', backend: to('api', 80) }] }),
    ];
    expect(found('alb-health-check', mgmt('9090'))).toEqual([]);
    expect(found('alb-health-check', mgmt('management'))).toEqual([]);
    expect(found('alb-health-check', mgmt('traffic-port'))).toHaveLength(1);
    expect(found('alb-health-check', mgmt('http'))).toHaveLength(1);
  });
});

describe('no-public-metrics: no internet-facing route to a metrics or Actuator path (issue 13 item 4)', () => {
  const monitor = (port: string, path?: string) => at('api/ServiceMonitor.api.yaml', {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'api' },
    spec: { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port, ...(path ? { path } : {}) }] },
  });
  const api = (ports = [{ name: 'http', containerPort: 8080 }], svcPorts = [{ name: 'http', port: 80, targetPort: 8080 }], probePath = '/healthz') =>
    [deployment('api', { ports, probe: { path: probePath, port: 8080 } }), service('api', svcPorts, HC(probePath))];
  const route = (paths: { path: string; backend: any; pathType?: string }[], annotations: Record<string, string> = PUBLIC, cls = 'alb') => ingress('api', { cls, annotations, paths });

  it('refuses a public / to the port a ServiceMonitor scrapes (default path /metrics), on ALB and NGINX', () => {
    expect(found('no-public-metrics', [...api(), monitor('http'), route([{ path: '/', backend: to('api', 80) }])])).toEqual([
      'Ingress api: spec.rules[0].http.paths[0] (shop.example.com/): https://shop.example.com/metrics reaches api port 8080, which serves it (ServiceMonitor api): serve it on another port, or answer it at the load balancer with a longer path',
    ]);
    expect(found('no-public-metrics', [...api(), monitor('http', '/actuator/prometheus'), route([{ path: '/actuator', backend: to('api', 'http') }], {}, 'nginx')])).toHaveLength(1);
  });

  it('refuses Spring Boot Actuator on the routed port (its probes are under /actuator), and prometheus.io annotations', () => {
    expect(found('no-public-metrics', [...api(undefined, undefined, '/actuator/health/readiness'), route([{ path: '/', backend: to('api', 80) }])])).toHaveLength(1);
    const annotated = [deployment('api', { annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/stats' } }), service('api', undefined, HC('/healthz'))];
    expect(found('no-public-metrics', [...annotated, route([{ path: '/', backend: to('api', 80) }])])).toEqual([
      expect.stringContaining('https://shop.example.com/stats reaches api port 8080'),
    ]);
  });

  it('accepts metrics on a port no Ingress routes to, an internal ALB, a path that does not cover them, or a longer path answered by the ALB', () => {
    const twoPorts = api([{ name: 'http', containerPort: 8080 }, { name: 'management', containerPort: 9090 }], [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'management', port: 9090, targetPort: 9090 }]);
    expect(found('no-public-metrics', [...twoPorts, monitor('management', '/actuator/prometheus'), route([{ path: '/', backend: to('api', 80) }])])).toEqual([]);
    expect(found('no-public-metrics', [...api(), monitor('http'), route([{ path: '/', backend: to('api', 80) }], { 'alb.ingress.kubernetes.io/scheme': 'internal' })])).toEqual([]);
    expect(found('no-public-metrics', [...api(), monitor('http'), route([{ path: '/api', backend: to('api', 80) }])])).toEqual([]);
    // /metricsx is not under /metrics (Prefix matches whole path elements)
    expect(found('no-public-metrics', [...api(), monitor('http'), route([{ path: '/metricsx', backend: to('api', 80) }])])).toEqual([]);
    const deny = { ...PUBLIC, 'alb.ingress.kubernetes.io/actions.deny': JSON.stringify({ type: 'fixed-response', fixedResponseConfig: { statusCode: '404' } }) };
    expect(found('no-public-metrics', [...api(), monitor('http'), route([{ path: '/', backend: to('api', 80) }, { path: '/metrics', backend: action('deny') }], deny)])).toEqual([]);
    // an Exact /metrics to the app is still the app's
    expect(found('no-public-metrics', [...api(), monitor('http'), route([{ path: '/metrics', pathType: 'Exact', backend: to('api', 80) }, { path: '/metrics', backend: action('deny') }], deny)])).toHaveLength(1);
  });
});

describe('mesh-routed-ingress: external traffic to a VirtualService host goes through the mesh (issue 13 item 3)', () => {
  const vs = at('orch/VirtualService.orch.yaml', {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'orch' },
    spec: { hosts: ['orch'], http: [{ route: [{ destination: { host: 'orch', subset: 'v1' }, weight: 90 }, { destination: { host: 'orch', subset: 'v2' }, weight: 10 }] }] },
  });
  const apps = [deployment('orch'), service('orch'), deployment('other'), service('other'), vs];
  const nginx = (annotations: Record<string, string>, paths = [{ path: '/learn', backend: to('orch', 80) }]) => ingress('api', { cls: 'nginx', annotations, paths });
  const MESH = { 'nginx.ingress.kubernetes.io/service-upstream': 'true', 'nginx.ingress.kubernetes.io/upstream-vhost': 'orch.shop.svc.cluster.local' };

  it('refuses an NGINX Ingress that sends to the pods of a VirtualService host', () => {
    expect(found('mesh-routed-ingress', [...apps, nginx({})])).toEqual([
      'Ingress api: Service orch is routed by VirtualService orch, which external traffic bypasses: nginx.ingress.kubernetes.io/service-upstream is not "true" (NGINX sends to pod endpoints, bypassing the mesh); nginx.ingress.kubernetes.io/upstream-vhost is not orch.shop.svc.cluster.local (the sidecar routes by Host header)',
    ]);
    expect(found('mesh-routed-ingress', [...apps, nginx({ 'nginx.ingress.kubernetes.io/service-upstream': 'true' })])).toHaveLength(1);
    expect(found('mesh-routed-ingress', [...apps, nginx({ ...MESH, 'nginx.ingress.kubernetes.io/upstream-vhost': 'other.shop.svc.cluster.local' })])).toHaveLength(1);
  });

  it('refuses one upstream Host for paths of several Services', () => {
    expect(found('mesh-routed-ingress', [...apps, nginx(MESH, [{ path: '/learn', backend: to('orch', 80) }, { path: '/other', backend: to('other', 80) }])])).toEqual([
      expect.stringContaining('it also routes to other, but upstream-vhost is one Host for every path of an Ingress: give orch an Ingress of its own'),
    ]);
  });

  it('accepts the mesh route, and Services no VirtualService routes', () => {
    expect(found('mesh-routed-ingress', [...apps, nginx(MESH)])).toEqual([]);
    expect(found('mesh-routed-ingress', [...apps, nginx({ ...MESH, 'nginx.ingress.kubernetes.io/upstream-vhost': 'orch.shop' })])).toEqual([]);
    expect(found('mesh-routed-ingress', [...apps, nginx({}, [{ path: '/other', backend: to('other', 80) }])])).toEqual([]);
  });
});

describe('irsa-egress: a pod with an IAM role can reach STS (issue 13 item 11)', () => {
  const sa = at('web/ServiceAccount.web.yaml', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/web' } } });
  const policy = (egress: any[]) => at('web/NetworkPolicy.web.yaml', {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web' },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress', 'Egress'], egress },
  });
  const dns = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }] };
  const web = deployment('web', { serviceAccount: 'web' });

  it('refuses a role whose pods may reach only DNS, or HTTPS only inside the cluster', () => {
    expect(found('irsa-egress', [sa, web, policy([dns])])).toEqual([
      'ServiceAccount web: IAM role arn:aws:iam::111122223333:role/web (IRSA) is unusable: the NetworkPolicies of web allow no TCP 443 outside the cluster, where STS is; drop the role or allow the egress',
    ]);
    expect(found('irsa-egress', [sa, web, policy([dns, { to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 443 }] }])])).toHaveLength(1);
    expect(found('irsa-egress', [sa, web, policy([dns, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'UDP' }] }])])).toHaveLength(1);
  });

  it('accepts HTTPS to addresses, a port range or all ports, no Egress policy, or no role', () => {
    expect(found('irsa-egress', [sa, web, policy([dns, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }])])).toEqual([]);
    expect(found('irsa-egress', [sa, web, policy([dns, { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 400, endPort: 500 }] }])])).toEqual([]);
    expect(found('irsa-egress', [sa, web, policy([{}])])).toEqual([]);
    expect(found('irsa-egress', [sa, web])).toEqual([]);
    const plain = at('web/ServiceAccount.web.yaml', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web' } });
    expect(found('irsa-egress', [plain, web, policy([dns])])).toEqual([]);
  });
});
