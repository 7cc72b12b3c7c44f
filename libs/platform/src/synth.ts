/**
 * Render-and-write, the one entry the CLI, the tests and the benchmark share.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findServiceProjects, loadService, type ServiceProject } from './catalogue';
import type { EnvironmentName } from './environment';
import { renderServices, type RenderedLeaf } from './render';
import type { ServiceDefinition } from './service';
import { writeLeaves, type WriteOptions } from './writer';

export interface SynthOptions extends WriteOptions {
  /** Workspace root. */
  readonly root: string;
  /** Output folder. @default - `<root>/dist` */
  readonly outDir?: string;
  /** Project folders to render. @default - every service project */
  readonly projects?: readonly string[];
  /** Only these environments. @default - all */
  readonly environments?: readonly EnvironmentName[];
  /**
   * Delete leaf folders under `outDir` that no service renders any more (only meaningful when
   * rendering every project; Tanka's replace-envs). @default false
   */
  readonly prune?: boolean;
  /**
   * Services already loaded (the bundled renderer imports them statically).
   * @default - found with the catalogue and imported
   */
  readonly loaded?: readonly LoadedService[];
  /** Progress callback, see `RenderOptions.onProgress`. @default - silent */
  readonly onProgress?: (done: number, total: number, path: string) => void;
}

export interface LoadedService {
  readonly project: ServiceProject;
  readonly service: ServiceDefinition;
}

export interface SynthResult {
  readonly leaves: readonly RenderedLeaf[];
  readonly pruned: readonly string[];
}

/** Loads the chosen services (modules loaded once, in this process) and renders them. */
export async function loadServices(root: string, projectRoots?: readonly string[]): Promise<LoadedService[]> {
  const all = await findServiceProjects(root);
  const chosen = projectRoots
    ? projectRoots.map((r) => {
        const p = all.find((q) => q.root === r.replace(/\/+$/, '') || q.name === r);
        if (!p) throw new Error(`${r}: not a service project (no project.json with a synth target under libs/)`);
        return p;
      })
    : all;
  return Promise.all(chosen.map(async (project) => ({ project, service: await loadService(root, project.root) })));
}

export async function synth(opts: SynthOptions): Promise<SynthResult> {
  const outDir = opts.outDir ?? join(opts.root, 'dist');
  const loaded = opts.loaded ? pick(opts.loaded, opts.projects) : await loadServices(opts.root, opts.projects);
  const sourceOf = new Map(loaded.map(({ project, service }) => [service, project.root]));
  const leaves = renderServices(loaded.map((l) => l.service), {
    root: opts.root,
    environments: opts.environments,
    sourceOf: (s) => sourceOf.get(s),
    onProgress: opts.onProgress,
  });
  await writeLeaves(outDir, leaves, opts);
  const pruned = opts.prune ? pruneOrphans(outDir, new Set(leaves.map((l) => l.path))) : [];
  return { leaves, pruned };
}

function pick(loaded: readonly LoadedService[], projects: readonly string[] | undefined): readonly LoadedService[] {
  if (!projects) return loaded;
  return projects.map((r) => {
    const found = loaded.find((l) => l.project.root === r.replace(/\/+$/, '') || l.project.name === r);
    if (!found) throw new Error(`${r}: not a service project (no project.json with a synth target under libs/)`);
    return found;
  });
}

/** Removes `<env>/<system>/<service>` folders not in `keep`, then empty parents. */
function pruneOrphans(outDir: string, keep: ReadonlySet<string>): string[] {
  const pruned: string[] = [];
  for (const env of dirs(outDir)) {
    for (const system of dirs(join(outDir, env))) {
      for (const service of dirs(join(outDir, env, system))) {
        const leaf = `${env}/${system}/${service}`;
        if (!keep.has(leaf)) {
          rmSync(join(outDir, leaf), { recursive: true, force: true });
          pruned.push(leaf);
        }
      }
      if (dirs(join(outDir, env, system)).length === 0) rmSync(join(outDir, env, system), { recursive: true, force: true });
    }
  }
  return pruned;
}

function dirs(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}
