/**
 * `nx g @gitops/nx-synth:service --name <name> --system <system> [--create-system] [--environments a,b]`
 * (npm run new-service). Writes the service library, its values in every environment it runs in,
 * and a test; Nx infers its project (plugin.ts) and Argo CD picks the new dist/ folder up from the
 * layout when argocd/ is re-rendered. Every check runs, and every values file edit is computed,
 * before anything is written (Nx flushes the tree only on success); npm run new-service rolls
 * back everything if the render fails.
 *
 * Systems, their environments and their services come from the catalogue
 * (libs/platform/src/render/catalogue.ts), clusters from the environment files read with the
 * platform's YAML reader, the environment names from the platform: nothing is guessed from text.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getProjects, type Tree } from 'nx/src/devkit-exports';
import { isMap, isNode, isScalar, parse, parseDocument, stringify, type Node, type YAMLMap } from 'yaml';
import { ENVIRONMENTS } from '../../../libs/platform/src/values/environment';
import { formatFileProblem, parseYaml } from '../../../libs/platform/src/values/yaml-safe';
import { camelCase, findServiceProjects, findSystems, type SystemProject } from '../../../libs/platform/src/render/catalogue';

export interface ServiceGeneratorOptions {
  readonly name: string;
  readonly system: string;
  readonly createSystem?: boolean;
  /** Comma-separated. */
  readonly environments?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Words JavaScript reserves (ECMAScript 2022, strict mode and modules), which cannot name a const. */
const RESERVED_WORDS = new Set([
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements', 'import', 'in', 'instanceof', 'interface',
  'let', 'new', 'null', 'package', 'private', 'protected', 'public', 'return', 'static', 'super', 'switch', 'this', 'throw',
  'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'arguments', 'eval',
]);

/** Environments of a system made with --create-system when --environments is not given. */
const DEFAULT_ENVIRONMENTS = 'staging,production';

export default async function serviceGenerator(tree: Tree, options: ServiceGeneratorOptions): Promise<void> {
  const { name, system } = options;
  const createSystem = Boolean(options.createSystem);
  check(DNS_LABEL.test(name) && name.length <= 63, `--name '${name}' is not a DNS-1123 label (lower-case letters, digits and -, at most 63)`);
  check(DNS_LABEL.test(system) && system.length <= 63, `--system '${system}' is not a DNS-1123 label (lower-case letters, digits and -, at most 63)`);

  const systems = new Map<string, SystemProject>(catalogue(() => findSystems(tree.root)).map((s) => [s.name, s]));
  const services = catalogue(() => findServiceProjects(tree.root));
  // services are inferred by the plugin, other projects have a project.json
  const projects = new Map<string, string>([
    ...[...getProjects(tree)].map(([n, p]) => [n, p.root] as const),
    ...services.map((s) => [s.name, s.root] as const),
  ]);
  let envs: readonly string[];
  let systemImport: { readonly import: string; readonly export: string };
  if (createSystem) {
    check(!systems.has(system) && !tree.exists(`libs/${system}`), `--system '${system}' exists already; leave out --create-system to add a service to it`);
    envs = environmentList(options.environments ?? DEFAULT_ENVIRONMENTS);
    for (const env of envs) {
      check((ENVIRONMENTS as readonly string[]).includes(env), `--environments: '${env}' is not one of ${ENVIRONMENTS.join(', ')}`);
      check(tree.exists(`environments/${env}/environment.yaml`), `--environments: environments/${env}/environment.yaml does not exist`);
    }
    check(!projects.has(`${system}-system`) && !projects.has(`${system}-shared`), `--system '${system}': projects ${system}-system or ${system}-shared exist already`);
    const exported = camelCase(system);
    // the system library exports `const <camelCase(system)> = defineSystem(...)`: it must be a name
    // JavaScript allows there, or the new library does not compile and Nx cannot read the workspace
    check(/^[A-Za-z_$]/.test(exported), `--system '${system}' starts with a digit: its library's export (${exported}) would not be a JavaScript name; start it with a letter`);
    check(!RESERVED_WORDS.has(exported), `--system '${system}': its library's export would be '${exported}', a reserved word in JavaScript; choose another name`);
    systemImport = { export: exported, import: `@gitops/${system}-system` };
  } else {
    const known = [...systems.keys()].sort().join(', ');
    const sys = systems.get(system);
    check(sys, `unknown system '${system}' (known: ${known}); pass --create-system to make a new one`);
    // Argo CD targets a cluster-scoped system's Applications at a namespace it may not put
    // namespaced objects in (apps/argocd: clusterScopedSystems), and a web service is namespaced
    const clusterScoped = parse(tree.read('environments/argocd.yaml', 'utf-8') ?? '')?.clusterScopedSystems?.[system];
    check(!clusterScoped, `system '${system}' renders only cluster-scoped objects (environments/argocd.yaml: clusterScopedSystems.${system}); a web service is namespaced, so it cannot join it. Add it to another system, or make one with --create-system`);
    check(await hasWebServices(tree.root, sys), `system '${system}': its values schema (${sys.root}) has no webServices field; add \`webServices: WebServicesSchema\` from @gitops/platform first`);
    systemImport = sys.library;
    if (options.environments === undefined) {
      envs = sys.environments;
    } else {
      // only environments the system runs in; the service then declares them (defineService environments)
      envs = environmentList(options.environments);
      for (const env of envs) check(sys.environments.includes(env as never), `--environments: system '${system}' does not run in '${env}' (it runs in: ${sys.environments.join(', ')})`);
    }
    for (const env of envs) check(tree.exists(`environments/${env}/${system}.yaml`), `environments/${env}/${system}.yaml does not exist`);
  }
  check(!projects.has(name), `--name '${name}' is taken: an Nx project of that name exists (${projects.get(name)})`);
  check(!tree.exists(`libs/${system}/${name}`), `--name '${name}' is taken: libs/${system}/${name} exists`);
  for (const env of envs) check(!tree.exists(`dist/${env}/${system}/${name}`), `--name '${name}' is taken: dist/${env}/${system}/${name} exists`);
  // Argo CD names an Application <system>-<service>-<cluster>; it must stay a valid name.
  const short = name.startsWith(`${system}-`) ? name.slice(system.length + 1) : name;
  for (const cluster of envs.flatMap((env) => clusterNames(tree, env))) {
    const app = `${system}-${short}-${cluster}`;
    check(app.length <= 63, `--name '${name}' is too long: its Argo CD Application ${app} would have ${app.length} characters (at most 63)`);
  }
  // the values edits, computed (and checked) before anything is written
  const values = createSystem ? [] : envs.map((env) => {
    const file = `environments/${env}/${system}.yaml`;
    return [file, addWebService(tree.read(file, 'utf-8') ?? '', file, name, env === 'production')] as const;
  });

  if (createSystem) writeSystem(tree, system, systemImport.export, envs);
  const ownEnvironments = !createSystem && options.environments !== undefined;
  writeService(tree, { name, system, systemImport, envs, ownEnvironments });
  if (createSystem) for (const env of envs) tree.write(`environments/${env}/${system}.yaml`, addWebService(tree.read(`environments/${env}/${system}.yaml`, 'utf-8') ?? '', `environments/${env}/${system}.yaml`, name, env === 'production'));
  // a new system runs on its environment's first cluster until someone places it elsewhere (environment.yaml systems)
  if (createSystem) for (const env of envs) tree.write(`environments/${env}/environment.yaml`, placeSystem(tree.read(`environments/${env}/environment.yaml`, 'utf-8') ?? '', system, clusterNames(tree, env)[0]));
  for (const [file, text] of values) tree.write(file, text);
}

function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

/** The catalogue's answer, or its one-line reason as the generator's error. */
function catalogue<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new Error(`cannot read the catalogue: ${(e as Error).message}`);
  }
}

function environmentList(text: string): string[] {
  const envs = String(text).split(',').map((e) => e.trim());
  check(envs.length > 0 && envs.every(Boolean), `--environments '${text}': give environment names separated by commas, e.g. staging,production`);
  check(new Set(envs).size === envs.length, `--environments '${text}': an environment is named twice`);
  return envs;
}

/** Whether the system's values schema has `webServices` (what generated services are configured by). */
async function hasWebServices(root: string, sys: SystemProject): Promise<boolean> {
  // the system library's module, through tsx's ESM loader (the platform imports ESM-only packages)
  const { tsImport } = await import('tsx/esm/api');
  const mod = (await tsImport(pathToFileURL(join(root, sys.root, 'src/index.ts')).href, __filename)) as Record<string, unknown>;
  const definition = mod[sys.library.export] as { values?: { shape?: Record<string, unknown> } } | undefined;
  return Boolean(definition?.values?.shape && 'webServices' in definition.values.shape);
}

/** environment.yaml with `systems.<system>: { clusters: [<cluster>] }` added, the rest of the text as it was. */
function placeSystem(text: string, system: string, cluster: string): string {
  const doc = parseDocument(text);
  doc.setIn(['systems', system], doc.createNode({ clusters: [cluster] }, { flow: true }));
  return doc.toString();
}

/** The names of an environment's clusters, read with the platform's YAML reader. */
function clusterNames(tree: Tree, env: string): string[] {
  const file = `environments/${env}/environment.yaml`;
  const parsed = parseYaml(tree.read(file, 'utf-8') ?? '', file);
  check(parsed.problems.length === 0, `${parsed.problems.map(formatFileProblem).join('\n')}\n${file}: fix it first`);
  const clusters = (parsed.documents[0]?.value as { clusters?: { name?: unknown }[] } | undefined)?.clusters ?? [];
  return clusters.map((c) => c.name).filter((n): n is string => typeof n === 'string');
}

/** Where a parsed node is in its text (every node the parser made from text has a range). */
function rangeOf(node: unknown): [number, number, number] {
  const range = isNode(node) ? node.range : undefined;
  check(range, 'a YAML node without a position');
  return range;
}

/** The project.json of a system library (services have none: the plugin infers theirs). */
function systemProjectJson(root: string, system: string): Record<string, unknown> {
  return {
    name: `${system}-system`,
    $schema: '../../../node_modules/nx/schemas/project-schema.json',
    projectType: 'library',
    sourceRoot: `${root}/src`,
    tags: ['type:system', `scope:${system}`],
    namedInputs: { values: [`{workspaceRoot}/environments/*/${system}.yaml`] },
    targets: { test: {} },
  };
}

interface ServiceFiles {
  readonly name: string;
  readonly system: string;
  readonly systemImport: { readonly import: string; readonly export: string };
  readonly envs: readonly string[];
  readonly ownEnvironments: boolean;
}

/** The service library (no project.json: the plugin infers the project from its defineService). */
function writeService(tree: Tree, { name, system, systemImport, envs, ownEnvironments }: ServiceFiles): void {
  const root = `libs/${system}/${name}`;
  const systemVar = systemImport.export;
  const environments = ownEnvironments ? `\n  // only these of the system's environments (npm run new-service --environments)\n  environments: ${quoteList(envs)},` : '';
  tree.write(`${root}/src/index.ts`, `import { defineService, WebService } from '@gitops/platform';
import { ${systemVar} } from '${systemImport.import}';

/**
 * ${name}: made by \`npm run new-service\`. Its values are \`webServices.${name}\` in
 * environments/<env>/${system}.yaml; the objects are the platform's WebService.
 */
export default defineService({
  system: ${systemVar},
  name: '${name}',${environments}
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['webServices.${name}.tag'],
  render(chart, ctx) {
    new WebService(chart, 'Service', { ctx, name: '${name}' });
  },
});
`);
  const production = envs.includes('production');
  tree.write(`${root}/src/${name}.test.ts`, `import { describe, expect, it } from 'vitest';
import { loadValues, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import service from './index';

/** Its values in an environment (the tag changes with every release, so it is read, never pinned). */
const values = (env: EnvironmentName) =>
  loadValues(systemValuesFile(WORKSPACE_ROOT, env, service.system.name), service.system.values, WORKSPACE_ROOT).webServices?.['${name}'];

describe('${name}', () => {
  it.each(${JSON.stringify(envs)} as const)('runs its pinned image with liveness and readiness probes in %s', (env) => {
    const objects = renderLeaf(service, env).objects;
    const container = mainContainer(findObject(objects, 'Deployment', '${name}'));
    expect(container.image.endsWith(\`/${name}:\${values(env)?.tag}\`)).toBe(true);
    expect(container.livenessProbe.httpGet).toMatchObject({ path: values(env)?.livenessPath, port: values(env)?.port });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: values(env)?.readinessPath, port: values(env)?.port });
    expect(findObject(objects, 'Service', '${name}').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: values(env)?.port, protocol: 'TCP' }]);
  });
${production ? `
  it('runs at least two pods in production, under a PodDisruptionBudget', () => {
    const objects = renderLeaf(service, 'production').objects;
    expect(findObject(objects, 'HorizontalPodAutoscaler', '${name}-hpa').spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(findObject(objects, 'PodDisruptionBudget', '${name}-pdb').spec.minAvailable).toBe(1);
  });
` : ''}});
`);
}

const quoteList = (items: readonly string[]) => `[${items.map((i) => `'${i}'`).join(', ')}]`;

/** The values a generated service starts with (`webServices.<name>`). */
function webServiceValues(production: boolean): Record<string, unknown> {
  return {
    tag: '0.1.0',
    port: 8080,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    ...(production ? { autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 } } : { replicas: 1 }),
    livenessPath: '/healthz',
    readinessPath: '/readyz',
  };
}

/** Their YAML lines: the name at column `base`, its fields one `unit` deeper (no final newline). */
function webServiceLines(name: string, production: boolean, base: number, unit: number): string {
  const at = (depth: number, line: string) => ' '.repeat(base + depth * unit) + line;
  return [
    at(0, `${name}:`),
    at(1, 'tag: "0.1.0"'),
    at(1, 'port: 8080'),
    at(1, 'resources:'),
    at(2, 'requests: { cpu: 100m, memory: 128Mi }'),
    at(2, 'limits: { cpu: 500m, memory: 256Mi }'),
    at(1, production ? 'autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 }' : 'replicas: 1'),
    at(1, 'livenessPath: /healthz'),
    at(1, 'readinessPath: /readyz'),
  ].join('\n');
}

const columnOf = (text: string, pos: number) => pos - (text.lastIndexOf('\n', pos - 1) + 1);
const lineEnd = (text: string, pos: number) => {
  const at = text.indexOf('\n', pos);
  return at === -1 ? text.length : at;
};

/** Keys sorted at every level: two documents with the same values compare equal whatever their layout. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  return value;
}

/**
 * `text` with `webServices.<name>` added. The yaml Document API finds where; the new lines are
 * spliced into the text, so every other byte (comments, quoting, indentation, flow maps) stays.
 * Handles no `webServices` key, `webServices:` / `webServices: {}` (empty), a flow map, and a
 * block map at any indentation. The result must parse (unique keys) to exactly the old values
 * plus the new entry, or the edit is refused and nothing is written.
 */
export function addWebService(text: string, file: string, name: string, production: boolean): string {
  // the workspace's reader: linear duplicate-key check, every problem as file:line:col
  const parsed = parseYaml(text, file);
  check(parsed.problems.length === 0, `${parsed.problems.map(formatFileProblem).join('\n')}\n${file}: fix it first`);
  const doc = parsed.documents[0].doc;
  const root = doc.contents;
  check(root === null || isMap(root), `${file}: the values are not a map of keys`);
  const map = root as YAMLMap<unknown, unknown> | null;
  const before = (parsed.documents[0].value ?? {}) as Record<string, any>;
  // the file's indentation step: from its first nested block map (2 if it has none)
  let unit = 2;
  for (const p of map?.items ?? []) {
    if (isMap(p.value) && !p.value.flow && p.value.items.length > 0 && isNode(p.key)) {
      unit = columnOf(text, rangeOf(p.value.items[0].key)[0]) - columnOf(text, rangeOf(p.key)[0]);
      break;
    }
  }
  const pair = map?.items.find((p) => isScalar(p.key) && p.key.value === 'webServices');
  const value = pair?.value as Node | null | undefined;
  let out: string;
  if (!pair) {
    out = `${text.replace(/\n*$/, '\n')}\n# Services made by npm run new-service (platform WebService).\nwebServices:\n${webServiceLines(name, production, unit, unit)}\n`;
  } else if (isMap(value) && !value.flow && value.items.length > 0) {
    // a block map: the entry goes after its last line, at the column of its keys
    check(!value.items.some((p) => isScalar(p.key) && p.key.value === name), `${file}: webServices.${name} exists already`);
    const base = columnOf(text, rangeOf(value.items[0].key)[0]);
    const first = value.items[0].value;
    const inner = isMap(first) && !first.flow && first.items.length > 0 ? columnOf(text, rangeOf(first.items[0].key)[0]) - base : unit;
    const end = lineEnd(text, rangeOf(value)[1] - 1);
    out = `${text.slice(0, end)}\n${webServiceLines(name, production, base, inner)}${text.slice(end)}`;
  } else if (value === null || value === undefined || (isScalar(value) && value.value === null) || (isMap(value) && value.flow)) {
    // `webServices:`, `webServices: ~` or a flow map: from the key to the end of that value's line
    // becomes a block map of the entries there were and the new one (a comment there is kept)
    const existing: Record<string, unknown> = isMap(value) ? (value.toJSON() as Record<string, unknown>) ?? {} : {};
    check(!Object.prototype.hasOwnProperty.call(existing, name), `${file}: webServices.${name} exists already`);
    const source = isMap(value) ? text.slice(rangeOf(value)[0], rangeOf(value)[1]) : '';
    check(!source.includes('#'), `${file}: webServices is a flow map with comments in it; make it a block map first`);
    const base = columnOf(text, rangeOf(pair.key)[0]) + unit;
    const from = rangeOf(pair.key)[1];
    const to = lineEnd(text, value?.range ? Math.max(rangeOf(value)[1] - 1, from) : from);
    const comment = /(^|\s)(#.*)$/.exec(text.slice(from, to).replace(source, ''))?.[2];
    const kept = Object.entries(existing).map(([k, v]) => blockYaml({ [k]: v }, base, unit)).join('');
    out = `${text.slice(0, from)}:${comment ? ` ${comment}` : ''}\n${kept}${webServiceLines(name, production, base, unit)}${text.slice(to)}`;
  } else {
    throw new Error(`${file}: webServices is not a map of services; fix it first`);
  }
  const after = parseYaml(out, file);
  const expected = { ...before, webServices: { ...(before.webServices ?? {}), [name]: webServiceValues(production) } };
  check(
    after.problems.length === 0 && JSON.stringify(canonical(after.documents[0].value)) === JSON.stringify(canonical(expected)),
    `${file}: cannot add webServices.${name} without changing other values; add it by hand`,
  );
  return out;
}

/** `value` as block YAML, every line indented by `base`. */
function blockYaml(value: unknown, base: number, unit: number): string {
  return stringify(value, { indent: unit }).split('\n').filter(Boolean).map((l) => ' '.repeat(base) + l).join('\n') + '\n';
}

/** A new system: its library (with the project.json a system library has), a namespace service, its values files. */
function writeSystem(tree: Tree, system: string, systemVar: string, envs: readonly string[]): void {
  const lib = `libs/${system}/system`;
  tree.write(`${lib}/project.json`, JSON.stringify(systemProjectJson(lib, system), null, 2) + '\n');
  tree.write(`${lib}/src/values.ts`, `import { dnsLabel, WebServicesSchema } from '@gitops/platform';
import { z } from 'zod';

/** Schema of \`environments/<env>/${system}.yaml\`. */
export const ValuesSchema = z.strictObject({
  /** Namespace of every ${system} object in the environment. */
  namespace: dnsLabel,
  /** Services made by \`npm run new-service\` (the platform's WebService pattern), by name. */
  webServices: WebServicesSchema,
});
export type Values = z.infer<typeof ValuesSchema>;
`);
  tree.write(`${lib}/src/system.ts`, `import { defineSystem } from '@gitops/platform';
import { ValuesSchema } from './values';

/** The ${system} system (made by \`npm run new-service -- --create-system\`). */
export const ${systemVar} = defineSystem({
  name: '${system}',
  environments: ${JSON.stringify(envs).replace(/"/g, "'").replace(/,/g, ', ')},
  values: ValuesSchema,
  namespace: (values) => values.namespace,
});
`);
  tree.write(`${lib}/src/index.ts`, "export * from './values';\nexport * from './system';\n");
  tree.write(`${lib}/README.md`, `# ${system}-system\n\nThe ${system} system: its values schema (\`environments/<env>/${system}.yaml\`) and definition.\n`);
  // no tsconfig.base.json line: `@gitops/*-system` resolves every system library

  const shared = `${system}-shared`;
  const sharedRoot = `libs/${system}/${shared}`;
  tree.write(`${sharedRoot}/src/index.ts`, `import { defineService, SecureNamespace } from '@gitops/platform';
import { ${systemVar} } from '@gitops/${system}-system';

/** The ${system} namespace: Pod Security Admission labels and a default-deny NetworkPolicy. */
export default defineService({
  system: ${systemVar},
  name: '${shared}',
  render(chart, ctx) {
    new SecureNamespace(chart, 'Namespace', { name: ctx.namespace });
  },
});
`);
  tree.write(`${sharedRoot}/src/${shared}.test.ts`, `import { describe, expect, it } from 'vitest';
import { findObject, renderLeaf } from '@gitops/platform/testing';
import service from './index';

describe('${shared}', () => {
  it.each(${JSON.stringify(envs)} as const)('creates the ${system}-%s namespace with restricted Pod Security', (env) => {
    const ns = findObject(renderLeaf(service, env).objects, 'Namespace', \`${system}-\${env}\`);
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});
`);
  for (const env of envs) {
    tree.write(`environments/${env}/${system}.yaml`, `# ${system}, ${env}. Schema: libs/${system}/system/src/values.ts\nnamespace: ${system}-${env}\n`);
  }
}

