#!/usr/bin/env tsx
/**
 * Renders `argocd/` (AppProjects, ApplicationSets, bootstrap) from the folder layout of `dist/`.
 * Run from the workspace root (Nx: `nx run argocd:synth`, after every service's synth). Written
 * with the platform's atomic writer: a failed run leaves `argocd/` as it was.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_LAYOUT } from '@gitops/platform';
import { withWorkspaceLock, writeLeaves } from '@gitops/platform/render';
import { isEntryPoint } from '@gitops/platform/cli';
import type { DistMemo } from './dist-memo';
import { HEADER, renderArgoCd } from './render';
import { readDist, type DistLeaf, type FileObject } from './tree';

/** Whether every entry of `dir` is a file this generator wrote (its header first), so it may be deleted. */
function generatedHere(dir: string): string | undefined {
  if (!lstatSync(dir).isDirectory()) return 'not a folder';
  const entries = readdirSync(dir);
  if (entries.length === 0) return 'empty folder';
  for (const name of entries) {
    const file = join(dir, name);
    if (!lstatSync(file).isFile()) return `${name} is not a regular file`;
    if (!readFileSync(file, 'utf8').startsWith(HEADER)) return `${name} was not written by this generator`;
  }
  return undefined;
}

/**
 * Renders argocd/ of the workspace at `root` from its dist/ (under the workspace lock); returns the
 * line to print. `leaves`: dist/ as a render of the whole catalogue just wrote it (tree.ts
 * distLeavesOf), instead of reading it back. `memo`: what earlier runs found in dist/'s files
 * (dist-memo.ts), used and saved when dist/ is read.
 */
export async function generateArgoCd(root: string, leaves?: readonly DistLeaf[], memo?: DistMemo<FileObject>): Promise<string> {
  const outDir = join(root, ARGOCD_LAYOUT.root);
  return withWorkspaceLock(root, 'argocd synth', async () => {
    const rendered = renderArgoCd(root, leaves ?? readDist(root, memo));
    const unsaved = memo?.save();
    if (unsaved) console.error(unsaved);
    await writeLeaves(outDir, [...rendered].map(([path, files]) => ({ path, files })));
    // Folders the generator no longer writes: deleted only when every file in them is its own
    // (each went out with one rename, so a folder is never half there); anything else is reported.
    const stale = existsSync(outDir) ? readdirSync(outDir).filter((d) => !d.startsWith('.') && !rendered.has(d)) : [];
    const removed: string[] = [];
    for (const d of stale) {
      const why = generatedHere(join(outDir, d));
      if (why) {
        console.error(`argocd: ${ARGOCD_LAYOUT.root}/${d} left alone (${why}); remove it by hand if it is not needed`);
        continue;
      }
      const doomed = join(outDir, `.${d}.removed-${process.pid}`);
      renameSync(join(outDir, d), doomed);
      rmSync(doomed, { recursive: true, force: true });
      removed.push(d);
    }
    const count = [...rendered.values()].reduce((n, f) => n + f.size, 0);
    return `argocd: ${count} objects in ${rendered.size} folders${removed.length ? `; removed ${removed.join(', ')}` : ''}`;
  });
}

if (isEntryPoint(import.meta.url)) {
  generateArgoCd(process.argv[2] ?? process.cwd()).then(console.log, (e: Error) => {
    console.error(`argocd synth failed; argocd/ is unchanged.\n${e.message}`);
    process.exit(1);
  });
}
