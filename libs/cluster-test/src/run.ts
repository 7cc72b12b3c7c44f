/**
 * npm run test:cluster: every cluster of the fleet as a real control plane (src/control-plane.ts),
 * the CRDs and classes its add-ons bring (src/stand-ins/addons.ts), then each of its folders applied
 * as Argo CD would sync it: namespaces first, then each Application's objects with server-side apply,
 * first as a server-side dry run, then for real, phase by phase and wave by wave, each wave waited
 * for until ready (src/health.ts) before the next, as Argo CD waits for a wave's health.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError, type KubeClient, type KubeObject } from './kube-client';
import { startControlPlane, startEtcd, type Binaries, type ControlPlane } from './control-plane';
import { createNodes } from './nodes';
import { planCatalogue, readFolder, syncOrder, type ClusterPlan, type PlannedApp, type PlannedObject } from './plan';
import { readiness } from './health';
import { ComponentError, lastLogLine, sleep, stopAll } from './processes';
import { addonClasses, addonCrds } from './stand-ins/addons';
import { assignLoadBalancers, provisionVolumes, publishIstioRootCert, reconcileExternalSecrets } from './stand-ins/controllers';
import { istioOptionsFromApplication, mutatingWebhookConfiguration, startIstioInjectionWebhook, type IstioInjectionWebhook } from './stand-ins/istio-injection';
import selfsigned from 'selfsigned';

export interface ClusterTestOptions {
  readonly root: string;
  /** ../shared: the add-ons' upstream CRDs (addons/<add-on>/crds). */
  readonly sharedDir: string;
  readonly binaries: Binaries;
  /** Only these clusters (default: every cluster, and the management cluster). */
  readonly clusters?: readonly string[];
  /** How long one wave may take to become ready. @default 90 s */
  readonly waveTimeoutMs?: number;
  /**
   * A checkout of the base revision (what the clusters run today): each cluster first receives the
   * base's folders, then this tree's, as a merged pull request reaches a live cluster (so an
   * immutable field that the change rewrites is refused). @default none: empty clusters
   */
  readonly baseRoot?: string;
  /** Keep the logs and data here (default: a temporary folder, removed when everything passed). */
  readonly workDir?: string;
  readonly log?: (line: string) => void;
  /** Called as each failure is found (the CLI prints it at once). */
  readonly onFailure?: (failure: Failure) => void;
}

/** One object the cluster refused or never made ready. */
export interface Failure {
  readonly cluster: string;
  readonly app: string;
  readonly object: string;
  readonly file: string;
  readonly message: string;
}

export interface ClusterTestResult {
  readonly failures: Failure[];
  readonly folders: { readonly ready: number; readonly total: number };
  readonly clusters: number;
  readonly workDir: string;
}

const describe = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export async function runClusterTest(options: ClusterTestOptions): Promise<ClusterTestResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const plan = planCatalogue(options.root);
  const basePlan = options.baseRoot ? planCatalogue(options.baseRoot) : undefined;
  const wanted = (name: string) => !options.clusters?.length || options.clusters.includes(name);
  const clusters = [plan.management, ...plan.clusters].filter((c) => wanted(c.name));
  if (options.clusters?.length) {
    const unknown = options.clusters.filter((n) => ![plan.management, ...plan.clusters].some((c) => c.name === n));
    if (unknown.length) throw new Error(`unknown cluster ${unknown.join(', ')} (known: ${[plan.management, ...plan.clusters].map((c) => c.name).join(', ')})`);
  }
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'cluster-test-'));
  mkdirSync(workDir, { recursive: true });
  const failures: Failure[] = [];
  let ready = 0;
  let total = 0;
  try {
    const etcd = await startEtcd(options.binaries.etcd, join(workDir, 'etcd'));
    for (const cluster of clusters) {
      const started = Date.now();
      const cp = await startControlPlane({ name: cluster.name, binaries: options.binaries, etcdUrl: etcd.url, workDir: join(workDir, cluster.name) });
      try {
        const base = basePlan && [basePlan.management, ...basePlan.clusters].find((c) => c.name === cluster.name);
        const result = await testCluster(cp, cluster, options, log, base);
        failures.push(...result.failures);
        ready += result.ready;
        total += result.total;
        log(`cluster-test: ${cluster.name} (Kubernetes ${(await cp.client.request('GET', '/version')).gitVersion}): ${result.ready} of ${result.total} folders applied and ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      } catch (e) {
        // a component that died mid-run is the cause, not the request that found it gone
        const dead = [etcd.process, ...cp.processes].find((p) => p.exited);
        throw dead ? new ComponentError(dead.name, dead.logFile, `${dead.exited} while ${cluster.name} was being tested; last log line: ${lastLogLine(dead.logFile)}`) : e;
      } finally {
        await stopProcesses(cp);
      }
    }
  } finally {
    await stopAll();
  }
  if (!failures.length && !options.workDir) rmSync(workDir, { recursive: true, force: true });
  return { failures, folders: { ready, total }, clusters: clusters.length, workDir };
}

async function stopProcesses(cp: ControlPlane): Promise<void> {
  for (const p of cp.processes) if (p.child.pid && !p.exited) try { process.kill(-p.child.pid, 'SIGTERM'); } catch { /* gone */ }
  const deadline = Date.now() + 5000;
  while (cp.processes.some((p) => !p.exited) && Date.now() < deadline) await sleep(50);
  for (const p of cp.processes) if (p.child.pid && !p.exited) try { process.kill(-p.child.pid, 'SIGKILL'); } catch { /* gone */ }
}

async function testCluster(cp: ControlPlane, cluster: ClusterPlan, options: ClusterTestOptions, log: (line: string) => void, base?: ClusterPlan) {
  const client = cp.client;
  const failures: Failure[] = [];
  const fail = (app: string, p: PlannedObject | undefined, message: string) => {
    const failure = { cluster: cluster.name, app, object: p ? describe(p.object) : '-', file: p?.file ?? '-', message };
    failures.push(failure);
    options.onFailure?.(failure);
  };

  const prepared = await prepareCluster(client, cluster, options.sharedDir);

  const appsOf = (plan: ClusterPlan, root: string): PlannedApp[] => plan.name === 'management'
    ? [{ name: 'argocd-bootstrap', path: 'argocd', objects: ['argocd/bootstrap', 'argocd/projects', 'argocd/applicationsets'].flatMap((p) => readFolder(root, p)) }, ...plan.apps]
    : [...plan.apps].sort((a, b) => Number(!/-shared$|cluster-secret-store$/.test(a.path)) - Number(!/-shared$|cluster-secret-store$/.test(b.path)) || a.path.localeCompare(b.path));
  const baseApps = base ? appsOf(base, options.baseRoot!) : [];
  const apps = appsOf(cluster, options.root);

  // namespaces first (Argo CD's own and the add-ons' are made by prepareCluster), then the
  // systems' (rendered in their *-shared folders)
  const applyNamespaces = async (list: readonly PlannedApp[], label: string) => {
    for (const app of list) {
      for (const p of app.objects.filter((o) => o.object.kind === 'Namespace')) {
        await client.apply(p.object).catch((e: Error) => fail(`${app.name}${label}`, p, e.message));
      }
    }
  };
  const tick = prepared.tick;
  let ready = 0;
  try {
    // the base revision first, as the live cluster has it (its failures are named "(base)")
    await applyNamespaces(baseApps, ' (base)');
    for (const app of baseApps) {
      if (!(await syncApp(client, app, (p, m) => fail(`${app.name} (base)`, p, m), tick, options.waveTimeoutMs ?? 90_000))) log(`cluster-test: ${cluster.name}: ${app.path} (base): not ready`);
    }
    await applyNamespaces(apps, '');
    for (const app of apps) {
      if (await syncApp(client, app, (p, m) => fail(app.name, p, m), tick, options.waveTimeoutMs ?? 90_000)) ready++;
      else log(`cluster-test: ${cluster.name}: ${app.path}: not ready`);
    }
  } finally {
    await prepared.close();
  }
  return { failures, ready, total: apps.length };
}

/** A cluster with what its add-ons would bring, and the stand-ins that act for their controllers. */
export interface PreparedCluster {
  /** One round of the stand-in controllers (External Secrets, EBS, istiod, load balancers). */
  readonly tick: () => Promise<void>;
  /** Stops what prepareCluster started (the injection webhook). */
  readonly close: () => Promise<void>;
}

/**
 * Makes an empty cluster what its add-ons would make it before any system arrives: their CRDs
 * (Argo CD's on the management cluster), classes and namespaces (each add-on Application has
 * CreateNamespace=true), the nodes, and istiod's sidecar injection (stand-ins/istio-injection.ts).
 */
export async function prepareCluster(client: KubeClient, cluster: ClusterPlan, sharedDir: string): Promise<PreparedCluster> {
  // what the add-ons' charts bring (or, on the management cluster, Argo CD's own CRDs)
  const crds: KubeObject[] = cluster === undefined ? [] : cluster.name === 'management'
    ? addonCrds(sharedDir, { name: 'argo-cd', chart: 'argo-cd', repoURL: '', version: '', values: {}, file: '', application: { apiVersion: '', kind: '', metadata: {} } })
    : cluster.addons.flatMap((a) => addonCrds(sharedDir, a));
  for (const crd of crds) await client.apply(crd, { fieldManager: 'helm' });
  await waitEstablished(client, crds);
  for (const o of cluster.addons.flatMap(addonClasses)) await client.apply(o, { fieldManager: 'helm' });
  const region = cluster.name === 'management' ? 'us-east-1' : regionOf(cluster);
  await createNodes(client, region, (await client.request('GET', '/version')).gitVersion);

  if (cluster.name === 'management') await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
  for (const addon of cluster.addons) {
    const ns = addon.application.spec?.destination?.namespace;
    if (ns) await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'argocd-controller' });
  }
  // istiod's sidecar injection, as the pinned chart's template injects (stand-ins/istio-injection.ts)
  const istiod = cluster.addons.find((a) => a.chart === 'istiod');
  const webhook = istiod ? await startInjection(client, istiod.application) : undefined;
  const charts = cluster.addons.map((a) => a.chart);
  return {
    tick: async () => {
      await reconcileExternalSecrets(client);
      await provisionVolumes(client);
      await assignLoadBalancers(client, charts, region);
      if (webhook) await publishIstioRootCert(client);
    },
    close: async () => {
      await webhook?.close();
    },
  };
}

async function startInjection(client: KubeClient, istiod: KubeObject): Promise<IstioInjectionWebhook> {
  const pems = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const webhook = await startIstioInjectionWebhook({ ...istioOptionsFromApplication(istiod), cert: pems.cert, key: pems.private });
  await client.apply(mutatingWebhookConfiguration(webhook.url, pems.cert) as unknown as KubeObject, { fieldManager: 'helm' });
  return webhook;
}

function regionOf(cluster: ClusterPlan): string {
  return /\.([a-z]{2}-[a-z]+-\d)\.eks\.amazonaws\.com/.exec(cluster.server)?.[1] ?? 'us-east-1';
}

async function waitEstablished(client: KubeClient, crds: readonly KubeObject[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const crd of crds) {
    for (;;) {
      const live = await client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, crd.metadata.name!);
      if ((live?.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition ${crd.metadata.name} not Established after 60 s`);
      await sleep(100);
    }
  }
  await client.discover();
}

/** One Application's sync: dry run of everything, then each phase and wave, waiting for readiness. */
async function syncApp(client: KubeClient, app: PlannedApp, fail: (p: PlannedObject | undefined, message: string) => void, tick: () => Promise<void>, waveTimeoutMs: number): Promise<boolean> {
  const groups = syncOrder(app.objects.filter((p) => p.object.kind !== 'Namespace'));
  let ok = true;
  for (const group of groups) {
    for (const p of group.objects) {
      try {
        await client.apply(p.object, { dryRun: true });
      } catch (e) {
        ok = false;
        fail(p, `dry run: ${(e as Error).message}`);
      }
    }
  }
  if (!ok) return false; // Argo CD stops a sync whose dry run fails
  for (const group of groups) {
    for (const p of group.objects) {
      try {
        await client.apply(p.object);
      } catch (e) {
        ok = false;
        fail(p, (e as Error).message);
      }
    }
    if (!ok) return false;
    // the wave is done when every object in it is ready (Argo CD waits for a wave's health)
    const deadline = Date.now() + waveTimeoutMs;
    let pending = group.objects;
    for (;;) {
      await tick();
      const states = await Promise.all(pending.map(async (p) => ({ p, r: await readiness(client, p.object).catch((e: Error) => ({ ready: false, reason: e instanceof ApiError ? e.message : String(e) })) })));
      pending = states.filter((s) => !s.r.ready).map((s) => s.p);
      if (!pending.length) break;
      if (Date.now() > deadline) {
        for (const s of states.filter((s) => !s.r.ready)) fail(s.p, `not ready after ${waveTimeoutMs / 1000} s: ${s.r.reason}`);
        return false;
      }
      await sleep(500);
    }
  }
  return true;
}
