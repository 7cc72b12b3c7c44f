#!/usr/bin/env tsx
/**
 * Renders `argocd/` (AppProjects, ApplicationSets, bootstrap) from the folder layout of `dist/`.
 * Run from the workspace root (Nx: `nx run argocd:synth`, after every service's synth). Written
 * with the platform's atomic writer: a failed run leaves `argocd/` as it was.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ARGOCD_LAYOUT, writeLeaves } from '@gitops/platform';
import { renderArgoCd } from './render';

async function main(): Promise<void> {
  const root = process.argv[2] ?? process.cwd();
  const outDir = join(root, ARGOCD_LAYOUT.root);
  const rendered = renderArgoCd(root);
  await writeLeaves(outDir, [...rendered].map(([path, files]) => ({ path, files })));
  // Folders the generator no longer writes (each folder is replaced whole, so files inside are already current).
  const stale = existsSync(outDir) ? readdirSync(outDir).filter((d) => !d.startsWith('.') && !rendered.has(d)) : [];
  for (const d of stale) rmSync(join(outDir, d), { recursive: true, force: true });
  const count = [...rendered.values()].reduce((n, f) => n + f.size, 0);
  console.log(`argocd: ${count} objects in ${rendered.size} folders${stale.length ? `; removed ${stale.join(', ')}` : ''}`);
}

main().catch((e: Error) => {
  console.error(`argocd synth failed; argocd/ is unchanged.\n${e.message}`);
  process.exit(1);
});
