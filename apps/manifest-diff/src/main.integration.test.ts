import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bufferedOutput } from '@gitops/platform/cli';
import { runCommand, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { runDiff } from './main';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TSX = join(WORKSPACE_ROOT, 'node_modules/.bin/tsx');
let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = scratchWorkspace()));
afterEach(() => cleanup());

const run = (args: string[]) =>
  runCommand(TSX, ['apps/manifest-diff/src/main.ts', ...args, '--root', root], { cwd: root });

describe('diff command line', () => {
  it('diff --render against a scratch git repository shows an un-synthed values change, and is quiet on stderr without a terminal', async () => {
    // GIVEN a scratch repository whose HEAD is the current dist/, and a production change not yet rendered
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' });
    git('init', '-q');
    git('add', 'dist', 'environments');
    git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-qm', 'base');
    const values = join(root, 'environments/production/kiteclass.yaml');
    writeFileSync(values, readFileSync(values, 'utf8').replace('autoscaling: { minReplicas: 2, maxReplicas: 6,', 'autoscaling: { minReplicas: 1, maxReplicas: 6,'));

    // WHEN
    const plain = await run(['--base', 'HEAD', '--env', 'production']);
    // in process (runDiff), as the command line calls it
    const inProcess = async (format: 'text' | 'markdown') => {
      const out = bufferedOutput();
      const status = await runDiff({ base: 'HEAD', env: ['production'], render: true, format, root }, out);
      return { status, stdout: out.stdout(), stderr: out.stderr() };
    };
    const rendered = await inProcess('text');
    const md = await inProcess('markdown');

    // THEN
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe('Manifest diff: HEAD -> working tree (production)\nNo changes.\n');
    expect(rendered.status).toBe(0);
    expect(rendered.stderr).not.toContain('rendering');
    expect(rendered.stdout).toContain('  ! production/kiteclass/kiteclass-frontend HorizontalPodAutoscaler kiteclass-frontend-hpa: spec.minReplicas lowered 2 -> 1\n');
    expect(rendered.stdout).toContain('  ~ production/kiteclass/kiteclass-frontend HorizontalPodAutoscaler kiteclass-frontend-hpa: spec.minReplicas 2 -> 1\n');
    // the budget follows the lowered minimum (a minAvailable of 1 would block every drain of 1 pod: issue 13 item 10)
    expect(md.stdout).toContain([
      '~ production/kiteclass/kiteclass-frontend HorizontalPodAutoscaler kiteclass-frontend-hpa: spec.minReplicas 2 -> 1',
      '~ production/kiteclass/kiteclass-frontend PodDisruptionBudget kiteclass-frontend-pdb: spec.minAvailable 1 -> (none)',
      '~ production/kiteclass/kiteclass-frontend PodDisruptionBudget kiteclass-frontend-pdb: spec.maxUnavailable (none) -> 1',
      '```',
    ].join('\n'));
    expect((await run(['--base', 'no-such-ref'])).stderr).toContain("diff failed: unknown git ref 'no-such-ref'");
  });
});
