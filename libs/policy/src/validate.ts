/**
 * `validate`: strict schema validation (our kubeconform) plus the policy checks, over the
 * folders a project renders. Cross-object rules see the whole of dist/ so that a reference into
 * another service's folder resolves; only the project's own files are reported.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { BUNDLED_KUBERNETES_VERSION, validateFiles, type ResourceResult } from '@gitops/kubeconform';
import { ENVIRONMENTS, environmentFile, POLICY_RULES, VALIDATABLE_KUBERNETES_VERSIONS, type Cluster, type Environment } from '@gitops/platform';
import { findServiceProjects, loadEnvironment, serviceDistFolders } from '@gitops/platform/render';
import { checkPolicies, formatViolation, type PolicyReport } from './policy';
import { readManifests } from './manifests';
import { folderClusters } from './checks/fleet';
import { loadEnvironmentAddons } from './addon-pins';
import { sharedChartFiles } from './checks/addon-values';
import { checkChartPins } from './checks/chart-index';
import { checkSupport } from './checks/support';

export interface ValidateResult {
  /** Folders checked, relative to the root. */
  targets: string[];
  /** Schema results that are not valid (invalid or error), each with the Kubernetes version it was checked at and why that one. */
  schemaFailures: SchemaFailure[];
  resources: number;
  policy: PolicyReport;
}

export interface SchemaFailure extends ResourceResult {
  /** The minor the file was checked at; undefined: kubeconform's default (the bundled schemas' release). */
  kubernetesVersion?: string;
  /** Where that version comes from, for the message: "on cluster x", "asked with --kubernetes-version ...". */
  versionOf: string;
}

/** The folders a service project renders (its `synth` outputs, as the catalogue and so Nx know them). */
export function projectTargets(root: string, projectRoot: string): string[] {
  const project = findServiceProjects(root).find((p) => p.root === projectRoot.replace(/\/+$/, ''));
  if (!project) throw new Error(`${projectRoot}: not a service project, nothing to validate`);
  return serviceDistFolders(project);
}

/**
 * The policy report over everything rendered (`dist/` and `argocd/`), for `validate` to filter
 * per project; a batch computes it once for all its projects.
 */
export async function policyReport(root: string, options: PolicyReportOptions = {}): Promise<PolicyReport> {
  const fleet = loadFleet(root);
  const shared = options.sharedDir ?? process.env.GITOPS_SHARED_DIR ?? resolve(root, '../shared');
  const haveCharts = existsSync(join(shared, 'addons'));
  const report = checkPolicies(await readManifests(root, ['dist', 'argocd'].filter((d) => existsSync(join(root, d)))), fleet, haveCharts ? { chartFiles: sharedChartFiles(shared) } : {});
  // the pins of environments/<env>/cluster-addons.yaml and the clusters' Kubernetes versions
  const on = options.on ?? new Date().toISOString().slice(0, 10);
  const pins = loadEnvironmentAddons(root);
  const support = checkSupport(pins, fleet, on);
  const warnings = [...support.warnings];
  if (!haveCharts && pins.length > 0) {
    warnings.push({ rule: 'addon-values-known', file: 'environments', kind: 'add-on', name: 'values', message: `${shared}/addons (the charts' values.yaml) is missing: the add-ons' valuesObject was not checked (set GITOPS_SHARED_DIR)` });
  }
  const order = (a: { file: string; rule: string; name: string }, b: typeof a) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule) || a.name.localeCompare(b.name);
  return {
    violations: [...report.violations, ...checkChartPins(pins), ...support.violations].sort(order),
    waived: [...report.waived, ...support.waived].sort(order),
    warnings: warnings.sort(order),
    supportJudgedOn: on,
  };
}

export interface PolicyReportOptions {
  /**
   * The day support windows are judged at (YYYY-MM-DD). @default - today (UTC): an end of support
   * is a date in the calendar, and a date written into the repository goes stale unnoticed; Nx's
   * validate cache is keyed by the day for the same reason (nx.json)
   */
  readonly on?: string;
  /** Where the add-ons' upstream files are (`<dir>/addons`). @default - GITOPS_SHARED_DIR, or ../shared beside the root */
  readonly sharedDir?: string;
}

/** Each environment's clusters and placements (environment.yaml), for the fleet rules. */
export function loadFleet(root: string): Map<string, Environment> {
  return new Map(ENVIRONMENTS.filter((env) => existsSync(environmentFile(root, env))).map((env) => [env, loadEnvironment(env, root)]));
}

/**
 * Validates `targets` (folders relative to `root`).
 * @param full the policy report over the whole render @default - computed here
 */
export interface ValidateOptions extends PolicyReportOptions {
  /**
   * Validate every dist/ folder at this Kubernetes minor ("1.33") instead of its clusters' own
   * versions: what would break if the clusters were upgraded to it. @default - each folder at the
   * version of every cluster it is synced to (environment.yaml)
   */
  readonly kubernetesVersion?: string;
}

/** The files to check at one Kubernetes version, and for each file why that version (its clusters, or the flag). */
interface VersionGroup {
  files: string[];
  versionOf: Map<string, string>;
}

/**
 * The Kubernetes versions each file is validated at: a dist/ folder at those of the clusters it
 * is synced to (an API a cluster's version does not serve is an error there); anything else
 * (argocd/, the Argo CD cluster) at kubeconform's default, the bundled schemas' release.
 */
function filesByVersion(root: string, targets: readonly string[], fleet: ReadonlyMap<string, Environment>, override?: string): Map<string, VersionGroup> {
  const out = new Map<string, VersionGroup>();
  const add = (version: string, file: string, versionOf: string) => {
    const group: VersionGroup = out.get(version) ?? { files: [], versionOf: new Map() };
    group.files.push(file);
    group.versionOf.set(file, versionOf);
    out.set(version, group);
  };
  const names = (clusters: readonly Cluster[]) => `${clusters.length > 1 ? 'clusters' : 'cluster'} ${clusters.map((c) => c.name).join(', ')}`;
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  for (const t of targets) {
    for (const file of walk(join(root, t)).sort()) {
      const rel = relative(root, file).split('\\').join('/');
      const env = rel.startsWith('dist/') ? fleet.get(rel.split('/')[1]) : undefined;
      const clusters = env ? folderClusters(env, rel) : undefined;
      if (!clusters || clusters.length === 0) {
        const why = rel.startsWith('dist/') ? 'no cluster of its environment takes this folder' : 'it goes to the Argo CD cluster, which environments/ does not list';
        add('', file, `(kubeconform's default: ${why})`);
      } else if (override) {
        add(override, file, `(asked with --kubernetes-version; ${clusters.map((c) => `${c.name} runs ${c.kubernetesVersion}`).join(', ')})`);
      } else {
        for (const version of new Set(clusters.map((c) => c.kubernetesVersion))) add(version, file, `on ${names(clusters.filter((c) => c.kubernetesVersion === version))}`);
      }
    }
  }
  return out;
}

export async function validate(root: string, targets: readonly string[], full?: PolicyReport, options: ValidateOptions = {}): Promise<ValidateResult> {
  // Nothing to check is a failure, not a pass: a render that wrote nothing must not look valid.
  if (targets.length === 0) throw new Error('nothing to validate: no folders given');
  const present = targets.filter((t) => existsSync(join(root, t)));
  const missing = targets.filter((t) => !present.includes(t));
  if (missing.length > 0) throw new Error(`nothing to validate: ${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist (run npm run synth first)`);

  if (options.kubernetesVersion !== undefined && !/^1\.\d+$/.test(options.kubernetesVersion)) throw new Error(`--kubernetes-version ${options.kubernetesVersion}: give a minor version such as 1.33`);
  const { oldest, newest } = VALIDATABLE_KUBERNETES_VERSIONS;
  const minor = options.kubernetesVersion === undefined ? undefined : Number(options.kubernetesVersion.slice(2));
  // one line, not a schema failure per object: the bundled schemas do not have that version at all
  if (minor !== undefined && (minor < oldest || minor > newest)) throw new Error(`--kubernetes-version ${options.kubernetesVersion}: the bundled schemas cover 1.${oldest} to 1.${newest}`);
  const results: SchemaFailure[] = [];
  for (const [version, group] of filesByVersion(root, present, loadFleet(root), options.kubernetesVersion)) {
    const report = validateFiles(group.files, { strict: true, ...(version ? { kubernetesVersion: `${version}.0` } : {}) });
    results.push(...report.results.map((r) => ({ ...r, ...(version ? { kubernetesVersion: version } : {}), versionOf: group.versionOf.get(r.filename) ?? '' })));
  }
  const schema = { results };
  const schemaFailures = schema.results.filter((r) => r.status === 'invalid' || r.status === 'error');
  const under = (t: string) => (r: { filename: string }) => r.filename === join(root, t) || r.filename.startsWith(`${join(root, t)}/`);
  const empty = present.filter((t) => !schema.results.some((r) => r.status !== 'empty' && under(t)(r)));
  if (empty.length > 0) throw new Error(`nothing to validate: ${empty.join(', ')} ${empty.length > 1 ? 'hold' : 'holds'} no Kubernetes object (.yaml, .yml or .json)`);

  if (options.on !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.on)) throw new Error(`--on ${options.on}: give a date YYYY-MM-DD`);
  const report = full ?? (await policyReport(root, options));
  // findings about environments/ files (pins, support windows) belong to the whole render and to
  // the projects rendered from that file: environments/<env>/environment.yaml to every service of
  // <env> (a cluster's Kubernetes version past support concerns each service on it), and
  // environments/<env>/<system>.yaml (cluster-addons.yaml's pins) to that system's services
  const environmentWide = present.some((t) => t === 'dist' || /^dist\/[^/]+\/cluster-addons(\/|$)/.test(t));
  const readBy = (file: string) => {
    const input = /^environments\/([^/]+)\/([^/]+)\.yaml$/.exec(file);
    if (!input) return false;
    const [, env, name] = input;
    return present.some((t) => t === 'dist' || t.startsWith(name === 'environment' ? `dist/${env}/` : `dist/${env}/${name}/`));
  };
  const mine = (file: string) => present.some((t) => file === t || file.startsWith(`${t}/`)) || readBy(file) || (environmentWide && file.startsWith('environments'));
  const environmentFindings = [...report.violations, ...report.waived, ...(report.warnings ?? [])].some((v) => v.file.startsWith('environments') && mine(v.file));
  return {
    targets: present,
    schemaFailures,
    resources: schema.results.filter((r) => r.status !== 'empty').length,
    policy: {
      violations: report.violations.filter((v) => mine(v.file)),
      waived: report.waived.filter((v) => mine(v.file)),
      warnings: (report.warnings ?? []).filter((v) => mine(v.file)),
      ...((environmentWide || environmentFindings) && report.supportJudgedOn ? { supportJudgedOn: report.supportJudgedOn } : {}),
    },
  };
}

export function formatValidateResult(r: ValidateResult, root: string): string {
  const lines: string[] = [];
  // every line names the version it was checked at and the cluster(s) that run it (or why another)
  for (const f of r.schemaFailures) {
    const version = f.kubernetesVersion ?? BUNDLED_KUBERNETES_VERSION.replace(/\.0$/, '');
    lines.push(`${f.filename.replace(`${root}/`, '')} - ${f.kind ?? ''} ${f.name ?? ''} ${f.status === 'invalid' ? 'is invalid' : 'failed validation'} at Kubernetes ${version} ${f.versionOf}: ${f.message ?? ''}`.replace(/\s+/g, ' '));
  }
  for (const v of r.policy.violations) lines.push(formatViolation(v));
  for (const w of r.policy.warnings ?? []) lines.push(`warning: ${formatViolation(w)}`);
  for (const w of r.policy.waived) lines.push(`waived: ${formatViolation(w)} (reason: ${w.reason})`);
  if (r.policy.supportJudgedOn) lines.push(`support windows judged on ${r.policy.supportJudgedOn} (validate --on YYYY-MM-DD judges another day)`);
  // which rules ran, so a reader sees a rule that found nothing was checked (meanings: POLICY_RULES)
  const rules = Object.keys(POLICY_RULES);
  lines.push(`policy rules (${rules.length}): ${rules.join(', ')}`);
  lines.push(
    `validate ${r.targets.join(' ')}: ${r.resources} resources; schema (strict): ${r.schemaFailures.length} failing; policy: ${r.policy.violations.length} violations, ${r.policy.waived.length} waived, ${(r.policy.warnings ?? []).length} warnings`,
  );
  return lines.join('\n');
}
