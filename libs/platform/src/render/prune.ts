/**
 * What a render may delete or replace: only service folders `<out>/<env>/<system>/<service>/`
 * that it can prove the renderer wrote (every file's first line is the renderer's header naming
 * the folder it is in, see `toFiles` in render.ts; a per-cluster service folder holds only such
 * folders `<service>/<cluster>/`), within the environments and systems the render covered.
 * Anything else found there is left alone and reported.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderedLeafOf, serviceFolderOf } from '../layout/layout';


/** Whether `<out>/<leaf>` holds only files the renderer wrote for that leaf; if not, why. */
export function isRendererLeaf(out: string, leaf: string): { ok: true } | { ok: false; reason: string } {
  const dir = join(out, leaf);
  let entries: string[];
  try {
    if (!lstatSync(dir).isDirectory()) return { ok: false, reason: 'not a folder' };
    entries = readdirSync(dir);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  if (entries.length === 0) return { ok: false, reason: 'empty folder (the renderer never writes one)' };
  for (const name of entries.sort()) {
    const file = join(dir, name);
    if (!lstatSync(file).isFile()) return { ok: false, reason: `${name} is not a regular file` };
    const firstLine = readFileSync(file, 'utf8').split('\n', 1)[0];
    const rendered = renderedLeafOf(firstLine);
    if (!rendered) return { ok: false, reason: `${name} has no renderer header` };
    if (rendered !== leaf) return { ok: false, reason: `${name} was rendered for ${rendered}, not this folder` };
  }
  return { ok: true };
}

/**
 * What in `<out>/<folder>` (a service folder) the renderer did not write, one `<path> <why>` each
 * (paths relative to `out`); empty when replacing or deleting the folder loses nothing: its files
 * carry the header naming `folder`, its subfolders are per-cluster folders whose files name them.
 * Empty folders count as the renderer's (nothing in them to lose). A missing folder has no problems.
 */
export function foreignInServiceFolder(out: string, folder: string): string[] {
  const problems: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let st;
    try {
      st = lstatSync(join(out, dir));
    } catch {
      return; // nothing there
    }
    if (!st.isDirectory()) {
      problems.push(`${dir} is ${st.isSymbolicLink() ? 'a symlink' : 'a file'} where the renderer writes a folder`);
      return;
    }
    for (const name of readdirSync(join(out, dir)).sort()) {
      const path = `${dir}/${name}`;
      const entry = lstatSync(join(out, path));
      if (entry.isDirectory() && depth === 0) {
        walk(path, 1); // a per-cluster folder
      } else if (!entry.isFile()) {
        problems.push(`${path} is ${entry.isDirectory() ? 'a folder' : 'not a regular file'}, which the renderer never writes here`);
      } else {
        const rendered = renderedLeafOf(readFileSync(join(out, path), 'utf8').split('\n', 1)[0]);
        if (!rendered) problems.push(`${path} has no renderer header`);
        else if (rendered !== dir) problems.push(`${path} was rendered for ${rendered}, not this folder`);
      }
    }
  };
  walk(folder, 0);
  return problems;
}

/** Whether `<out>/<folder>` is a service folder the renderer wrote (flat or per cluster) and nothing else; if not, why. */
export function isRenderedServiceFolder(out: string, folder: string): { ok: true } | { ok: false; reason: string } {
  const foreign = foreignInServiceFolder(out, folder);
  if (foreign.length > 0) return { ok: false, reason: foreign[0].slice(folder.length + 1) };
  try {
    if (readdirSync(join(out, folder)).length === 0) return { ok: false, reason: 'empty folder (the renderer never writes one)' };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  return { ok: true };
}

export interface PrunePlan {
  /** Leaves the render may delete (provably its own, rendered by no service any more). */
  readonly deletes: readonly string[];
  /** Things found where only rendered leaves belong, left alone: `<path>: <why>`. */
  readonly foreign: readonly string[];
}

/**
 * Service folders under `<out>/<env>/<system>/` (for the given environments and systems only)
 * that hold none of the leaves in `keep` (`<env>/<system>/<service>[/<cluster>]`): deletable if
 * provably rendered, otherwise reported. A kept service folder is replaced whole by the writer, so
 * its stale per-cluster folders (or flat files) go with the swap. Never follows a symlink.
 */
export function planPrune(out: string, scope: { environments: readonly string[]; systems: readonly string[]; keep: ReadonlySet<string> }): PrunePlan {
  const kept = new Set([...scope.keep].map((leaf) => serviceFolderOf(leaf) ?? leaf));
  const deletes: string[] = [];
  const foreign: string[] = [];
  for (const env of [...scope.environments].sort()) {
    try {
      // a symlinked environment folder leads outside the output folder: never prune through it
      if (!lstatSync(join(out, env)).isDirectory()) {
        foreign.push(`${env}: not a plain folder (a symlink or a file); nothing pruned in it`);
        continue;
      }
    } catch {
      continue;
    }
    for (const system of [...scope.systems].sort()) {
      const systemDir = join(out, env, system);
      let entries;
      try {
        if (!lstatSync(systemDir).isDirectory()) {
          foreign.push(`${env}/${system}: not a plain folder (a symlink or a file); nothing pruned in it`);
          continue;
        }
        entries = readdirSync(systemDir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const leaf = `${env}/${system}/${entry.name}`;
        if (kept.has(leaf)) continue;
        if (!entry.isDirectory()) {
          foreign.push(`${leaf}: not a rendered folder (${entry.isSymbolicLink() ? 'a symlink' : 'a file'}); left alone`);
          continue;
        }
        const proof = isRenderedServiceFolder(out, leaf);
        if (proof.ok) deletes.push(leaf);
        else foreign.push(`${leaf}: no service renders it, but it is not provably the renderer's (${proof.reason}); left alone`);
      }
    }
  }
  return { deletes, foreign };
}
