/**
 * `egress-reaches-dependencies`: NetworkPolicy egress as the network plugin enforces it, the data
 * plane of the pods (ported from the rollout simulator, libs/rollout/src/cluster.ts, when real
 * Argo CD on kwok clusters took over: kwok's pods are Ready without a network, so only this rule
 * sees a pod its policies cut off).
 *
 * - A pod selected by a NetworkPolicy whose `policyTypes` include `Egress` (absent `policyTypes`:
 *   `Ingress`, plus `Egress` when `egress` is set) may only open connections that some egress rule
 *   of the policies selecting it allows; a rule without `to` allows every peer, without `ports`
 *   every port ("Network Policies", https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 *   Policies count when they are in the pod's namespace on the same cluster (folderClusters).
 * - Every pod resolves names: UDP 53 to kube-dns (pods `k8s-app: kube-dns` in the namespace
 *   labelled `kubernetes.io/metadata.name: kube-system`; the API server sets that label on every
 *   namespace, https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name).
 * - A pod connects to the backing services its env names: `*_URL`, `*_HOST`, `*_URI` (not
 *   `ALLOWED_HOSTS`, Django's list of its own names), on the URL's port, else its scheme's default
 *   port, else a `<PREFIX>_PORT` sibling, else the default port of the service the name says.
 *   Spring Boot's RabbitMQ port "defaults to 5672, or 5671 if SSL is enabled"
 *   (spring-boot RabbitProperties.determinePort, `spring.rabbitmq.ssl.enabled`). Values come from
 *   `value`, a ConfigMap of the namespace (`configMapKeyRef`, `envFrom`); a Secret's value is
 *   unknown here, so its name decides. A URL to a rendered Service is checked on the Service's
 *   `targetPort`: policies see the pod's port after the Service's translation.
 * - An Istio sidecar needs istiod for its configuration and certificates (xDS, TCP 15012) before
 *   the pod is Ready ("Ports used by Istio",
 *   https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio);
 *   a pod is injected in a namespace labelled `istio-injection: enabled` or `istio.io/rev`, unless
 *   it says `sidecar.istio.io/inject: "false"` ("Sidecar injection",
 *   https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy).
 * - The External Secrets Operator validates every (Cluster)SecretStore against AWS Secrets
 *   Manager (HTTPS, TCP 443) and no store becomes Ready before it does: NetworkPolicies of the
 *   external-secrets add-on's destination namespace that select its controller pod
 *   (`app.kubernetes.io/name: <nameOverride or chart name>`, `app.kubernetes.io/instance:
 *   <release>` and `podLabels`: external-secrets deploy/charts/external-secrets/templates/_helpers.tpl
 *   "external-secrets.selectorLabels", deployment.yaml) must allow DNS and TCP 443.
 */
import type { Environment } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { Manifest } from '../manifests';
import { matches } from '../selectors';
import { folderClusters } from './fleet';
import { addonApplications } from './runtime';

/** A connection a pod opens: protocol, destination port and what it is for. */
interface Need {
  readonly protocol: 'TCP' | 'UDP';
  readonly port: number;
  readonly what: string;
}

const DNS: Need = { protocol: 'UDP', port: 53, what: 'DNS' };
const ISTIOD: Need = { protocol: 'TCP', port: 15012, what: 'istiod (sidecar xDS)' };
const SECRETS_STORE: Need = { protocol: 'TCP', port: 443, what: 'the Secrets store (AWS Secrets Manager, HTTPS)' };
const KUBE_SYSTEM = { 'kubernetes.io/metadata.name': 'kube-system' };
const KUBE_DNS = { 'k8s-app': 'kube-dns' };
const ISTIO_INJECT = 'sidecar.istio.io/inject';

/** Default ports of URL schemes. */
const SCHEME_PORTS: Readonly<Record<string, number>> = {
  postgres: 5432, postgresql: 5432, mysql: 3306, redis: 6379, rediss: 6379, amqp: 5672, amqps: 5671, http: 80, https: 443, mongodb: 27017,
};

/** Services an env name says, with their default port (and, for RabbitMQ, the port with `<PREFIX>_SSL_ENABLED=true`). */
const NAMED_SERVICES: readonly { re: RegExp; port: number; what: string; sslPort?: number }[] = [
  { re: /DATABASE|DATASOURCE|POSTGRES|^DB_|^PG/, port: 5432, what: 'the database' },
  { re: /REDIS/, port: 6379, what: 'Redis' },
  { re: /RABBITMQ|AMQP/, port: 5672, what: 'RabbitMQ', sslPort: 5671 },
  { re: /ELASTICSEARCH/, port: 9200, what: 'Elasticsearch' },
];

export function checkEgress(ctx: PolicyContext, env: Environment | undefined): Violation[] {
  const out: Violation[] = [];
  for (const w of ctx.workloads) {
    const policies = egressPolicies(ctx, env, w.manifest, w.namespace, w.podLabels);
    if (policies.length === 0) continue;
    const needs = [DNS, ...backingServices(ctx, env, w.manifest, w.namespace, w.containers.map((c) => c.c))];
    if (injected(ctx, env, w.manifest, w.namespace, w.object.kind === 'Pod' ? w.object : templateOf(w.object))) needs.push(ISTIOD);
    for (const need of denied(policies, needs)) {
      out.push(violation(w.manifest, 'egress-reaches-dependencies',
        `egress to ${describe(need)} is denied: NetworkPolicies ${names(policies)} select the pod and none allows it`));
    }
  }
  out.push(...operatorEgress(ctx, env));
  return out;
}

/** The NetworkPolicies of `namespace`, on a cluster `file` goes to, that restrict the egress of pods labelled `labels`. */
function egressPolicies(ctx: PolicyContext, env: Environment | undefined, file: Manifest, namespace: string, labels: Record<string, string>): Manifest[] {
  return ctx.ofKind('NetworkPolicy', namespace)
    .filter((p) => sameCluster(env, p.file, file.file) && restrictsEgress(p) && matches(p.object.spec?.podSelector, labels))
    .sort(byName);
}

function restrictsEgress(p: Manifest): boolean {
  const types: string[] = p.object.spec?.policyTypes ?? (p.object.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  return types.includes('Egress');
}

/** Whether two files reach a common cluster (without a fleet, or outside dist/: assumed so). */
function sameCluster(env: Environment | undefined, a: string, b: string): boolean {
  const ca = env ? folderClusters(env, a) : undefined;
  const cb = env ? folderClusters(env, b) : undefined;
  return !ca || !cb || ca.some((c) => cb.some((d) => d.name === c.name));
}

/** The needs no egress rule of `policies` allows. */
function denied(policies: readonly Manifest[], needs: readonly Need[]): Need[] {
  const rules: any[] = policies.flatMap((p) => p.object.spec?.egress ?? []);
  return needs.filter((need) => !rules.some((r) => portAllowed(r, need) && (need !== DNS || !r.to?.length || r.to.some(reachesKubeDns))));
}

function portAllowed(rule: any, need: Need): boolean {
  const ports: any[] = rule?.ports ?? [];
  return ports.length === 0 || ports.some((p) => (p.protocol ?? 'TCP') === need.protocol
    && (p.port === undefined || p.port === need.port || (typeof p.endPort === 'number' && typeof p.port === 'number' && p.port <= need.port && need.port <= p.endPort)));
}

function reachesKubeDns(peer: any): boolean {
  if (peer?.ipBlock) return peer.ipBlock.cidr === '0.0.0.0/0' && !(peer.ipBlock.except ?? []).length;
  return peer?.namespaceSelector !== undefined && matches(peer.namespaceSelector, KUBE_SYSTEM) && matches(peer.podSelector, KUBE_DNS);
}

function describe(need: Need): string {
  return need === DNS ? 'DNS (kube-dns, UDP 53)' : `${need.what} (${need.protocol} ${need.port})`;
}

function byName(a: Manifest, b: Manifest): number {
  return a.object.metadata.name < b.object.metadata.name ? -1 : a.object.metadata.name > b.object.metadata.name ? 1 : 0;
}

function names(policies: readonly Manifest[]): string {
  return policies.map((p) => p.object.metadata.name).join(', ');
}

function templateOf(o: any): any {
  return o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
}

/** Labels of a namespace as rendered for a cluster `file` goes to (the API server adds its name label). */
function namespaceLabels(ctx: PolicyContext, env: Environment | undefined, file: string, namespace: string): Record<string, string> {
  const rendered = ctx.ofKind('Namespace').find((m) => m.object.metadata.name === namespace && sameCluster(env, m.file, file));
  return { ...(rendered?.object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
}

/** Whether Istio's injector gives the pod of `template` a sidecar. */
function injected(ctx: PolicyContext, env: Environment | undefined, m: Manifest, namespace: string, template: any): boolean {
  const optOut = template?.metadata?.labels?.[ISTIO_INJECT] ?? template?.metadata?.annotations?.[ISTIO_INJECT];
  if (optOut === 'false') return false;
  const labels = namespaceLabels(ctx, env, m.file, namespace);
  // istio-injection takes precedence over istio.io/rev (sidecar-injection docs)
  return labels['istio-injection'] !== undefined ? labels['istio-injection'] === 'enabled' : labels['istio.io/rev'] !== undefined;
}

/**
 * The backing services containers name in their env, one need per port (the first name that
 * asks for it).
 */
function backingServices(ctx: PolicyContext, env: Environment | undefined, m: Manifest, namespace: string, containers: readonly any[]): Need[] {
  const configMaps = ctx.ofKind('ConfigMap', namespace).filter((c) => sameCluster(env, c.file, m.file));
  const configData = (name: string): Record<string, string> | undefined => configMaps.find((c) => c.object.metadata.name === name)?.object.data;
  const out = new Map<number, Need>();
  for (const c of containers) {
    const vars = containerEnv(c, configData);
    for (const [name, value] of vars) {
      const prefix = /^(.*)_(URL|HOST|URI)$/.exec(name)?.[1];
      if (prefix === undefined || /ALLOWED_HOST/.test(name)) continue;
      const named = NAMED_SERVICES.find((s) => s.re.test(name));
      let port = value === undefined ? undefined : urlPort(ctx, env, m, namespace, value);
      if (port === undefined) {
        const sibling = vars.get(`${prefix}_PORT`);
        if (sibling !== undefined && /^\d+$/.test(sibling)) port = Number(sibling);
      }
      if (port === undefined && named) port = named.sslPort !== undefined && vars.get(`${prefix}_SSL_ENABLED`) === 'true' ? named.sslPort : named.port;
      if (port === undefined || out.has(port)) continue;
      out.set(port, { protocol: 'TCP', port, what: named ? `${named.what} (${name})` : name });
    }
  }
  return [...out.values()];
}

/**
 * A container's environment by name: `envFrom` ConfigMaps first, then `env` (which wins, as the
 * kubelet does); a value from a Secret or a ConfigMap that is not rendered is undefined.
 */
function containerEnv(c: any, configData: (name: string) => Record<string, string> | undefined): Map<string, string | undefined> {
  const vars = new Map<string, string | undefined>();
  for (const from of c?.envFrom ?? []) {
    // a ConfigMap's keys are known when it is rendered; a Secret's never are
    for (const [key, value] of Object.entries(from?.configMapRef?.name ? configData(from.configMapRef.name) ?? {} : {})) vars.set(`${from.prefix ?? ''}${key}`, String(value));
  }
  for (const e of c?.env ?? []) {
    if (typeof e?.name !== 'string') continue;
    const ref = e.valueFrom?.configMapKeyRef;
    const value = e.value !== undefined ? String(e.value) : ref ? configData(ref.name)?.[ref.key] : undefined;
    vars.set(e.name, value === undefined ? undefined : String(value));
  }
  return vars;
}

/**
 * The destination port of a URL (`[jdbc:]scheme://[user@]host[:port]`, or `host:port` without a
 * scheme): its port, else its scheme's default; for a rendered Service of the cluster, the
 * `targetPort` behind that port.
 */
function urlPort(ctx: PolicyContext, env: Environment | undefined, m: Manifest, namespace: string, value: string): number | undefined {
  const url = /^(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?([^:/?#@]+)(?::(\d+))?/i.exec(value.trim())
    ?? /^()([a-z0-9][a-z0-9.-]*):(\d+)(?:[/?]|$)/i.exec(value.trim());
  if (!url) return undefined;
  const port = url[3] ? Number(url[3]) : SCHEME_PORTS[url[1].toLowerCase()];
  return port === undefined ? undefined : servicePort(ctx, env, m, namespace, url[2].toLowerCase(), port) ?? port;
}

/** The pod port behind `port` of the Service a cluster host name (`svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`) names, when rendered. */
function servicePort(ctx: PolicyContext, env: Environment | undefined, m: Manifest, namespace: string, host: string, port: number): number | undefined {
  const parts = host.replace(/\.cluster\.local$/, '').split('.');
  if (parts.length > 3 || (parts.length === 3 && parts[2] !== 'svc')) return undefined;
  const [name, svcNamespace = namespace] = parts;
  const svc = ctx.ofKind('Service', svcNamespace).find((s) => s.object.metadata.name === name && sameCluster(env, s.file, m.file));
  const p = (svc?.object.spec?.ports ?? []).find((x: any) => x.port === port && (x.protocol ?? 'TCP') === 'TCP');
  if (!p) return undefined;
  if (p.targetPort === undefined) return port;
  if (typeof p.targetPort === 'number') return p.targetPort;
  if (/^\d+$/.test(p.targetPort)) return Number(p.targetPort);
  // a named targetPort: the container port of that name on the selected pods
  const selector = svc!.object.spec?.selector;
  if (!selector) return undefined;
  for (const w of ctx.selected(svcNamespace, { matchLabels: selector })) {
    const found = w.containers.flatMap((c) => c.c.ports ?? []).find((cp: any) => cp.name === p.targetPort);
    if (found) return found.containerPort;
  }
  return undefined;
}

/**
 * The External Secrets Operator's egress: for every external-secrets add-on Application, the
 * NetworkPolicies of its destination namespace on its cluster that select the controller pod
 * must allow DNS and HTTPS to the Secrets store. Reported on the first of those policies.
 */
function operatorEgress(ctx: PolicyContext, env: Environment | undefined): Violation[] {
  const out: Violation[] = [];
  for (const app of addonApplications(ctx, undefined, '', 'external-secrets')) {
    const cluster = env?.clusters.find((c) => c.server === app.server)?.name;
    const labels: Record<string, string> = {
      ...(app.values.podLabels ?? {}),
      'app.kubernetes.io/name': app.values.nameOverride || app.chart,
      'app.kubernetes.io/instance': app.releaseName,
    };
    const policies = ctx.ofKind('NetworkPolicy', app.namespace).filter((p) => {
      const clusters = env ? folderClusters(env, p.file) : undefined;
      return (!clusters || cluster === undefined || clusters.some((c) => c.name === cluster)) && restrictsEgress(p) && matches(p.object.spec?.podSelector, labels);
    }).sort(byName);
    if (policies.length === 0) continue;
    for (const need of denied(policies, [DNS, SECRETS_STORE])) {
      out.push(violation(policies[0], 'egress-reaches-dependencies',
        `the External Secrets Operator (Application ${app.m.object.metadata.name}, namespace ${ns(policies[0].object)}) cannot reach the Secrets store, so no SecretStore or ClusterSecretStore becomes Ready: egress to ${describe(need)} is denied: NetworkPolicies ${names(policies)} select its pod and none allows it`));
    }
  }
  return out;
}
