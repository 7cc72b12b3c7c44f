/**
 * The systems of a workspace as the renderer finds them: every service project's
 * `defineService({ system })` (platform `loadServices`), not a guess from folder names. Printed as
 * JSON for the service generator (a CommonJS Nx generator, which cannot import TypeScript itself):
 * `node --import tsx tools/nx-synth/generators/systems.mts <workspace root>`.
 *
 * For each system it says where a new service can import its definition from: a system library
 * (an Nx project tagged `type:system`, reachable through a `tsconfig.base.json` path) exporting
 * that very object. A system defined inside a service has none, since a service must not import
 * another service.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { glob } from 'tinyglobby';
import { type SystemDefinition } from '@gitops/platform';
import { loadServices } from '@gitops/platform/render';

export interface SystemEntry {
  name: string;
  environments: string[];
  /** Its services' project folders. */
  services: string[];
  /** Where its `defineSystem` is exported by a system library; absent if no system library exports it. */
  library?: { import: string; export: string; root: string };
  /** Whether its values schema has `webServices` (what generated services are configured by). */
  webServices: boolean;
}

export async function findSystems(root: string): Promise<SystemEntry[]> {
  const systems = new Map<SystemDefinition, SystemEntry>();
  for (const { project, service } of await loadServices(root)) {
    const sys = service.system;
    if (!systems.has(sys)) {
      const shape = (sys.values as unknown as { shape?: Record<string, unknown> }).shape;
      systems.set(sys, { name: sys.name, environments: [...sys.environments], services: [], webServices: Boolean(shape && 'webServices' in shape) });
    }
    systems.get(sys)!.services.push(project.root);
  }

  // system libraries: their tsconfig path, their exports
  const paths = (JSON.parse(readFileSync(resolve(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths?: Record<string, string[]> } }).compilerOptions.paths ?? {};
  for (const file of await glob(['libs/**/project.json'], { cwd: root, ignore: ['**/node_modules/**'] })) {
    const project = JSON.parse(readFileSync(resolve(root, file), 'utf8')) as { tags?: string[] };
    if (!project.tags?.includes('type:system')) continue;
    const libRoot = dirname(file);
    // its main entry only (a `/testing` entry may import vitest)
    for (const [specifier, [target]] of Object.entries(paths)) {
      if (target !== `${libRoot}/src/index.ts`) continue;
      const mod = (await import(pathToFileURL(resolve(root, target)).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        const entry = systems.get(value as SystemDefinition);
        if (entry && !entry.library) entry.library = { import: specifier, export: name, root: libRoot };
      }
    }
  }
  return [...systems.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  findSystems(resolve(process.argv[2] ?? '.')).then(
    (systems) => process.stdout.write(JSON.stringify(systems)),
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
