/**
 * Traffic rules (issue 13 items 1-4 and 11): what the controllers that route external traffic
 * make of our Ingresses, Services and VirtualServices.
 *
 * - `alb-action-backend`: an AWS Load Balancer Controller action
 *   (`alb.ingress.kubernetes.io/actions.<name>`, type `forward`) names Services of the namespace
 *   and ports that exist on them BY TYPE: `TargetGroupTuple.ServicePort` is an IntOrString, and a
 *   string is a port NAME (kubernetes-sigs/aws-load-balancer-controller pkg/ingress/config_types.go;
 *   docs guide/ingress/annotations.md "actions"); every `use-annotation` backend names a defined
 *   action, whose JSON parses.
 * - `alb-health-check`: target-group health checks are per backend Service: the controller merges
 *   a Service's `alb.ingress.kubernetes.io/healthcheck-*` annotations over the Ingress's
 *   (annotations.md: "annotations applied to Service have higher priority"), so an Ingress-level
 *   path applies to every target group; one set on an Ingress with backends of different
 *   Services/ports is an error. Each target group's effective path (Service, else Ingress, else
 *   the controller's default `/`) must be one the pods answer on that port: a path of one of their
 *   HTTP probes there (the only paths a rendered object says a container serves).
 * - `no-public-metrics`: no internet-facing Ingress sends a metrics or Actuator path to a port
 *   that serves it. Served paths come from ServiceMonitors (endpoint path, default `/metrics`),
 *   PodMonitors, `prometheus.io/path` pod annotations, and probes under `/actuator` (Spring Boot
 *   Actuator serves every exposed endpoint beside the health one). Which route gets a path is
 *   decided as the controllers do: Exact paths first, then the longest Prefix (ingress-nginx;
 *   AWS LBC since v2.4.3, guide/ingress/spec.md), so a longer path to a fixed response shadows `/`.
 * - `mesh-routed-ingress`: ingress-nginx sends to the pod endpoints of a Service by default and so
 *   bypasses Istio routing; an NGINX Ingress to a Service that a VirtualService routes must set
 *   `nginx.ingress.kubernetes.io/service-upstream: "true"` and `upstream-vhost` to the Service's
 *   cluster name, so the controller's sidecar applies the VirtualService (Istio docs "Kubernetes
 *   Ingress" / ingress-nginx docs annotations "Service Upstream", "Custom NGINX upstream vhost").
 *   `upstream-vhost` is one Host header for every path of an Ingress, so such an Ingress routes to
 *   that one Service only.
 * - `irsa-egress`: a pod that assumes an IAM role through IRSA calls STS over HTTPS
 *   (AssumeRoleWithWebIdentity at sts.<region>.amazonaws.com:443, AWS EKS user guide "IAM roles
 *   for service accounts"); NetworkPolicies that allow it no TCP 443 to addresses outside the
 *   cluster make the role unusable: drop the role or allow the egress.
 */
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { Manifest } from '../manifests';
import { isEmptySelector, matches } from '../selectors';
import type { Workload } from '../workloads';

const ALB = 'alb.ingress.kubernetes.io/';
const NGINX = 'nginx.ingress.kubernetes.io/';

export function checkTraffic(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.ofKind('Ingress')) {
    const routes = ingressRoutes(m, out);
    if (m.object.spec?.ingressClassName === 'alb') out.push(...albActions(ctx, m, routes), ...albHealthChecks(ctx, m, routes));
    if (isPublic(m)) out.push(...publicMetrics(ctx, m, routes));
    if (m.object.spec?.ingressClassName === 'nginx') out.push(...meshRouting(ctx, m, routes));
  }
  out.push(...irsaEgress(ctx));
  return out;
}

/** One backend a route sends to: a Service port (by number or name), or an answer of the load balancer itself. */
type Target = { service: string; port: number | string; weight?: number } | { fixed: string };

interface Route {
  host: string;
  path: string;
  pathType: string;
  where: string;
  targets: Target[];
  /** The `use-annotation` action it names, if any. */
  action?: string;
}

/** Every path of an Ingress with what it sends to (ALB actions expanded). */
function ingressRoutes(m: Manifest, out: Violation[]): Route[] {
  const a = m.object.metadata.annotations ?? {};
  const routes: Route[] = [];
  const add = (host: string, path: string, pathType: string, where: string, b: any) => {
    const svc = b?.service;
    if (!svc) return;
    if (svc.port?.name === 'use-annotation' && m.object.spec?.ingressClassName === 'alb') {
      const raw = a[`${ALB}actions.${svc.name}`];
      let action: any;
      try {
        action = raw === undefined ? undefined : JSON.parse(raw);
      } catch {
        out.push(violation(m, 'alb-action-backend', `annotation ${ALB}actions.${svc.name} is not JSON`));
        return;
      }
      if (action === undefined) {
        out.push(violation(m, 'alb-action-backend', `${where}: backend ${svc.name} uses an annotation, but ${ALB}actions.${svc.name} is not defined`));
        return;
      }
      const targets: Target[] = action.type === 'forward'
        ? [
            ...(action.forwardConfig?.targetGroups ?? []).map((t: any) => ({ service: t.serviceName, port: t.servicePort, weight: t.weight })),
            ...(action.targetGroupARN ? [{ fixed: `target group ${action.targetGroupARN}` }] : []),
          ]
        : [{ fixed: String(action.type) }];
      routes.push({ host, path, pathType, where, targets, action: svc.name });
      return;
    }
    routes.push({ host, path, pathType, where, targets: [{ service: svc.name, port: svc.port?.number ?? svc.port?.name }] });
  };
  if (m.object.spec?.defaultBackend) add('*', '/', 'Prefix', 'spec.defaultBackend', m.object.spec.defaultBackend);
  (m.object.spec?.rules ?? []).forEach((r: any, i: number) =>
    (r.http?.paths ?? []).forEach((p: any, j: number) =>
      add(r.host ?? '*', p.path ?? '/', p.pathType ?? 'Prefix', `spec.rules[${i}].http.paths[${j}] (${r.host ?? '*'}${p.path ?? ''})`, p.backend)));
  return routes;
}

function albActions(ctx: PolicyContext, m: Manifest, routes: Route[]): Violation[] {
  const out: Violation[] = [];
  const namespace = ns(m.object);
  for (const r of routes) {
    if (!r.action) continue;
    for (const t of r.targets) {
      if ('fixed' in t) continue;
      const svc = service(ctx, namespace, t.service);
      if (!svc) {
        out.push(violation(m, 'alb-action-backend', `${r.where}: action ${r.action} forwards to Service ${t.service}, which is not rendered in ${namespace}`));
        continue;
      }
      if (typeof t.port !== 'number' && typeof t.port !== 'string') {
        out.push(violation(m, 'alb-action-backend', `${r.where}: action ${r.action}: target group of Service ${t.service} has no servicePort`));
        continue;
      }
      if (!servicePort(svc, t.port)) {
        const ports = (svc.object.spec?.ports ?? []).map((p: any) => `${p.port} (name ${JSON.stringify(p.name ?? '')})`).join(', ');
        const kind = typeof t.port === 'number' ? `port number ${t.port}` : `port name ${JSON.stringify(t.port)} (a string servicePort is a port name)`;
        out.push(violation(m, 'alb-action-backend', `${r.where}: action ${r.action}: Service ${t.service} has no ${kind}; its ports: ${ports}`));
      }
    }
  }
  // an action nothing uses is not an error; a defined name that collides cannot exist in a map, so the render refuses it (AlbIngress)
  return out;
}

function albHealthChecks(ctx: PolicyContext, m: Manifest, routes: Route[]): Violation[] {
  const out: Violation[] = [];
  const a = m.object.metadata.annotations ?? {};
  const namespace = ns(m.object);
  const targets = new Map<string, { service: string; port: number | string }>();
  for (const r of routes) for (const t of r.targets) if (!('fixed' in t)) targets.set(`${t.service}:${t.port}`, t);
  if (a[`${ALB}healthcheck-path`] !== undefined && targets.size > 1) {
    out.push(violation(m, 'alb-health-check',
      `${ALB}healthcheck-path on the Ingress applies to every target group (${[...targets.keys()].join(', ')}): set it on each backend Service instead`));
  }
  for (const t of targets.values()) {
    const svc = service(ctx, namespace, t.service);
    const port = svc && servicePort(svc, t.port);
    if (!svc || !port) continue; // alb-action-backend / ingress-backend report it
    const sa = svc.object.metadata.annotations ?? {};
    const path = sa[`${ALB}healthcheck-path`] ?? a[`${ALB}healthcheck-path`] ?? '/';
    const hcPort = sa[`${ALB}healthcheck-port`] ?? a[`${ALB}healthcheck-port`] ?? 'traffic-port';
    const protocol = (sa[`${ALB}healthcheck-protocol`] ?? a[`${ALB}healthcheck-protocol`] ?? 'HTTP').toUpperCase();
    if (protocol !== 'HTTP' && protocol !== 'HTTPS') continue;
    // target-type ip: the check goes to the pod's port (traffic-port: the Service's targetPort)
    const backends = podPorts(ctx, svc, port);
    // healthcheck-port: traffic-port, a port number, or a port name (resolved on the container, as the controller does for ip targets)
    const checked = hcPort === 'traffic-port' ? backends : backends.map((b) => ({ ...b, containerPort: /^\d+$/.test(hcPort) ? Number(hcPort) : probePort(b.container, hcPort) ?? -1 }));
    for (const b of checked) {
      if (!probePaths(b.w, b.container, b.containerPort).includes(path)) {
        out.push(violation(m, 'alb-health-check',
          `target group ${t.service}:${t.port}: health check path ${path} on port ${b.containerPort} is not a path ${b.w.object.metadata.name} (${b.container.name}) answers: its HTTP probes there are ${probePaths(b.w, b.container, b.containerPort).join(', ') || 'none'}; set ${ALB}healthcheck-path on Service ${t.service}`));
      }
    }
  }
  return out;
}

/** ALB: the controller's default scheme is internal; ingress-nginx: its controller Service is the public load balancer. */
function isPublic(m: Manifest): boolean {
  const cls = m.object.spec?.ingressClassName;
  if (cls === 'alb') return m.object.metadata.annotations?.[`${ALB}scheme`] === 'internet-facing';
  return cls === 'nginx';
}

function publicMetrics(ctx: PolicyContext, m: Manifest, routes: Route[]): Violation[] {
  const out: Violation[] = [];
  const namespace = ns(m.object);
  for (const host of new Set(routes.map((r) => r.host))) {
    const onHost = routes.filter((r) => r.host === host || r.host === '*');
    for (const r of onHost) {
      for (const t of r.targets) {
        if ('fixed' in t) continue;
        const svc = service(ctx, namespace, t.service);
        const port = svc && servicePort(svc, t.port);
        if (!svc || !port) continue;
        for (const b of podPorts(ctx, svc, port)) {
          for (const sensitive of servedPrivatePaths(ctx, b.w, b.container, b.containerPort)) {
            const winner = routeFor(onHost, sensitive.path);
            if (winner !== r) continue;
            out.push(violation(m, 'no-public-metrics',
              `${r.where}: https://${host}${sensitive.path} reaches ${b.w.object.metadata.name} port ${b.containerPort}, which serves it (${sensitive.why}): serve it on another port, or answer it at the load balancer with a longer path`));
          }
        }
      }
    }
  }
  return out;
}

function meshRouting(ctx: PolicyContext, m: Manifest, routes: Route[]): Violation[] {
  const out: Violation[] = [];
  const namespace = ns(m.object);
  const a = m.object.metadata.annotations ?? {};
  const services = new Set(routes.flatMap((r) => r.targets.flatMap((t) => ('fixed' in t ? [] : [t.service]))));
  for (const s of services) {
    const vs = ctx.ofKind('VirtualService', namespace).find((v) => (v.object.spec?.hosts ?? []).some((h: string) => meshNames(s, namespace).includes(h)));
    if (!vs) continue;
    const fqdn = `${s}.${namespace}.svc.cluster.local`;
    const problems: string[] = [];
    if (a[`${NGINX}service-upstream`] !== 'true') problems.push(`${NGINX}service-upstream is not "true" (NGINX sends to pod endpoints, bypassing the mesh)`);
    if (!meshNames(s, namespace).includes(a[`${NGINX}upstream-vhost`] ?? '')) problems.push(`${NGINX}upstream-vhost is not ${fqdn} (the sidecar routes by Host header)`);
    if (services.size > 1) problems.push(`it also routes to ${[...services].filter((x) => x !== s).join(', ')}, but upstream-vhost is one Host for every path of an Ingress: give ${s} an Ingress of its own`);
    if (problems.length > 0) {
      out.push(violation(m, 'mesh-routed-ingress', `Service ${s} is routed by VirtualService ${vs.object.metadata.name}, which external traffic bypasses: ${problems.join('; ')}`));
    }
  }
  return out;
}

/** The names a VirtualService host or an upstream vhost can give a Service (Istio resolves short names in the VirtualService's namespace). */
function meshNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

function irsaEgress(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const sa of ctx.ofKind('ServiceAccount')) {
    const role = sa.object.metadata.annotations?.['eks.amazonaws.com/role-arn'];
    if (!role) continue;
    const namespace = ns(sa.object);
    const users = ctx.workloads.filter((w) => w.namespace === namespace && (w.pod.serviceAccountName ?? 'default') === sa.object.metadata.name);
    const blocked = users.filter((w) => !egressToHttps(ctx, w));
    if (blocked.length > 0) {
      out.push(violation(sa, 'irsa-egress',
        `IAM role ${role} (IRSA) is unusable: the NetworkPolicies of ${blocked.map((w) => w.object.metadata.name).join(', ')} allow no TCP 443 outside the cluster, where STS is; drop the role or allow the egress`));
    }
  }
  return out;
}

/** Whether the pods may open TCP 443 to an address outside the cluster (NetworkPolicy semantics: the union of the Egress policies selecting them). */
function egressToHttps(ctx: PolicyContext, w: Workload): boolean {
  const policies = ctx.ofKind('NetworkPolicy', w.namespace).filter((p) => {
    const types: string[] = p.object.spec?.policyTypes ?? (p.object.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
    return types.includes('Egress') && (isEmptySelector(p.object.spec?.podSelector) || matches(p.object.spec?.podSelector, w.podLabels));
  });
  if (policies.length === 0) return true;
  return policies.some((p) => (p.object.spec?.egress ?? []).some((rule: any) => {
    const to: any[] = rule.to ?? [];
    const external = to.length === 0 || to.some((peer) => peer.ipBlock);
    const ports: any[] = rule.ports ?? [];
    const https = ports.length === 0 || ports.some((p) => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === 443 || (p.endPort !== undefined && p.port <= 443 && 443 <= p.endPort)));
    return external && https;
  }));
}

function service(ctx: PolicyContext, namespace: string, name: string): Manifest | undefined {
  return ctx.ofKind('Service', namespace).find((s) => s.object.metadata.name === name);
}

/** The Service port a reference means: a number is `port`, a string is `name` (IntOrString, as the controllers read it). */
function servicePort(svc: Manifest, ref: number | string): any {
  return (svc.object.spec?.ports ?? []).find((p: any) => (typeof ref === 'number' ? p.port === ref : p.name === ref));
}

/** The selected pods' containers and container port numbers a Service port sends to. */
function podPorts(ctx: PolicyContext, svc: Manifest, port: any): { w: Workload; container: any; containerPort: number }[] {
  const selector = svc.object.spec?.selector as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) return [];
  const target = port.targetPort ?? port.port;
  const out: { w: Workload; container: any; containerPort: number }[] = [];
  for (const w of ctx.selected(ns(svc.object), { matchLabels: selector })) {
    for (const { c, init } of w.containers) {
      if (init) continue;
      const p = (c.ports ?? []).find((cp: any) => (typeof target === 'number' ? cp.containerPort === target : cp.name === target));
      if (p) out.push({ w, container: c, containerPort: p.containerPort });
    }
  }
  return out;
}

/** A probe's port (number or the container's port name) as a number. */
function probePort(container: any, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return (container.ports ?? []).find((p: any) => p.name === port)?.containerPort;
}

/** The HTTP paths the container's probes request on `containerPort`. */
function probePaths(_w: Workload, container: any, containerPort: number): string[] {
  return ['startupProbe', 'livenessProbe', 'readinessProbe']
    .map((k) => container[k]?.httpGet)
    .filter((g) => g && probePort(container, g.port) === containerPort)
    .map((g) => g.path ?? '/')
    .filter((p, i, all) => all.indexOf(p) === i);
}

/** Paths a container serves on `containerPort` that only the cluster should reach. */
function servedPrivatePaths(ctx: PolicyContext, w: Workload, container: any, containerPort: number): { path: string; why: string }[] {
  const out: { path: string; why: string }[] = [];
  const portName = (container.ports ?? []).find((p: any) => p.containerPort === containerPort)?.name;
  // ServiceMonitors: each endpoint's Service port (by name or targetPort) of a Service selecting these pods
  for (const sm of ctx.ofKind('ServiceMonitor', w.namespace)) {
    for (const svc of ctx.ofKind('Service', w.namespace)) {
      const sel = svc.object.spec?.selector as Record<string, string> | undefined;
      if (!sel || Object.keys(sel).length === 0 || !matches({ matchLabels: sel }, w.podLabels)) continue;
      if (!matches(sm.object.spec?.selector, svc.object.metadata.labels)) continue;
      for (const e of sm.object.spec?.endpoints ?? []) {
        const sp = e.port !== undefined ? (svc.object.spec?.ports ?? []).find((p: any) => p.name === e.port) : undefined;
        const target = sp ? (sp.targetPort ?? sp.port) : e.targetPort;
        if (target === containerPort || (typeof target === 'string' && target === portName)) {
          out.push({ path: e.path ?? '/metrics', why: `ServiceMonitor ${sm.object.metadata.name}` });
        }
      }
    }
  }
  for (const pm of ctx.ofKind('PodMonitor', w.namespace)) {
    if (!matches(pm.object.spec?.selector, w.podLabels)) continue;
    for (const e of pm.object.spec?.podMetricsEndpoints ?? []) {
      if ((e.port !== undefined && e.port === portName) || e.targetPort === containerPort) out.push({ path: e.path ?? '/metrics', why: `PodMonitor ${pm.object.metadata.name}` });
    }
  }
  const pa = w.object.kind === 'Pod' ? w.object.metadata.annotations : (w.object.spec?.template?.metadata?.annotations ?? {});
  if (pa?.['prometheus.io/scrape'] === 'true' && Number(pa['prometheus.io/port']) === containerPort) {
    out.push({ path: pa['prometheus.io/path'] ?? '/metrics', why: 'prometheus.io/path pod annotation' });
  }
  // Spring Boot Actuator: a probe under /actuator means the management endpoints are on this port
  if (probePaths(w, container, containerPort).some((p) => p === '/actuator' || p.startsWith('/actuator/'))) {
    out.push({ path: '/actuator/prometheus', why: 'Spring Boot Actuator (its probes are under /actuator)' });
  }
  const seen = new Set<string>();
  return out.filter((s) => !seen.has(s.path) && seen.add(s.path));
}

/** The route a request path takes: an Exact match first, then the longest matching Prefix (element-wise, as the Ingress API defines it). */
function routeFor(routes: Route[], path: string): Route | undefined {
  const exact = routes.find((r) => r.pathType === 'Exact' && r.path === path);
  if (exact) return exact;
  const prefix = (p: string) => {
    const base = p.replace(/\/+$/, '');
    return base === '' || path === base || path.startsWith(`${base}/`);
  };
  return routes
    .filter((r) => r.pathType !== 'Exact' && prefix(r.path))
    .sort((x, y) => y.path.replace(/\/+$/, '').length - x.path.replace(/\/+$/, '').length)[0];
}
