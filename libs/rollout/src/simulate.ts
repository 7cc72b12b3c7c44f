/**
 * Offline fresh-cluster rollout: `kubectl apply -f argocd/bootstrap/` on an empty management
 * cluster, then Argo CD's controllers in rounds (ROUND_SECONDS of simulated time each) until every
 * Application is Synced and Healthy or nothing changes any more.
 *
 * Argo CD's behaviour is taken from its source (paths in the argo-cd repository):
 * - controller/appcontroller.go: auto-sync, and retry of a failed operation while
 *   `RetryCount < retry.limit || retry.limit < 0`; a revision whose sync failed past the limit is
 *   not auto-synced again (docs/user-guide/auto_sync.md).
 * - pkg/apis/application/v1alpha1/types.go RetryStrategy.NextRetryAt: backoff duration * factor^n, capped at maxDuration.
 * - gitops-engine/pkg/sync/sync_context.go Sync(): CreateNamespace first, one client dry run of
 *   every task (an unknown kind fails the sync unless SkipDryRunOnMissingResource or its CRD is in
 *   the same sync), then one phase and wave per step; hooks and, when the sync has more than one
 *   step, every resource of a wave must be Healthy before the next wave; a Degraded resource or a
 *   failed hook fails the sync; hook deletion policies.
 * - pkg/apis/application/v1alpha1/app_project_types.go: IsGroupKindNamePermitted, IsDestinationPermitted.
 */
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { parseYaml, SYNC_OPTION } from '@gitops/platform';
import { ADDONS, type AddonDefinition } from '@gitops/cluster-addons-addons';
import { applicationsOf, type KnownCluster } from './appset';
import { ROUND_SECONDS, SimCluster, objectKey, type HealthStatus, type Live } from './cluster';
import {
  PHASES, describe, globMatch, groupOf, hasSyncOption, hookDeletePolicies, hookTypes, kindRank, versionOf, waveOf,
  type K8sObject, type Phase,
} from './model';

export const MANAGEMENT_SERVER = 'https://kubernetes.default.svc';

export interface RolloutOptions {
  /** Repository root holding argocd/ and dist/ (and environments/ for cluster names). */
  readonly root: string;
  /** The Application applied by hand. @default argocd/bootstrap/application.yaml (and the rest of argocd/bootstrap/) */
  readonly bootstrapDir?: string;
  /** Simulated time after which the run stops. @default 7200 (two hours) */
  readonly maxSeconds?: number;
  /** Rounds without any change after which the run stops early. @default 60 (five minutes, over the 3m backoff cap) */
  readonly quietRounds?: number;
  /** Wall-clock moment the bootstrap is applied, for the projects' sync windows. @default now */
  readonly start?: Date;
}

export interface AppOutcome {
  readonly cluster: string;
  readonly application: string;
  readonly converged: boolean;
  /** Rounds from the bootstrap until the Application was Synced and Healthy. */
  readonly rounds?: number;
  /** What it is stuck on (`Kind namespace/name`), and why. */
  readonly object?: string;
  readonly reason?: string;
}

export interface RolloutResult {
  readonly outcomes: readonly AppOutcome[];
  readonly rounds: number;
  /** Problems with the inputs themselves (unreadable files, unsupported generators). */
  readonly errors: readonly string[];
}

interface Task {
  obj: K8sObject;
  key: string;
  phase: Phase;
  wave: number;
  hook: boolean;
  state: 'pending' | 'running' | 'succeeded' | 'failed';
  message: string;
}

interface Operation {
  tasks: Task[];
  dryRunDone: boolean;
  multiStep: boolean;
}

interface AppRun {
  name: string;
  obj: K8sObject;
  sig: string;
  retryCount: number;
  nextAttemptAt: number;
  gaveUp: boolean;
  op?: Operation;
  lastFailure?: { object: string; message: string };
  blocked?: { object: string; message: string };
  convergedRound?: number;
  health?: HealthStatus;
  /** The manifests with namespaces filled in, once read. */
  targets?: K8sObject[];
}

function parseDuration(s: string | undefined, fallback: number): number {
  if (!s) return fallback;
  let total = 0;
  for (const [, n, unit] of s.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) total += Number(n) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
  return total || fallback;
}

/** Seconds to wait before retry number `count` (types.go NextRetryAt; defaults 5s, x2, 3m). */
export function backoffSeconds(retry: any, count: number): number {
  const b = retry?.backoff ?? {};
  const duration = parseDuration(b.duration, 5);
  const max = parseDuration(b.maxDuration, 180);
  const factor = typeof b.factor === 'number' ? b.factor : 2;
  return Math.min(max, duration * factor ** count);
}

export class Rollout {
  readonly clusters = new Map<string, SimCluster>();
  readonly apps = new Map<string, AppRun>();
  readonly errors: string[] = [];
  private readonly names = new Map<string, string>();
  private readonly manifestCache = new Map<string, { objects: K8sObject[]; error?: string }>();
  private readonly known: KnownCluster[] = [];
  private now = 0;
  round = 0;
  readonly management: SimCluster;

  constructor(readonly options: RolloutOptions) {
    this.readClusterNames();
    this.management = this.cluster(MANAGEMENT_SERVER);
  }

  private readClusterNames(): void {
    const envs = join(this.options.root, 'environments');
    if (!existsSync(envs)) return;
    for (const env of readdirSync(envs)) {
      const file = join(envs, env, 'environment.yaml');
      if (!existsSync(file)) continue;
      const value = parseYaml(readFileSync(file, 'utf8'), file).documents[0]?.value as any;
      for (const c of value?.clusters ?? []) {
        this.names.set(c.server, c.name);
        this.known.push({ name: c.name, server: c.server });
      }
    }
  }

  cluster(server: string): SimCluster {
    let c = this.clusters.get(server);
    if (!c) {
      const management = server === MANAGEMENT_SERVER;
      c = new SimCluster(management ? 'management' : (this.names.get(server) ?? server), server, management);
      this.clusters.set(server, c);
    }
    return c;
  }

  /** The objects of one YAML file, read as kubectl and Argo CD read YAML (YAML 1.1 scalars). */
  private readManifestFile(file: string): K8sObject[] {
    const rel = relative(this.options.root, file);
    const parsed = parseYaml(readFileSync(file, 'utf8'), rel, { multi: true, goYaml: true });
    if (parsed.problems.length) throw new Error(`${rel}: ${parsed.problems[0].reason}`);
    return parsed.documents.map((d) => d.value as K8sObject).filter((v) => v && typeof v === 'object' && v.kind);
  }

  /** Manifests of a directory source (util/app/path + repo server: *.yaml, *.yml, *.json; recurse optional). */
  private directoryManifests(path: string, recurse: boolean): K8sObject[] {
    const dir = join(this.options.root, path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`app path does not exist: ${path}`);
    const out: K8sObject[] = [];
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) { if (recurse) out.push(...this.directoryManifests(`${path}/${entry}`, true)); continue; }
      if (/\.(ya?ml|json)$/.test(entry)) out.push(...this.readManifestFile(full));
    }
    return out;
  }

  private manifestsOf(app: AppRun): { objects: K8sObject[]; error?: string } {
    const src = app.obj.spec?.source ?? {};
    const cacheKey = JSON.stringify(src);
    let m = this.manifestCache.get(cacheKey);
    if (!m) {
      try {
        if (app.obj.spec?.sources) throw new Error('spec.sources: multi-source Applications are not modelled');
        if (!src.chart && !src.path) throw new Error('spec.source: neither path nor chart');
        const path = String(src.path ?? '').replace(/^\/+|\/+$/g, '');
        if (!src.chart && ['kustomization.yaml', 'kustomization.yml', 'Kustomization', 'Chart.yaml'].some((f) => existsSync(join(this.options.root, path, f)))) {
          throw new Error(`spec.source.path ${path}: Kustomize and Helm folders are not modelled (only plain manifests)`);
        }
        m = { objects: src.chart ? [] : this.directoryManifests(path, src.directory?.recurse === true) };
      } catch (e) {
        m = { objects: [], error: (e as Error).message };
      }
      this.manifestCache.set(cacheKey, m);
    }
    return m;
  }

  private addonOf(app: AppRun): AddonDefinition | undefined {
    const src = app.obj.spec?.source ?? {};
    return Object.values(ADDONS).find((a) => a.repoURL === src.repoURL && a.chart === src.chart);
  }

  /** `kubectl apply -f` of the bootstrap folder by the operator installing Argo CD. */
  bootstrap(): void {
    const dir = join(this.options.root, this.options.bootstrapDir ?? 'argocd/bootstrap');
    if (!existsSync(dir)) throw new Error(`${dir}: no such folder (the bootstrap Application and project to apply by hand)`);
    for (const entry of readdirSync(dir).sort()) {
      if (!/\.(ya?ml|json)$/.test(entry)) continue;
      for (const o of this.readManifestFile(join(dir, entry))) {
        const ns = o.metadata?.namespace ?? 'argocd';
        this.management.put(objectKey(groupOf(o), String(o.kind), ns, o.metadata?.name), { obj: { ...o, metadata: { ...o.metadata, namespace: ns } }, owner: '', createdAt: 0 }, '');
      }
    }
    this.management.commit();
  }

  private project(name: string): K8sObject | undefined {
    return this.management.getObj('argoproj.io', 'AppProject', 'argocd', name)?.obj;
  }

  /** app_project_types.go IsDestinationPermitted: some destination matches server (or name) and namespace. */
  private destinationPermitted(project: K8sObject, server: string, namespace: string): boolean {
    const name = this.cluster(server).name;
    const dests: any[] = project.spec?.destinations ?? [];
    const serverOk = (d: any) => (d.server ? globMatch(d.server, server) : d.name ? globMatch(d.name, name) || (server === MANAGEMENT_SERVER && d.name === 'in-cluster') : false);
    const allowed = dests.filter((d) => !String(d.namespace ?? '').startsWith('!')).some((d) => serverOk(d) && globMatch(d.namespace ?? '', namespace));
    const denied = dests.filter((d) => String(d.namespace ?? '').startsWith('!')).some((d) => serverOk(d) && !globMatch(d.namespace, namespace, true));
    return allowed && !denied;
  }

  /**
   * Why the project's sync windows stop an automated sync now (docs/user-guide/sync_windows.md,
   * types.go SyncWindows.CanSync): an active matching deny window, or matching allow windows none
   * of which is active. A window matches by application name, destination namespace or cluster.
   */
  private closedWindow(project: K8sObject, app: AppRun, cluster: SimCluster, namespace: string): string | undefined {
    const at = new Date((this.options.start ?? new Date()).getTime() + this.now * 1000);
    const windows: any[] = (project.spec?.syncWindows ?? []).filter((w: any) =>
      (w.applications ?? []).some((p: string) => globMatch(p, app.name)) ||
      (w.namespaces ?? []).some((p: string) => globMatch(p, namespace)) ||
      (w.clusters ?? []).some((p: string) => globMatch(p, cluster.server) || globMatch(p, cluster.name)));
    const active = (w: any) => {
      const started = CronExpressionParser.parse(w.schedule, { currentDate: new Date(at.getTime() + 1000), tz: w.timeZone ?? 'UTC' }).prev().toDate();
      return at.getTime() < started.getTime() + parseDuration(w.duration, 0) * 1000;
    };
    const deny = windows.find((w) => w.kind === 'deny' && active(w));
    if (deny) return `auto-sync blocked by the deny sync window "${deny.description ?? deny.schedule}" (${deny.schedule} for ${deny.duration}, ${deny.timeZone ?? 'UTC'}) at ${at.toISOString()}${deny.manualSync ? '; a manual sync is allowed' : ''}`;
    const allows = windows.filter((w) => w.kind === 'allow');
    if (allows.length && !allows.some(active)) return `auto-sync waits for an allow sync window (${allows.map((w) => w.schedule).join(', ')}) at ${at.toISOString()}`;
    return undefined;
  }

  /** app_project_types.go IsSourcePermitted: some sourceRepos entry matches and no `!` entry excludes it. */
  private sourcePermitted(project: K8sObject, repoURL: string): boolean {
    const repos: string[] = project.spec?.sourceRepos ?? [];
    const positive = repos.filter((r) => !r.startsWith('!'));
    const negative = repos.filter((r) => r.startsWith('!'));
    return positive.some((r) => globMatch(r, repoURL)) && !negative.some((r) => globMatch(r.slice(1), repoURL));
  }

  /** app_project_types.go IsGroupKindNamePermitted. */
  private kindPermitted(project: K8sObject, o: K8sObject, namespaced: boolean): boolean {
    const group = groupOf(o);
    const kind = String(o.kind);
    const name = String(o.metadata?.name ?? '');
    const inList = (list: any[], named: boolean) => list.some((e) => globMatch(e.group ?? '', group) && globMatch(e.kind ?? '', kind) && (!named || !e.name || globMatch(e.name, name)));
    const spec = project.spec ?? {};
    if (namespaced) {
      const white = spec.namespaceResourceWhitelist;
      const black: any[] = spec.namespaceResourceBlacklist ?? [];
      return (white === undefined || white === null || (white.length !== 0 && inList(white, false))) && !(black.length && inList(black, false));
    }
    const white: any[] = spec.clusterResourceWhitelist ?? [];
    const black: any[] = spec.clusterResourceBlacklist ?? [];
    return white.length !== 0 && inList(white, true) && !(black.length && inList(black, true));
  }

  /** Whether the repository configures Application health (argocd-cm resource.customizations). */
  private appHealthAssessed(): boolean {
    const cm = this.management.getObj('', 'ConfigMap', 'argocd', 'argocd-cm')?.obj;
    const data = cm?.data ?? {};
    return Object.keys(data).some((k) => k === 'resource.customizations.health.argoproj.io_Application') ||
      /argoproj\.io\/Application:\s*\n\s*health\.lua/.test(String(data['resource.customizations'] ?? ''));
  }

  /** The Application's own health (Argo CD's Application health customization reads status.health). */
  appHealth(name: string): HealthStatus | undefined {
    if (!this.appHealthAssessed()) return undefined; // removed from the defaults in Argo CD 1.8: Applications count as healthy once created
    const app = this.apps.get(name);
    if (!app) return { status: 'Progressing', message: 'not reconciled yet' };
    if (app.convergedRound !== undefined) return { status: 'Healthy', message: 'Synced and Healthy' };
    return { status: 'Progressing', message: app.blocked?.message ?? app.lastFailure?.message ?? 'syncing' };
  }

  private destination(app: AppRun): { cluster: SimCluster; namespace: string } {
    const d = app.obj.spec?.destination ?? {};
    let server = d.server;
    if (!server && d.name) server = d.name === 'in-cluster' ? MANAGEMENT_SERVER : [...this.names].find(([, n]) => n === d.name)?.[0] ?? d.name;
    return { cluster: this.cluster(server ?? MANAGEMENT_SERVER), namespace: d.namespace ?? '' };
  }

  private syncOptions(app: AppRun): string[] {
    return app.obj.spec?.syncPolicy?.syncOptions ?? [];
  }

  /** Target objects with the Application's namespace filled in where the kind is namespaced. */
  private targets(app: AppRun, objects: K8sObject[]): K8sObject[] {
    const { cluster, namespace } = this.destination(app);
    return objects.map((o) => {
      const namespaced = cluster.isNamespaced(o);
      const metadata = { ...o.metadata };
      if (namespaced && !metadata.namespace) metadata.namespace = namespace;
      if (!namespaced) delete metadata.namespace;
      return { ...o, metadata };
    });
  }

  private keyOf(o: K8sObject): string {
    return objectKey(groupOf(o), String(o.kind), o.metadata?.namespace, o.metadata?.name);
  }

  /** One round: the ApplicationSet controller, then every Application's reconcile, then the clusters' controllers. */
  step(): void {
    this.round += 1;
    this.now += ROUND_SECONDS;
    for (const c of this.clusters.values()) c.reconcileControllers(this.now);
    this.reconcileAddons();
    this.generateApplicationSets();
    const live = this.management.list('argoproj.io', 'Application', 'argocd');
    for (const l of live) {
      const name = String(l.obj.metadata?.name);
      const sig = JSON.stringify(l.obj.spec);
      let app = this.apps.get(name);
      if (!app || app.sig !== sig) {
        // A new Application, or a new spec (a new revision to sync): auto-sync tries it afresh.
        app = { name, obj: l.obj, sig, retryCount: 0, nextAttemptAt: 0, gaveUp: false };
        this.apps.set(name, app);
      }
    }
    for (const app of [...this.apps.values()].sort((a, b) => a.name.localeCompare(b.name))) this.reconcile(app);
    for (const c of this.clusters.values()) c.commit();
  }

  /** An add-on chart's controllers become ready once the add-ons it depends on are (catalog dependsOn). */
  private reconcileAddons(): void {
    for (const c of this.clusters.values()) {
      for (const addon of c.addonsInstalled.values()) {
        if (addon.dependsOn.every((d) => c.addonsHealthy.has(d))) c.addonsHealthy.add(addon.name);
      }
    }
  }

  private generateApplicationSets(): void {
    for (const l of this.management.list('argoproj.io', 'ApplicationSet', 'argocd')) {
      let generated: K8sObject[];
      try {
        generated = applicationsOf(this.options.root, l.obj, this.known);
      } catch (e) {
        const msg = `ApplicationSet ${l.obj.metadata?.name}: ${(e as Error).message}`;
        if (!this.errors.includes(msg)) this.errors.push(msg);
        continue;
      }
      for (const app of generated) {
        const key = this.keyOf(app);
        const existing = this.management.get(key, 'applicationset-controller');
        if (existing && JSON.stringify(existing.obj.spec) === JSON.stringify(app.spec)) continue;
        this.management.put(key, { obj: app, owner: `ApplicationSet ${l.obj.metadata?.name}`, createdAt: this.now }, 'applicationset-controller');
      }
    }
  }

  private reconcile(app: AppRun): void {
    const { cluster, namespace } = this.destination(app);
    const projectName = app.obj.spec?.project ?? 'default';
    const project = this.project(projectName);
    app.blocked = undefined;
    if (!project) {
      app.blocked = { object: `AppProject ${projectName}`, message: `application references project ${projectName} which does not exist` };
    } else if (!this.sourcePermitted(project, String(app.obj.spec?.source?.repoURL ?? ''))) {
      // app_project_types.go IsSourcePermitted.
      app.blocked = { object: `Application ${app.name}`, message: `application repo ${app.obj.spec?.source?.repoURL} is not permitted in project '${projectName}'` };
    } else if (!this.destinationPermitted(project, cluster.server, namespace)) {
      app.blocked = { object: `Application ${app.name}`, message: `application destination server '${cluster.server}' and namespace '${namespace}' do not match any of the allowed destinations in project '${projectName}'` };
    }
    const manifests = this.manifestsOf(app);
    if (!app.blocked && manifests.error) app.blocked = { object: `Application ${app.name}`, message: manifests.error };
    if (app.blocked) { app.convergedRound = undefined; return; }

    const addon = this.addonOf(app);
    if (app.obj.spec?.source?.chart && !addon) {
      app.blocked = { object: `Application ${app.name}`, message: `chart ${app.obj.spec.source.chart} of ${app.obj.spec.source.repoURL} is not in the add-on catalog (libs/cluster-addons/addons/src/catalog.ts): what it installs is unknown` };
      return;
    }
    app.targets ??= this.targets(app, manifests.objects);
    const targets = app.targets;
    const resources = targets.filter((o) => hookTypes(o).length === 0);
    const synced = addon ? cluster.addonsInstalled.has(addon.name) : resources.every((o) => {
      const live = cluster.get(this.keyOf(o), app.name);
      return live && (live.obj === o || JSON.stringify(live.obj) === JSON.stringify(o));
    });

    const automated = app.obj.spec?.syncPolicy?.automated;
    // A failed operation is retried whatever the sync status (appcontroller.go processRequestedAppOperation);
    // otherwise auto-sync starts one when the Application is OutOfSync.
    if (!app.op && (!synced || app.lastFailure) && !app.gaveUp && this.now >= app.nextAttemptAt) {
      if (!automated) {
        app.blocked = { object: `Application ${app.name}`, message: 'OutOfSync and no automated sync policy: nothing syncs it' };
        return;
      }
      const closed = this.closedWindow(project!, app, cluster, namespace);
      if (closed) {
        app.blocked = { object: `AppProject ${projectName}`, message: closed };
        app.convergedRound = undefined;
        return;
      }
      app.op = this.newOperation(targets);
    }
    if (app.op) this.runOperation(app, project!, addon);

    // Application health: the worst of its resources' (hooks are not resources).
    app.health = addon ? (cluster.addonsHealthy.has(addon.name) ? { status: 'Healthy', message: 'add-on running' } : { status: 'Progressing', message: `add-on ${addon.name} waits for ${addon.dependsOn.filter((d) => !cluster.addonsHealthy.has(d)).join(', ')}` }) : this.resourcesHealth(app, resources, cluster);
    const nowSynced = addon ? cluster.addonsInstalled.has(addon.name) : resources.every((o) => cluster.get(this.keyOf(o), app.name));
    // Converged: Synced, Healthy and the last sync operation Succeeded.
    if (!app.op && !app.lastFailure && nowSynced && app.health.status === 'Healthy') app.convergedRound ??= this.round;
    else app.convergedRound = undefined;
  }

  private resourcesHealth(app: AppRun, resources: K8sObject[], cluster: SimCluster): HealthStatus & { object?: string } {
    for (const o of resources) {
      const live = cluster.get(this.keyOf(o), app.name);
      if (!live) return { status: 'Progressing', message: 'Missing', object: describe(o) };
      const h = cluster.health(live, this.now, app.name, (n) => this.appHealth(n));
      if (h && h.status !== 'Healthy') return { ...h, object: describe(o) };
    }
    return { status: 'Healthy', message: '' };
  }

  private newOperation(targets: K8sObject[]): Operation {
    const tasks: Task[] = [];
    for (const obj of targets) {
      const hooks = hookTypes(obj);
      if (hooks.includes('Skip')) continue;
      const phases = hooks.length ? hooks.filter((h): h is Phase => (PHASES as readonly string[]).includes(h) || h === 'SyncFail') : ['Sync' as Phase];
      for (const phase of phases) tasks.push({ obj, key: this.keyOf(obj), phase, wave: waveOf(obj), hook: hooks.length > 0, state: 'pending', message: '' });
    }
    const phaseRank = (p: Phase) => (p === 'SyncFail' ? 2 : PHASES.indexOf(p) - 1);
    tasks.sort((a, b) => phaseRank(a.phase) - phaseRank(b.phase) || a.wave - b.wave || kindRank(a.obj.kind) - kindRank(b.obj.kind) || String(a.obj.metadata?.name).localeCompare(String(b.obj.metadata?.name)));
    const steps = new Set(tasks.filter((t) => t.phase !== 'SyncFail').map((t) => `${t.phase}/${t.wave}`));
    // sync_tasks.go multiStep: more than one phase or wave; then every resource's health gates the next wave.
    return { tasks, dryRunDone: false, multiStep: steps.size > 1 };
  }

  private finish(app: AppRun, failed: Task | undefined, message?: string): void {
    app.op = undefined;
    if (!failed && !message) { app.retryCount = 0; app.lastFailure = undefined; return; }
    app.lastFailure = { object: failed ? describe(failed.obj) : `Application ${app.name}`, message: failed?.message ?? message ?? '' };
    const retry = app.obj.spec?.syncPolicy?.retry;
    const limit = typeof retry?.limit === 'number' ? retry.limit : 0;
    if (app.retryCount < limit || limit < 0) {
      app.nextAttemptAt = this.now + backoffSeconds(retry, app.retryCount);
      app.retryCount += 1;
    } else {
      app.gaveUp = true;
    }
  }

  private runOperation(app: AppRun, project: K8sObject, addon: AddonDefinition | undefined): void {
    const op = app.op!;
    const { cluster, namespace } = this.destination(app);
    const options = this.syncOptions(app);
    const reader = app.name;
    if (!op.dryRunDone) {
      op.dryRunDone = true;
      // sync_context.go: the Application's namespace is created before the dry run (CreateNamespace=true).
      if (options.includes(SYNC_OPTION.createNamespace) && namespace && !cluster.getObj('', 'Namespace', undefined, namespace, reader)) {
        cluster.put(objectKey('', 'Namespace', undefined, namespace), { obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'kubernetes.io/metadata.name': namespace } } }, owner: app.name, createdAt: this.now }, reader);
      }
      if (addon) {
        // A chart's objects are not rendered offline: installing it adds its CRDs and webhooks at once.
        // Its dependencies that add CRDs are there for the chart's custom resources: without them the
        // dry run fails, unless SkipDryRunOnMissingResource (dependencies without CRDs only gate health).
        const missing = addon.dependsOn.filter((d) => !cluster.addonsInstalled.has(d) && ADDONS[d].provides.crds.length > 0);
        if (missing.length && !options.includes(SYNC_OPTION.skipDryRunOnMissingResource)) {
          return this.finish(app, undefined, `the chart's custom resources need the CRDs of add-on ${missing.join(', ')}, not installed yet (dry run)`);
        }
        cluster.installAddon(addon);
        return this.finish(app, undefined);
      }
      const skipAll = options.includes(SYNC_OPTION.skipDryRunOnMissingResource);
      const crdsInSync = new Set(op.tasks.filter((t) => t.obj.kind === 'CustomResourceDefinition').map((t) => `${t.obj.spec?.group}/${t.obj.spec?.names?.kind}`));
      for (const t of op.tasks) {
        const o = t.obj;
        const namespaced = cluster.isNamespaced(o);
        if (!this.kindPermitted(project, o, namespaced)) {
          t.state = 'failed';
          t.message = `resource ${groupOf(o)}:${o.kind} is not permitted in project ${project.metadata?.name}`;
        } else if (namespaced && !this.destinationPermitted(project, cluster.server, String(o.metadata?.namespace))) {
          t.state = 'failed';
          t.message = `namespace ${o.metadata?.namespace} is not permitted in project '${project.metadata?.name}'`;
        } else if (!cluster.servesKind(groupOf(o), versionOf(o), String(o.kind)) && !(skipAll || hasSyncOption(o, SYNC_OPTION.skipDryRunOnMissingResource) || crdsInSync.has(`${groupOf(o)}/${o.kind}`))) {
          t.state = 'failed';
          t.message = `the server could not find the requested resource: ${o.kind} (${o.apiVersion}) is not served (dry run)`;
        }
      }
      const failed = op.tasks.find((t) => t.state === 'failed');
      if (failed) return this.finish(app, failed);
    }

    // Running tasks: hooks report their phase, resources their health (sync_context.go Sync()).
    for (const t of op.tasks.filter((x) => x.state === 'running')) {
      const live = cluster.get(t.key, reader);
      if (!live) { t.state = 'failed'; t.message = `Resource ${t.key} is missing, it might have been deleted`; continue; }
      const h = cluster.health(live, this.now, reader, (n) => this.appHealth(n));
      if (!h || h.status === 'Healthy') t.state = 'succeeded';
      else if (h.status === 'Degraded') { t.state = 'failed'; t.message = h.message; }
      else if (!(op.multiStep || t.hook)) t.state = 'succeeded';
      else t.message = h.message;
    }
    const running = op.tasks.find((t) => t.state === 'running');
    if (running) return;
    const deleteHooks = (policy: string, ok: boolean) => {
      for (const t of op.tasks.filter((x) => x.hook && (x.state === 'succeeded') === ok && x.state !== 'pending')) {
        if (hookDeletePolicies(t.obj).includes(policy)) cluster.put(t.key, null, reader);
      }
    };
    const failed = op.tasks.find((t) => t.state === 'failed');
    if (failed) { deleteHooks('HookFailed', false); return this.finish(app, failed); }
    const pending = op.tasks.filter((t) => t.state === 'pending' && t.phase !== 'SyncFail');
    if (pending.length === 0) { deleteHooks('HookSucceeded', true); return this.finish(app, undefined); }
    const { phase, wave } = pending[0];
    for (const t of pending.filter((x) => x.phase === phase && x.wave === wave)) {
      const problem = this.apply(app, cluster, t);
      if (problem) { t.state = 'failed'; t.message = problem; } else t.state = 'running';
    }
    const applyFailed = op.tasks.find((t) => t.state === 'failed');
    if (applyFailed && !op.tasks.some((t) => t.hook && t.state === 'running')) { deleteHooks('HookFailed', false); this.finish(app, applyFailed); }
  }

  /** kubectl apply of one object (server side): what the API server refuses, or undefined. */
  private apply(app: AppRun, cluster: SimCluster, t: Task): string | undefined {
    const o = t.obj;
    const reader = app.name;
    if (!cluster.servesKind(groupOf(o), versionOf(o), String(o.kind), reader)) return `the server could not find the requested resource: ${o.kind} (${o.apiVersion}) is not served on ${cluster.name}`;
    const ns = o.metadata?.namespace;
    if (cluster.isNamespaced(o) && !cluster.getObj('', 'Namespace', undefined, ns, reader)) return `namespaces "${ns}" not found`;
    const refused = cluster.webhookRefusal(o, reader);
    if (refused) return refused;
    const existing = cluster.get(t.key, reader);
    if (t.hook && existing && hookDeletePolicies(o).includes('BeforeHookCreation')) {
      cluster.put(t.key, { obj: o, owner: app.name, createdAt: this.now }, reader); // deleted, then created afresh
      return undefined;
    }
    if (existing && JSON.stringify(existing.obj) === JSON.stringify(o)) return undefined;
    const live: Live = { obj: o, owner: app.name, createdAt: existing && !t.hook ? existing.createdAt : this.now, jobResult: t.hook ? existing?.jobResult : undefined };
    cluster.put(t.key, live, reader);
    return undefined;
  }

  /** Every Application's outcome, by destination cluster. */
  outcomes(): AppOutcome[] {
    const out: AppOutcome[] = [];
    for (const app of this.apps.values()) {
      const { cluster } = this.destination(app);
      if (app.convergedRound !== undefined) { out.push({ cluster: cluster.name, application: app.name, converged: true, rounds: app.convergedRound }); continue; }
      let object: string | undefined;
      let reason: string;
      const running = app.op?.tasks.find((t) => t.state === 'running');
      if (app.blocked) { object = app.blocked.object; reason = app.blocked.message; }
      else if (running) { object = describe(running.obj); reason = `sync waits for its health: ${running.message}`; }
      else if (app.lastFailure) {
        object = app.lastFailure.object;
        const limit = app.obj.spec?.syncPolicy?.retry?.limit ?? 0;
        reason = `${app.lastFailure.message}${app.gaveUp ? ` (sync failed ${app.retryCount + 1} times; retry.limit ${limit} reached, and auto-sync does not retry a revision whose sync failed)` : ' (still retrying)'}`;
      } else {
        const h = app.health as (HealthStatus & { object?: string }) | undefined;
        object = h?.object ?? `Application ${app.name}`;
        reason = `${h?.status ?? 'Unknown'}: ${h?.message ?? 'not reconciled'}`;
      }
      out.push({ cluster: cluster.name, application: app.name, converged: false, object, reason });
    }
    return out.sort((a, b) => a.cluster.localeCompare(b.cluster) || a.application.localeCompare(b.application));
  }

  /** What counts as progress: Applications converging, failing differently, objects appearing. A retry repeating the same failure is none. */
  private signature(): string {
    return [...this.apps.values()].map((a) => `${a.name}:${a.convergedRound ?? ''}:${a.gaveUp}:${a.lastFailure?.message ?? ''}:${a.blocked?.message ?? ''}`).join('|') +
      [...this.clusters.values()].map((c) => `${c.objects.size}/${c.addonsInstalled.size}/${c.addonsHealthy.size}`).join(',');
  }

  run(): RolloutResult {
    this.bootstrap();
    const maxRounds = Math.ceil((this.options.maxSeconds ?? 7200) / ROUND_SECONDS);
    const quiet = this.options.quietRounds ?? 60;
    let last = '';
    let unchanged = 0;
    while (this.round < maxRounds) {
      this.step();
      const all = this.apps.size > 0 && [...this.apps.values()].every((a) => a.convergedRound !== undefined);
      const sig = this.signature();
      unchanged = sig === last ? unchanged + 1 : 0;
      last = sig;
      // Converged and settled (no new Application for a few rounds), or nothing moves any more.
      if ((all && unchanged >= 3) || unchanged >= quiet) break;
    }
    return { outcomes: this.outcomes(), rounds: this.round, errors: this.errors };
  }
}

export function simulateRollout(options: RolloutOptions): RolloutResult {
  return new Rollout(options).run();
}

/** One line per Application, grouped by cluster: `converged after N rounds` or `stuck: <object>: <reason>`. */
export function formatOutcomes(result: RolloutResult): string {
  const lines: string[] = [];
  let cluster = '';
  for (const o of result.outcomes) {
    if (o.cluster !== cluster) { cluster = o.cluster; lines.push(`${cluster}:`); }
    lines.push(o.converged ? `  ${o.application}: converged after ${o.rounds} rounds` : `  ${o.application}: stuck: ${o.object}: ${o.reason}`);
  }
  for (const e of result.errors) lines.push(`error: ${e}`);
  return lines.join('\n');
}
