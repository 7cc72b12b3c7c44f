import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadValues, systemValuesFile } from '@gitops/platform';
import { readTree, runCommand, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { bufferedOutput } from '@gitops/platform/cli';
import { runPromote } from './promote';
import { loadSystems, setImage } from './release';
import { runSetImage } from './set-image';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TSX = join(WORKSPACE_ROOT, 'node_modules/.bin/tsx');
let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = scratchWorkspace()));
afterEach(() => cleanup());

/** A tag of the KiteClass values of the scratch workspace, read through the system's schema (tags change with every release). */
async function tagIn(env: 'staging' | 'production', service: string): Promise<string> {
  const sys = (await loadSystems(root)).get('kiteclass')!;
  return (loadValues(systemValuesFile(root, env, 'kiteclass'), sys.schema, root) as { services: Record<string, { tag: string }> }).services[service].tag;
}

const run = (script: string, args: string[], env: Record<string, string> = {}) =>
  runCommand(TSX, [join('apps', script), ...args, '--root', root], { cwd: root, env: { ...process.env, ...env } });

describe('command lines', () => {
  it('set-image prints the change and exits 0; a bad tag exits 1 with the reason and writes nothing', async () => {
    const before = readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8');
    const bad = await run('promote/src/set-image.ts', ['--env', 'production', '--service', 'kiteclass-core', '--tag', 'latest']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('set-image failed; nothing was changed.\ninvalid tag "latest": must be pinned: "latest" is not allowed\n');
    expect(readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8')).toBe(before);

    const from = await tagIn('production', 'kitehub-backend');
    const ok = await run('promote/src/set-image.ts', ['--env', 'production', '--service', 'kitehub-backend', '--tag', 'fixture-9f8e']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(`environments/production/kiteclass.yaml: services.kitehub-backend.tag ${from} -> fixture-9f8e\n`);
  });

  it('promote shows progress on stderr with --verbose and re-renders', async () => {
    // GIVEN production runs a tag of this test's own, so it differs from staging's
    await setImage({ root, env: 'production', service: 'kiteclass-frontend', tag: 'fixture-2e8d' });
    const staging = await tagIn('staging', 'kiteclass-frontend');
    const services = [...(await loadSystems(root)).get('kiteclass')!.services.keys()].sort();
    const r = await run('promote/src/promote.ts', ['--system', 'kiteclass', '--service', 'kiteclass-frontend', '--from', 'staging', '--to', 'production', '--verbose']);
    expect(r.status).toBe(0);
    // ... and in process (runPromote, as the command line calls it): nothing left to promote
    const out = bufferedOutput();
    expect(await runPromote({ root, system: 'kiteclass', service: 'kiteclass-frontend', from: 'staging', to: 'production', render: true }, out)).toBe(0);
    expect(out.stdout()).toBe(`promote: the image tags of service 'kiteclass-frontend' in production already match staging; nothing to do\n`);
    expect(r.stdout).toBe(
      `environments/production/kiteclass.yaml: services.kiteclass-frontend.tag fixture-2e8d -> ${staging}\n` +
        `promote: 1 tag(s) of service 'kiteclass-frontend' promoted from staging to production; ${services.length} dist/ folder(s) re-rendered\n`,
    );
    // one render transaction for the whole system, so dist/ is never half old, half new
    expect(r.stderr.split('\n').filter((l) => l.startsWith('['))).toEqual([`[1/1] rendering ${services.length} project(s) of kiteclass in production`]);
    expect(readFileSync(join(root, 'dist/production/kiteclass/kiteclass-frontend/Deployment.kiteclass-frontend.yaml'), 'utf8')).toContain(`:${staging}`);
  });
});

describe('commands in process', () => {
  it('runSetImage sets one tag (dry run writes nothing) and refuses a bad one by throwing, the values file unchanged', async () => {
    const file = join(root, 'environments/staging/kiteclass.yaml');
    const before = readFileSync(file, 'utf8');
    const from = await tagIn('staging', 'kiteclass-gateway');
    const dry = bufferedOutput();
    expect(await runSetImage({ root, env: 'staging', service: 'kiteclass-gateway', tag: 'fixture-77aa', dryRun: true }, dry)).toBe(0);
    expect(dry.stdout()).toBe(`environments/staging/kiteclass.yaml: services.kiteclass-gateway.tag ${from} -> fixture-77aa\nset-image: dry run, nothing written\n`);
    expect(readFileSync(file, 'utf8')).toBe(before);
    await expect(runSetImage({ root, env: 'staging', service: 'kiteclass-gateway', tag: 'latest' }, bufferedOutput())).rejects.toThrow('invalid tag "latest"');
    expect(readFileSync(file, 'utf8')).toBe(before);
    const ok = bufferedOutput();
    expect(await runSetImage({ root, env: 'staging', service: 'kiteclass-gateway', tag: 'fixture-77aa' }, ok)).toBe(0);
    expect(await tagIn('staging', 'kiteclass-gateway')).toBe('fixture-77aa');
  });
});

describe('an interrupted release (issue 23 item 5)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('set-image --render stopped by %s before its render is written: values and dist/ both as they were', async (signal) => {
    // GIVEN a set-image whose re-render has staged its files but not committed them
    const values = readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8');
    const dist = readTree(join(root, 'dist'));
    const child = spawn(TSX, [join('apps', 'promote/src/set-image.ts'), '--env', 'production', '--service', 'kitehub-backend', '--tag', 'fixture-interrupted', '--render', '--root', root], {
      cwd: root, env: { ...process.env, SYNTH_TEST_HOLD_BEFORE_COMMIT: '1' },
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    while (!stderr.includes('staged\n') && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(stderr, 'set-image ended before its render was staged').toContain('staged\n');
    expect(readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8')).not.toBe(values);
    // WHEN it is interrupted
    child.kill(signal);
    // THEN it says so and exits, with the values put back and dist/ untouched
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(stderr).toContain(`${signal}: the values were put back; dist/ is unchanged`);
    expect(readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8')).toBe(values);
    expect(readTree(join(root, 'dist'))).toEqual(dist);
    // AND a retry does the whole release
    const retry = await run('promote/src/set-image.ts', ['--env', 'production', '--service', 'kitehub-backend', '--tag', 'fixture-interrupted', '--render']);
    expect(retry.status, retry.stderr).toBe(0);
    expect(readFileSync(join(root, 'dist/production/kiteclass/kitehub-backend/Deployment.kitehub-backend.yaml'), 'utf8')).toContain(':fixture-interrupted');
  });
});
