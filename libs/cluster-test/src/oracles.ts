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
import { runCommand, seededRandom } from '@gitops/platform/testing';
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
export async function kubectlValidateVerdicts(kv: KubectlValidate, files: readonly string[], workDir: string): Promise<Map<string, Verdict>> {
  const kubeconfig = join(workDir, 'empty-kubeconfig');
  writeFileSync(kubeconfig, '{}\n');
  const out = new Map<string, Verdict>();
  // in batches: one argv would be long, and one run validates a few hundred files in about a second
  for (let i = 0; i < files.length; i += 200) {
    const batch = files.slice(i, i + 200);
    const run = await runCommand(kv.binary, [...batch, '--version', '', '--local-schemas', kv.schemasDir, '--local-crds', kv.crdsDir, '-o', 'json'], {
      cwd: workDir,
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

// ---------------------------------------------------------------------------------------------
// mutations

export type Path = readonly (string | number)[];

/** One mutated copy of a dist/ object. */
export interface Mutant {
  /** m001, m002, ...: stable for a seed and a dist/. */
  readonly id: string;
  readonly operator: MutationOperator;
  /** The object and file it is a variant of. */
  readonly source: DistObject;
  /** Dotted path of the change (`spec.template.spec.containers[0].image`). */
  readonly path: string;
  /** What was done: `set to "lots"`, `removed`, `added unknownField: "x"`. */
  readonly change: string;
  readonly object: KubeObject;
}

export const pathText = (path: Path) => path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');

interface Node {
  readonly path: Path;
  readonly value: unknown;
}

/**
 * Maps whose keys are data, not fields (labels, a ConfigMap's data, resource lists, a Service's
 * selector, Helm values that the Application CRD keeps as they are): a field added there is no
 * unknown field.
 */
const FREE_FORM = new Set(['labels', 'annotations', 'matchLabels', 'nodeSelector', 'data', 'stringData', 'binaryData', 'valuesObject', 'limits', 'requests', 'hard', 'maxAllowed', 'minAllowed', 'parameters']);
const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const keyOf = (path: Path) => [...path].reverse().find((p) => typeof p === 'string') as string | undefined;
const last = (path: Path) => path[path.length - 1];
/** apiVersion, kind, metadata.name and metadata.namespace address the object: they are left alone (but for bad-name). */
const isIdentity = (path: Path) => (path.length === 1 && (path[0] === 'apiVersion' || path[0] === 'kind' || path[0] === 'metadata')) || (path.length === 2 && path[0] === 'metadata' && (path[1] === 'name' || path[1] === 'namespace'));
/** Whether a map at this path is free-form (FREE_FORM, or a Service's selector map). */
const freeForm = (object: KubeObject, path: Path) =>
  FREE_FORM.has(String(last(path))) || (object.kind === 'Service' && pathText(path) === 'spec.selector') || path.includes('valuesObject');

/** Every node of the object below the root (values of free-form maps included; not below valuesObject). */
function nodes(object: KubeObject): Node[] {
  const out: Node[] = [];
  const walk = (value: unknown, path: Path) => {
    if (path.length) out.push({ path, value });
    if (path.includes('valuesObject')) return;
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (isMap(value)) for (const k of Object.keys(value)) walk(value[k], [...path, k]);
  };
  walk(object, []);
  return out;
}

function setAt(root: any, path: Path, value: unknown): void {
  let o = root;
  for (const p of path.slice(0, -1)) o = o[p];
  o[last(path) as any] = value;
}

function deleteAt(root: any, path: Path): void {
  let o = root;
  for (const p of path.slice(0, -1)) o = o[p];
  if (Array.isArray(o)) o.splice(last(path) as number, 1);
  else delete o[last(path) as string];
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** A mutation: where it applies in an object, and what it does there. */
interface Operator {
  readonly name: MutationOperator;
  /** How many mutants of this operator. */
  readonly count: number;
  readonly candidates: (object: KubeObject) => Path[];
  /** Changes `copy` at `path` (a copy of the object); returns what it did. */
  readonly apply: (copy: any, path: Path, pick: <T>(values: readonly T[]) => T) => string;
}

export type MutationOperator =
  | 'unknown-field' | 'wrong-type' | 'remove-field' | 'remove-required' | 'bad-enum' | 'out-of-range'
  | 'bad-quantity' | 'bad-name' | 'bad-label' | 'bad-int-or-string' | 'bad-format' | 'server-managed' | 'cross-field';

const show = (v: unknown) => (typeof v === 'string' && v.length > 40 ? `"${v.slice(0, 12)}..." (${v.length} characters)` : JSON.stringify(v));
const setTo = (copy: any, path: Path, value: unknown) => {
  setAt(copy, path, value);
  return `set to ${show(value)}`;
};

/** Fields whose values are enumerations in the API types or the CRDs. */
const ENUM_KEYS = new Set([
  'protocol', 'scheme', 'selectPolicy', 'imagePullPolicy', 'restartPolicy', 'fsGroupChangePolicy', 'dnsPolicy', 'creationPolicy',
  'deletionPolicy', 'pathType', 'podManagementPolicy', 'operator', 'policyTypes', 'updateMode', 'simple', 'concurrencyPolicy',
  'externalTrafficPolicy', 'internalTrafficPolicy', 'sessionAffinity', 'whenUnsatisfiable', 'unhealthyPodEvictionPolicy',
  'conversionStrategy', 'decodingStrategy', 'metadataPolicy', 'service', 'mergePolicy', 'reclaimPolicy', 'volumeBindingMode',
]);
/** `type` is an enumeration almost everywhere it appears (Service, strategy, metric, target, seccompProfile, HPA policy). */
const isEnumPath = (path: Path, value: unknown) => typeof value === 'string' && (ENUM_KEYS.has(keyOf(path) ?? '') || keyOf(path) === 'type');

/** Fields the API requires (the OpenAPI's `required`, or the server's validation). */
const REQUIRED_KEYS = new Set([
  'image', 'containers', 'selector', 'template', 'port', 'containerPort', 'targetPort', 'expr', 'groups', 'rules', 'remoteRef', 'key',
  'secretKey', 'secretStoreRef', 'scaleTargetRef', 'maxReplicas', 'destination', 'project', 'source', 'repoURL', 'backend', 'pathType',
  'path', 'host', 'hosts', 'objective', 'sli', 'schedule', 'targetRef', 'podSelector', 'endpoints', 'provider', 'serviceName', 'topologyKey',
  'labelSelector', 'weight', 'podAffinityTerm', 'name', 'metrics', 'target', 'type', 'resource', 'value', 'periodSeconds', 'slos', 'service',
  'alert', 'record', 'httpGet', 'subset', 'route', 'storage', 'accessModes', 'valueFrom', 'configMapKeyRef', 'secretKeyRef',
]);

const ROOTLIKE = (path: Path) => path.length === 0 || path[0] === 'spec' || path[0] === 'metadata';

const OPERATORS: readonly Operator[] = [
  {
    // a field no schema declares: a typo or a field from another version
    name: 'unknown-field',
    count: 40,
    candidates: (o) => [[], ...nodes(o).filter((n) => isMap(n.value) && !freeForm(o, n.path) && ROOTLIKE(n.path)).map((n) => n.path)],
    apply: (copy, path, pick) => {
      const key = pick(['unknownField', 'replica', 'containerPorts', 'labelSelector2', 'specs', 'enabled']);
      let target = copy;
      for (const p of path) target = target[p];
      if (key in target) return setTo(copy, [...path, `${key}X`], 'x');
      target[key] = pick(['x', 1, true, {}]);
      return `added ${key}: ${show(target[key])}`;
    },
  },
  {
    // a value of another JSON type than the field's
    name: 'wrong-type',
    count: 50,
    candidates: (o) => nodes(o).filter((n) => !isIdentity(n.path) && n.path[0] !== 'metadata' || (n.path[1] === 'labels' || n.path[1] === 'annotations') && n.path.length === 3).map((n) => n.path),
    apply: (copy, path, pick) => {
      let v = copy;
      for (const p of path) v = v[p];
      if (typeof v === 'string') return setTo(copy, path, pick([12345, true, ['x'], { x: 'y' }]));
      if (typeof v === 'number') return setTo(copy, path, pick([String(v), 'twelve', true, [v]]));
      if (typeof v === 'boolean') return setTo(copy, path, pick([String(v), 1, 'yes']));
      if (Array.isArray(v)) return setTo(copy, path, pick([{ item: v[0] ?? 'x' }, 'list', 7]));
      if (isMap(v)) return setTo(copy, path, pick(['object', [v], 3]));
      return setTo(copy, path, 'null-was-here');
    },
  },
  {
    // any field left out
    name: 'remove-field',
    count: 40,
    candidates: (o) => nodes(o).filter((n) => !isIdentity(n.path) && !(n.path.length >= 2 && n.path[0] === 'metadata' && (n.path[1] === 'labels' || n.path[1] === 'annotations'))).map((n) => n.path),
    apply: (copy, path) => {
      deleteAt(copy, path);
      return typeof last(path) === 'number' ? 'item removed' : 'removed';
    },
  },
  {
    // a field the API requires left out
    name: 'remove-required',
    count: 30,
    candidates: (o) => nodes(o).filter((n) => typeof last(n.path) === 'string' && REQUIRED_KEYS.has(String(last(n.path))) && !isIdentity(n.path) && !freeForm(o, n.path.slice(0, -1))).map((n) => n.path),
    apply: (copy, path) => {
      deleteAt(copy, path);
      return 'removed';
    },
  },
  {
    name: 'bad-enum',
    count: 30,
    candidates: (o) => nodes(o).filter((n) => isEnumPath(n.path, n.value) && !freeForm(o, n.path.slice(0, -1)) && n.path[0] !== 'metadata').map((n) => n.path),
    apply: (copy, path, pick) => {
      let v = copy;
      for (const p of path) v = v[p];
      return setTo(copy, path, pick(['Bogus', String(v).toLowerCase() === v ? String(v).toUpperCase() : String(v).toLowerCase(), '']));
    },
  },
  {
    // negative, zero, too large for int32, fractional
    name: 'out-of-range',
    count: 40,
    candidates: (o) => nodes(o).filter((n) => typeof n.value === 'number').map((n) => n.path),
    apply: (copy, path, pick) => setTo(copy, path, pick([-1, 0, 2147483648, 1.5, 70000, 101])),
  },
  {
    // resource quantities that resource.ParseQuantity refuses, or negative ones
    name: 'bad-quantity',
    count: 30,
    candidates: (o) => nodes(o).filter((n) => ['limits', 'requests', 'hard', 'maxAllowed', 'minAllowed'].includes(String(n.path[n.path.length - 2])) || keyOf(n.path) === 'storage').filter((n) => typeof n.value === 'string' || typeof n.value === 'number').map((n) => n.path),
    apply: (copy, path, pick) => setTo(copy, path, pick(['lots', '1.5.5', '-1', '-100m', '1Gb', '10 Mi', '', '1Ki1', '0x10', '1e3m', '5%'])),
  },
  {
    // names the API server's name validation refuses (DNS-1123 / DNS-1035 / IANA service names)
    name: 'bad-name',
    count: 35,
    candidates: (o) => [['metadata', 'name'], ...nodes(o).filter((n) => keyOf(n.path) === 'name' && typeof n.value === 'string' && n.path[0] === 'spec' && /containers|ports|volumes|volumeMounts|env|subsets/.test(pathText(n.path))).map((n) => n.path)],
    apply: (copy, path, pick) => setTo(copy, path, pick(['Bad_Name', '-leading-dash', 'trailing-dash-', 'UPPER', 'a'.repeat(254), 'name.with.dots', 'x'.repeat(64), 'http-port-name-too-long', '1234'])),
  },
  {
    // label and annotation keys and values that metav1 validation refuses
    name: 'bad-label',
    count: 30,
    candidates: (o) => nodes(o).filter((n) => ['labels', 'annotations', 'matchLabels'].includes(String(last(n.path))) && isMap(n.value) && !n.path.includes('valuesObject')).map((n) => n.path),
    apply: (copy, path, pick) => {
      let target = copy;
      for (const p of path) target = target[p];
      const annotations = last(path) === 'annotations';
      const [key, value] = pick<[string, string]>(annotations
        ? [['bad key', 'v'], ['example.com/a/b', 'v'], ['-x', 'v'], [`${'k'.repeat(64)}`, 'v'], ['Example_Domain.com/key', 'v']]
        : [['bad key', 'v'], ['example.com/a/b', 'v'], ['ok-key', 'bad value!'], ['ok-key', 'v'.repeat(64)], ['ok-key', '-x'], [`${'k'.repeat(64)}`, 'v'], ['ok-key', 'x-']]);
      target[key] = value;
      return `added ${show(key)}: ${show(value)}`;
    },
  },
  {
    // IntOrString values: a port name that is no IANA service name, a percent that is no percent
    name: 'bad-int-or-string',
    count: 30,
    candidates: (o) => nodes(o).filter((n) => ['targetPort', 'maxSurge', 'maxUnavailable', 'minAvailable'].includes(String(last(n.path))) || (last(n.path) === 'port' && /httpGet|tcpSocket|grpc|egress|ingress|endpoints|backend/.test(pathText(n.path)))).map((n) => n.path),
    apply: (copy, path, pick) => setTo(copy, path, pick(['not-a-valid-port-name', 'HTTP', '25', 'abc%', '200%', -1, 0, 70000, 1.5, ''])),
  },
  {
    // strings with a format: durations, CIDRs, IPs, hosts, paths, times
    name: 'bad-format',
    count: 30,
    candidates: (o) => nodes(o).filter((n) => typeof n.value === 'string' && /^(interval|timeout|refreshInterval|ttl|duration|maxDuration|baseEjectionTime|for|scrapeTimeout|cidr|clusterIP|host|path|repoURL|server|schedule|perTryTimeout|mountPath|keepAlive)$/.test(keyOf(n.path) ?? '') && !freeForm(o, n.path.slice(0, -1))).map((n) => n.path),
    apply: (copy, path, pick) => {
      const key = keyOf(path)!;
      if (/cidr/.test(key)) return setTo(copy, path, pick(['10.0.0.0/33', '10.0.0.1', 'not-a-cidr', '10.0.0.1/24']));
      if (/clusterIP/.test(key)) return setTo(copy, path, pick(['1.2.3.4', 'not-an-ip', '10.100.200.10']));
      if (/host|server|repoURL/.test(key)) return setTo(copy, path, pick(['Bad Host!', 'http://', '*.*.example.com', '']));
      if (/path|mountPath/.test(key)) return setTo(copy, path, pick(['relative/path', '/a b', '']));
      if (/schedule/.test(key)) return setTo(copy, path, pick(['every day', '61 * * * *', '']));
      return setTo(copy, path, pick(['0s', '-5s', 'forever', '30', '1h30', '1 hour', '']));
    },
  },
  {
    // fields the server owns: what a copy of a live object would carry
    name: 'server-managed',
    count: 25,
    candidates: () => [['metadata']],
    apply: (copy, _path, pick) => {
      const [field, value] = pick<[string, unknown]>([
        ['resourceVersion', '12345'], ['resourceVersion', 'abc'], ['uid', 'not-a-uid'], ['uid', '6f1c8a8e-2b0a-4d55-9b3a-7e0b5f8f2c11'],
        ['creationTimestamp', 'yesterday'], ['creationTimestamp', '2020-01-01T00:00:00Z'], ['generation', 7], ['generation', 'seven'],
        ['deletionTimestamp', '2020-01-01T00:00:00Z'], ['selfLink', '/api/v1/x'], ['finalizers', ['bad finalizer']], ['finalizers', ['example.com/cleanup']],
        ['ownerReferences', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner' }]], ['ownerReferences', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'u-1' }]],
        ['managedFields', [{ manager: 'x', operation: 'Bogus' }]], ['generateName', 'Bad_'], ['deletionGracePeriodSeconds', -1],
      ]);
      copy.metadata[field] = value;
      return `metadata.${field} set to ${show(value)}`;
    },
  },
  {
    // rules across fields that no per-field schema states
    name: 'cross-field',
    count: 30,
    candidates: (o) => CROSS_FIELD.filter((c) => c.applies(o)).map((c) => [c.name]),
    apply: (copy, path) => CROSS_FIELD.find((c) => c.name === path[0])!.apply(copy),
  },
];

const podSpecOf = (o: any) => (o.kind === 'Deployment' || o.kind === 'StatefulSet' || o.kind === 'Job' ? o.spec?.template?.spec : undefined);

const CROSS_FIELD: readonly { name: string; applies: (o: any) => boolean; apply: (copy: any) => string }[] = [
  { name: 'selector-not-matching-template', applies: (o) => !!podSpecOf(o) && !!o.spec.selector?.matchLabels, apply: (c) => ((c.spec.template.metadata.labels = { other: 'label' }), 'spec.template.metadata.labels set to {"other":"label"}, which spec.selector does not select') },
  { name: 'duplicate-container-name', applies: (o) => !!podSpecOf(o)?.containers?.length, apply: (c) => (podSpecOf(c).containers.push({ ...clone(podSpecOf(c).containers[0]) }), 'first container duplicated (same name)') },
  { name: 'duplicate-container-port', applies: (o) => !!podSpecOf(o)?.containers?.[0]?.ports?.length, apply: (c) => (podSpecOf(c).containers[0].ports.push(clone(podSpecOf(c).containers[0].ports[0])), 'first container port duplicated (same name and port)') },
  { name: 'hpa-min-above-max', applies: (o) => o.kind === 'HorizontalPodAutoscaler', apply: (c) => ((c.spec.minReplicas = (c.spec.maxReplicas ?? 1) + 2), `spec.minReplicas set to ${c.spec.minReplicas}, above maxReplicas ${c.spec.maxReplicas}`) },
  { name: 'pdb-min-and-max', applies: (o) => o.kind === 'PodDisruptionBudget', apply: (c) => ((c.spec.minAvailable = 1), (c.spec.maxUnavailable = 1), 'both spec.minAvailable and spec.maxUnavailable set') },
  { name: 'nodeport-on-clusterip', applies: (o) => o.kind === 'Service' && (o.spec?.type ?? 'ClusterIP') === 'ClusterIP' && o.spec?.clusterIP !== 'None' && !!o.spec?.ports?.length, apply: (c) => ((c.spec.ports[0].nodePort = 30080), 'spec.ports[0].nodePort 30080 on a ClusterIP Service') },
  { name: 'duplicate-service-port', applies: (o) => o.kind === 'Service' && !!o.spec?.ports?.length, apply: (c) => (c.spec.ports.push(clone(c.spec.ports[0])), 'spec.ports[0] duplicated') },
  { name: 'progress-deadline-below-min-ready', applies: (o) => o.kind === 'Deployment', apply: (c) => ((c.spec.minReadySeconds = 900), (c.spec.progressDeadlineSeconds = 600), 'spec.minReadySeconds 900 above progressDeadlineSeconds 600') },
  { name: 'surge-and-unavailable-zero', applies: (o) => o.kind === 'Deployment' && o.spec?.strategy?.type !== 'Recreate', apply: (c) => ((c.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }), 'rollingUpdate maxSurge 0 and maxUnavailable 0') },
  { name: 'recreate-with-rolling-update', applies: (o) => o.kind === 'Deployment', apply: (c) => ((c.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }), 'strategy Recreate with rollingUpdate') },
  { name: 'ingress-path-not-absolute', applies: (o) => o.kind === 'Ingress' && !!o.spec?.rules?.[0]?.http?.paths?.length, apply: (c) => ((c.spec.rules[0].http.paths[0].path = 'no-leading-slash'), 'spec.rules[0].http.paths[0].path without a leading /') },
  { name: 'ipblock-except-outside-cidr', applies: (o) => o.kind === 'NetworkPolicy' && (o.spec?.ingress ?? []).some((r: any) => (r.from ?? []).some((p: any) => p.ipBlock)), apply: (c) => { const peer = c.spec.ingress.flatMap((r: any) => r.from ?? []).find((p: any) => p.ipBlock); peer.ipBlock.except = ['192.168.0.0/16']; return `ipBlock ${peer.ipBlock.cidr} with except 192.168.0.0/16 outside it`; } },
  { name: 'netpol-peer-empty-and-ipblock', applies: (o) => o.kind === 'NetworkPolicy' && (o.spec?.ingress ?? []).some((r: any) => (r.from ?? []).some((p: any) => p.ipBlock)), apply: (c) => { const peer = c.spec.ingress.flatMap((r: any) => r.from ?? []).find((p: any) => p.ipBlock); peer.podSelector = {}; return 'an ipBlock peer also given a podSelector'; } },
  { name: 'container-limit-below-request', applies: (o) => !!podSpecOf(o)?.containers?.[0]?.resources?.requests?.memory, apply: (c) => { const r = podSpecOf(c).containers[0].resources; r.limits = { ...(r.limits ?? {}), memory: '1Mi' }; return `containers[0] memory limit 1Mi below its request ${r.requests.memory}`; } },
  { name: 'job-restart-always', applies: (o) => o.kind === 'Job', apply: (c) => ((c.spec.template.spec.restartPolicy = 'Always'), 'Job pod template restartPolicy Always') },
  { name: 'deployment-restart-never', applies: (o) => o.kind === 'Deployment' || o.kind === 'StatefulSet', apply: (c) => ((c.spec.template.spec.restartPolicy = 'Never'), 'workload pod template restartPolicy Never') },
  { name: 'volume-mount-without-volume', applies: (o) => !!podSpecOf(o)?.containers?.[0], apply: (c) => { const ct = podSpecOf(c).containers[0]; ct.volumeMounts = [...(ct.volumeMounts ?? []), { name: 'no-such-volume', mountPath: '/nowhere' }]; return 'containers[0] mounts a volume the pod does not declare'; } },
  { name: 'env-from-missing-key-ref', applies: (o) => !!podSpecOf(o)?.containers?.[0], apply: (c) => { const ct = podSpecOf(c).containers[0]; ct.env = [...(ct.env ?? []), { name: 'BOTH', value: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]; return 'an env var with both value and valueFrom'; } },
  { name: 'probe-two-handlers', applies: (o) => !!podSpecOf(o)?.containers?.some((ct: any) => ct.readinessProbe?.httpGet), apply: (c) => { const ct = podSpecOf(c).containers.find((x: any) => x.readinessProbe?.httpGet); ct.readinessProbe.tcpSocket = { port: ct.readinessProbe.httpGet.port }; return 'readinessProbe with both httpGet and tcpSocket'; } },
  { name: 'duplicate-volume-claim-template', applies: (o) => o.kind === 'StatefulSet', apply: (c) => ((c.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }]), 'two volumeClaimTemplates named data') },
  { name: 'vs-timeout-zero', applies: (o) => o.kind === 'VirtualService' && !!o.spec?.http?.length, apply: (c) => ((c.spec.http[0].timeout = '0s'), 'spec.http[0].timeout 0s') },
  { name: 'vs-weights-not-100', applies: (o) => o.kind === 'VirtualService' && (o.spec?.http ?? []).some((h: any) => (h.route ?? []).length > 1), apply: (c) => { const h = c.spec.http.find((x: any) => (x.route ?? []).length > 1); h.route[0].weight = 5; return 'route weights no longer add up to 100'; } },
  { name: 'external-secret-no-data', applies: (o) => o.kind === 'ExternalSecret', apply: (c) => (delete c.spec.data, delete c.spec.dataFrom, 'spec.data and spec.dataFrom both removed') },
  { name: 'application-two-sources', applies: (o) => o.kind === 'Application' && !!o.spec?.source, apply: (c) => ((c.spec.sources = [clone(c.spec.source)]), 'spec.sources added beside spec.source') },
  { name: 'hpa-duplicate-metric', applies: (o) => o.kind === 'HorizontalPodAutoscaler' && !!o.spec?.metrics?.length, apply: (c) => ((c.spec.metrics[0].type = 'Pods'), 'spec.metrics[0].type Pods with a resource source') },
];

/**
 * Deterministic mutants of dist/ objects: for each operator, `count` mutants (scaled by `scale`),
 * each on a kind picked uniformly among the kinds it applies to, then an object of that kind and a
 * place in it; the same change twice is drawn again. The same seed and dist/ give the same list.
 */
export function mutants(objects: readonly DistObject[], seed: number, scale = 1): Mutant[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const sorted = [...objects].sort((a, b) => a.file.localeCompare(b.file));
  const out: Mutant[] = [];
  const seen = new Set<string>();
  for (const op of OPERATORS) {
    const withCandidates = sorted.map((d) => ({ d, paths: op.candidates(d.object) })).filter((c) => c.paths.length > 0);
    const kinds = [...new Set(withCandidates.map((c) => c.d.object.kind))].sort();
    const wanted = Math.round(op.count * scale);
    let made = 0;
    for (let attempt = 0; made < wanted && attempt < wanted * 20; attempt++) {
      const kind = pick(kinds);
      const { d, paths } = pick(withCandidates.filter((c) => c.d.object.kind === kind));
      const path = pick(paths);
      const copy = clone(d.object);
      const change = op.apply(copy, path, pick);
      const key = `${d.file}\0${JSON.stringify(copy)}`;
      if (seen.has(key) || JSON.stringify(copy) === JSON.stringify(d.object)) continue;
      seen.add(key);
      made++;
      out.push({ id: `m${String(out.length + 1).padStart(3, '0')}`, operator: op.name, source: d, path: op.name === 'cross-field' ? String(path[0]) : pathText(path), change, object: copy });
    }
  }
  return out;
}
