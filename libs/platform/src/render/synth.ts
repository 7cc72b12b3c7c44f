/**
 * Render-and-write, the one entry the CLI, the tests and the benchmark share.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findServiceProjects, findSystems, loadService, type ServiceProject } from './catalogue';
import { ENVIRONMENTS, type EnvironmentName } from '../values/environment';
import { inputFingerprint, staleInputs } from './inputs';
import { DIST_DIR, environmentFile, serviceFolderOf, systemValuesFile } from '../layout/layout';
import { withWorkspaceLock } from './lock';
import { planPrune, type PrunePlan } from './prune';
import { FileReads, renderServices, type RenderedLeaf } from './render';
import type { ServiceDefinition } from '../constructs/service';
import { recoverTransactions, writeLeaves, type WriteOptions } from './writer';

export interface SynthOptions extends Pick<WriteOptions, 'holdBeforeCommit' | 'onNote' | 'onCommit'> {
  /** Workspace root. */
  readonly root: string;
  /** Output folder. @default - `<root>/dist` */
  readonly outDir?: string;
  /** Project folders to render. @default - every service project */
  readonly projects?: readonly string[];
  /** Only these environments. @default - all */
  readonly environments?: readonly EnvironmentName[];
  /**
   * Delete leaf folders under `outDir` that no service renders any more, in the same transaction
   * (Tanka's replace-envs). Only when every service of the catalogue is rendered, only within the
   * rendered environments and systems, and only folders provably written by the renderer
   * (prune.ts); anything else is reported in `foreign`. @default false
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
  /** What a prune found and left alone (not provably rendered), or why it pruned nothing. */
  readonly foreign: readonly string[];
}

const NOT_A_SERVICE = 'not a service project (libs/<system>/<service> whose src/index.ts default-exports defineService)';

/** Loads the chosen services (modules loaded once, in this process) and renders them. */
export async function loadServices(root: string, projectRoots?: readonly string[]): Promise<LoadedService[]> {
  const all = findServiceProjects(root);
  const chosen = projectRoots
    ? projectRoots.map((r) => {
        const p = all.find((q) => q.root === r.replace(/\/+$/, '') || q.name === r);
        if (!p) throw new Error(`${r}: ${NOT_A_SERVICE}`);
        return p;
      })
    : all;
  return Promise.all(chosen.map(async (project) => ({ project, service: await loadService(root, project) })));
}

export async function synth(opts: SynthOptions): Promise<SynthResult> {
  // one render at a time per workspace, and never interleaved with set-image/promote (lock.ts)
  return withWorkspaceLock(opts.root, 'synth', async () => {
    const outDir = resolve(opts.outDir ?? join(opts.root, DIST_DIR));
    const loaded = opts.loaded ? pick(opts.loaded, opts.projects) : await loadServices(opts.root, opts.projects);
    const leaves = renderLoaded(opts.root, loaded, opts);
    let plan: PrunePlan = { deletes: [], foreign: [] };
    if (opts.prune) {
      // "no service renders this folder" is only provable when every service was rendered
      const rendered = new Set(loaded.map((l) => l.project.root));
      // the bundled renderer was built from the whole catalogue (tools/nx-synth/renderer.mjs)
      const catalogue = opts.loaded ? opts.loaded.map((l) => l.project) : findServiceProjects(opts.root);
      const missing = catalogue.filter((p) => !rendered.has(p.root));
      plan = missing.length > 0
        ? { deletes: [], foreign: [`nothing pruned: only part of the catalogue was rendered (not ${missing.map((p) => p.name).join(', ')})`] }
        : planPrune(outDir, {
            environments: opts.environments ?? ENVIRONMENTS,
            systems: [...new Set(loaded.map((l) => l.service.system.name))],
            keep: new Set(leaves.map((l) => l.path)),
          });
    }
    // a transaction a killed render left is finished or rolled back first: only then does dist/ say what it holds
    recoverTransactions(outDir, { staleInputs: staleCheck(opts.root), onNote: opts.onNote });
    // service folders that already hold exactly this render are left as they are (a no-op render writes nothing)
    const changed = leavesToWrite(outDir, leaves);
    if (changed.length === 0 && plan.deletes.length === 0) {
      opts.onCommit?.();
      return { leaves, pruned: [], foreign: plan.foreign };
    }
    // the inputs' digests (every code file's among them) only when there is something to write
    const written = await writeLeaves(outDir, changed, { ...transactionOptions(opts.root, leaves), holdBeforeCommit: opts.holdBeforeCommit, onNote: opts.onNote, onCommit: opts.onCommit, deletes: plan.deletes, serviceFolders: true });
    return { leaves, pruned: written.deleted, foreign: plan.foreign };
  });
}

/** How one project of a batch went: its leaves, or why it failed (then nothing was written). */
export interface ProjectOutcome {
  /** Project folder, e.g. `libs/kiteclass/kiteclass-core`. */
  readonly project: string;
  readonly leaves?: readonly RenderedLeaf[];
  readonly error?: string;
}

/**
 * Renders every project in memory, then writes all of them in one transaction, only if every one
 * rendered (the Nx executor, one process for the projects Nx found affected): one failing project
 * leaves dist/ wholly unchanged, and every other project's outcome names it.
 */
export async function synthProjects(root: string, projectRoots: readonly string[], opts: Pick<SynthOptions, 'outDir' | 'onNote' | 'loaded'> = {}): Promise<ProjectOutcome[]> {
  return withWorkspaceLock(root, 'synth', async () => {
    const outcomes: ProjectOutcome[] = [];
    // each environment and values file read once for all the projects (FileReads)
    const reads = new FileReads();
    for (const project of projectRoots) {
      try {
        const loaded = opts.loaded ? pick(opts.loaded, [project]) : await loadServices(root, [project]);
        outcomes.push({ project, leaves: renderLoaded(root, loaded, { loaded: opts.loaded, reads }) });
      } catch (e) {
        outcomes.push({ project, error: (e as Error).message });
      }
    }
    const failed = outcomes.filter((o) => o.error !== undefined).map((o) => o.project);
    if (failed.length > 0) {
      return outcomes.map((o) => (o.error !== undefined ? o : { project: o.project, error: `not written: ${failed.join(', ')} failed in the same run, and a run writes all of its projects or none` }));
    }
    const leaves = outcomes.flatMap((o) => o.leaves ?? []);
    try {
      await writeLeaves(resolve(opts.outDir ?? join(root, DIST_DIR)), leaves, { ...transactionOptions(root, leaves), onNote: opts.onNote, serviceFolders: true });
    } catch (e) {
      return outcomes.map((o) => ({ project: o.project, error: (e as Error).message }));
    }
    return outcomes;
  });
}

function renderLoaded(root: string, loaded: readonly LoadedService[], opts: Pick<SynthOptions, 'environments' | 'onProgress' | 'loaded'> & { reads?: FileReads }): RenderedLeaf[] {
  const sourceOf = new Map(loaded.map(({ project, service }) => [service, project.root]));
  return renderServices(loaded.map((l) => l.service), {
    root,
    environments: opts.environments,
    sourceOf: (s) => sourceOf.get(s),
    onProgress: opts.onProgress,
    reads: opts.reads,
    // the bundled renderer carries the whole catalogue (it cannot read the syntax trees)
    knownSystems: opts.loaded ? [...new Set(opts.loaded.map((l) => l.service.system.name))] : findSystems(root).map((s) => s.name),
  });
}

/** What the render read (environment and values files, the code), so a stale transaction is never replayed. */
function transactionOptions(root: string, leaves: readonly RenderedLeaf[]): Pick<WriteOptions, 'inputs' | 'staleInputs'> {
  return { inputs: inputFingerprint(root, inputFiles(root, leaves)), staleInputs: staleCheck(root) };
}

/** Which recorded inputs of a transaction a killed render left differ from the workspace now. */
function staleCheck(root: string): NonNullable<WriteOptions['staleInputs']> {
  return (recorded) => staleInputs(root, recorded);
}

/** The files a render of these leaves read (renderServices: each environment's file and its system's values). */
function inputFiles(root: string, leaves: readonly RenderedLeaf[]): string[] {
  return leaves.flatMap((l) => [environmentFile(root, l.env), systemValuesFile(root, l.env, l.system)]);
}

/**
 * The leaves of the service folders (the writer's unit of a swap) whose files on disk differ from
 * the render: another set of files, another content, or anything that is not a plain file.
 */
function leavesToWrite(outDir: string, leaves: readonly RenderedLeaf[]): RenderedLeaf[] {
  const byFolder = new Map<string, RenderedLeaf[]>();
  for (const leaf of leaves) {
    const folder = serviceFolderOf(leaf.path) ?? leaf.path;
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), leaf]);
  }
  return [...byFolder].flatMap(([folder, group]) => {
    const expected = new Map(group.flatMap((l) => [...l.files].map(([name, content]) => [`${l.path}/${name}`, content] as const)));
    return sameOnDisk(outDir, folder, expected) ? [] : group;
  });
}

function sameOnDisk(outDir: string, folder: string, expected: ReadonlyMap<string, string>): boolean {
  const found: string[] = [];
  const walk = (rel: string): boolean => {
    let entries;
    try {
      entries = readdirSync(join(outDir, rel), { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!walk(path)) return false;
      } else if (!e.isFile() || expected.get(path) !== readFileSync(join(outDir, path), 'utf8')) {
        return false;
      } else {
        found.push(path);
      }
    }
    return true;
  };
  return walk(folder) && found.length === expected.size;
}

function pick(loaded: readonly LoadedService[], projects: readonly string[] | undefined): readonly LoadedService[] {
  if (!projects) return loaded;
  return projects.map((r) => {
    const found = loaded.find((l) => l.project.root === r.replace(/\/+$/, '') || l.project.name === r);
    if (!found) throw new Error(`${r}: ${NOT_A_SERVICE}`);
    return found;
  });
}
