import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synth } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { flatten, renderArgoCd } from './render';
import { distLeavesOf, readDist } from './tree';

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
  });
});
