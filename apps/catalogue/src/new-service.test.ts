import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';

// A git worktree of HEAD: what a new user has after cloning.
const tree = mkdtempSync(join(tmpdir(), 'new-service-'));
execFileSync('git', ['worktree', 'add', '--detach', tree, 'HEAD'], { cwd: WORKSPACE_ROOT, stdio: 'ignore' });
symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(tree, 'node_modules'));
afterAll(() => {
  execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: WORKSPACE_ROOT, stdio: 'ignore' });
  rmSync(tree, { recursive: true, force: true });
});

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: tree, encoding: 'utf8', env });
const generate = (...args: string[]) => run(join(WORKSPACE_ROOT, 'node_modules/.bin/nx'), ['g', '@gitops/nx-synth:service', '--no-interactive', ...args]);
const status = () => execFileSync('git', ['status', '--porcelain', '-uall'], { cwd: tree, encoding: 'utf8' });

describe('npm run new-service', () => {
  it.each([
    [['--name', 'Bad_Name', '--system', 'kiteclass'], "--name 'Bad_Name' is not a DNS-1123 label (lower-case letters, digits and -, at most 63)"],
    [['--name', 'kiteclass-core', '--system', 'kiteclass'], "--name 'kiteclass-core' is taken: an Nx project of that name exists (libs/kiteclass/kiteclass-core)"],
    [['--name', 'reports', '--system', 'nosuch'], "unknown system 'nosuch' (known: django, eks-demo, kiteclass, quizmentor); pass --create-system to make a new one"],
    [['--name', 'reports', '--system', 'kiteclass', '--create-system'], "--system 'kiteclass' exists already; leave out --create-system to add a service to it"],
    [['--name', 'a-very-long-service-name-that-will-not-fit-argo', '--system', 'kiteclass'], 'is too long: its Argo CD Application'],
  ])('refuses %j with a clear message and writes nothing', (args, message) => {
    const r = generate(...args);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(message);
    expect(status()).toBe('');
  });

  it('adds a service and a new system that render, validate strictly and pass their tests with no edits', () => {
    expect(generate('--name', 'notifications', '--system', 'kiteclass').status).toBe(0);
    expect(generate('--name', 'billing-api', '--system', 'billing', '--create-system').status).toBe(0);
    expect(readFileSync(join(tree, 'environments/production/kiteclass.yaml'), 'utf8')).toContain('webServices:\n  notifications:\n    tag: "0.1.0"');

    // what npm run synth does: dist/, then argocd/ from it
    const synth = run(process.execPath, ['tools/nx-synth/renderer.mjs', '--all']);
    expect(synth.stderr).toBe('');
    const argocd = run(process.execPath, ['--import', 'tsx', 'apps/argocd/src/main.ts']);
    expect(argocd.status, argocd.stderr).toBe(0);
    expect(status()).toContain('?? dist/production/kiteclass/notifications/Deployment.notifications.yaml');
    expect(status()).toContain('?? dist/staging/billing/billing-shared/Namespace.billing-staging.yaml');
    expect(status()).toContain('?? argocd/projects/billing.yaml');

    const validate = run(process.execPath, ['--import', 'tsx', 'libs/policy/src/cli/validate.ts', '--all']);
    expect(validate.status, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/schema \(strict\): 0 failing; policy: 0 violations/);

    // the generated tests, and the Argo CD coverage proof over the new folders
    const tests = run(join(WORKSPACE_ROOT, 'node_modules/.bin/vitest'), ['run', 'libs/kiteclass/notifications', 'libs/billing', 'apps/argocd']);
    expect(tests.status, tests.stdout + tests.stderr).toBe(0);
    const summary = tests.stdout.replace(/\x1b\[[0-9;]*m/g, ''); // no colours
    expect(summary).toMatch(/Tests\s+\d+ passed/);
    expect(summary).not.toMatch(/failed/);
  });
});
