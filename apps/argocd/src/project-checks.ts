/**
 * The AppProject, role and ApplicationSet rules of the coverage proof (issue 13 items 17-21,
 * issue 12's add-on Applications), each modelled on the Argo CD code that reads the field.
 */
import { ARGOCD_IN_CLUSTER, ARGOCD_NAMESPACE, DELETION_APPROVED_ANNOTATION, serverKey, SYNC_OPTION, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, type Environment } from '@gitops/platform';
import { goPathMatch } from '@gitops/platform';
import { BOOTSTRAP_NAME } from './generate';
import {
  ADDON_CLUSTER_KINDS, applicationsProjectName, childKindsOf, EVERY_NAMESPACE_OBJECTS, grantsSummary, isApplicationsLeaf,
  isGroupKindNamePermitted, isOrphanIgnored, NEVER_MATCHING_KIND, type GroupKind, type NamedGroupKind,
} from './project-rules';
import type { DistLeaf } from './tree';

/** Kinds every Helm chart of an add-on installs in its namespace: the add-ons' project must permit them there. */
const CHART_NAMESPACED_PROBES: readonly GroupKind[] = [
  { group: 'apps', kind: 'Deployment' }, { group: 'apps', kind: 'DaemonSet' }, { group: '', kind: 'Service' },
  { group: '', kind: 'ServiceAccount' }, { group: '', kind: 'Secret' }, { group: '', kind: 'ConfigMap' },
  { group: 'rbac.authorization.k8s.io', kind: 'Role' }, { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' }, { group: 'batch', kind: 'Job' },
];

const same = (a: GroupKind, b: GroupKind) => a.group === b.group && a.kind === b.kind;

/** Argo CD's destination check (server and namespace globs, pkg/apis/application/v1alpha1/app_project_types.go `IsDestinationPermitted`). */
export function isDestinationPermitted(project: any, server: string, namespace: string): boolean {
  return (project.spec.destinations ?? []).some((d: any) =>
    (d.server === server || (d.server && goPathMatch(d.server.replace(/\//g, '\u0000'), server.replace(/\//g, '\u0000')))) &&
    (d.namespace === namespace || goPathMatch(d.namespace ?? '', namespace)));
}

/** Argo CD's source check: an exact repository or a glob of `sourceRepos`. */
function isSourcePermitted(project: any, repoURL: string): boolean {
  return (project.spec.sourceRepos ?? []).some((r: string) => r === '*' || r === repoURL || goPathMatch(r, repoURL));
}

/**
 * Whitelist entries a project may hold beyond the kinds its system renders: the kinds the cluster
 * creates below them (so they stay in the resource tree), the never-matching entry, and for the
 * project of add-on Applications what the charts install.
 */
export function extraKindsPermitted(project: string, leaves: readonly DistLeaf[]): (e: NamedGroupKind, namespaced: boolean) => boolean {
  const rendered = leaves.filter((l) => l.system === project && !isApplicationsLeaf(l)).flatMap((l) => l.objects);
  const children = childKindsOf(rendered.map((o) => ({ group: o.group, kind: o.kind })));
  const addons = leaves.filter(isApplicationsLeaf).some((l) => l.objects.some((o) => (o.spec as any)?.project === project));
  return (e, namespaced) =>
    (namespaced && (same(e, NEVER_MATCHING_KIND) || children.some((c) => same(c, e)))) ||
    (addons && !namespaced && (ADDON_CLUSTER_KINDS.some((k) => same(k, e)) || same(e, { group: '', kind: 'Namespace' }))) ||
    (addons && namespaced && e.group === '*' && e.kind === '*');
}

export interface ProjectRulesInput {
  readonly leaves: readonly DistLeaf[];
  readonly environments: ReadonlyMap<string, Environment>;
  readonly objects: readonly any[];
  readonly generated: readonly { appSet: string; app: any }[];
}

const waveOf = (o: any) => Number(o.metadata?.annotations?.[SYNC_WAVE_ANNOTATION] ?? 0);
const confirmsPrune = (o: { annotations: Readonly<Record<string, string>> }) =>
  (o.annotations[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').map((s) => s.trim()).includes(SYNC_OPTION.pruneConfirm);

export function checkProjectRules({ leaves, environments, objects, generated }: ProjectRulesInput): string[] {
  const problems: string[] = [];
  const projects = new Map(objects.filter((o) => o.kind === 'AppProject').map((p) => [p.metadata.name as string, p]));
  const appSets = objects.filter((o) => o.kind === 'ApplicationSet');
  const leafByPath = new Map(leaves.map((l) => [l.path, l]));

  // Item 21: the bootstrap applies AppProjects in an earlier wave than ApplicationSets, so no
  // ApplicationSet generates Applications of a project that does not exist yet (an AppProject has
  // no health check, so it counts as healthy once created).
  const firstAppSetWave = Math.min(...appSets.map(waveOf));
  for (const p of projects.values()) {
    if (p.metadata.name !== BOOTSTRAP_NAME && appSets.length > 0 && !(waveOf(p) < firstAppSetWave)) {
      problems.push(`AppProject ${p.metadata.name}: ${SYNC_WAVE_ANNOTATION} ${waveOf(p)} is not before the ApplicationSets' (${firstAppSetWave}); an ApplicationSet could be reconciled before its project exists`);
    }
  }

  // Item 17: confirming a Prune=confirm deletion writes an annotation on the Application; the
  // ApplicationSet controller resets annotations it does not preserve (applicationset_controller.go
  // defaultPreservedAnnotations lacks it), so every ApplicationSet preserves it.
  for (const s of appSets) {
    if (!(s.spec.preservedFields?.annotations ?? []).includes(DELETION_APPROVED_ANNOTATION)) {
      problems.push(`ApplicationSet ${s.metadata.name}: spec.preservedFields.annotations must include ${DELETION_APPROVED_ANNOTATION}, or the controller removes a Prune=confirm approval before the sync reads it`);
    }
  }

  // Folders of Applications: their own project may create Applications in argocd on the management cluster, nothing else.
  for (const system of new Set(leaves.filter(isApplicationsLeaf).map((l) => l.system))) {
    const name = applicationsProjectName(system);
    const p = projects.get(name);
    if (!p) {
      problems.push(`AppProject ${name}: missing; it syncs the folders of Applications of ${system}`);
      continue;
    }
    const dests = (p.spec.destinations ?? []).map((d: any) => `${d.server} ${d.namespace}`);
    if (dests.length !== 1 || dests[0] !== `${ARGOCD_IN_CLUSTER} ${ARGOCD_NAMESPACE}`) problems.push(`AppProject ${name}: destinations must be exactly ${ARGOCD_IN_CLUSTER} ${ARGOCD_NAMESPACE} (got ${dests.join(', ') || 'none'})`);
    if ((p.spec.clusterResourceWhitelist ?? []).length > 0) problems.push(`AppProject ${name}: must permit no cluster-scoped kind`);
    const ns = p.spec.namespaceResourceWhitelist ?? [];
    if (ns.length !== 1 || ns[0].group !== 'argoproj.io' || ns[0].kind !== 'Application') problems.push(`AppProject ${name}: namespaceResourceWhitelist must be exactly argoproj.io/Application`);
  }

  // The Applications in those folders (the add-ons): their project permits their cluster, namespace, chart repository and what charts install.
  for (const leaf of leaves.filter(isApplicationsLeaf)) {
    const cluster = environments.get(leaf.env)?.clusters.find((c) => c.name === leaf.path.split('/')[4]);
    for (const o of leaf.objects) {
      const spec = o.spec as any;
      const where = `${o.file}: Application ${o.name}`;
      if (o.namespace !== ARGOCD_NAMESPACE) problems.push(`${where}: metadata.namespace ${o.namespace}; Argo CD reads Applications in ${ARGOCD_NAMESPACE}`);
      if (!cluster || spec?.destination?.server !== cluster.server) problems.push(`${where}: destination ${spec?.destination?.server} is not the cluster its folder names (${leaf.path.split('/')[4]})`);
      // The folder is synced through <system>-applications, which may create Applications; no
      // AppProject can restrict which project those name (Argo CD checks a child's spec.project only
      // when it reconciles the child), so a child naming another project would get that project's
      // rights through this folder. Each must name its system's project.
      if (spec?.project !== leaf.system) problems.push(`${where}: project ${spec?.project}, but the Applications of ${leaf.path} (synced through project ${applicationsProjectName(leaf.system)}) may name only project ${leaf.system}`);
      const p = projects.get(spec?.project);
      if (!p) {
        problems.push(`${where}: project ${spec?.project} is not in argocd/`);
        continue;
      }
      if (!isDestinationPermitted(p, spec.destination?.server, spec.destination?.namespace)) problems.push(`${where}: project ${p.metadata.name} does not permit namespace ${spec.destination?.namespace} on ${spec.destination?.server}`);
      for (const src of spec.sources ?? [spec.source]) if (src && !isSourcePermitted(p, src.repoURL)) problems.push(`${where}: project ${p.metadata.name} does not permit repository ${src.repoURL}`);
      for (const k of ADDON_CLUSTER_KINDS) if (!isGroupKindNamePermitted(p, { ...k, name: 'any' }, false)) problems.push(`${where}: project ${p.metadata.name} does not permit cluster-scoped ${k.group || 'core'}/${k.kind}, which add-on charts install`);
      for (const k of CHART_NAMESPACED_PROBES) if (!isGroupKindNamePermitted(p, { ...k, name: 'any' }, true)) problems.push(`${where}: project ${p.metadata.name} does not permit namespaced ${k.group || 'core'}/${k.kind}, which add-on charts install`);
      // CreateNamespace=true creates the namespace as a sync task, checked against the whitelist like any object (gitops-engine sync_context.go autoCreateNamespace, then permissionValidator)
      if ((spec.syncPolicy?.syncOptions ?? []).includes(SYNC_OPTION.createNamespace) && !isGroupKindNamePermitted(p, { group: '', kind: 'Namespace', name: spec.destination?.namespace }, false)) {
        problems.push(`${where}: project ${p.metadata.name} does not permit creating Namespace ${spec.destination?.namespace} (CreateNamespace=true)`);
      }
    }
  }

  const namespaceOwners = new Map<string, string>();
  for (const [name, p] of [...projects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // the AppProject CRD: `+kubebuilder:validation:MaxLength=255` on spec.description; the API server refuses longer
    if (String(p.spec.description ?? '').length > 255) problems.push(`AppProject ${name}: description is ${String(p.spec.description).length} characters; the AppProject CRD allows 255`);
    // Item 21: never an empty or absent namespaced whitelist (absent allows all; empty becomes absent after one API round trip).
    const nsList = p.spec.namespaceResourceWhitelist;
    if (nsList === undefined || nsList.length === 0) problems.push(`AppProject ${name}: namespaceResourceWhitelist ${nsList === undefined ? 'absent, which permits every namespaced kind' : 'is [], which Argo CD stores as absent (permit all) after one API round trip'}; use ${NEVER_MATCHING_KIND.group}/${NEVER_MATCHING_KIND.kind} to permit none`);
    // Item 21: a Namespace is permitted by name, each to one project (clusterResourceWhitelist `name`, Argo CD 3.3).
    for (const e of (p.spec.clusterResourceWhitelist ?? []) as NamedGroupKind[]) {
      if (!goPathMatch(e.kind, 'Namespace') || !goPathMatch(e.group, '')) continue;
      if (!e.name || /[*?[\\]/.test(e.name)) {
        problems.push(`AppProject ${name}: permits Namespace ${e.name ? `by the pattern ${e.name}` : 'without a name'}; name each of its own namespaces, or it may create or take any`);
        continue;
      }
      const other = namespaceOwners.get(e.name);
      if (other && other !== name) problems.push(`AppProjects ${other} and ${name} both permit Namespace ${e.name}: a namespace belongs to one system`);
      else namespaceOwners.set(e.name, name);
    }
    // Item 21: orphan warnings only for what someone created, not what the cluster puts in every namespace.
    if (p.spec.orphanedResources?.warn) {
      for (const o of EVERY_NAMESPACE_OBJECTS) {
        if (isGroupKindNamePermitted(p, o, true) && !isOrphanIgnored(o, p.spec.orphanedResources.ignore)) {
          problems.push(`AppProject ${name}: orphanedResources warns on ${o.kind} ${o.name}, which every namespace has; add it to orphanedResources.ignore`);
        }
      }
    }
  }

  // Item 18: what the cluster creates below a rendered object stays in the resource tree.
  for (const leaf of leaves.filter((l) => !isApplicationsLeaf(l))) {
    const p = projects.get(leaf.system);
    if (!p) continue;
    for (const child of childKindsOf(leaf.objects.map((o) => ({ group: o.group, kind: o.kind })))) {
      if (!isGroupKindNamePermitted(p, { ...child, name: 'any' }, true)) {
        problems.push(`AppProject ${leaf.system}: does not permit ${child.group || 'core'}/${child.kind}, which the cluster creates for ${leaf.path}; Argo CD leaves it out of the resource tree (and logs cannot find pods)`);
      }
    }
  }

  // Items 17, 18, 21: roles. Every Application a role may see it may read logs of; every
  // Application holding a Prune=confirm object can be confirmed by some role; the description
  // says exactly what the policies grant.
  const appsOfProject = (project: string) => [
    ...generated.filter((g) => g.app.spec.project === project).map((g) => ({ name: g.app.metadata.name as string, leaf: leafByPath.get(g.app.spec.source?.path) })),
    ...leaves.filter(isApplicationsLeaf).flatMap((l) => l.objects.filter((o) => (o.spec as any)?.project === project).map((o) => ({ name: o.name, leaf: l }))),
  ];
  for (const [name, p] of projects) {
    const apps = appsOfProject(name);
    const grants = (resource: string, action: string, app: string) => (p.spec.roles ?? []).some((r: any) => (r.policies ?? []).some((pol: string) => {
      const [, , res, act, obj, eft] = pol.split(',').map((x) => x.trim());
      return res === resource && (act === action || act === '*') && eft === 'allow' && goPathMatch(obj, `${name}/${app}`);
    }));
    for (const role of p.spec.roles ?? []) {
      const byEnv = new Map<string, Set<string>>();
      for (const pol of role.policies ?? []) {
        const [, subject, res, act, obj] = pol.split(',').map((x: string) => x.trim());
        if (subject !== `proj:${name}:${role.name}`) problems.push(`AppProject ${name}: role ${role.name}: policy ${pol} names another subject`);
        const matched = apps.filter((a) => goPathMatch(obj, `${name}/${a.name}`));
        if (matched.length === 0) problems.push(`AppProject ${name}: role ${role.name}: policy ${pol} matches no Application`);
        for (const a of matched) {
          const env = a.leaf?.env ?? '?';
          byEnv.set(env, (byEnv.get(env) ?? new Set()).add(res === 'logs' ? 'logs' : act));
          if (res === 'applications' && act === 'get' && !grants('logs', 'get', a.name)) {
            problems.push(`AppProject ${name}: role ${role.name} reads Application ${a.name} but may not read its logs (logs, get; enforced since Argo CD 3.0)`);
          }
        }
      }
      const summary = grantsSummary(byEnv);
      if (!String(role.description ?? '').endsWith(`(${summary})`)) problems.push(`AppProject ${name}: role ${role.name}: description "${role.description}" does not end with what its policies grant: (${summary})`);
    }
    for (const a of apps) {
      if (a.leaf && !isApplicationsLeaf(a.leaf) && a.leaf.objects.some(confirmsPrune) && !grants('applications', 'update', a.name)) {
        problems.push(`AppProject ${name}: no role may confirm the Prune=confirm deletions of Application ${a.name} (applications, update)`);
      }
    }
  }

  // The rename trap's other half (item 19): with FailOnSharedResource off, nothing in dist/ may be
  // rendered twice for one cluster, or two Applications would take turns owning it.
  const owner = new Map<string, string>();
  for (const { app } of generated) {
    const leaf = leafByPath.get(app.spec.source?.path);
    if (!leaf) continue;
    // (an object with only generateName, such as a hook Job, gets a new name at each sync: never shared)
    for (const o of leaf.objects.filter((x) => x.name)) {
      const id = `${serverKey(app.spec.destination?.server ?? '')} ${o.group || 'core'}/${o.kind} ${o.namespace ?? ''}/${o.name}`;
      const first = owner.get(id);
      if (first && first !== leaf.path) problems.push(`${o.group || 'core'}/${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name} on ${app.spec.destination?.server}: rendered by both ${first} and ${leaf.path}`);
      else owner.set(id, leaf.path);
    }
  }
  return problems;
}
