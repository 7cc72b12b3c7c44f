/**
 * npm run test:argocd: Argo CD itself syncs this repository onto empty clusters. The management
 * cluster and every cluster of the fleet run as real control planes (../control-plane.ts, as
 * test:cluster starts them, all at once here); Argo CD's application controller, repo server and
 * ApplicationSet controller (one binary built from its Go module) and redis run as local processes
 * against the management cluster, as Argo CD's own end-to-end setup runs them (its Procfile:
 * ARGOCD_BINARY_NAME picks the component, ARGOCD_FAKE_IN_CLUSTER makes `https://kubernetes.default.svc`
 * the KUBECONFIG's cluster). Each fleet cluster is registered under its `server` URL from
 * environments/ (a cluster Secret, as `argocd cluster add` writes one) and reached through a local
 * CONNECT proxy that maps that host to its API server (network.ts); the repository is served at the
 * commit under test under its own URL the same way. Then argocd/bootstrap is applied as the README
 * tells a user to, and every Application is watched until it is Synced and Healthy or the deadline
 * passes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import selfsigned from 'selfsigned';
import { resolveComponents } from '../build';
import { builtBinary } from '../components';
import { startControlPlane, startEtcd, type Binaries, type ControlPlane } from '../control-plane';
import type { KubeClient, KubeObject } from '../kube-client';
import { planCatalogue, readFolder, type ClusterPlan, type Plan } from '../plan';
import { ComponentError, freePort, lastLogLine, sleep, startProcess, stopAll, waitFor, type StartedProcess } from '../processes';
import { prepareCluster, type PreparedCluster } from '../run';
import { commitUnderTest, startConnectProxy, startGitServer, type ConnectProxy, type Served } from './network';

export interface ArgoCdTestOptions {
  readonly root: string;
  /** ../shared: the add-ons' upstream CRDs and Argo CD's (addons/argo-cd/crds). */
  readonly sharedDir: string;
  readonly binaries: Binaries & { readonly argocd: string; readonly redis: string };
  /** How long every Application may take to become Synced and Healthy. @default 15 minutes */
  readonly deadlineMs?: number;
  /** Keep logs and data here (default: a temporary folder, removed when everything passed). */
  readonly workDir?: string;
  readonly log?: (line: string) => void;
  /** The clusters to start and register (default: the repository's fleet, planCatalogue(root)). */
  readonly plan?: Plan;
  /** The Applications to report on (default: those the repository generates, expectedApplications). */
  readonly expected?: ReadonlySet<string>;
  /** Settings of argocd-cm, as a user sets them when installing Argo CD. @default README_ARGOCD_CM, as the README says */
  readonly argocdCm?: Readonly<Record<string, string>>;
  /**
   * When the run is over, asked after every round of reports (every 5 s). @default every counted
   * Application Synced and Healthy
   */
  readonly done?: (reports: readonly AppReport[]) => boolean;
}

/** One Application as Argo CD reports it. */
export interface AppReport {
  readonly name: string;
  readonly sync: string;
  readonly health: string;
  /** Argo CD's own words: conditions, the last operation's message, unhealthy resources. */
  readonly message: string;
  /** Why it is not counted (an add-on chart this machine cannot fetch), when so. */
  readonly notTested?: string;
  /** Set when a sync window kept auto-sync off and the harness synced it by hand (manualSync: true). */
  readonly syncedByHand?: string;
}

export interface ArgoCdTestResult {
  readonly apps: AppReport[];
  readonly healthy: number;
  readonly total: number;
  readonly commit: string;
  readonly workDir: string;
}

/**
 * Application health as Argo CD documents it for app-of-apps with waves (docs/operator-manual/
 * upgrading/1.7-1.8.md, "Health assessment of argoproj.io/Application CRD has been removed"): a
 * parent waits for each wave of its Applications to be Healthy before the next.
 */
const APPLICATION_HEALTH = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;
/** The argocd-cm settings README.md's "Installing on a cluster that runs Argo CD" tells a user to make. */
export const README_ARGOCD_CM: Readonly<Record<string, string>> = { 'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH };

const ARGOCD_NAMESPACE = 'argocd';
const APPLICATION = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' } as const;

export async function runArgoCdTest(options: ArgoCdTestOptions): Promise<ArgoCdTestResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const plan = options.plan ?? planCatalogue(options.root);
  // argocd/bootstrap as a user applies it (read as Argo CD's repo server reads a folder); the
  // repository and branch Argo CD is pointed at are the bootstrap Application's own
  const bootstrap = readFolder(options.root, 'argocd/bootstrap').map((p) => p.object);
  const repo = bootstrapSource(bootstrap);
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'argocd-test-'));
  mkdirSync(workDir, { recursive: true });
  const servers: Served[] = [];
  const prepared: PreparedCluster[] = [];
  let ok = false;
  try {
    const commit = commitUnderTest(options.root, join(workDir, 'index'));
    log(`test:argocd: serving ${repo.repoURL} branch ${repo.targetRevision} at ${commit.describe}`);
    // redis first: it needs nothing, and a broken one fails the run before any cluster starts
    const redis = await startRedis(options.binaries.redis, join(workDir, 'argocd'));
    const etcd = await startEtcd(options.binaries.etcd, join(workDir, 'etcd'));
    const planes = new Map<string, ControlPlane>();
    const processes: StartedProcess[] = [redis.process, etcd.process];
    for (const cluster of [plan.management, ...plan.clusters]) {
      const cp = await startControlPlane({ name: cluster.name, binaries: options.binaries, etcdUrl: etcd.url, workDir: join(workDir, cluster.name) });
      planes.set(cluster.name, cp);
      processes.push(...cp.processes);
      prepared.push(await prepareCluster(cp.client, cluster, options.sharedDir));
      log(`test:argocd: ${cluster.name} started (${cluster.name === 'management' ? "Argo CD's own" : cluster.server})`);
    }
    const management = planes.get('management')!;

    // the network: the repository and each cluster under their own names, nothing else
    const tls = await certificateFor([new URL(repo.repoURL).hostname]);
    const git = await startGitServer({ root: options.root, workDir, repoURL: repo.repoURL, branch: repo.targetRevision, sha: commit.sha, cert: tls.cert, key: tls.key });
    servers.push(git);
    const routes = new Map<string, number>([[`${new URL(repo.repoURL).hostname}:443`, git.port]]);
    for (const cluster of plan.clusters) routes.set(`${new URL(cluster.server).hostname}:443`, Number(new URL(planes.get(cluster.name)!.server).port));
    const proxy = await startConnectProxy(routes);
    servers.push(proxy);

    // Argo CD's configuration, its clusters, then its processes
    const tlsDir = join(workDir, 'argocd', 'tls');
    mkdirSync(tlsDir, { recursive: true });
    writeFileSync(join(tlsDir, new URL(repo.repoURL).hostname), tls.cert); // argocd-tls-certs-cm, as mounted
    for (const o of argoCdConfiguration(options.argocdCm ?? README_ARGOCD_CM)) await management.client.apply(o, { fieldManager: 'argocd-install' });
    for (const cluster of plan.clusters) await management.client.apply(clusterSecret(cluster, planes.get(cluster.name)!), { fieldManager: 'argocd-cluster-add' });
    processes.push(...(await startArgoCd(options.binaries, management, workDir, tlsDir, proxy, redis.port)));

    // argocd/bootstrap, as the README tells a user to apply it (the project first)
    for (const object of [...bootstrap].sort((a, b) => Number(a.kind === 'Application') - Number(b.kind === 'Application'))) {
      await management.client.apply({ ...object, metadata: { ...object.metadata, namespace: object.metadata.namespace ?? ARGOCD_NAMESPACE } }, { fieldManager: 'kubectl' });
    }
    log(`test:argocd: applied argocd/bootstrap; waiting for every Application (deadline ${((options.deadlineMs ?? 900_000) / 60_000).toFixed(0)} min)`);

    const expected = options.expected ?? expectedApplications(plan);
    const controllerLog = join(workDir, 'argocd', 'application-controller.log');
    const addons = new Map(plan.clusters.flatMap((c) => c.addons.map((a) => [a.name, `its chart ${a.chart} ${a.version} comes from ${a.repoURL}, which this machine cannot reach; the CRDs and classes it brings are installed by the harness`] as const)));
    const deadline = Date.now() + (options.deadlineMs ?? 900_000);
    let reports: AppReport[] = [];
    let lastLine = '';
    const standInProblems = new Set<string>();
    const syncedByHand = new Map<string, string>();
    for (;;) {
      const dead = processes.find((p) => p.exited);
      if (dead) throw new ComponentError(dead.name, dead.logFile, `${dead.exited}; last log line: ${lastLogLine(dead.logFile)}`);
      for (const p of prepared) {
        // a stand-in's round may race a deletion; each new problem is logged once
        await p.tick().catch((e: Error) => {
          if (!standInProblems.has(e.message)) log(`test:argocd: stand-in: ${e.message}`);
          standInProblems.add(e.message);
        });
      }
      const live = await management.client.list(APPLICATION.apiVersion, APPLICATION.kind, ARGOCD_NAMESPACE);
      const said = controllerMessages(controllerLog);
      for (const app of live) {
        const name = app.metadata.name!;
        if (syncedByHand.has(name) || !said.get(name)?.startsWith('Sync prevented by sync window')) continue;
        const why = await syncInWindow(management.client, app);
        if (why) {
          syncedByHand.set(name, why);
          log(`test:argocd: ${name}: ${why}`);
        }
      }
      reports = [...expected].sort().map((name) => {
        const app = live.find((a) => a.metadata.name === name);
        return { ...report(name, app, said), notTested: addons.get(name), syncedByHand: syncedByHand.get(name) };
      });
      for (const app of live) if (!expected.has(app.metadata.name!)) reports.push(report(app.metadata.name!, app, said, 'not generated by the repository as read by apps/argocd'));
      const counted = reports.filter((r) => !r.notTested);
      const healthy = counted.filter(isDone).length;
      const line = `test:argocd: ${healthy} of ${counted.length} Applications Synced and Healthy (${live.length} exist)`;
      if (line !== lastLine) log(line);
      lastLine = line;
      const over = options.done ? options.done(reports) : healthy === counted.length;
      if (over || Date.now() > deadline) {
        ok = over;
        return { apps: reports, healthy, total: counted.length, commit: commit.describe, workDir };
      }
      await sleep(5000);
    }
  } finally {
    for (const p of prepared) await p.close().catch(() => undefined);
    for (const s of servers) await s.close().catch(() => undefined);
    await stopAll();
    if (ok && !options.workDir) rmSync(workDir, { recursive: true, force: true });
  }
}

const isDone = (r: AppReport) => r.sync === 'Synced' && r.health === 'Healthy';

/**
 * A fresh cluster inside a deny window (production's weekend freeze) does not auto-sync; an operator
 * brings it up with `argocd app sync`, which the window permits when it says `manualSync: true`.
 * This requests that sync as the API server does (server/application/application.go Sync at
 * v3.3.10: the operation with the Application's sync options and retry, initiated by a user); the
 * controller checks the window again for a manual operation (controller/sync.go
 * syncWindowPreventsSync). Only when every deny window of the project permits manual syncs and it
 * has no allow window; else the Application stays as Argo CD leaves it. Returns what was done.
 */
async function syncInWindow(client: KubeClient, app: KubeObject): Promise<string | undefined> {
  const revision = app.status?.sync?.revision;
  const project = await client.get('argoproj.io/v1alpha1', 'AppProject', ARGOCD_NAMESPACE, app.spec?.project);
  const windows: any[] = project?.spec?.syncWindows ?? [];
  if (!revision || app.operation || !windows.length || windows.some((w) => w.kind !== 'deny' || w.manualSync !== true)) return undefined;
  const operation = {
    sync: { revision, syncOptions: app.spec?.syncPolicy?.syncOptions ?? [] },
    initiatedBy: { username: 'test:argocd' },
    ...(app.spec?.syncPolicy?.retry ? { retry: app.spec.syncPolicy.retry } : {}),
  };
  const path = await client.pathOf(APPLICATION.apiVersion, APPLICATION.kind, ARGOCD_NAMESPACE, app.metadata.name);
  await client.request('PATCH', path, JSON.stringify({ operation }), 'application/merge-patch+json');
  const open = windows.map((w) => `${w.schedule} for ${w.duration}${w.timeZone ? ` ${w.timeZone}` : ''}`).join(', ');
  return `a deny sync window (${open}) keeps auto-sync off; synced by hand as \`argocd app sync\` would (manualSync: true)`;
}

/** The Applications the repository generates (the bootstrap, its ApplicationSets' and the add-ons'). */
function expectedApplications(plan: { management: ClusterPlan; clusters: ClusterPlan[] }): Set<string> {
  return new Set(['argocd-bootstrap', ...plan.management.apps.map((a) => a.name), ...plan.clusters.flatMap((c) => [...c.apps.map((a) => a.name), ...c.addons.map((a) => a.name)])]);
}

/**
 * An Application's sync status, health and Argo CD's own message about it: its conditions, its last
 * operation, its resources' health and sync; and where Argo CD says why it does not sync only in its
 * log (a sync window, a failed revision it will not retry: controller/appcontroller.go autoSync and
 * processAppRefreshQueueItem at v3.3.10), the controller's last such line about it.
 */
function report(name: string, app: KubeObject | undefined, controllerSaid: ReadonlyMap<string, string>, note?: string): AppReport {
  if (!app) return { name, sync: '-', health: '-', message: 'no such Application (not generated yet)' };
  const status = app.status ?? {};
  const words: string[] = [];
  if (note) words.push(note);
  for (const c of status.conditions ?? []) words.push(`${c.type}: ${c.message}`);
  const op = status.operationState;
  if (op && op.phase !== 'Succeeded') {
    words.push(`operation ${op.phase}: ${op.message ?? ''}`.trim());
    // what the last sync said of each object it could not sync or whose hook failed
    for (const r of op.syncResult?.resources ?? []) {
      if (r.status === 'SyncFailed' || ['Failed', 'Error'].includes(r.hookPhase)) words.push(`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.message}`);
    }
  }
  for (const r of status.resources ?? []) {
    if (r.health && r.health.status !== 'Healthy') words.push(`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.health.status}${r.health.message ? ` (${r.health.message})` : ''}`);
    if (r.status && r.status !== 'Synced') words.push(`${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.status}`);
  }
  const sync = status.sync?.status ?? 'Unknown';
  const health = status.health?.status ?? 'Unknown';
  if (!(sync === 'Synced' && health === 'Healthy')) {
    const said = controllerSaid.get(name);
    if (said) words.push(`application controller: ${said}`);
  }
  return { name, sync, health, message: words.join('; ').replace(/\s+/g, ' ').slice(0, 1200) };
}

/**
 * Why the application controller last declined to sync each Application, from its log (JSON lines):
 * the last "Sync prevented by sync window" or "Skipping auto-sync: failed previous sync attempt ..."
 * line about it (the other "Skipping auto-sync" lines say only that a sync runs or is done).
 */
function controllerMessages(logFile: string): Map<string, string> {
  const said = new Map<string, string>();
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return said; // not started yet
  }
  for (const line of text.split('\n')) {
    if (!line.includes('"msg":"Sync prevented') && !line.includes('"msg":"Skipping auto-sync: failed previous sync attempt')) continue;
    try {
      const entry = JSON.parse(line) as { application?: string; msg?: string };
      if (entry.application && entry.msg) said.set(entry.application, entry.msg);
    } catch {
      // a line cut by the writer
    }
  }
  return said;
}

/** The repository and branch the bootstrap Application syncs `argocd/` from. */
function bootstrapSource(objects: readonly KubeObject[]): { repoURL: string; targetRevision: string } {
  const source = objects.find((o) => o.kind === 'Application')?.spec?.source;
  if (!String(source?.repoURL ?? '').startsWith('https://')) throw new Error(`argocd/bootstrap: its Application's repoURL must be an https:// URL to be served here (got ${source?.repoURL})`);
  return { repoURL: source.repoURL, targetRevision: source.targetRevision ?? 'HEAD' };
}

/** A certificate (self-signed, its own CA) for the given host names. */
async function certificateFor(hosts: string[]): Promise<{ cert: string; key: string }> {
  const names = [...new Set(hosts)];
  const pems = await selfsigned.generate([{ name: 'commonName', value: names[0] }], {
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    keySize: 2048,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'subjectAltName', altNames: names.map((value) => ({ type: 2, value })) },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** What Argo CD's install manifests put in its namespace before its processes start (manifests/base/config). */
function argoCdConfiguration(argocdCm: Readonly<Record<string, string>> = {}): KubeObject[] {
  const labels = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'argocd' });
  const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ARGOCD_NAMESPACE, labels: labels(name) }, data } as KubeObject);
  return [
    cm('argocd-cm', { ...argocdCm }),
    cm('argocd-cmd-params-cm'),
    cm('argocd-rbac-cm'),
    cm('argocd-ssh-known-hosts-cm'),
    cm('argocd-tls-certs-cm'),
    cm('argocd-gpg-keys-cm'),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'argocd-secret', namespace: ARGOCD_NAMESPACE, labels: labels('argocd-secret') }, type: 'Opaque', stringData: { 'server.secretkey': randomBytes(32).toString('base64') } } as KubeObject,
  ];
}

/**
 * A fleet cluster registered as `argocd cluster add` registers it: its name and `server` URL from
 * environments/, a bearer token, and the API server's certificate to trust. The certificate is the
 * local API server's (self-signed, issued for kubernetes, kubernetes.default, ... and 127.0.0.1), so `serverName` names one of those; the connection itself goes
 * to the `server` URL's host through the proxy.
 */
function clusterSecret(cluster: ClusterPlan, cp: ControlPlane): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `cluster-${cluster.name}`, namespace: ARGOCD_NAMESPACE, labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
    type: 'Opaque',
    stringData: {
      name: cluster.name,
      server: cluster.server,
      config: JSON.stringify({ bearerToken: cp.token, tlsClientConfig: { caData: Buffer.from(cp.caPem).toString('base64'), serverName: 'kubernetes' } }),
    },
  } as KubeObject;
}

/** redis, the repo server, the application controller and the ApplicationSet controller (Argo CD's Procfile). */
/** redis-server on a free loopback port, without persistence, as Argo CD's cache. */
async function startRedis(binary: string, dir: string): Promise<{ process: StartedProcess; port: number }> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const redis = startProcess('redis', binary, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], join(dir, 'redis.log'));
  await waitFor(redis, async () => lastLogLine(join(dir, 'redis.log')).includes('Ready to accept connections'), 30_000, 'ready');
  return { process: redis, port };
}

/** The repo server, the application controller and the ApplicationSet controller (Argo CD's Procfile). */
async function startArgoCd(binaries: ArgoCdTestOptions['binaries'], management: ControlPlane, workDir: string, tlsDir: string, proxy: ConnectProxy, redisPort: number): Promise<StartedProcess[]> {
  const dir = join(workDir, 'argocd');
  for (const d of ['ssh', 'gpg/keys', 'gpg/source', 'plugin']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
  // the management cluster as the processes' in-cluster config, in Argo CD's namespace
  const kubeconfig = JSON.parse(readFileSync(management.kubeconfig, 'utf8'));
  kubeconfig.contexts[0].context.namespace = ARGOCD_NAMESPACE;
  const argocdKubeconfig = join(dir, 'kubeconfig');
  writeFileSync(argocdKubeconfig, JSON.stringify(kubeconfig));

  const [repoPort, repoMetrics, controllerMetrics, appsetMetrics, appsetProbe, appsetWebhook] = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const env = (binaryName: string): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: dir,
    ARGOCD_BINARY_NAME: binaryName,
    ARGOCD_FAKE_IN_CLUSTER: 'true',
    KUBECONFIG: argocdKubeconfig,
    ARGOCD_TLS_DATA_PATH: tlsDir,
    ARGOCD_SSH_DATA_PATH: join(dir, 'ssh'),
    ARGOCD_GNUPGHOME: join(dir, 'gpg/keys'),
    ARGOCD_GPG_DATA_PATH: join(dir, 'gpg/source'),
    ARGOCD_GPG_ENABLED: 'false',
    ARGOCD_PLUGINSOCKFILEPATH: join(dir, 'plugin'),
    // the network (network.ts): loopback is never proxied (Go's httpproxy), everything else is
    HTTPS_PROXY: proxy.url,
    HTTP_PROXY: proxy.url,
    NO_PROXY: '127.0.0.1,localhost',
  });
  const repoServer = startProcess('argocd-repo-server', binaries.argocd, [
    '--loglevel', 'info', '--address', '127.0.0.1', '--port', String(repoPort), '--metrics-address', '127.0.0.1', '--metrics-port', String(repoMetrics), '--redis', `127.0.0.1:${redisPort}`,
  ], join(dir, 'repo-server.log'), env('argocd-repo-server'));
  await waitFor(repoServer, async () => (await fetch(`http://127.0.0.1:${repoMetrics}/metrics`, { signal: AbortSignal.timeout(2000) })).ok, 60_000, 'serving');
  const controller = startProcess('argocd-application-controller', binaries.argocd, [
    '--loglevel', 'info', '--redis', `127.0.0.1:${redisPort}`, '--repo-server', `127.0.0.1:${repoPort}`, '--metrics-port', String(controllerMetrics),
    // each resource's health in the Application's status, as before 3.0 (the default keeps it in
    // redis only): what report() prints of an unhealthy object; sync and health are computed alike
    '--persist-resource-health',
  ], join(dir, 'application-controller.log'), env('argocd-application-controller'));
  const appset = startProcess('argocd-applicationset-controller', binaries.argocd, [
    '--loglevel', 'info', '--argocd-repo-server', `127.0.0.1:${repoPort}`, '--metrics-addr', `127.0.0.1:${appsetMetrics}`, '--probe-addr', `127.0.0.1:${appsetProbe}`, '--webhook-addr', `127.0.0.1:${appsetWebhook}`,
  ], join(dir, 'applicationset-controller.log'), env('argocd-applicationset-controller'));
  await waitFor(controller, async () => (await fetch(`http://127.0.0.1:${controllerMetrics}/metrics`, { signal: AbortSignal.timeout(2000) })).ok, 60_000, 'serving');
  // no health checks are registered on its probe address (cmd/argocd-applicationset-controller): its metrics server answers once the manager runs
  await waitFor(appset, async () => (await fetch(`http://127.0.0.1:${appsetMetrics}/metrics`, { signal: AbortSignal.timeout(2000) })).ok, 60_000, 'serving');
  return [repoServer, controller, appset];
}

/** The built components test:argocd runs and redis, or an error saying what to build or install. */
export function argoCdBinaries(root: string): ArgoCdTestOptions['binaries'] {
  const components = resolveComponents(root, ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'argocd']);
  return { ...Object.fromEntries(components.map((c) => [c.name, builtBinary(c)])), redis: redisServer() } as unknown as ArgoCdTestOptions['binaries'];
}

/**
 * For the tests of the real Argo CD: the shared folder and the binaries, or why they cannot run here
 * (not built, no redis-server, no ../shared/addons); the caller skips and says so.
 */
export function argoCdTestInputs(root: string): { sharedDir: string; binaries?: ArgoCdTestOptions['binaries']; missing?: string } {
  const sharedDir = resolve(process.env.GITOPS_SHARED_DIR ?? join(root, '../shared'));
  let binaries: ArgoCdTestOptions['binaries'];
  try {
    binaries = argoCdBinaries(root);
  } catch (e) {
    return { sharedDir, missing: (e as Error).message };
  }
  return existsSync(join(sharedDir, 'addons')) ? { sharedDir, binaries } : { sharedDir, missing: `${sharedDir}/addons is absent` };
}

/** redis-server from Debian's package (or PATH), or an error saying how to install it. */
export function redisServer(): string {
  for (const candidate of [process.env.REDIS_SERVER, '/usr/bin/redis-server', ...(process.env.PATH ?? '').split(':').map((d) => join(d, 'redis-server'))]) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  throw new Error('redis-server is not installed: apt-get install redis-server (Debian), or set REDIS_SERVER');
}
