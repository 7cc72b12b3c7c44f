/**
 * Renders services into files in memory: every values file is read and checked first, and
 * nothing is returned (so nothing is written) unless every service renders.
 */
import { App } from 'cdk8s';
import { EnvironmentSchema, type Environment, type EnvironmentName } from './environment';
import { ServiceChart } from './chart';
import { serviceEnvironments, type ServiceDefinition } from './service';
import { loadValues, ValuesError, type ValueProblem } from './values';
import { environmentFile, systemValuesFile } from './layout';
import { toYaml } from './manifest-yaml';
import { ownershipProblems } from './ownership';

export { toYaml } from './manifest-yaml';

/** One Kubernetes object as rendered. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** A rendered leaf folder: `dist/<env>/<system>/<service>`. */
export interface RenderedLeaf {
  env: EnvironmentName;
  system: string;
  service: string;
  /** `<env>/<system>/<service>`, relative to the output folder. */
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
  for (const { service, env } of jobs) {
    try {
      if (!envs.has(env)) envs.set(env, loadEnvironment(env, opts.root));
      const file = systemValuesFile(opts.root, env, service.system.name);
      if (!values.has(file)) values.set(file, loadValues(file, service.system.values, opts.root));
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

  // Phase 2: build the charts.
  const leaves = jobs.map(({ service, env }, i) => {
    opts.onProgress?.(i + 1, jobs.length, `${env}/${service.system.name}/${service.name}`);
    const environment = envs.get(env)!;
    const systemValues = values.get(systemValuesFile(opts.root, env, service.system.name));
    const namespace = service.system.namespace(systemValues, environment);
    const app = new App();
    const chart = new ServiceChart(app, service.name, { namespace, system: service.system.name });
    service.render(chart, { env: environment, values: systemValues, namespace, system: service.system.name, service: service.name });
    const objects = chart.toJson() as RenderedObject[];
    const path = `${env}/${service.system.name}/${service.name}`;
    if (objects.length === 0) {
      // An empty folder would make Argo CD prune everything the service had.
      throw new RenderError(`${path}: renders no objects; a service must render at least one object in every environment it runs in`);
    }
    return { env, system: service.system.name, service: service.name, path, objects, files: toFiles(path, objects, opts.sourceOf?.(service)) };
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
    const placed = leaves.filter((l) => l.env === env).flatMap((l) => l.objects.map((object) => ({ file: `dist/${l.path}/${object.kind}.${object.metadata.name}.yaml`, object })));
    for (const p of ownershipProblems(placed)) {
      const { file, object } = placed[p.at];
      lines.push(`${file}: ${object.kind} ${object.metadata.name}: [${p.rule}] ${p.message}`);
    }
  }
  if (lines.length > 0) throw new RenderError(lines.join('\n'));
}

export function loadEnvironment(env: EnvironmentName, root: string): Environment {
  // Checked as part of the schema, so the message points at the `name` value like any other.
  const schema = EnvironmentSchema.superRefine((e, ctx) => {
    if (e.name !== env) ctx.addIssue({ code: 'custom', path: ['name'], message: `must be "${env}", the folder it is in`, input: e.name });
  });
  return loadValues(environmentFile(root, env), schema, root);
}

/** One file per object, named `<Kind>.<name>.yaml` so a PR diff reads object by object. */
function toFiles(path: string, objects: RenderedObject[], source: string | undefined): Map<string, string> {
  const files = new Map<string, string>();
  for (const obj of objects) {
    const name = `${obj.kind}.${obj.metadata.name}.yaml`;
    if (files.has(name)) {
      throw new RenderError(`${path}: two objects would be written to ${name}; give them different names`);
    }
    const header = `# Rendered from ${source ?? 'code'} for ${path}. Do not edit: change the code or environments/ and run npm run synth.\n`;
    files.set(name, header + toYaml(obj));
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
