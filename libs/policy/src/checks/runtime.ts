/**
 * What the clusters' controllers (installed by the add-on Applications of the same environment,
 * `dist/<env>/cluster-addons/addons/<cluster>/`) do with a system's objects (issue 22 majors 6, 7):
 *
 * - `acme-solver-reachable`: for an Ingress annotated `cert-manager.io/cluster-issuer` whose
 *   issuer solves HTTP-01 through an ingress class, cert-manager creates the solver pod in the
 *   Ingress's namespace, labelled `acme.cert-manager.io/http01-solver: "true"`, serving on 8089
 *   (cert-manager pkg/issuer/acme/http/pod.go at v1.17.2). The ingress controller forwards Let's
 *   Encrypt's request to it, so the namespace's NetworkPolicies must admit the controller's pods
 *   on 8089; and in a namespace labelled `istio-injection: enabled` the issuer's solver
 *   `podTemplate` must say `sidecar.istio.io/inject: "false"` (as a label or annotation: Istio's
 *   injection policy, https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/).
 * - `client-address-visible`: ingress-nginx keys `limit-rps`, `limit-rpm` and `limit-connections`
 *   by `$binary_remote_addr` (ingress-nginx docs, annotations "Rate Limiting"). Behind an AWS NLB
 *   with `ip` targets, client-IP preservation is off by default for TCP target groups (AWS LBC
 *   docs guide/service/annotations.md "target-group-attributes"; ELB docs "Client IP
 *   preservation"), so nginx sees the NLB's address and one limit applies to every client
 *   together. The controller must see the client: `preserve_client_ip.enabled=true`, `instance`
 *   targets (preserved by default), or proxy protocol v2 on the NLB
 *   (`aws-load-balancer-proxy-protocol: "*"`) together with `use-proxy-protocol: "true"` in the
 *   controller's config (one without the other breaks every request).
 */
import { parseAllDocuments } from 'yaml';
import type { Environment } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { Manifest } from '../manifests';
import { admitsIngress, type PodSource } from '../network-policies';
import { folderClusters } from './fleet';

const ACME_SOLVER_LABELS = { 'acme.cert-manager.io/http01-solver': 'true' };
const ACME_SOLVER_PORT = 8089;
const ISTIO_INJECT = 'sidecar.istio.io/inject';
const SERVICE = 'service.beta.kubernetes.io/';
/** ingress-nginx's per-client limits (keyed by the client address). */
const PER_CLIENT_LIMITS = ['limit-rps', 'limit-rpm', 'limit-connections'].map((a) => `nginx.ingress.kubernetes.io/${a}`);

export function checkRuntime(ctx: PolicyContext, env: Environment | undefined): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.ofKind('Ingress')) {
    out.push(...acmeSolver(ctx, env, m), ...clientAddress(ctx, env, m));
  }
  return out;
}

/** An add-on Application of the environment: its chart, Helm values and destination. */
export interface AddonApplication {
  readonly m: Manifest;
  readonly chart: string;
  readonly values: any;
  readonly server: string;
  readonly namespace: string;
  readonly releaseName: string;
}

/** The Applications installing `chart` on the clusters the folder of `file` goes to (all of the environment without a fleet). */
export function addonApplications(ctx: PolicyContext, env: Environment | undefined, file: string, chart: string): AddonApplication[] {
  const servers = env ? folderClusters(env, file)?.map((c) => c.server) : undefined;
  return ctx.ofKind('Application')
    .map((m) => ({ m, source: m.object.spec?.source ?? {}, destination: m.object.spec?.destination ?? {} }))
    .filter(({ source, destination }) => source.chart === chart && (!servers || servers.includes(destination.server)))
    .map(({ m, source, destination }) => ({
      m, chart, values: source.helm?.valuesObject ?? {}, server: destination.server, namespace: destination.namespace ?? 'default',
      releaseName: source.helm?.releaseName ?? m.object.metadata.name,
    }));
}

/** The ingress-nginx controller pods of an Application, as the chart labels them (templates/_helpers.tpl, controller-deployment.yaml at 4.12.1). */
function nginxControllers(apps: AddonApplication[]): PodSource[] {
  const found = apps.map((a) => ({
    namespace: a.namespace,
    labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': a.releaseName, 'app.kubernetes.io/component': 'controller', ...(a.values.controller?.podLabels ?? {}) },
  }));
  return found.length > 0 ? found : [{ namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } }];
}

/** The ClusterIssuers a cert-manager Application renders from its `extraObjects` (each YAML text, or an object). */
function clusterIssuers(app: AddonApplication): any[] {
  const items: unknown[] = app.values.extraObjects ?? [];
  return items.flatMap((item) => (typeof item === 'string' ? parseAllDocuments(item).map((d) => d.toJS()) : [item]))
    .filter((o: any) => o?.kind === 'ClusterIssuer');
}

function acmeSolver(ctx: PolicyContext, env: Environment | undefined, m: Manifest): Violation[] {
  const issuerName = m.object.metadata.annotations?.['cert-manager.io/cluster-issuer'];
  if (!issuerName) return [];
  const namespace = ns(m.object);
  const cls = m.object.spec?.ingressClassName;
  const out: Violation[] = [];
  const issuers = addonApplications(ctx, env, m.file, 'cert-manager').flatMap((app) => clusterIssuers(app).filter((i) => i.metadata?.name === issuerName));
  // solvers that answer through an ingress class (the HTTP-01 ingress solver; DNS-01 runs no pod here)
  const solvers = issuers.flatMap((i) => (i.spec?.acme?.solvers ?? []).filter((s: any) => s?.http01?.ingress && (!cls || !s.http01.ingress.ingressClassName || s.http01.ingress.ingressClassName === cls)));
  if (issuers.length > 0 && solvers.length === 0) return [];
  const blocked = nginxControllers(addonApplications(ctx, env, m.file, 'ingress-nginx'))
    .filter((c) => !admitsIngress(ctx, namespace, ACME_SOLVER_LABELS, c, ACME_SOLVER_PORT));
  if (blocked.length > 0) {
    out.push(violation(m, 'acme-solver-reachable', `cert-manager's HTTP-01 solver pods for ${issuerName} run in ${namespace} (acme.cert-manager.io/http01-solver=true, port ${ACME_SOLVER_PORT}), and its NetworkPolicies admit no traffic to them from the ingress controller (${blocked.map((c) => `namespace ${c.namespace}`).join(', ')}): the challenge times out and no certificate is issued`));
  }
  const namespaceObject = ctx.ofKind('Namespace').find((n) => n.object.metadata.name === namespace);
  if (namespaceObject?.object.metadata.labels?.['istio-injection'] === 'enabled') {
    const injected = solvers.filter((s: any) => {
      const meta = s.http01.ingress.podTemplate?.metadata ?? {};
      return (meta.labels?.[ISTIO_INJECT] ?? meta.annotations?.[ISTIO_INJECT]) !== 'false';
    });
    if (injected.length > 0 || issuers.length === 0) {
      const where = issuers.length === 0 ? `ClusterIssuer ${issuerName} is not rendered for this cluster, so nothing says` : `ClusterIssuer ${issuerName}'s solvers[].http01.ingress.podTemplate.metadata does not set`;
      out.push(violation(m, 'acme-solver-reachable', `${namespace} is labelled istio-injection=enabled and ${where} ${ISTIO_INJECT}: "false": the solver pod would get a sidecar`));
    }
  }
  return out;
}

function clientAddress(ctx: PolicyContext, env: Environment | undefined, m: Manifest): Violation[] {
  if (m.object.spec?.ingressClassName !== 'nginx') return [];
  const limits = PER_CLIENT_LIMITS.filter((a) => m.object.metadata.annotations?.[a] !== undefined);
  if (limits.length === 0) return [];
  const out: Violation[] = [];
  for (const app of addonApplications(ctx, env, m.file, 'ingress-nginx')) {
    const problem = clientAddressProblem(app.values.controller ?? {});
    if (problem) {
      out.push(violation(m, 'client-address-visible', `${limits.map((l) => l.split('/')[1]).join(', ')} are per client address, but ${app.m.object.metadata.name}'s controller sees ${problem}: one limit applies to every client together`));
    }
  }
  return out;
}

/** Why the controller with these Helm values does not see the client address; undefined when it does. */
export function clientAddressProblem(controller: any): string | undefined {
  const a: Record<string, string> = controller.service?.annotations ?? {};
  const type = a[`${SERVICE}aws-load-balancer-type`];
  if (type !== 'external' && type !== 'nlb' && type !== 'nlb-ip') return undefined; // not an AWS NLB
  const proxyProtocol = a[`${SERVICE}aws-load-balancer-proxy-protocol`] === '*';
  const nginxProxyProtocol = String(controller.config?.['use-proxy-protocol']) === 'true';
  if (proxyProtocol !== nginxProxyProtocol) {
    return proxyProtocol
      ? 'proxy protocol headers from the NLB without use-proxy-protocol: "true" (nginx refuses every request)'
      : 'use-proxy-protocol without aws-load-balancer-proxy-protocol: "*" on the NLB (nginx waits for a header that never comes)';
  }
  if (proxyProtocol) return undefined;
  const targets = type === 'nlb-ip' ? 'ip' : (a[`${SERVICE}aws-load-balancer-nlb-target-type`] ?? 'instance');
  const attributes = Object.fromEntries((a[`${SERVICE}aws-load-balancer-target-group-attributes`] ?? '').split(',').map((kv) => kv.trim().split('=')));
  const preserved = attributes['preserve_client_ip.enabled'] ?? (targets === 'instance' ? 'true' : 'false');
  if (preserved === 'true') {
    // instance targets go through kube-proxy, which keeps the client address only with externalTrafficPolicy Local
    if (targets === 'instance' && controller.service?.externalTrafficPolicy !== 'Local') return 'node addresses (instance targets through kube-proxy without externalTrafficPolicy: Local)';
    return undefined;
  }
  return `the NLB's own addresses (${targets} targets, preserve_client_ip.enabled=${preserved}, no proxy protocol)`;
}

