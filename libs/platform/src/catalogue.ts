/**
 * Finds the service projects of the workspace: every Nx project with a `synth` target. A
 * service's `src/index.ts` default-exports its `defineService(...)`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import type { ServiceDefinition } from './service';

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
    const json = JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8')) as { name: string; targets?: Record<string, unknown> };
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
  const projectName = (JSON.parse(readFileSync(resolve(workspaceRoot, projectRoot, 'project.json'), 'utf8')) as { name: string }).name;
  if (service.name !== projectName) {
    throw new Error(`${relative(workspaceRoot, entry)}: service name '${service.name}' must equal its Nx project name '${projectName}'`);
  }
  return service;
}
