/**
 * The Nx plugin that makes every service a project (nx.json `plugins`): Nx's "Infer tasks"
 * (createNodesV2, https://nx.dev/extending-nx/recipes/project-graph-plugins). A service needs no
 * project.json: the catalogue (libs/platform/src/render/catalogue.ts) reads each
 * `libs/<system>/<service>/src/index.ts` that default-exports `defineService`, and this plugin
 * gives the project its tags, its named inputs and its `synth`, `validate` and `test` targets;
 * the executors and inputs shared by all come from nx.json `targetDefaults`.
 *
 * Nx runs plugins for every command, so the catalogue (TypeScript's parser: ~0.3 s) is read only
 * when a definition changed: its result is kept under tmp/nx-synth/ with a hash of the files it read.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { globSync } from 'tinyglobby';
import type { CreateNodesV2, ProjectConfiguration } from 'nx/src/devkit-exports';
import type { ServiceProject } from '../../libs/platform/src/render/catalogue';

export const name = '@gitops/nx-synth/plugin';

/** The files the catalogue reads: service entry points and the systems' sources. */
export const CATALOGUE_FILES = ['libs/*/*/src/index.ts', 'libs/*/system/src/**/*.ts'];

export const createNodesV2: CreateNodesV2 = [
  'libs/*/*/src/index.ts',
  async (files, _options, context) => {
    const byRoot = new Map(services(context.workspaceRoot).map((s) => [s.root, s]));
    return files.flatMap((file) => {
      const service = byRoot.get(dirname(dirname(file)));
      return service ? [[file, { projects: { [service.root]: serviceProject(service) } }] as const] : [];
    });
  },
];

/** A service's Nx project: what its project.json used to say. */
export function serviceProject(s: ServiceProject): ProjectConfiguration {
  return {
    name: s.name,
    root: s.root,
    sourceRoot: `${s.root}/src`,
    projectType: 'library',
    tags: ['type:service', `scope:${s.system}`],
    namedInputs: {
      // what `synth` and `test` read besides code (nx.json targetDefaults use these names)
      values: [`{workspaceRoot}/environments/*/${s.system}.yaml`],
      // what `validate` reads: the system's rendered folders (its cross-object rules see them all)
      rendered: [`{workspaceRoot}/dist/*/${s.system}/**/*`],
    },
    targets: {
      synth: { outputs: s.environments.map((env) => `{workspaceRoot}/dist/${env}/${s.system}/${s.name}`) },
      validate: {},
      test: {},
    },
  };
}

/** The catalogue's services, from the cache when no file it reads has changed. */
export function services(workspaceRoot: string): ServiceProject[] {
  const files = globSync(CATALOGUE_FILES, { cwd: workspaceRoot, ignore: ['**/*.test.ts', '**/node_modules/**'] }).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\0`).update(readFileSync(join(workspaceRoot, f))).update('\0');
  const key = hash.digest('hex');
  const cacheFile = join(workspaceRoot, 'tmp/nx-synth/catalogue.json');
  if (existsSync(cacheFile)) {
    try {
      const cached = JSON.parse(readFileSync(cacheFile, 'utf8')) as { key: string; services: ServiceProject[] };
      if (cached.key === key) return cached.services;
    } catch {
      // a broken cache is read again from the sources
    }
  }
  // loaded only now: TypeScript's parser is the expensive part
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { findServiceProjects } = require('../../libs/platform/src/render/catalogue') as typeof import('../../libs/platform/src/render/catalogue');
  const found = findServiceProjects(workspaceRoot);
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify({ key, services: found }));
  return found;
}
