import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadValues, systemValuesFile } from '@gitops/platform';
import { scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
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
  spawnSync(TSX, [join('apps', script), ...args, '--root', root], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

describe('command lines', () => {
  it('set-image prints the change and exits 0; a bad tag exits 1 with the reason and writes nothing', async () => {
    const before = readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8');
    const bad = run('promote/src/set-image.ts', ['--env', 'production', '--service', 'kiteclass-core', '--tag', 'latest']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('set-image failed; nothing was changed.\ninvalid tag "latest": must be pinned: "latest" is not allowed\n');
    expect(readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8')).toBe(before);

    const from = await tagIn('production', 'kitehub-backend');
    const ok = run('promote/src/set-image.ts', ['--env', 'production', '--service', 'kitehub-backend', '--tag', 'fixture-9f8e']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(`environments/production/kiteclass.yaml: services.kitehub-backend.tag ${from} -> fixture-9f8e\n`);
  });

  it('promote shows progress on stderr with --verbose and re-renders', async () => {
    // GIVEN production runs a tag of this test's own, so it differs from staging's
    await setImage({ root, env: 'production', service: 'kiteclass-frontend', tag: 'fixture-2e8d' });
    const staging = await tagIn('staging', 'kiteclass-frontend');
    const services = [...(await loadSystems(root)).get('kiteclass')!.services.keys()].sort();
    const r = run('promote/src/promote.ts', ['--system', 'kiteclass', '--service', 'kiteclass-frontend', '--from', 'staging', '--to', 'production', '--verbose']);
    expect(r.status).toBe(0);
    // ... and in process (runPromote, as the command line calls it): nothing left to promote
    const out = bufferedOutput();
    expect(await runPromote({ root, system: 'kiteclass', service: 'kiteclass-frontend', from: 'staging', to: 'production', render: true }, out)).toBe(0);
    expect(out.stdout()).toBe(`promote: the image tags of service 'kiteclass-frontend' in production already match staging; nothing to do\n`);
    expect(r.stdout).toBe(
      `environments/production/kiteclass.yaml: services.kiteclass-frontend.tag fixture-2e8d -> ${staging}\n` +
        `promote: 1 tag(s) of service 'kiteclass-frontend' promoted from staging to production; ${services.length} dist/ folder(s) re-rendered\n`,
    );
    expect(r.stderr.split('\n').filter((l) => l.startsWith('['))).toEqual(services.map((s, i) => `[${i + 1}/${services.length}] rendering ${s}`));
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
