/**
 * Whether the cluster's Prometheus (prometheus-operator, as kube-prometheus-stack installs it)
 * loads our rules and scrapes what they read:
 * - `monitoring-selector-labels`: each ServiceMonitor, PodMonitor and PrometheusRule carries the
 *   selector labels of every cluster its folder is synced to (environment.yaml
 *   `clusters[].monitoring.selectorLabels`). kube-prometheus-stack's Prometheus selects them with
 *   `matchLabels: {release: <release name>}` (values.yaml `serviceMonitorSelectorNilUsesHelmValues`,
 *   `ruleSelectorNilUsesHelmValues`: true); an object without the label is silently ignored.
 *   A Sloth PrometheusServiceLevel too: Sloth gives the PrometheusRule it generates the SLO
 *   object's own labels (slok/sloth internal/k8sprometheus/prometheusoperator/storage.go,
 *   mapModelToPrometheusOperator).
 * - `metrics-scraped`: every metric a PrometheusRule or Sloth SLI reads is scraped in the
 *   cluster: declared by a ServiceMonitor/PodMonitor of its namespace that selects a rendered
 *   Service (by labels, with the endpoint's port name) or pods (with the container port name)
 *   whose NetworkPolicies admit the Prometheus namespace on that port, produced by a recording
 *   rule, or exported by the stack itself (STACK_METRICS). The
 *   `prometheus.io/*` pod annotations are not: prometheus-operator ignores them.
 */
import { DEFAULT_PROMETHEUS_NAMESPACE, METRICS_ANNOTATION, prometheusNamespace, prometheusSelectorLabels, type Environment } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { Manifest } from '../manifests';
import { matches } from '../selectors';
import type { Workload } from '../workloads';
import { folderClusters } from './fleet';
import { metricNames, parsePromql, promqlExpressions } from './promql';

/**
 * What kube-prometheus-stack scrapes by itself (its default values enable each), by metric name
 * prefix, with where the names come from:
 * - `kube_`: kube-state-metrics (docs/metrics/: every metric is named kube_<object>_...);
 * - `container_`, `machine_`: cAdvisor, scraped from the kubelet's /metrics/cadvisor
 *   (google/cadvisor docs/storage/prometheus.md);
 * - `kubelet_`, `storage_operation_`, `volume_manager_`: the kubelet's own /metrics
 *   (kubernetes docs "Metrics For Kubernetes System Components");
 * - `node_`: node-exporter (prometheus/node_exporter collectors: node_<collector>_...);
 * - `up`, `scrape_`: written by Prometheus for every target (docs "Jobs and instances",
 *   https://prometheus.io/docs/concepts/jobs_instances/); `ALERTS`, `ALERTS_FOR_STATE`: by its
 *   rule manager (docs "Alerting rules: inspecting alerts during runtime").
 */
export const STACK_METRICS: readonly { prefix: string; source: string }[] = [
  { prefix: 'kube_', source: 'kube-state-metrics' },
  { prefix: 'container_', source: 'cAdvisor (kubelet)' },
  { prefix: 'machine_', source: 'cAdvisor (kubelet)' },
  { prefix: 'kubelet_', source: 'kubelet' },
  { prefix: 'storage_operation_', source: 'kubelet' },
  { prefix: 'volume_manager_', source: 'kubelet' },
  { prefix: 'node_', source: 'node-exporter' },
  { prefix: 'scrape_', source: 'Prometheus (per target)' },
];
const STACK_EXACT = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE']);

/** Suffixes a histogram or summary family `x` exposes (`x_bucket`, ...), and a counter's `_total`. */
const FAMILY_SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created'];

/** Whether `metric` belongs to a declared family name, or to a declared prefix ending in `_`. */
export function declares(declared: string, metric: string): boolean {
  if (declared.endsWith('_')) return metric.startsWith(declared);
  return metric === declared || FAMILY_SUFFIXES.some((s) => metric === declared + s);
}

export function checkMonitoring(ctx: PolicyContext, env: Environment | undefined): Violation[] {
  return [...checkSelectorLabels(ctx, env), ...checkScraped(ctx, env)];
}

const SELECTED_KINDS = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'PrometheusServiceLevel'];

function checkSelectorLabels(ctx: PolicyContext, env: Environment | undefined): Violation[] {
  if (!env) return [];
  const out: Violation[] = [];
  for (const m of ctx.manifests.filter((m) => SELECTED_KINDS.includes(m.object.kind))) {
    const labels = m.object.metadata.labels ?? {};
    for (const cluster of folderClusters(env, m.file) ?? []) {
      const missing = Object.entries(prometheusSelectorLabels(cluster)).filter(([k, v]) => labels[k] !== v);
      if (missing.length > 0) {
        out.push(violation(m, 'monitoring-selector-labels', `metadata.labels lacks ${missing.map(([k, v]) => `${k}: ${v}`).join(', ')}: the Prometheus of ${cluster.name} selects ${m.object.kind}s by these labels (environment.yaml clusters.${cluster.name}.monitoring.selectorLabels) and ignores this one`));
      }
    }
  }
  return out;
}

/** A monitor whose targets exist, with the metric families it declares. */
interface LiveMonitor {
  m: Manifest;
  metrics: string[];
}

function liveMonitors(ctx: PolicyContext, namespace: string, prometheusNamespaces: readonly string[]): { live: LiveMonitor[]; dead: string[] } {
  const live: LiveMonitor[] = [];
  const dead: string[] = [];
  const declared = (m: Manifest) => (m.object.metadata.annotations?.[METRICS_ANNOTATION] ?? '').split(/[\s,]+/).filter(Boolean);
  for (const m of ctx.ofKind('ServiceMonitor', namespace)) {
    // no namespaceSelector: the ServiceMonitor's own namespace (prometheus-operator API, ServiceMonitorSpec.namespaceSelector)
    const ports = (m.object.spec?.endpoints ?? []).map((e: any) => e?.port);
    // the endpoints' pods: behind each selected Service's named port, at its targetPort (a number, or a container port name)
    const targets: { w: Workload; port: number | string }[] = [];
    for (const s of ctx.ofKind('Service', namespace).filter((s) => matches(m.object.spec?.selector, s.object.metadata.labels))) {
      for (const p of (s.object.spec?.ports ?? []).filter((p: any) => ports.includes(p?.name))) {
        // a Service's selector is a plain label map; without one it has no pods (its endpoints are managed by hand)
        const selector = s.object.spec?.selector;
        if (!selector || Object.keys(selector).length === 0) continue;
        for (const w of ctx.selected(namespace, { matchLabels: selector })) targets.push({ w, port: p.targetPort ?? p.port });
      }
    }
    verdict(m, targets, `selects no Service with port ${ports.join('/')} in front of rendered pods`);
  }
  for (const m of ctx.ofKind('PodMonitor', namespace)) {
    const ports = (m.object.spec?.podMetricsEndpoints ?? []).map((e: any) => e?.port);
    const targets = ctx.selected(namespace, m.object.spec?.selector ?? {}).flatMap((w) => ports.filter((p: string) => w.containers.some(({ c }) => (c.ports ?? []).some((cp: any) => cp?.name === p))).map((port: string) => ({ w, port })));
    verdict(m, targets, `selects no pods with port ${ports.join('/')}`);
  }
  return { live, dead };

  function verdict(m: Manifest, targets: { w: Workload; port: number | string }[], none: string): void {
    const name = `${m.object.kind} ${m.object.metadata.name}`;
    if (targets.length === 0) {
      dead.push(`${name} (${none})`);
      return;
    }
    const blocked = targets.map((t) => blockedBy(ctx, namespace, t.w, t.port, prometheusNamespaces)).find((b) => b !== undefined);
    if (blocked) dead.push(`${name} (${blocked})`);
    else live.push({ m, metrics: declared(m) });
  }
}

/**
 * Why Prometheus (in `prometheusNamespaces`) cannot reach `port` of `w`'s pods, or undefined when
 * it can. Kubernetes NetworkPolicy semantics: pods selected by any policy with Ingress admit only
 * what some such policy's rule admits (a rule without `from` admits every source, without
 * `ports` every port); https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
function blockedBy(ctx: PolicyContext, namespace: string, w: Workload, port: number | string, prometheusNamespaces: readonly string[]): string | undefined {
  const containerPort = (c: any) => (c.ports ?? []).find((p: any) => p?.containerPort === port || p?.name === port);
  const target = w.containers.map(({ c }) => containerPort(c)).find(Boolean);
  const policies = ctx.ofKind('NetworkPolicy', namespace).filter((np) => {
    const types: string[] = np.object.spec?.policyTypes ?? ['Ingress'];
    return types.includes('Ingress') && matches(np.object.spec?.podSelector, w.podLabels);
  });
  if (policies.length === 0) return undefined;
  const portAdmitted = (ports: any[] | undefined) => !ports || ports.length === 0
    || ports.some((p) => p?.port === undefined || p.port === target?.containerPort || (typeof p.port === 'string' && p.port === target?.name));
  const peerAdmitted = (from: any[] | undefined) => !from || from.length === 0 || from.some((peer) => peer?.namespaceSelector !== undefined
    && prometheusNamespaces.some((n) => matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': n }))
    // kube-prometheus-stack's Prometheus pods are labelled app.kubernetes.io/name: prometheus
    && (peer.podSelector === undefined || matches(peer.podSelector, { 'app.kubernetes.io/name': 'prometheus' })));
  if (policies.some((np) => (np.object.spec?.ingress ?? []).some((r: any) => peerAdmitted(r?.from) && portAdmitted(r?.ports)))) return undefined;
  return `NetworkPolicies ${policies.map((np) => np.object.metadata.name).join(', ')} admit no traffic from namespace ${prometheusNamespaces.join('/')} to port ${target?.containerPort ?? port} of ${w.object.metadata.name}`;
}

/** Where the Prometheus of the clusters `file` is synced to runs (ClusterSchema `monitoring.namespace`). */
function prometheusNamespaces(env: Environment | undefined, file: string): string[] {
  const clusters = env ? folderClusters(env, file) : undefined;
  return clusters && clusters.length > 0 ? [...new Set(clusters.map(prometheusNamespace))] : [DEFAULT_PROMETHEUS_NAMESPACE];
}

function checkScraped(ctx: PolicyContext, env: Environment | undefined): Violation[] {
  const out: Violation[] = [];
  // Recording rules of the environment produce series too (and Sloth's own `slo:` rules).
  const recorded = new Set<string>();
  for (const m of ctx.ofKind('PrometheusRule')) {
    for (const g of m.object.spec?.groups ?? []) for (const r of g?.rules ?? []) if (typeof r?.record === 'string') recorded.add(r.record);
  }
  for (const m of [...ctx.ofKind('PrometheusRule'), ...ctx.ofKind('PrometheusServiceLevel')]) {
    const namespace = ns(m.object);
    const { live, dead } = liveMonitors(ctx, namespace, prometheusNamespaces(env, m.file));
    for (const e of promqlExpressions(m)) {
      const { top } = parsePromql(e.text);
      if (!top) continue; // promql-valid reports it
      for (const metric of metricNames(top, e.text)) {
        if (STACK_EXACT.has(metric) || STACK_METRICS.some((s) => metric.startsWith(s.prefix)) || recorded.has(metric) || metric.startsWith('slo:')) continue;
        if (live.some((l) => l.metrics.some((d) => declares(d, metric)))) continue;
        const seen = live.length > 0 ? `; scraped here: ${live.map((l) => `${l.m.object.kind} ${l.m.object.metadata.name} (${l.metrics.join(', ') || 'declares no metrics'})`).join('; ')}` : '';
        const broken = dead.length > 0 ? `; not scraping: ${dead.join('; ')}` : '';
        out.push(violation(m, 'metrics-scraped', `${e.path}: nothing in namespace ${namespace} exports ${metric}: add a ServiceMonitor/PodMonitor of the Service or pods exposing it (prometheus.io/* annotations are ignored by prometheus-operator)${seen}${broken}`));
      }
    }
  }
  return out;
}
