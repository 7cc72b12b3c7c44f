/**
 * The proof that `argocd/` covers `dist/`, as a function that can be pointed at any tree: it
 * evaluates the committed ApplicationSets the way Argo CD does and lists every problem.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_IN_CLUSTER, ARGOCD_LAYOUT, ARGOCD_NAMESPACE, FileProblemsError, retryProblems, MANIFEST_GENERATE_PATHS_ANNOTATION, parseYaml, serverKey, SYNC_OPTION, SYNC_OPTIONS_ANNOTATION, systemClusters, type FileProblem } from '@gitops/platform';
import { expandApplicationSet, foldersWithFiles, goPathMatch } from '@gitops/platform';
import { applicationName, BOOTSTRAP_NAME, leafNamespace, leafNamespaces, SYSTEM_KINDS } from './generate';
import { checkProjectRules, extraKindsPermitted } from './project-checks';
import { applicationsProjectName, isApplicationsLeaf, isGroupKindNamePermitted } from './project-rules';
import { loadEnvironments } from './render';
import { readDist, type DistLeaf } from './tree';

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
    // A folder of Applications (the add-ons of one cluster) targets its cluster through Argo CD:
    // its Application goes to the management cluster's argocd namespace, once.
    const server = (c: { server: string }) => (isApplicationsLeaf(leaf) ? ARGOCD_IN_CLUSTER : c.server);
    for (const g of covering) {
      if (!placed.some((c) => server(c) === g.app.spec.destination?.server)) problems.push(`${leaf.path}: Application ${g.app.metadata.name} goes to ${g.app.spec.destination?.server}, not ${isApplicationsLeaf(leaf) ? `the management cluster (${ARGOCD_IN_CLUSTER}), where Argo CD reads Applications` : `a cluster ${leaf.system} runs on in ${leaf.env}`}`);
    }
    for (const cluster of placed) {
      const n = covering.filter((g) => g.app.spec.destination?.server === server(cluster)).length;
      if (sets.length > 0 && n !== 1) problems.push(`${leaf.path}: ${n} Applications for cluster ${cluster.name}; exactly one expected`);
    }
  }

  const names = new Map<string, number>();
  for (const { app } of generated) names.set(app.metadata.name, (names.get(app.metadata.name) ?? 0) + 1);
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
    const applications = isApplicationsLeaf(leaf);
    // a folder of Applications names its target cluster; its own Application goes to the management cluster
    const cluster = env?.clusters.find((c) => (applications ? c.name === path.split('/')[4] && app.spec.destination?.server === ARGOCD_IN_CLUSTER : c.server === app.spec.destination?.server));
    if (!cluster) {
      problems.push(`${where}: destination ${app.spec.destination?.server} is not a cluster of ${leaf.env}`);
      continue;
    }
    if (name.length > 63 || !DNS_SUBDOMAIN.test(name)) problems.push(`${where}: not a valid name of at most 63 characters`);
    if (name !== applicationName(leaf.system, leaf.service, cluster.name)) problems.push(`${where}: name must tell system, service and cluster: ${applicationName(leaf.system, leaf.service, cluster.name)}`);
    if (app.metadata.annotations?.[MANIFEST_GENERATE_PATHS_ANNOTATION] !== `/${path}`) problems.push(`${where}: ${MANIFEST_GENERATE_PATHS_ANNOTATION} must be /${path}`);
    problems.push(...checkSyncPolicy(where, app.spec.syncPolicy));

    const namespace = leafNamespace(leaf);
    const server = applications ? ARGOCD_IN_CLUSTER : cluster.server;
    if (namespace && app.spec.destination.namespace !== namespace) {
      problems.push(`${where}: destination namespace ${app.spec.destination.namespace}, but the objects of ${path} are in ${namespace}`);
    }
    const project = projects.get(app.spec.project);
    if (!project) {
      problems.push(`${where}: project ${app.spec.project} is not in argocd/`);
      continue;
    }
    const expectedProject = applications ? applicationsProjectName(leaf.system) : leaf.system;
    if (app.spec.project !== expectedProject) problems.push(`${where}: project ${app.spec.project}, but the folder belongs to ${applications ? `the Applications of system ${leaf.system} (project ${expectedProject})` : `system ${leaf.system}`}`);
    if (applications && app.spec.destination.namespace !== ARGOCD_NAMESPACE) problems.push(`${where}: destination namespace ${app.spec.destination.namespace}; Argo CD reads Applications only in ${ARGOCD_NAMESPACE}`);
    if (!(project.spec.sourceRepos ?? []).some((r: string) => goPathMatch(r, app.spec.source.repoURL) || r === app.spec.source.repoURL)) {
      problems.push(`${where}: project ${project.metadata.name} does not permit repository ${app.spec.source.repoURL}`);
    }
    for (const ns of new Set([app.spec.destination.namespace, ...leafNamespaces(leaf)])) {
      if (!destinationPermitted(project, server, ns)) problems.push(`${where}: project ${project.metadata.name} does not permit namespace ${ns} on ${applications ? ARGOCD_IN_CLUSTER : cluster.name}`);
    }
    for (const o of leaf.objects) {
      if (!isGroupKindNamePermitted(project, o, Boolean(o.namespace))) {
        problems.push(`${where}: project ${project.metadata.name} does not permit ${o.namespace ? 'namespaced' : 'cluster-scoped'} ${o.group || 'core'}/${o.kind} (${o.file})`);
      }
    }
  }

  // A namespace belongs to one system: no two projects permit it on one cluster. The add-ons'
  // namespaces are the platform's: a system may also put objects there (a Velero Schedule in velero).
  const projectOfApplications = new Set(leaves.filter(isApplicationsLeaf).map((l) => applicationsProjectName(l.system)));
  const addonDestinations = new Set(leaves.filter(isApplicationsLeaf).flatMap((l) => l.objects.map((o) => `${serverKey((o.spec as any)?.destination?.server ?? '')} ${(o.spec as any)?.destination?.namespace}`)));
  const permittedBy = new Map<string, string>();
  for (const [name, project] of [...projects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const d of project.spec.destinations ?? []) {
      const key = `${serverKey(d.server ?? '')} ${d.namespace}`;
      // Argo CD's own namespace: the bootstrap's and the projects of Applications (checked exactly in project-checks.ts)
      if (addonDestinations.has(key) || projectOfApplications.has(name)) continue;
      const other = permittedBy.get(key);
      if (other && other !== name) problems.push(`AppProjects ${other} and ${name} both permit namespace ${d.namespace} on ${d.server}: a namespace belongs to one system`);
      else permittedBy.set(key, name);
    }
    // Only kinds a system may own, whichever project permits them (the bootstrap project permits Argo CD's own).
    if (name === BOOTSTRAP_NAME || projectOfApplications.has(name)) continue;
    const extra = extraKindsPermitted(name, leaves);
    for (const [list, namespaced] of [[project.spec.clusterResourceWhitelist, false], [project.spec.namespaceResourceWhitelist, true]] as const) {
      for (const e of list ?? []) {
        if (!SYSTEM_KINDS.some((k) => k.group === e.group && k.kind === e.kind && k.namespaced === namespaced) && !extra(e, namespaced)) {
          problems.push(`AppProject ${name}: permits ${e.group || 'core'}/${e.kind}, which is not a kind a system may own (SYSTEM_KINDS in apps/argocd/src/generate.ts)`);
        }
      }
    }
  }

  // Projects permit nothing more than their systems render.
  for (const [name, project] of projects) {
    const own = leaves.filter((l) => l.system === name && !isApplicationsLeaf(l));
    if (own.length === 0) continue; // the bootstrap project and the projects of Applications: checked in project-checks.ts
    const extra = extraKindsPermitted(name, leaves);
    for (const [list, namespaced] of [[project.spec.clusterResourceWhitelist, false], [project.spec.namespaceResourceWhitelist, true]] as const) {
      if (namespaced && list === undefined) problems.push(`AppProject ${name}: namespaceResourceWhitelist absent, which permits every namespaced kind`);
      for (const e of list ?? []) {
        if (!own.some((l) => l.objects.some((o) => Boolean(o.namespace) === namespaced && o.group === e.group && o.kind === e.kind)) && !extra(e, namespaced)) {
          problems.push(`AppProject ${name}: permits ${e.group || 'core'}/${e.kind}, which ${name} does not render`);
        }
      }
    }
    for (const d of project.spec.destinations ?? []) {
      const used = generated.some(({ app }) => app.spec.project === name && app.spec.destination.server === d.server &&
        (app.spec.destination.namespace === d.namespace || leafNamespaces(leafByPath.get(app.spec.source.path) ?? ({ objects: [] } as unknown as DistLeaf)).includes(d.namespace)));
      if (!used && !addonDestinations.has(`${serverKey(d.server ?? '')} ${d.namespace}`)) problems.push(`AppProject ${name}: permits namespace ${d.namespace} on ${d.server}, which none of its Applications uses`);
    }
  }

  // What a prune would lose for good waits for a person.
  for (const leaf of leaves) {
    for (const o of leaf.objects) {
      const needsConfirm = o.kind === 'Namespace' || (o.kind === 'StatefulSet' && ((o.spec as any)?.volumeClaimTemplates ?? []).length > 0);
      const options = (o.annotations[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').map((s) => s.trim());
      if (needsConfirm && !options.includes(SYNC_OPTION.pruneConfirm) && !options.includes(SYNC_OPTION.pruneDisabled)) {
        problems.push(`${o.file}: ${o.kind} ${o.name} must carry ${SYNC_OPTIONS_ANNOTATION}: Prune=confirm`);
      }
    }
  }
  problems.push(...checkProjectRules({ leaves, environments, objects, generated }));
  return [...new Set(problems)].sort();
}

/** Argo CD's destination check: server and namespace match an entry (globs as Argo CD allows them). */
function destinationPermitted(project: any, server: string, namespace: string): boolean {
  return (project.spec.destinations ?? []).some((d: any) =>
    (d.server === server || (d.server && goPathMatch(d.server.replace(/\//g, '\u0000'), server.replace(/\//g, '\u0000')))) &&
    (d.namespace === namespace || goPathMatch(d.namespace ?? '', namespace)));
}

/**
 * The generated Applications' sync policy: automated prune and self-heal, never empty, retried
 * until it converges, and nothing that makes one Application wait for ever on another.
 */
export function checkSyncPolicy(where: string, policy: any): string[] {
  const p: string[] = [];
  const a = policy?.automated ?? {};
  if (a.prune !== true || a.selfHeal !== true) p.push(`${where}: syncPolicy.automated must prune and self-heal`);
  if (a.allowEmpty !== false) p.push(`${where}: syncPolicy.automated.allowEmpty must be false, so an empty folder is never synced`);
  p.push(...retryProblems(policy?.retry).map((m) => `${where}: ${m}`));
  const options: string[] = policy?.syncOptions ?? [];
  if (!options.includes(SYNC_OPTION.foregroundPrune)) p.push(`${where}: syncOptions must include PrunePropagationPolicy=foreground`);
  if (options.includes(SYNC_OPTION.createNamespace)) p.push(`${where}: CreateNamespace=true, but every system renders its own Namespace`);
  // Without it a custom resource whose CRD is not installed yet fails the dry run of the whole
  // Application, so not even its Namespace is created (controller/sync.go WithSkipDryRunOnMissingResource;
  // Application-level option since Argo CD 3.1).
  if (!options.includes(SYNC_OPTION.skipDryRunOnMissingResource)) p.push(`${where}: syncOptions must include SkipDryRunOnMissingResource=true, so a kind whose add-on is not installed yet does not stop the rest`);
  // The shared-resource check reads only the tracking id on the live object (controller/state.go
  // SharedResourceWarning; controller/sync.go fails on it): after a rename the objects still carry
  // the old Application's id, so the new one would fail for ever. The coverage proof checks
  // instead that no object is rendered twice for one cluster.
  if (options.includes(SYNC_OPTION.failOnSharedResource)) p.push(`${where}: FailOnSharedResource=true makes a renamed service's new Application fail for good (its objects keep the old Application's tracking id); dist/ is checked for objects rendered twice instead`);
  return p;
}
