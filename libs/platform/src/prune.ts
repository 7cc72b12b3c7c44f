/**
 * What a render may delete: only leaf folders `<out>/<env>/<system>/<service>/` that it can prove
 * the renderer wrote (every entry a regular file whose first line is the renderer's header naming
 * that very folder, see `toFiles` in render.ts), within the environments and systems the render
 * covered. Anything else found there is left alone and reported.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderedLeafOf } from './layout';


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

export interface PrunePlan {
  /** Leaves the render may delete (provably its own, rendered by no service any more). */
  readonly deletes: readonly string[];
  /** Things found where only rendered leaves belong, left alone: `<path>: <why>`. */
  readonly foreign: readonly string[];
}

/**
 * Leaves under `<out>/<env>/<system>/` (for the given environments and systems only) that are not
 * in `keep`: deletable if provably rendered, otherwise reported. Never follows a symlink.
 */
export function planPrune(out: string, scope: { environments: readonly string[]; systems: readonly string[]; keep: ReadonlySet<string> }): PrunePlan {
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
        if (scope.keep.has(leaf)) continue;
        if (!entry.isDirectory()) {
          foreign.push(`${leaf}: not a rendered folder (${entry.isSymbolicLink() ? 'a symlink' : 'a file'}); left alone`);
          continue;
        }
        const proof = isRendererLeaf(out, leaf);
        if (proof.ok) deletes.push(leaf);
        else foreign.push(`${leaf}: no service renders it, but it is not provably the renderer's (${proof.reason}); left alone`);
      }
    }
  }
  return { deletes, foreign };
}
