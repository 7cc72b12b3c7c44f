/**
 * Issue 13 item 3: which share of EXTERNAL requests reaches the learning-orchestrator canary,
 * computed from the rendered objects of dist/<env>/quizmentor as the programs on the path decide it:
 * - ingress-nginx picks the Ingress path (one server per host, the longest Prefix wins) and by
 *   default balances over the Service's pod endpoints itself, so the split follows pod counts;
 *   with `service-upstream: "true"` it sends to the Service's cluster IP with the Host of
 *   `upstream-vhost` (ingress-nginx docs, annotations "Service Upstream", "Custom NGINX upstream vhost");
 * - there the controller's Istio sidecar applies the VirtualService of that Host: the first http
 *   route whose match fits the request, its destinations' weights, each a DestinationRule subset
 *   (Istio docs, VirtualService "HTTPRoute", DestinationRule "Subset").
 * The ingress-nginx controller runs with the sidecar (the cluster-addons ingress-nginx values,
 * rendered by the add-ons project); that is this model's `controllerInMesh`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadValues, systemValuesFile } from '@gitops/platform';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import quizmentorShared from './index';

const HOST_PATH = '/api/learning/quizzes/42';

function rendered(env: string): any[] {
  const root = join(WORKSPACE_ROOT, 'dist', env, 'quizmentor');
  return readdirSync(root).flatMap((service) =>
    readdirSync(join(root, service)).filter((f) => f.endsWith('.yaml')).map((f) => parse(readFileSync(join(root, service, f), 'utf8'))));
}

const labelsMatch = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Pods each Deployment runs at its minimum: the HPA's minReplicas, else spec.replicas (default 1). */
function pods(objects: any[], deployment: any): number {
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.kind === 'Deployment' && o.spec.scaleTargetRef.name === deployment.metadata.name);
  return hpa ? (hpa.spec.minReplicas ?? 1) : (deployment.spec.replicas ?? 1);
}

/** Share of requests to `host` + `path` (with `headers`) each Deployment receives. */
function externalShare(objects: any[], host: string, path: string, headers: Record<string, string>, controllerInMesh: boolean): Record<string, number> {
  const routes = objects
    .filter((o) => o.kind === 'Ingress' && o.spec.ingressClassName === 'nginx')
    .flatMap((ing) => ing.spec.rules.filter((r: any) => r.host === host).flatMap((r: any) => r.http.paths.map((p: any) => ({ ing, p }))))
    .filter(({ p }) => path === p.path || path.startsWith(`${p.path.replace(/\/$/, '')}/`))
    .sort((a, b) => b.p.path.length - a.p.path.length);
  if (routes.length === 0) throw new Error(`no Ingress path of ${host} takes ${path}`);
  const { ing, p } = routes[0];
  const serviceName = p.backend.service.name;
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === serviceName);
  const namespace = service.metadata.namespace;
  const deployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === namespace && labelsMatch(service.spec.selector, o.spec.template.metadata.labels));
  const byPods = (ds: any[], share: number, out: Record<string, number>) => {
    const total = ds.reduce((n, d) => n + pods(objects, d), 0);
    for (const d of ds) out[d.metadata.name] = (out[d.metadata.name] ?? 0) + (share * pods(objects, d)) / total;
  };
  const a = ing.metadata.annotations ?? {};
  const vhost = a['nginx.ingress.kubernetes.io/upstream-vhost'];
  const vs = objects.find((o) => o.kind === 'VirtualService' && o.metadata.namespace === namespace && o.spec.hosts.includes(serviceName));
  const meshRouted = controllerInMesh && a['nginx.ingress.kubernetes.io/service-upstream'] === 'true' && vs
    && [serviceName, `${serviceName}.${namespace}`, `${serviceName}.${namespace}.svc.cluster.local`].includes(vhost);
  const out: Record<string, number> = {};
  if (!meshRouted) {
    byPods(deployments, 1, out); // NGINX balances over the endpoints: one share per pod
    return out;
  }
  const dr = objects.find((o) => o.kind === 'DestinationRule' && o.spec.host === serviceName);
  const route = vs.spec.http.find((h: any) => (h.match ?? [{}]).some((m: any) =>
    Object.entries(m.headers ?? {}).every(([k, v]: [string, any]) => headers[k] === v.exact)));
  const total = route.route.reduce((n: number, d: any) => n + (d.weight ?? 100), 0);
  for (const d of route.route) {
    const subset = dr.spec.subsets.find((s: any) => s.name === d.destination.subset);
    byPods(deployments.filter((dep) => labelsMatch(subset.labels, dep.spec.template.metadata.labels)), (d.weight ?? 100) / total, out);
  }
  return out;
}

describe.each(['staging', 'production'] as const)('external traffic to the learning-orchestrator canary in %s (issue 13 item 3)', (env) => {
  const values = loadValues(systemValuesFile(WORKSPACE_ROOT, env, quizmentorShared.system.name), quizmentorShared.system.values, WORKSPACE_ROOT) as any;
  const canary = values.services['learning-orchestrator'].canary;
  const objects = rendered(env);
  const host = values.ingress.host;

  it('takes the values file\'s weight, whatever the pod counts', () => {
    expect(canary, `${env} runs a canary`).toBeDefined();
    const share = externalShare(objects, host, HOST_PATH, {}, true);
    expect(share['learning-orchestrator-v2']).toBeCloseTo(canary.weight / 100, 10);
    expect(share['learning-orchestrator']).toBeCloseTo(1 - canary.weight / 100, 10);
  });

  it('takes every request that carries the canary header', () => {
    const share = externalShare(objects, host, HOST_PATH, { canary: 'true' }, true);
    expect(share).toEqual({ 'learning-orchestrator-v2': 1 });
  });

  it('would follow the pod counts where NGINX balanced over the endpoints itself (the document\'s Ingress)', () => {
    const bypass = objects.map((o) => (o.kind === 'Ingress' ? { ...o, metadata: { ...o.metadata, annotations: {} } } : o));
    const share = externalShare(bypass, host, HOST_PATH, {}, true);
    const stable = values.services['learning-orchestrator'].autoscaling?.minReplicas ?? values.services['learning-orchestrator'].replicas;
    expect(share['learning-orchestrator-v2']).toBeCloseTo(canary.replicas / (canary.replicas + stable), 10);
    expect(share['learning-orchestrator-v2']).not.toBeCloseTo(canary.weight / 100, 2);
  });
});
