/**
 * `npm run new-service` stopped by Ctrl-C (SIGINT to the whole process group, as a terminal sends
 * it) or SIGTERM while it renders (issue 23 item 6): the library, the values, dist/ and argocd/ are
 * all as they were, and running the same command again adds the service and really renders it into
 * dist/ (a stale skip record once made such a rerun exit 0 without rendering it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { readTree, runCommand, workingTreeCopy } from '@gitops/platform/testing';

const { root, cleanup } = workingTreeCopy('new-service-interrupt');
afterAll(cleanup);

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const ARGS = ['tools/nx-synth/new-service.mjs', '--name', 'notifications', '--system', 'kiteclass'];
const status = () => execFileSync('git', ['status', '--porcelain', '-uall', '--', 'libs', 'environments', 'dist', 'argocd', 'tsconfig.base.json'], { cwd: root, encoding: 'utf8' });
/** Each test starts from the tree as committed. */
beforeEach(() => {
  execFileSync('git', ['reset', '-q', '--hard'], { cwd: root });
  execFileSync('git', ['clean', '-qfdx', '--', 'libs', 'dist', 'argocd', 'environments', 'tsconfig.base.json'], { cwd: root });
});

describe('new-service interrupted while it renders (issue 23 item 6)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s to its process group: nothing is left changed, and the same command then adds and renders the service', async (signal) => {
    // GIVEN the tree as committed
    const dist = readTree(join(root, 'dist'));
    const argocd = readTree(join(root, 'argocd'));
    // WHEN new-service has generated the service and staged its render (the writer's test hook
    // holds it before its commit point and says `staged`), and the group gets the signal
    const child = spawn(process.execPath, ARGS, { cwd: root, env: { ...env, SYNTH_TEST_HOLD_BEFORE_COMMIT: '1' }, detached: true });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!output.includes('staged\n') && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(output, 'new-service ended without holding its render before the commit point').toContain('staged\n');
    expect(existsSync(join(root, 'libs/kiteclass/notifications/src/index.ts'))).toBe(true);
    process.kill(-child.pid!, signal);
    // THEN it exits as interrupted, says so in one line, and leaves nothing changed
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(output).toContain(`new-service: ${signal}: the service was removed again and nothing was changed`);
    expect(status()).toBe('');
    expect(readTree(join(root, 'dist'))).toEqual(dist);
    expect(readTree(join(root, 'argocd'))).toEqual(argocd);
    // AND the same command adds the service and renders it into dist/
    const rerun = await runCommand(process.execPath, ARGS, { cwd: root, env });
    expect(rerun.status, rerun.stdout + rerun.stderr).toBe(0);
    expect(parse(readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8')).webServices.notifications.tag).toBe('0.1.0');
    for (const e of ['staging', 'production']) {
      expect(readFileSync(join(root, `dist/${e}/kiteclass/notifications/Deployment.notifications.yaml`), 'utf8')).toContain('/notifications:0.1.0');
    }
    // AND it rendered what npm run synth renders: that finds nothing to change
    const rendered = status();
    const synth = await runCommand(process.execPath, ['tools/nx-synth/nx.mjs', 'run-many', '-t', 'synth'], { cwd: root, env });
    expect(synth.status, synth.stdout + synth.stderr).toBe(0);
    expect(status()).toBe(rendered);
  });
});
