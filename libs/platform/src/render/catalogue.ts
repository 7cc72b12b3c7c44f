/**
 * Finds the service projects of the workspace: every Nx project with a `synth` target. A
 * service's `src/index.ts` default-exports its `defineService(...)`.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import type { ServiceDefinition } from '../constructs/service';
import { FileProblemsError, parseJsonFile, readUtf8File } from '../values/yaml-safe';

export interface ServiceProject {
  /** Nx project name (equals the service name). */
  readonly name: string;
  /** Project folder relative to the workspace root, e.g. `libs/kiteclass/kiteclass-core`. */
  readonly root: string;
}

export async function findServiceProjects(workspaceRoot: string): Promise<ServiceProject[]> {
  const files = await glob(['libs/**/project.json'], { cwd: workspaceRoot, ignore: ['**/node_modules/**'] });
  const projects: ServiceProject[] = [];
  for (const file of files.sort()) {
    const json = readProjectJson(workspaceRoot, dirname(file));
    if (json.targets && 'synth' in json.targets) projects.push({ name: json.name, root: dirname(file) });
  }
  return projects;
}

/** Imports a service project's definition and checks that it is one, named as its project. */
export async function loadService(workspaceRoot: string, projectRoot: string): Promise<ServiceDefinition> {
  const entry = resolve(workspaceRoot, projectRoot, 'src/index.ts');
  const mod = (await import(pathToFileURL(entry).href)) as { default?: ServiceDefinition };
  const service = mod.default;
  if (!service || typeof service.render !== 'function' || !service.system) {
    throw new Error(`${relative(workspaceRoot, entry)}: must default-export defineService({...})`);
  }
  const projectName = readProjectJson(workspaceRoot, projectRoot).name;
  if (service.name !== projectName) {
    throw new Error(`${relative(workspaceRoot, entry)}: service name '${service.name}' must equal its Nx project name '${projectName}'`);
  }
  return service;
}

/** What we read of a project's `project.json`. */
export interface ProjectJson {
  name: string;
  targets?: Record<string, { outputs?: string[]; [key: string]: unknown } | undefined>;
  [key: string]: unknown;
}

/**
 * Reads `<projectRoot>/project.json` as Nx does (comments and trailing commas allowed); a broken
 * file throws a `FileProblemsError`: `libs/x/y/project.json:line:col: not valid JSON: ...`.
 */
export function readProjectJson(workspaceRoot: string, projectRoot: string): ProjectJson {
  const file = join(projectRoot, 'project.json').split('\\').join('/');
  const json = parseJsonFile(readUtf8File(resolve(workspaceRoot, file), file), file);
  if (!json || typeof json !== 'object' || Array.isArray(json) || typeof (json as ProjectJson).name !== 'string') {
    throw new FileProblemsError([{ file, line: 1, column: 1, field: 'name', reason: 'must be an object with the project\'s "name"' }]);
  }
  return json as ProjectJson;
}
