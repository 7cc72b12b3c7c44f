/**
 * The memo of dist/ (apps/argocd/src/dist-memo.ts) is named by the code that decides what a file
 * of dist/ holds, which the bundled renderer's build hashes (renderer.mjs): a change to a service
 * keeps it (the affected render of that service reads dist/ back without parsing it), a change to
 * how the platform writes objects does not.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandOutput, workingTreeCopy } from '@gitops/platform/testing';

const copy = workingTreeCopy('dist-memo-code');
afterAll(() => copy.cleanup());

/** `npm run synth` in the copy, then the code its memo of dist/ is named by. */
async function synthAndMemoCode(): Promise<string> {
  await commandOutput(process.execPath, ['tools/nx-synth/renderer.mjs', '--all', '--argocd'], { cwd: copy.root });
  return (JSON.parse(readFileSync(join(copy.root, 'tmp/argocd/dist-read.json'), 'utf8')) as { code: string }).code;
}

describe('the memo of dist/ is named by the writing and reading code, not the services', () => {
  it('keeps its name when a service changes, and takes another when the platform writes differently', async () => {
    const first = await synthAndMemoCode();
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    // a service's code changes: the bundle is rebuilt, the memo's code is the same
    appendFileSync(join(copy.root, 'libs/eks-demo/sample-app/src/index.ts'), '\n(globalThis as Record<string, unknown>).serviceProbe = 1;\n');
    expect(await synthAndMemoCode()).toBe(first);
    expect(readFileSync(join(copy.root, 'tmp/renderer/synth.cjs'), 'utf8')).toContain('serviceProbe');
    // how an object is written changes: another name, so nothing remembered by the old code is used
    appendFileSync(join(copy.root, 'libs/platform/src/render/manifest-yaml.ts'), '\n(globalThis as Record<string, unknown>).writerProbe = 2;\n');
    expect(await synthAndMemoCode()).not.toBe(first);
  }, 120_000);
});
