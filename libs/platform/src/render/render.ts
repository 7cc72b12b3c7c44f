/**
 * Renders services into files in memory: every values file is read and checked first, and
 * nothing is returned (so nothing is written) unless every service renders.
 */
import { App } from 'cdk8s';
import { EnvironmentSchema, singletonClusters, systemClusters, type Cluster, type Environment, type EnvironmentName } from '../values/environment';
import { singletonReason } from '../layout/singletons';
import { ServiceChart } from '../constructs/chart';
import { serviceEnvironments, type ServiceDefinition } from '../constructs/service';
import { loadValues, ValuesError, type ValueProblem } from '../values/values';
import { relative } from 'node:path';
import { environmentFile, systemValuesFile, renderedHeader } from '../layout/layout';
import { toYaml } from './manifest-yaml';
import { systemNames } from './catalogue';
import { ownershipProblems } from '../layout/ownership';

export { toYaml } from './manifest-yaml';

/** One Kubernetes object as rendered. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/**
 * A rendered leaf folder: `dist/<env>/<system>/<service>`, synced to every cluster the system
 * runs on in the environment; or, where a service's objects differ between those clusters (or it
 * runs on some of them only), `dist/<env>/<system>/<service>/<cluster>`, synced to that cluster.
 */
export interface RenderedLeaf {
  env: EnvironmentName;
  system: string;
  service: string;
  /** The cluster of a per-cluster folder; undefined when the folder goes to all the system's clusters. */
  cluster?: string;
  /** Names of the clusters the folder is synced to. */
  clusters: string[];
  /** `<env>/<system>/<service>[/<cluster>]`, relative to the output folder. */
  path: string;
  objects: RenderedObject[];
  /** File name (`<Kind>.<name>.yaml`) to file content, sorted by name. */
  files: Map<string, string>;
}

export class RenderError extends Error {
  override name = 'RenderError';
}

export interface RenderOptions {
  /** Workspace root: `environments/` is read from here, and paths in messages are relative to it. */
  readonly root: string;
  /** Only these environments. @default - every environment each service runs in */
  readonly environments?: readonly EnvironmentName[];
  /** Where a service's code lives, for the header of its files. @default - no source line */
  readonly sourceOf?: (service: ServiceDefinition) => string | undefined;
  /** Called before each service and environment is rendered (for progress output). @default - silent */
  readonly onProgress?: (done: number, total: number, path: string) => void;
  /** Every system of the catalogue: an environment placing any other is refused. @default - not checked */
  readonly knownSystems?: readonly string[];
  /** The environment and values files this run has read already (renders of one run share it). @default - read here */
  readonly reads?: FileReads;
}

/**
 * Each environment and values file read and checked once in a run, with its result or its
 * problems: the Nx executor renders the projects of a run one by one (so a failing one is named),
 * and reading a system's values file once per project made a run of 1,000 projects of one system
 * take 121 s instead of 6. Meant for one run only: a file is not read again if it changes.
 */
export class FileReads {
  private readonly results = new Map<string, { value: unknown } | { error: unknown }>();

  /** What `load` gave (or threw) for `file` the first time. */
  read<T>(file: string, load: () => T): T {
    let result = this.results.get(file);
    if (!result) {
      try {
        result = { value: load() };
      } catch (error) {
        result = { error };
      }
      this.results.set(file, result);
    }
    if ('error' in result) throw result.error;
    return result.value as T;
  }
}

/** Loads and checks every values file the services need, then renders them all. */
export function renderServices(services: readonly ServiceDefinition[], opts: RenderOptions): RenderedLeaf[] {
  const jobs = services.flatMap((service) =>
    serviceEnvironments(service)
      .filter((env) => !opts.environments || opts.environments.includes(env))
      .map((env) => ({ service, env })),
  );

  // Phase 1: read and check every file, collecting all problems, so one run reports them all.
  const problems: ValueProblem[] = [];
  const reported = new Set<string>(); // one line per problem, however many services share a file
  const envs = new Map<EnvironmentName, Environment>();
  const values = new Map<string, unknown>();
  const reads = opts.reads ?? new FileReads();
  for (const { service, env } of jobs) {
    try {
      if (!envs.has(env)) envs.set(env, reads.read(environmentFile(opts.root, env), () => loadEnvironment(env, opts.root, opts.knownSystems)));
      const file = systemValuesFile(opts.root, env, service.system.name);
      if (!values.has(file)) values.set(file, reads.read(file, () => loadValues(file, service.system.values, opts.root)));
    } catch (e) {
      if (!(e instanceof ValuesError)) throw e;
      for (const p of e.problems) {
        const key = JSON.stringify([p.file, p.field, p.reason]);
        if (!reported.has(key)) problems.push(p);
        reported.add(key);
      }
    }
  }
  if (problems.length > 0) throw new ValuesError(problems);

  // Placement: every system rendered in an environment must say which of its clusters it runs on.
  for (const { service, env } of jobs) {
    const environment = envs.get(env)!;
    if (!systemClusters(environment, service.system.name)) {
      const key = JSON.stringify([env, service.system.name]);
      if (!reported.has(key)) {
        problems.push({ file: relative(opts.root, environmentFile(opts.root, env)), line: 0, column: 0, field: `systems.${service.system.name}`, reason: `no placement: say which clusters the system runs on (clusters: ${environment.clusters.map((c) => c.name).join(', ')})` });
      }
      reported.add(key);
    }
  }
  if (problems.length > 0) throw new ValuesError(problems);

  // Phase 2: build the charts, once per cluster the system runs on.
  const leaves = jobs.flatMap(({ service, env }, i) => {
    const path = `${env}/${service.system.name}/${service.name}`;
    opts.onProgress?.(i + 1, jobs.length, path);
    const environment = envs.get(env)!;
    const systemValues = values.get(systemValuesFile(opts.root, env, service.system.name));
    const namespace = service.system.namespace(systemValues, environment);
    const clusters = systemClusters(environment, service.system.name)!;
    const singletonsOn = singletonClusters(environment, service.system.name);
    // The values files this service's objects come from, named in every file's first line.
    const valuesFiles = [systemValuesFile(opts.root, env, service.system.name), environmentFile(opts.root, env)].map((f) => relative(opts.root, f));
    const header = (leaf: string) => renderedHeader(opts.sourceOf?.(service), leaf, valuesFiles);
    // Most systems render the same objects on each of their clusters: the YAML of the same
    // objects is written once (a fifth of the YAML of a render), and a folder's header is added last.
    const yamlOf = new Map<string, Map<string, string>>();
    const renders = clusters.map((cluster) => {
      const objects = renderOn(service, environment, cluster, systemValues, namespace)
        // A stateful singleton runs on the system's singleton cluster(s) only (singletons.ts).
        .filter((o) => singletonsOn.includes(cluster.name) || !singletonReason(o));
      const json = JSON.stringify(objects);
      const yaml = yamlOf.get(json) ?? objectYaml(path, objects);
      yamlOf.set(json, yaml);
      return { cluster: cluster.name, objects, yaml };
    }).filter((r) => r.objects.length > 0);
    if (renders.length === 0) {
      // An empty folder would make Argo CD prune everything the service had.
      throw new RenderError(`${path}: renders no objects; a service must render at least one object in every environment it runs in`);
    }
    const same = renders.length === clusters.length && renders.every((r) => sameFiles(r.yaml, renders[0].yaml));
    if (same) {
      return [{ env, system: service.system.name, service: service.name, clusters: renders.map((r) => r.cluster), path, objects: renders[0].objects, files: withHeader(renders[0].yaml, header(path)) }];
    }
    // Objects differ between clusters (or the service runs on some only): a folder per cluster.
    return renders.map((r) => {
      const leafPath = `${path}/${r.cluster}`;
      return { env, system: service.system.name, service: service.name, cluster: r.cluster, clusters: [r.cluster], path: leafPath, objects: r.objects, files: withHeader(r.yaml, header(leafPath)) };
    });
  });
  checkOwnership(leaves);
  return leaves;
}

/**
 * What this render can see of ownership (ownership.ts): within each environment, each object once
 * and a namespace per system. A render of one system sees only its own objects; validate's
 * policy rules check the whole of dist/.
 */
function checkOwnership(leaves: readonly RenderedLeaf[]): void {
  const lines: string[] = [];
  for (const env of new Set(leaves.map((l) => l.env))) {
    // A service's per-cluster folders hold one object per cluster it goes to: it counts once.
    const seen = new Set<string>();
    const placed = leaves.filter((l) => l.env === env).flatMap((l) => l.objects.map((object) => ({ file: `dist/${l.path}/${object.kind}.${object.metadata.name}.yaml`, object, key: `${l.system}/${l.service} ${object.apiVersion} ${object.kind} ${object.metadata.namespace ?? ''} ${object.metadata.name}` })))
      .filter((p) => !seen.has(p.key) && Boolean(seen.add(p.key)));
    for (const p of ownershipProblems(placed)) {
      const { file, object } = placed[p.at];
      lines.push(`${file}: ${object.kind} ${object.metadata.name}: [${p.rule}] ${p.message}`);
    }
  }
  if (lines.length > 0) throw new RenderError(lines.join('\n'));
}

/** One service's objects as rendered for one cluster. */
function renderOn(service: ServiceDefinition, env: Environment, cluster: Cluster, values: unknown, namespace: string): RenderedObject[] {
  const app = new App();
  const chart = new ServiceChart(app, service.name, { namespace, system: service.system.name });
  service.render(chart, { env, cluster, values, namespace, system: service.system.name, service: service.name });
  return chart.toJson() as RenderedObject[];
}

function sameFiles(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([name, text]) => b.get(name) === text);
}

/**
 * Reads and checks `environments/<env>/environment.yaml` (every reader goes through here: the
 * renderer, validate, the Argo CD generator).
 * @param knownSystems the catalogue's systems: a placement for any other (a typo or a leftover) is
 * refused @default - the workspace's (`systemNames`), unchecked in a workspace without libs/
 */
export function loadEnvironment(env: EnvironmentName, root: string, knownSystems: readonly string[] | undefined = systemNames(root)): Environment {
  // Checked as part of the schema, so the message points at the value like any other.
  const schema = EnvironmentSchema.superRefine((e, ctx) => {
    if (e.name !== env) ctx.addIssue({ code: 'custom', path: ['name'], message: `must be "${env}", the folder it is in`, input: e.name });
    for (const system of Object.keys(e.systems)) {
      if (knownSystems && !knownSystems.includes(system)) {
        ctx.addIssue({ code: 'custom', path: ['systems', system], message: `no system ${system} in the catalogue (systems: ${[...knownSystems].sort().join(', ')})` });
      }
    }
  });
  return loadValues(environmentFile(root, env), schema, root);
}

/** The YAML of each object by its file name, `<Kind>.<name>.yaml` (one file per object, so a PR diff reads object by object), sorted. */
function objectYaml(path: string, objects: RenderedObject[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const obj of objects) {
    const name = `${obj.kind}.${obj.metadata.name}.yaml`;
    if (files.has(name)) {
      throw new RenderError(`${path}: two objects would be written to ${name}; give them different names`);
    }
    files.set(name, toYaml(obj));
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A folder's files: each object's YAML after the folder's header. */
function withHeader(yaml: Map<string, string>, header: string): Map<string, string> {
  return new Map([...yaml].map(([name, text]) => [name, header + text]));
}
