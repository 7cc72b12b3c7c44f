/**
 * Faults of the harness itself: a component that dies or cannot start, a port in use, Go missing,
 * and an interrupted harness - each one line naming the component and its log, nothing left running.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { resolveComponents } from './build';
import { startEtcd } from './control-plane';
import { ComponentError, startProcess, stopAll, waitFor } from './processes';

/** Running (a zombie, which this sandbox's init may leave unreaped, is not running). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('harness faults', () => {
  it('a component that exits before it is ready fails with one line naming it, its log and its last log line', async () => {
    // GIVEN a component that writes a line and exits
    const log = join(mkdtempSync(join(tmpdir(), 'faults-')), 'broken.log');
    const p = startProcess('broken-component', process.execPath, ['-e', 'console.error("listen tcp 127.0.0.1:1: bind: permission denied"); process.exit(3)'], log);
    // WHEN the harness waits for it
    const error = await waitFor(p, async () => false, 10_000, 'ready').then(() => undefined, (e: Error) => e);
    // THEN
    expect(error).toBeInstanceOf(ComponentError);
    expect(error!.message).toBe(`broken-component: broken-component exited (code 3) before it was ready; last log line: listen tcp 127.0.0.1:1: bind: permission denied (log: ${log})`);
  });

  it('stops every process it started, children of components included', async () => {
    // GIVEN a component that starts a child of its own
    const dir = mkdtempSync(join(tmpdir(), 'faults-'));
    const pidFile = join(dir, 'child.pid');
    const p = startProcess('parent', process.execPath, ['-e', `const c = require('node:child_process').spawn('sleep', ['300'], { stdio: 'ignore' }); require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000)`], join(dir, 'parent.log'));
    await waitFor(p, async () => existsSync(pidFile), 10_000, 'started');
    const child = Number(readFileSync(pidFile, 'utf8'));
    // WHEN
    await stopAll();
    // THEN neither is left
    expect(alive(p.child.pid!)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(child)).toBe(false);
  });

  it('an interrupted harness (SIGINT, SIGTERM) stops its components before it exits', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      // GIVEN a harness process running a component
      const dir = mkdtempSync(join(tmpdir(), 'faults-'));
      const script = join(dir, 'harness.mts');
      writeFileSync(script, `import { startProcess } from ${JSON.stringify(join(WORKSPACE_ROOT, 'libs/cluster-test/src/processes.ts'))};\nconst p = startProcess('sleeper', 'sleep', ['300'], ${JSON.stringify(join(dir, 'sleeper.log'))});\nconsole.log(p.child.pid);\nsetInterval(() => {}, 1000);\n`);
      const harness = spawn(join(WORKSPACE_ROOT, 'node_modules/.bin/tsx'), [script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      harness.stdout.on('data', (d) => (out += d));
      harness.stderr.on('data', (d) => (err += d));
      while (!/\d+\n/.test(out)) await new Promise((r) => setTimeout(r, 50));
      const sleeper = Number(out.trim());
      // WHEN it is interrupted
      const exited = new Promise<number | null>((r) => harness.on('close', r));
      harness.kill(signal);
      // THEN it says so, exits, and the component is gone
      expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(err).toContain(`cluster-test: ${signal}: stopping every component`);
      await new Promise((r) => setTimeout(r, 200));
      expect(alive(sleeper)).toBe(false);
    }
  });

  it('k8s:build without Go says in one line what to install', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'libs/cluster-test/src/cli/build.ts'], { cwd: WORKSPACE_ROOT, encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('go is not installed (or not on PATH): install Go 1.24 or later, then run npm run k8s:build again');
  });

  const etcd = (() => {
    try {
      return resolveComponents(WORKSPACE_ROOT, ['etcd'])[0];
    } catch {
      return undefined;
    }
  })();
  it.skipIf(!etcd || !existsSync(etcd.binary))('a port in use: etcd fails with one line naming it and its log, and nothing is left running', async () => {
    // GIVEN every port the harness could pick is... one we hold: etcd's client port
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'faults-'));
    // WHEN etcd is started on it
    const p = startProcess('etcd', etcd!.binary, ['--data-dir', join(dir, 'data'), '--listen-client-urls', `http://127.0.0.1:${port}`, '--advertise-client-urls', `http://127.0.0.1:${port}`, '--listen-peer-urls', 'http://127.0.0.1:0'], join(dir, 'etcd.log'));
    const error = await waitFor(p, async () => (await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) })).ok, 20_000, 'healthy').then(() => undefined, (e: Error) => e);
    server.close();
    // THEN
    expect(error?.message).toMatch(new RegExp(`^etcd: etcd exited \\(code \\d+\\) before it was healthy; last log line: .*address already in use.* \\(log: ${join(dir, 'etcd.log')}\\)$`));
    await stopAll();
    expect(alive(p.child.pid!)).toBe(false);
    void startEtcd; // the harness's own start goes through the same waitFor
  });
});
