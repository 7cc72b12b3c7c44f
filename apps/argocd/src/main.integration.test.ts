import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { HEADER } from './render';

const TSX = join(WORKSPACE_ROOT, 'node_modules/.bin/tsx');
let ws: ReturnType<typeof scratchWorkspace> | undefined;
afterEach(() => ws?.cleanup());

describe('the Argo CD generator (apps/argocd/src/main.ts)', () => {
  it('deletes a folder it no longer writes only when every file in it is its own, and reports anything else', async () => {
    ws = scratchWorkspace();
    const generate = () => runCommand(TSX, [join(WORKSPACE_ROOT, 'apps/argocd/src/main.ts'), ws!.root], { cwd: ws!.root });
    expect((await generate()).status).toBe(0);
    const argocd = join(ws.root, 'argocd');
    mkdirSync(join(argocd, 'retired'));
    writeFileSync(join(argocd, 'retired/old-appset.yaml'), `${HEADER}kind: ApplicationSet\n`);
    mkdirSync(join(argocd, 'team-notes'));
    writeFileSync(join(argocd, 'team-notes/runbook.yaml'), 'kind: ConfigMap\n');

    const run = await generate();
    expect(run.status).toBe(0);
    expect(existsSync(join(argocd, 'retired'))).toBe(false);
    expect(run.stdout).toContain('removed retired');
    expect(readFileSync(join(argocd, 'team-notes/runbook.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    expect(run.stderr).toContain('argocd/team-notes left alone (runbook.yaml was not written by this generator)');
    expect(readdirSync(argocd)).toEqual(expect.arrayContaining(['applicationsets', 'bootstrap', 'projects']));
  });
});
