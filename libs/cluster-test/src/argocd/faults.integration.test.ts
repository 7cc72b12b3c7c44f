/**
 * Faults of test:argocd: a component that does not start, a repository Argo CD cannot read with a
 * deadline that passes, and a run killed halfway - each one line naming the component or the
 * Application (and the logs), and nothing left running. Needs what scenarios.integration.test.ts
 * needs (the built components, redis-server, ../shared/addons).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { ComponentError } from '../processes';
import { argoCdTestInputs, runArgoCdTest } from './run';
import { application, configMap, converges, scenarioRepository, type Scenario } from './scenarios';

const { sharedDir: SHARED, binaries, missing } = argoCdTestInputs(WORKSPACE_ROOT);
if (missing) console.warn(`argocd faults: skipped: ${missing}`);

/** Processes (not zombies) whose command line or environment mentions `text` (Argo CD's name its KUBECONFIG only there). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)) {
    try {
      if (/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(text) || readFileSync(`/proc/${pid}/environ`, 'utf8').includes(text)) found.push(`${pid} ${cmdline.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** An Application whose repository is on a host nobody serves (the proxy refuses it). */
/** The scenarios' repository with one scenario, on the management cluster and one fleet cluster. */
function smallRepository(): ReturnType<typeof scenarioRepository> {
  const repo = scenarioRepository([UNREADABLE]);
  return { ...repo, plan: { ...repo.plan, clusters: repo.plan.clusters.filter((c) => c.name === 'fixture') } };
}

const UNREADABLE: Scenario = {
  name: 'unreadable-repository',
  origin: 'issue 21',
  title: 'an Application whose repository Argo CD cannot reach',
  files: {
    'argocd/apps/unreadable-repository.yaml': [(() => {
      const app = application('unreadable-repository', { namespace: 'default' });
      app.spec.source.repoURL = 'https://git.unreachable.example.com/team/app.git';
      return app;
    })()],
    'scenarios/unreadable-repository/configmap.yaml': [configMap('settings', 'default')],
  },
  apps: ['unreadable-repository'],
  check: converges('unreadable-repository'),
};

describe.skipIf(missing)('test:argocd faults', () => {
  const bins = binaries!;

  it('a component that does not start: one line naming it, its last log line and its log, before any cluster starts', async () => {
    // GIVEN a redis that cannot start
    const dir = mkdtempSync(join(tmpdir(), 'argocd-faults-'));
    const broken = join(dir, 'redis-server');
    writeFileSync(broken, '#!/bin/sh\necho "Fatal error, can\'t open config file" >&2\nexit 1\n');
    chmodSync(broken, 0o755);
    const { root, plan, expected } = smallRepository();
    const workDir = join(dir, 'work');
    // WHEN
    const error = await runArgoCdTest({ root, sharedDir: SHARED, binaries: { ...bins, redis: broken }, plan, expected, workDir, log: () => undefined }).then(() => undefined, (e: Error) => e);
    // THEN
    expect(error).toBeInstanceOf(ComponentError);
    expect(error!.message).toBe(`redis: redis exited (code 1) before it was ready; last log line: Fatal error, can't open config file (log: ${join(workDir, 'argocd', 'redis.log')})`);
    expect(existsSync(join(workDir, 'etcd'))).toBe(false);
    expect(processesMentioning(workDir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('a repository Argo CD cannot read, and the deadline passes: the Application with Argo CD\'s message, and nothing left running', async () => {
    const { root, plan, expected } = smallRepository();
    const workDir = mkdtempSync(join(tmpdir(), 'argocd-faults-'));
    // WHEN the run waits for an Application that can never sync
    const result = await runArgoCdTest({ root, sharedDir: SHARED, binaries: bins, plan, expected, workDir, deadlineMs: 60_000, log: () => undefined });
    // THEN it ends at the deadline (the bootstrap Synced and Healthy, the Application not) with
    // Argo CD's words about the repository
    expect(result.apps.map((a) => `${a.name} ${a.sync}/${a.health}`)).toEqual(['unreadable-repository Unknown/Healthy', 'argocd-bootstrap Synced/Healthy']);
    expect([result.healthy, result.total]).toEqual([1, 2]);
    const app = result.apps.find((a) => a.name === 'unreadable-repository')!;
    expect(app.message).toMatch(/^ComparisonError: .*failed to list refs: Get "https:\/\/git\.unreachable\.example\.com\/team\/app\.git\/info\/refs/);
    expect(processesMentioning(workDir)).toEqual([]);
    rmSync(workDir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }, 8 * 60_000);

  it('killed halfway (SIGTERM): it says so and stops every component, Argo CD and the clusters', async () => {
    const { root, plan, expected } = smallRepository();
    const dir = mkdtempSync(join(tmpdir(), 'argocd-faults-'));
    const workDir = join(dir, 'work');
    const script = join(dir, 'run.mts');
    writeFileSync(script, [
      `import { runArgoCdTest } from ${JSON.stringify(join(WORKSPACE_ROOT, 'libs/cluster-test/src/argocd/run.ts'))};`,
      `await runArgoCdTest({ root: ${JSON.stringify(root)}, sharedDir: ${JSON.stringify(SHARED)}, binaries: ${JSON.stringify(bins)}, plan: ${JSON.stringify(plan)},`,
      `  expected: new Set(${JSON.stringify([...expected])}), workDir: ${JSON.stringify(workDir)}, log: (line) => console.log(line) });`,
    ].join('\n'));
    const run = spawn(join(WORKSPACE_ROOT, 'node_modules/.bin/tsx'), [script], { cwd: WORKSPACE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    run.stdout.on('data', (d) => (out += d));
    run.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => run.on('close', r));
    // WHEN Argo CD runs and the bootstrap is applied
    const deadline = Date.now() + 5 * 60_000;
    while (!out.includes('applied argocd/bootstrap') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(out).toContain('applied argocd/bootstrap');
    expect(processesMentioning(workDir).length).toBeGreaterThan(5);
    run.kill('SIGTERM');
    // THEN
    expect(await exited).toBe(143);
    expect(err).toContain('cluster-test: SIGTERM: stopping every component');
    await new Promise((r) => setTimeout(r, 500));
    expect(processesMentioning(workDir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }, 8 * 60_000);
});
