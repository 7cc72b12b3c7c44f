/**
 * Finds the systems and services of the workspace, spelled once: the renderer, the Nx plugin
 * (tools/nx-synth/plugin.ts, which infers every service's project and targets from it), validate,
 * the diff and the service generator all ask here.
 *
 * A system is `libs/<system>/system`, whose `src/` calls `defineSystem({ name: '<system>', environments: [...] })`.
 * A service is `libs/<system>/<service>`, whose `src/index.ts` default-exports
 * `defineService({ name: '<service>', ... })`. Both are read from the source's syntax tree (the
 * TypeScript compiler's parser), not by running it, so Nx can build its project graph without
 * loading cdk8s; `loadService` then checks that the running code says the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { globSync } from 'tinyglobby';
import type * as TS from 'typescript';
import { serviceEnvironments, type ServiceDefinition } from '../constructs/service';
import { ENVIRONMENTS, type EnvironmentName } from '../values/environment';
import { DIST_DIR } from '../layout/layout';

export interface ServiceProject {
  /** Nx project name, the service's name and its folder's name. */
  readonly name: string;
  /** Project folder relative to the workspace root, e.g. `libs/kiteclass/kiteclass-core`. */
  readonly root: string;
  /** The system's name, which is also its folder under `libs/` and `dist/<env>/`. */
  readonly system: string;
  /** Environments the service renders in: its own list, else its system's. */
  readonly environments: readonly EnvironmentName[];
}

export interface SystemProject {
  /** The system's name (`defineSystem({ name })`), equal to its folder under `libs/`. */
  readonly name: string;
  /** `libs/<system>/system`. */
  readonly root: string;
  readonly environments: readonly EnvironmentName[];
  /** How services import it: `import { <export> } from '<import>'` (`@gitops/<system>-system`, tsconfig.base.json). */
  readonly library: { readonly import: string; readonly export: string };
}

/** A definition the catalogue cannot read, with where and why. */
export class CatalogueError extends Error {
  override name = 'CatalogueError';
}

/** Where a service's objects are written: `dist/<env>/<system>/<service>`, one per environment. */
export function serviceDistFolders(p: ServiceProject): string[] {
  return p.environments.map((env) => `${DIST_DIR}/${env}/${p.system}/${p.name}`);
}

/** Where systems are defined: `libs/<system>/system/src/`, one `defineSystem` each. */
const SYSTEM_SOURCES = { globs: ['libs/*/system/src/**/*.ts'], ignore: ['**/*.test.ts'] };

/**
 * The names of the systems `findSystems` finds (their folders: a system's name must equal its
 * folder), without parsing them; undefined in a workspace without `libs/` (nothing to compare with).
 */
export function systemNames(workspaceRoot: string): string[] | undefined {
  if (!existsSync(join(workspaceRoot, 'libs'))) return undefined;
  return [...new Set(globSync(SYSTEM_SOURCES.globs, { cwd: workspaceRoot, ignore: SYSTEM_SOURCES.ignore }).map((f) => f.split('/')[1]))].sort();
}

/** Every system (sorted by name). */
export function findSystems(workspaceRoot: string): SystemProject[] {
  const ts = typescript();
  const systems: SystemProject[] = [];
  const files = globSync(SYSTEM_SOURCES.globs, { cwd: workspaceRoot, ignore: SYSTEM_SOURCES.ignore }).sort();
  for (const root of [...new Set(files.map((f) => f.split('/').slice(0, 3).join('/')))]) {
    const found = files.filter((f) => f.startsWith(`${root}/`))
      .flatMap((file) => calls(ts, workspaceRoot, file, 'defineSystem').map((call) => ({ file, call })));
    if (found.length !== 1) {
      throw new CatalogueError(`${root}/src: must call defineSystem({...}) exactly once (found ${found.length})`);
    }
    const { file, call } = found[0];
    const folder = basename(dirname(root));
    const name = stringProperty(ts, file, call, 'name');
    if (name !== folder) throw new CatalogueError(`${where(file, call)}: defineSystem's name '${name}' must equal its folder libs/${folder}`);
    const environments = environmentsProperty(ts, file, call);
    if (!environments) throw new CatalogueError(`${where(file, call)}: defineSystem needs 'environments': a list such as ['staging', 'production']`);
    // `export const <name> = defineSystem(...)`: what a service imports
    const declaration = call.parent;
    const exported = ts.isVariableDeclaration(declaration) && ts.isIdentifier(declaration.name)
      && ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Export ? declaration.name.text : undefined;
    if (!exported) throw new CatalogueError(`${where(file, call)}: write the system as \`export const ${camelCase(name)} = defineSystem({...})\`, so services can import it`);
    systems.push({ name, root, environments, library: { import: `@gitops/${name}-system`, export: exported } });
  }
  return systems;
}

/** Every service (sorted by folder). */
export function findServiceProjects(workspaceRoot: string): ServiceProject[] {
  const ts = typescript();
  const systems = new Map(findSystems(workspaceRoot).map((s) => [s.name, s]));
  const projects: ServiceProject[] = [];
  for (const file of globSync(['libs/*/*/src/index.ts'], { cwd: workspaceRoot }).sort()) {
    const root = dirname(dirname(file));
    const exported = defaultExport(ts, workspaceRoot, file);
    if (!exported || !isCallOf(ts, exported, 'defineService')) continue; // a system or another library
    const call = exported as TS.CallExpression;
    const folder = basename(root);
    const name = stringProperty(ts, file, call, 'name');
    if (name !== folder) throw new CatalogueError(`${where(file, call)}: defineService's name '${name}' must equal its folder ${root}`);
    const systemFolder = basename(dirname(root));
    const system = systems.get(systemFolder);
    if (!system) throw new CatalogueError(`${file}: a service under libs/${systemFolder}/ needs its system: libs/${systemFolder}/system calling defineSystem({ name: '${systemFolder}', ... })`);
    projects.push({ name, root, system: system.name, environments: environmentsProperty(ts, file, call) ?? system.environments });
  }
  const seen = new Map<string, string>();
  for (const p of projects) {
    const other = seen.get(p.name);
    if (other) throw new CatalogueError(`${p.root}: service name '${p.name}' is also ${other}; names are Nx project names and must be unique`);
    seen.set(p.name, p.root);
  }
  return projects;
}

/** Imports a service project's definition and checks it is the one the catalogue read. */
export async function loadService(workspaceRoot: string, project: ServiceProject): Promise<ServiceDefinition> {
  const entry = resolve(workspaceRoot, project.root, 'src/index.ts');
  const mod = (await import(pathToFileURL(entry).href)) as { default?: ServiceDefinition };
  return checkLoaded(relative(workspaceRoot, entry), project, mod.default);
}

/** What the running code says must be what the catalogue read (and so what Nx was told). */
export function checkLoaded(file: string, project: ServiceProject, service: ServiceDefinition | undefined): ServiceDefinition {
  if (!service || typeof service.render !== 'function' || !service.system) {
    throw new CatalogueError(`${file}: must default-export defineService({...})`);
  }
  if (service.name !== project.name) throw new CatalogueError(`${file}: service name '${service.name}' must equal its folder '${project.name}'`);
  if (service.system.name !== project.system) throw new CatalogueError(`${file}: service ${service.name} belongs to system '${service.system.name}' but lives under libs/${project.system}/`);
  const environments = serviceEnvironments(service);
  if (environments.join() !== project.environments.join()) {
    throw new CatalogueError(`${file}: service ${service.name} runs in ${environments.join(', ')} but its source reads as ${project.environments.join(', ')}; write 'environments' as a list of strings`);
  }
  return service;
}

// --- reading the syntax tree -------------------------------------------------------------------

let tsModule: typeof TS | undefined;
/** The TypeScript compiler, loaded when first needed (the Nx plugin caches what it read). */
function typescript(): typeof TS {
  // required lazily: the bundled renderer (CommonJS, no import.meta) never reads the catalogue
  tsModule ??= createRequire(import.meta.url)('typescript') as typeof TS;
  return tsModule;
}

const parsed = new Map<string, TS.SourceFile>();
function sourceFile(ts: typeof TS, workspaceRoot: string, file: string): TS.SourceFile {
  const key = join(workspaceRoot, file);
  let sf = parsed.get(key);
  if (!sf) {
    sf = ts.createSourceFile(file, readFileSync(key, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    parsed.set(key, sf);
  }
  return sf;
}

function defaultExport(ts: typeof TS, workspaceRoot: string, file: string): TS.Expression | undefined {
  const sf = sourceFile(ts, workspaceRoot, file);
  const assignment = sf.statements.find((s): s is TS.ExportAssignment => ts.isExportAssignment(s) && !s.isExportEquals);
  return assignment?.expression;
}

function isCallOf(ts: typeof TS, e: TS.Node, callee: string): e is TS.CallExpression {
  return ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === callee;
}

/** Every call of `callee` with an object literal argument in the file. */
function calls(ts: typeof TS, workspaceRoot: string, file: string, callee: string): TS.CallExpression[] {
  const out: TS.CallExpression[] = [];
  const visit = (n: TS.Node) => {
    if (isCallOf(ts, n, callee)) out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sourceFile(ts, workspaceRoot, file));
  return out;
}

function property(ts: typeof TS, file: string, call: TS.CallExpression, key: string): TS.Expression | undefined {
  const arg = call.arguments[0];
  if (!arg || !ts.isObjectLiteralExpression(arg)) throw new CatalogueError(`${where(file, call)}: the argument must be an object literal {...}`);
  const p = arg.properties.find((q) => q.name && (ts.isIdentifier(q.name) || ts.isStringLiteral(q.name)) && q.name.text === key);
  if (!p) return undefined;
  if (!ts.isPropertyAssignment(p)) throw new CatalogueError(`${where(file, p)}: '${key}' must be written as ${key}: <value>`);
  return p.initializer;
}

function stringProperty(ts: typeof TS, file: string, call: TS.CallExpression, key: string): string {
  const v = property(ts, file, call, key);
  if (!v || !ts.isStringLiteralLike(v)) {
    throw new CatalogueError(`${where(file, v ?? call)}: '${key}' must be a string literal (Nx reads it without running the code)`);
  }
  return v.text;
}

function environmentsProperty(ts: typeof TS, file: string, call: TS.CallExpression): EnvironmentName[] | undefined {
  const v = property(ts, file, call, 'environments');
  if (!v) return undefined;
  const list = ts.isAsExpression(v) || ts.isSatisfiesExpression(v) ? v.expression : v;
  if (!ts.isArrayLiteralExpression(list) || !list.elements.every((e) => ts.isStringLiteralLike(e))) {
    throw new CatalogueError(`${where(file, v)}: 'environments' must be a list of string literals (Nx reads it without running the code)`);
  }
  const envs = list.elements.map((e) => (e as TS.StringLiteralLike).text);
  for (const env of envs) {
    if (!(ENVIRONMENTS as readonly string[]).includes(env)) throw new CatalogueError(`${where(file, v)}: unknown environment '${env}' (one of ${ENVIRONMENTS.join(', ')})`);
  }
  return envs as EnvironmentName[];
}

/** `eks-demo` → `eksDemo`. */
export function camelCase(s: string): string {
  return s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function where(file: string, node: TS.Node): string {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return `${file}:${line + 1}:${character + 1}`;
}
