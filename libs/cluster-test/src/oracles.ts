/**
 * Oracles for validate's schema verdicts (oracles.integration.test.ts): the same object judged
 * valid or invalid by
 * - ours: strict schema validation as `npm run validate` runs it (`validateFiles` of
 *   @gitops/kubeconform with `strict: true` at the Kubernetes minor of the clusters the file's
 *   folder is synced to, kubeconform's default for anything else; libs/policy/src/validate.ts);
 * - the API server: a server-side dry run (server-side apply, ?dryRun=All) against a real
 *   kube-apiserver with the add-ons' CRDs installed and the object's namespace present;
 * - kubectl-validate: offline, against Kubernetes' own OpenAPI v3 of the pinned release and the
 *   same CRDs as local CRDs;
 * and the seeded mutations of dist/ objects the three are compared on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getValidator } from '@gitops/kubeconform';
import { ENVIRONMENTS, environmentFile, systemClusters, type Environment } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { ApiError, type KubeClient, type KubeObject } from './kube-client';
import { planCatalogue, readFolder, type PlannedAddon } from './plan';
import { sleep } from './processes';
import { addonCrds } from './stand-ins/addons';

/** One oracle's judgement of one object. */
export interface Verdict {
  readonly valid: boolean;
  /** Why not (the oracle's own message); empty when valid. */
  readonly message: string;
}

/** An object of dist/ with the file it is rendered in (repository-relative). */
export interface DistObject {
  readonly object: KubeObject;
  readonly file: string;
}

/** Every object of dist/ (every folder, as Argo CD's repo server reads one). */
export function readDist(root: string): DistObject[] {
  const out: DistObject[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(join(root, dir)).sort();
    if (entries.some((e) => /\.(ya?ml|json)$/.test(e))) out.push(...readFolder(root, dir));
    for (const e of entries) if (statSync(join(root, dir, e)).isDirectory()) walk(`${dir}/${e}`);
  };
  walk('dist');
  return out;
}

export const describeObject = (o: KubeObject) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

// ---------------------------------------------------------------------------------------------
// ours: validate's schema verdict

/**
 * The Kubernetes minors validate checks a file at (libs/policy/src/validate.ts filesByVersion): a
 * dist/<env>/<system>/<service>[/<cluster>]/ file at those of the clusters it is synced to; ''
 * (kubeconform's default, the bundled schemas' release) for anything else.
 */
export function schemaVersions(root: string, file: string): string[] {
  const parts = file.split('/');
  const env = parts[0] === 'dist' && (ENVIRONMENTS as readonly string[]).includes(parts[1]) && existsSync(environmentFile(root, parts[1] as (typeof ENVIRONMENTS)[number]))
    ? loadEnvironmentCached(root, parts[1])
    : undefined;
  // libs/policy/src/checks/fleet.ts folderClusters
  const placed = env && parts.length >= 5 ? systemClusters(env, parts[2]) : undefined;
  const clusters = placed && (parts.length === 6 ? placed.filter((c) => c.name === parts[4]) : placed);
  if (!clusters || clusters.length === 0) return [''];
  return [...new Set(clusters.map((c) => c.kubernetesVersion))].sort();
}

const environments = new Map<string, Environment>();
function loadEnvironmentCached(root: string, env: string): Environment {
  const key = `${root}\0${env}`;
  if (!environments.has(key)) environments.set(key, loadEnvironment(env as (typeof ENVIRONMENTS)[number], root));
  return environments.get(key)!;
}

/**
 * validate's schema verdict for `object` as if rendered in `file`: strict kubeconform at every
 * version validate checks that file at; invalid when any of them is invalid or an error (as
 * ValidateResult.schemaFailures counts). The object is given as JSON text (JSON is YAML), so no
 * YAML 1.1 reading of a plain scalar can change it on the way.
 */
export function oursVerdict(root: string, object: unknown, file: string): Verdict {
  const messages: string[] = [];
  for (const version of schemaVersions(root, file)) {
    const validator = getValidator({ strict: true, ...(version ? { kubernetesVersion: `${version}.0` } : {}) });
    for (const r of validator.validateDocuments(JSON.stringify(object), join(root, file))) {
      if (r.status === 'invalid' || r.status === 'error') messages.push(`${version ? `at ${version}: ` : ''}${r.message ?? r.status}`);
    }
  }
  return { valid: messages.length === 0, message: messages.join('; ') };
}

// ---------------------------------------------------------------------------------------------
// the API server

/** Every add-on of the fleet (each cluster's add-on Applications) and Argo CD's own (the management cluster's). */
export function fleetAddons(root: string): PlannedAddon[] {
  const plan = planCatalogue(root);
  const argocd: PlannedAddon = { name: 'argo-cd', chart: 'argo-cd', repoURL: '', version: '', values: {}, file: '', application: { apiVersion: '', kind: '', metadata: {} } };
  return [argocd, ...plan.clusters.flatMap((c) => c.addons)];
}

/** The CRDs the fleet's add-ons install (stand-ins/addons.ts), once each by name. */
export function fleetCrds(root: string, sharedDir: string): KubeObject[] {
  const byName = new Map<string, KubeObject>();
  for (const addon of fleetAddons(root)) {
    for (const crd of addonCrds(sharedDir, addon)) if (!byName.has(crd.metadata.name!)) byName.set(crd.metadata.name!, crd);
  }
  return [...byName.values()];
}

/** Installs CRDs and waits until each is Established and served (as run.ts does per cluster). */
export async function installCrds(client: KubeClient, crds: readonly KubeObject[]): Promise<void> {
  for (const crd of crds) await client.apply(crd, { fieldManager: 'helm' });
  const deadline = Date.now() + 120_000;
  for (const crd of crds) {
    for (;;) {
      const live = await client.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, crd.metadata.name!);
      if ((live?.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition ${crd.metadata.name} not Established after 120 s`);
      await sleep(100);
    }
  }
  await client.discover();
}

/** Creates every namespace the objects name (a namespaced object's dry run needs its namespace). */
export async function createNamespaces(client: KubeClient, objects: readonly KubeObject[]): Promise<string[]> {
  const resources = await client.discover();
  const names = new Set<string>();
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    const namespaced = resources.get(`${group}/${o.kind}`)?.namespaced ?? true;
    if (namespaced && typeof o.metadata?.namespace === 'string' && o.metadata.namespace) names.add(o.metadata.namespace);
    if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') names.add(o.metadata.name);
  }
  for (const name of [...names].sort()) await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'oracles' });
  return [...names].sort();
}

/**
 * The API server's verdict: `KubeClient.apply(object, { dryRun: true })`, the server-side dry run
 * test:cluster (and Argo CD) does before a sync. Any answer with an error status is invalid with
 * the server's message: a 500 included, since server-side apply answers an undeclared field with
 * one ("failed to create typed patch object (...): .spec.x: field not declared in schema"); no
 * answer at all (the network, a timeout) is thrown, since it says nothing about the object.
 */
export async function serverVerdict(client: KubeClient, object: KubeObject): Promise<Verdict> {
  try {
    await client.apply(object, { dryRun: true });
    return { valid: true, message: '' };
  } catch (e) {
    if (e instanceof ApiError) return { valid: false, message: `${e.status} ${e.reason}: ${e.message}` };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// kubectl-validate

/**
 * The OpenAPI v3 documents of Kubernetes at the version the API server is built from
 * (k8s.io/kubernetes in tools/k8s/kubernetes/go.mod): `api/openapi-spec/v3` of that module in the
 * Go module cache, which is what kubectl-validate's `--version 1.32` downloads from GitHub
 * (`api/openapi-spec/v3?ref=release-1.32`; v0.0.4 has no hardcoded schemas after 1.30, and GitHub
 * is out of reach here). Undefined when the module is not in the cache.
 */
export function kubernetesOpenApiDir(workspaceRoot: string): string | undefined {
  const go = spawnSync('go', ['list', '-m', '-json', 'k8s.io/kubernetes'], { cwd: join(workspaceRoot, 'tools/k8s/kubernetes'), encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=readonly', GOPROXY: 'off' } });
  if (go.status !== 0) return undefined;
  const dir = JSON.parse(go.stdout).Dir as string | undefined;
  const spec = dir && join(dir, 'api/openapi-spec/v3');
  return spec && existsSync(spec) ? spec : undefined;
}

/**
 * kubectl-validate's `--local-schemas` layout (pkg/openapiclient/local_schemas.go:
 * api/<version>.json, apis/<group>/<version>.json) from the spec files' names
 * (`api__v1_openapi.json`, `apis__apps__v1_openapi.json`), as its GitHub client maps them.
 */
export function writeLocalSchemas(specDir: string, outDir: string): void {
  for (const f of readdirSync(specDir).sort()) {
    const m = /^(api|apis)__(.+)_openapi\.json$/.exec(f);
    if (!m) continue;
    const [group, version] = m[2].includes('__') ? m[2].split('__') : ['', m[2]];
    if (m[1] === 'apis' && !group) continue; // apis__<group>_openapi.json: the group's discovery document
    const target = m[1] === 'api' ? join(outDir, 'api', `${version}.json`) : join(outDir, 'apis', group, `${version}.json`);
    mkdirSync(join(target, '..'), { recursive: true });
    copyFileSync(join(specDir, f), target);
  }
}

export interface KubectlValidate {
  readonly binary: string;
  /** --local-schemas (writeLocalSchemas). */
  readonly schemasDir: string;
  /** --local-crds: one folder of CRD files. */
  readonly crdsDir: string;
}

/** Writes the CRDs, one file each, for --local-crds (JSON text, read as YAML). */
export function writeLocalCrds(crds: readonly KubeObject[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const crd of crds) writeFileSync(join(dir, `${crd.metadata.name}.yaml`), `${JSON.stringify(crd)}\n`);
}

/**
 * kubectl-validate's verdict on each file (one object per file), in one run: `-o json` gives a
 * metav1.Status per document. `--version ""`: the native schemas come only from --local-schemas
 * (with a version it would also try the hardcoded ones, then GitHub, and fail offline); KUBECONFIG
 * points at an empty config so no cluster is consulted.
 */
export function kubectlValidateVerdicts(kv: KubectlValidate, files: readonly string[], workDir: string): Map<string, Verdict> {
  const kubeconfig = join(workDir, 'empty-kubeconfig');
  writeFileSync(kubeconfig, '{}\n');
  const out = new Map<string, Verdict>();
  // in batches: one argv would be long, and one run validates a few hundred files in about a second
  for (let i = 0; i < files.length; i += 200) {
    const batch = files.slice(i, i + 200);
    const run = spawnSync(kv.binary, [...batch, '--version', '', '--local-schemas', kv.schemasDir, '--local-crds', kv.crdsDir, '-o', 'json'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    let parsed: Record<string, any[]>;
    try {
      parsed = JSON.parse(run.stdout);
    } catch {
      throw new Error(`kubectl-validate (exit ${run.status}) did not answer JSON: ${run.stderr.trim() || run.stdout.slice(0, 400)}`);
    }
    for (const file of batch) {
      const statuses = (parsed[file] ?? []).filter(Boolean);
      if (!statuses.length) throw new Error(`kubectl-validate gave no result for ${file}: ${run.stderr.trim()}`);
      const failures = statuses.filter((s) => s.status !== 'Success');
      out.set(file, {
        valid: failures.length === 0,
        message: failures.map((s) => [s.message, ...(s.details?.causes ?? []).map((c: any) => `${c.field ?? ''}: ${c.message}`)].filter(Boolean).join(' | ').trim()).join('; '),
      });
    }
  }
  return out;
}

/** The kubectl-validate binary's own version line, for the log. */
export function toolVersion(binary: string): string {
  try {
    return execFileSync(binary, ['--help'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return '';
  }
}

export const repoRelative = (root: string, file: string) => relative(root, file).split('\\').join('/');
