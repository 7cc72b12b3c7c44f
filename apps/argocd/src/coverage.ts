/**
 * The proof that `argocd/` covers `dist/`, as a function that can be pointed at any tree: it
 * evaluates the committed ApplicationSets the way Argo CD does and lists every problem.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_LAYOUT, FileProblemsError, MANIFEST_GENERATE_PATHS_ANNOTATION, parseYaml, serverKey, SYNC_OPTIONS_ANNOTATION, systemClusters, type FileProblem } from '@gitops/platform';
import { expandApplicationSet, goPathMatch } from './appset';
import { applicationName, BOOTSTRAP_NAME, leafNamespace, leafNamespaces, SYSTEM_KINDS } from './generate';
import { loadEnvironments } from './render';
import { foldersWithFiles, readDist, type DistLeaf } from './tree';

/**
 * Every Argo CD object under `argocd/` of the tree at `root`, read as Argo CD reads it
 * (sigs.k8s.io/yaml: YAML 1.1 scalars, yaml-safe.ts `goYaml`); a file that cannot be read safely,
 * or a plain scalar that means another thing under YAML 1.1, throws a `FileProblemsError` with file, line and column.
 */
export function readArgoCd(root: string): any[] {
  const problems: FileProblem[] = [];
  const objects = foldersWithFiles(root, ARGOCD_LAYOUT.root).flatMap((dir) =>
    readYamlFiles(root, dir).flatMap(({ file, text }) => {
      const parsed = parseYaml(text, file, { multi: true, goYaml: true });
      problems.push(...parsed.problems);
      return parsed.documents.map((d) => d.value).filter(Boolean);
    }));
  if (problems.length > 0) throw new FileProblemsError(problems);
  return objects;
}

/**
 * The manifest files of a folder: `.json` as well as `.yaml`/`.yml`, since the bootstrap
 * Application's directory source applies all three (https://argo-cd.readthedocs.io/en/stable/user-guide/directory/).
 * JSON is YAML, so one parser reads both.
 */
function readYamlFiles(root: string, dir: string): { file: string; text: string }[] {
  return readdirSync(join(root, dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => ({ file: `${dir}/${f}`, text: readFileSync(join(root, dir, f), 'utf8') }));
}

/** A generated Application and the ApplicationSet it came from. */
export interface GeneratedApplication {
  readonly appSet: string;
  readonly app: any;
}

/** Every Application the ApplicationSets under `argocd/` generate over the tree at `root`. */
export function generatedApplications(root: string, objects = readArgoCd(root)): GeneratedApplication[] {
  return objects
    .filter((o) => o.kind === 'ApplicationSet')
    .flatMap((appSet) => expandApplicationSet(root, appSet).map((app) => ({ appSet: appSet.metadata.name as string, app })));
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Lists every way in which `argocd/` of the tree at `root` fails to cover its `dist/` exactly and safely. */
export function checkCoverage(root: string): string[] {
  const problems: string[] = [];
  const leaves = readDist(root);
  const environments = loadEnvironments(root);
  const objects = readArgoCd(root);
  const projects = new Map(objects.filter((o) => o.kind === 'AppProject').map((p) => [p.metadata.name as string, p]));
  const appSets = objects.filter((o) => o.kind === 'ApplicationSet');
  let generated: GeneratedApplication[] = [];
  try {
    generated = generatedApplications(root, objects);
  } catch (e) {
    return [`cannot evaluate the ApplicationSets: ${(e as Error).message}`];
  }
  const leafByPath = new Map(leaves.map((l) => [l.path, l]));

  // The ApplicationSets' own policy: never delete Applications, never their resources.
  for (const s of appSets) {
    const name = s.metadata.name;
    if (s.spec.syncPolicy?.preserveResourcesOnDeletion !== true) problems.push(`ApplicationSet ${name}: syncPolicy.preserveResourcesOnDeletion must be true`);
    if (s.spec.syncPolicy?.applicationsSync !== 'create-update') problems.push(`ApplicationSet ${name}: syncPolicy.applicationsSync must be create-update (got ${s.spec.syncPolicy?.applicationsSync})`);
  }

  // Every leaf: exactly one Application per cluster its system runs on (environment.yaml), from exactly one ApplicationSet.
  for (const leaf of leaves) {
    const env = environments.get(leaf.env);
    if (!env) {
      problems.push(`${leaf.path}: environment ${leaf.env} has no environments/${leaf.env}/environment.yaml`);
      continue;
    }
    const covering = generated.filter((g) => g.app.spec.source?.path === leaf.path);
    const sets = [...new Set(covering.map((g) => g.appSet))].sort();
    if (sets.length === 0) problems.push(`${leaf.path}: no ApplicationSet generates an Application for it`);
    if (sets.length > 1) problems.push(`${leaf.path}: covered by several ApplicationSets (${sets.join(', ')})`);
    // exactly the clusters the system runs on in the environment, no other
    // dist/<env>/<system>/<service>/<cluster> goes to that cluster only
    const perCluster = leaf.path.split('/')[4];
    const placed = (systemClusters(env, leaf.system) ?? []).filter((c) => perCluster === undefined || c.name === perCluster);
    if (placed.length === 0) problems.push(`${leaf.path}: environments/${leaf.env}/environment.yaml places ${leaf.system} on no cluster`);
    for (const g of covering) {
      if (!placed.some((c) => c.server === g.app.spec.destination?.server)) problems.push(`${leaf.path}: Application ${g.app.metadata.name} goes to ${g.app.spec.destination?.server}, not a cluster ${leaf.system} runs on in ${leaf.env}`);
    }
    for (const cluster of placed) {
      const n = covering.filter((g) => g.app.spec.destination?.server === cluster.server).length;
      if (sets.length > 0 && n !== 1) problems.push(`${leaf.path}: ${n} Applications for cluster ${cluster.name}; exactly one expected`);
    }
  }

  const names = new Map<string, number>();
  for (const { appSet, app } of generated) names.set(app.metadata.name, (names.get(app.metadata.name) ?? 0) + 1);
  for (const [name, n] of names) if (n > 1) problems.push(`Application ${name}: generated ${n} times`);

  for (const { appSet, app } of generated) {
    const name: string = app.metadata.name;
    const where = `Application ${name} (ApplicationSet ${appSet})`;
    const path: string = app.spec.source?.path;
    const leaf = leafByPath.get(path);
    if (!leaf) {
      problems.push(`${where}: source path ${path} is not a dist/<env>/<system>/<service> folder with files`);
      continue;
    }
    const env = environments.get(leaf.env);
    const cluster = env?.clusters.find((c) => c.server === app.spec.destination?.server);
    if (!cluster) {
      problems.push(`${where}: destination ${app.spec.destination?.server} is not a cluster of ${leaf.env}`);
      continue;
    }
    if (name.length > 63 || !DNS_SUBDOMAIN.test(name)) problems.push(`${where}: not a valid name of at most 63 characters`);
    if (name !== applicationName(leaf.system, leaf.service, cluster.name)) problems.push(`${where}: name must tell system, service and cluster: ${applicationName(leaf.system, leaf.service, cluster.name)}`);
    if (app.metadata.annotations?.[MANIFEST_GENERATE_PATHS_ANNOTATION] !== `/${path}`) problems.push(`${where}: ${MANIFEST_GENERATE_PATHS_ANNOTATION} must be /${path}`);
    problems.push(...checkSyncPolicy(where, app.spec.syncPolicy));

    const namespace = leafNamespace(leaf);
    if (namespace && app.spec.destination.namespace !== namespace) {
      problems.push(`${where}: destination namespace ${app.spec.destination.namespace}, but the objects of ${path} are in ${namespace}`);
    }
    const project = projects.get(app.spec.project);
    if (!project) {
      problems.push(`${where}: project ${app.spec.project} is not in argocd/`);
      continue;
    }
    if (app.spec.project !== leaf.system) problems.push(`${where}: project ${app.spec.project}, but the folder belongs to system ${leaf.system}`);
    if (!(project.spec.sourceRepos ?? []).some((r: string) => goPathMatch(r, app.spec.source.repoURL) || r === app.spec.source.repoURL)) {
      problems.push(`${where}: project ${project.metadata.name} does not permit repository ${app.spec.source.repoURL}`);
    }
    for (const ns of new Set([app.spec.destination.namespace, ...leafNamespaces(leaf)])) {
      if (!destinationPermitted(project, cluster.server, ns)) problems.push(`${where}: project ${project.metadata.name} does not permit namespace ${ns} on ${cluster.name}`);
    }
    for (const o of leaf.objects) {
      const list = o.namespace ? project.spec.namespaceResourceWhitelist : project.spec.clusterResourceWhitelist;
      if (!(list ?? []).some((e: any) => e.group === o.group && e.kind === o.kind)) {
        problems.push(`${where}: project ${project.metadata.name} does not permit ${o.namespace ? 'namespaced' : 'cluster-scoped'} ${o.group || 'core'}/${o.kind} (${o.file})`);
      }
    }
  }

  // A namespace belongs to one system: no two projects permit it on one cluster.
  const permittedBy = new Map<string, string>();
  for (const [name, project] of [...projects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const d of project.spec.destinations ?? []) {
      const key = `${serverKey(d.server ?? '')} ${d.namespace}`;
      const other = permittedBy.get(key);
      if (other && other !== name) problems.push(`AppProjects ${other} and ${name} both permit namespace ${d.namespace} on ${d.server}: a namespace belongs to one system`);
      else permittedBy.set(key, name);
    }
    // Only kinds a system may own, whichever project permits them (the bootstrap project permits Argo CD's own).
    if (name === BOOTSTRAP_NAME) continue;
    for (const [list, namespaced] of [[project.spec.clusterResourceWhitelist, false], [project.spec.namespaceResourceWhitelist, true]] as const) {
      for (const e of list ?? []) {
        if (!SYSTEM_KINDS.some((k) => k.group === e.group && k.kind === e.kind && k.namespaced === namespaced)) {
          problems.push(`AppProject ${name}: permits ${e.group || 'core'}/${e.kind}, which is not a kind a system may own (SYSTEM_KINDS in apps/argocd/src/generate.ts)`);
        }
      }
    }
  }

  // Projects permit nothing more than their systems render.
  for (const [name, project] of projects) {
    const own = leaves.filter((l) => l.system === name);
    if (own.length === 0) continue; // the bootstrap project: Argo CD's own objects
    for (const [list, namespaced] of [[project.spec.clusterResourceWhitelist, false], [project.spec.namespaceResourceWhitelist, true]] as const) {
      if (namespaced && list === undefined) problems.push(`AppProject ${name}: namespaceResourceWhitelist absent, which permits every namespaced kind`);
      for (const e of list ?? []) {
        if (!own.some((l) => l.objects.some((o) => Boolean(o.namespace) === namespaced && o.group === e.group && o.kind === e.kind))) {
          problems.push(`AppProject ${name}: permits ${e.group || 'core'}/${e.kind}, which ${name} does not render`);
        }
      }
    }
    for (const d of project.spec.destinations ?? []) {
      const used = generated.some(({ app }) => app.spec.project === name && app.spec.destination.server === d.server &&
        (app.spec.destination.namespace === d.namespace || leafNamespaces(leafByPath.get(app.spec.source.path) ?? ({ objects: [] } as unknown as DistLeaf)).includes(d.namespace)));
      if (!used) problems.push(`AppProject ${name}: permits namespace ${d.namespace} on ${d.server}, which none of its Applications uses`);
    }
  }

  // What a prune would lose for good waits for a person.
  for (const leaf of leaves) {
    for (const o of leaf.objects) {
      const needsConfirm = o.kind === 'Namespace' || (o.kind === 'StatefulSet' && ((o.spec as any)?.volumeClaimTemplates ?? []).length > 0);
      const options = (o.annotations[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').map((s) => s.trim());
      if (needsConfirm && !options.includes('Prune=confirm') && !options.includes('Prune=false')) {
        problems.push(`${o.file}: ${o.kind} ${o.name} must carry ${SYNC_OPTIONS_ANNOTATION}: Prune=confirm`);
      }
    }
  }
  return [...new Set(problems)].sort();
}

/** Argo CD's destination check: server and namespace match an entry (globs as Argo CD allows them). */
function destinationPermitted(project: any, server: string, namespace: string): boolean {
  return (project.spec.destinations ?? []).some((d: any) =>
    (d.server === server || (d.server && goPathMatch(d.server.replace(/\//g, '\u0000'), server.replace(/\//g, '\u0000')))) &&
    (d.namespace === namespace || goPathMatch(d.namespace ?? '', namespace)));
}

/** The service Applications' sync policy: automated prune and self-heal, never empty, retried. */
export function checkSyncPolicy(where: string, policy: any): string[] {
  const p: string[] = [];
  const a = policy?.automated ?? {};
  if (a.prune !== true || a.selfHeal !== true) p.push(`${where}: syncPolicy.automated must prune and self-heal`);
  if (a.allowEmpty !== false) p.push(`${where}: syncPolicy.automated.allowEmpty must be false, so an empty folder is never synced`);
  const r = policy?.retry;
  if (r?.limit !== 5 || r?.backoff?.duration !== '5s' || r?.backoff?.factor !== 2 || r?.backoff?.maxDuration !== '3m') p.push(`${where}: syncPolicy.retry must be limit 5, backoff 5s x2 up to 3m`);
  const options: string[] = policy?.syncOptions ?? [];
  if (!options.includes('PrunePropagationPolicy=foreground')) p.push(`${where}: syncOptions must include PrunePropagationPolicy=foreground`);
  if (options.includes('CreateNamespace=true')) p.push(`${where}: CreateNamespace=true, but every system renders its own Namespace`);
  return p;
}
