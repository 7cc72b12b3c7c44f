import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synth } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { flatten, renderArgoCd } from './render';
import { DistMemo } from './dist-memo';
import { distLeavesOf, readDist, type FileObject } from './tree';

const scratch = mkdtempSync(join(tmpdir(), 'dist-leaves-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the Argo CD generator fed by the render itself (npm run synth)', () => {
  it('sees exactly what it reads back from the dist/ that render wrote', async () => {
    // GIVEN the whole catalogue rendered into a dist/ of its own
    const { leaves } = await synth({ root: WORKSPACE_ROOT, outDir: join(scratch, 'dist'), prune: true });
    // THEN the leaves made from the render are those read back from its files, object by object
    expect(distLeavesOf(leaves)).toEqual(readDist(scratch));
    // AND argocd/ generated from either is the same, file by file
    expect(flatten(renderArgoCd(WORKSPACE_ROOT, distLeavesOf(leaves)))).toEqual(flatten(renderArgoCd(WORKSPACE_ROOT, readDist(scratch))));
    // AND remembered from the render (apps/argocd/src/dist-memo.ts), the next read of that dist/
    // (the affected path through Nx) parses no file and reads the same
    const memoFile = join(scratch, 'dist-read.json');
    const memo = DistMemo.open<FileObject>(memoFile, 'this test');
    distLeavesOf(leaves, memo);
    memo.save();
    const next = DistMemo.open<FileObject>(memoFile, 'this test');
    expect(readDist(scratch, next)).toEqual(readDist(scratch));
    expect(next.lookups.missing).toBe(0);
    expect(next.lookups.found).toBe(leaves.reduce((n, l) => n + l.files.size, 0));
  });
});
