import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadValues, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSystems, setImage } from './release';
import { valueAt } from './tag-paths';

const TSX = join(WORKSPACE_ROOT, 'node_modules/.bin/tsx');
let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = scratchWorkspace()));
afterEach(() => cleanup());

/** The main image tag of every service that has one in `env`: service -> [values file, dotted path, tag]. */
async function mainTags(env: EnvironmentName): Promise<Map<string, { system: string; path: string[]; tag: string }>> {
  const out = new Map<string, { system: string; path: string[]; tag: string }>();
  for (const sys of (await loadSystems(root)).values()) {
    if (!sys.environments.includes(env)) continue;
    const values = loadValues(systemValuesFile(root, env, sys.name), sys.schema, root);
    for (const [service, info] of sys.services) {
      const tag = info.imageTags[0] && valueAt(values, info.imageTags[0]);
      if (typeof tag === 'string') out.set(service, { system: sys.name, path: info.imageTags[0], tag });
    }
  }
  return out;
}

/** Runs a command line to its end: exit status and output. */
function runAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, args, { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('writing values files', () => {
  it('set-image writes through a symlinked values file: the link stays, its target gets the tag', async () => {
    // GIVEN environments/production/kiteclass.yaml is a link to a file kept elsewhere
    const link = join(root, 'environments/production/kiteclass.yaml');
    mkdirSync(join(root, 'shared-values'));
    const target = join(root, 'shared-values/kiteclass.yaml');
    renameSync(link, target);
    symlinkSync('../../shared-values/kiteclass.yaml', link);
    // WHEN
    await setImage({ root, env: 'production', service: 'kiteclass-core', tag: 'fixture-link' });
    // THEN
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('../../shared-values/kiteclass.yaml');
    expect((await mainTags('production')).get('kiteclass-core')?.tag).toBe('fixture-link');
    expect(readFileSync(target, 'utf8')).toContain('tag: fixture-link');
    expect(readdirSync(join(root, 'shared-values'))).toEqual(['kiteclass.yaml']);
  });

  it('8 concurrent set-image runs, each another service, all land and all exit 0', async () => {
    // GIVEN 8 services with a main tag in production, as many as possible sharing a values file
    const tags = [...(await mainTags('production'))].sort(([, a], [, b]) => (a.system < b.system ? -1 : a.system > b.system ? 1 : 0));
    const bySystem = new Map<string, number>();
    for (const [, t] of tags) bySystem.set(t.system, (bySystem.get(t.system) ?? 0) + 1);
    const chosen = tags.sort(([, a], [, b]) => bySystem.get(b.system)! - bySystem.get(a.system)!).slice(0, 8);
    expect(chosen).toHaveLength(8);

    // WHEN all run at once
    const runs = await Promise.all(
      chosen.map(([service], i) => runAsync(['apps/promote/src/set-image.ts', '--env', 'production', '--service', service, '--tag', `race-${i}`, '--root', root])),
    );

    // THEN every one succeeded and none overwrote another
    expect(runs.map((r) => [r.status, r.stderr])).toEqual(chosen.map(() => [0, '']));
    const after = await mainTags('production');
    expect(chosen.map(([service]) => [service, after.get(service)?.tag])).toEqual(chosen.map(([service], i) => [service, `race-${i}`]));
  }, 120_000);
});

describe('set-image reads a values file strictly', () => {
  it('refuses a file with a byte that is not UTF-8, naming its line and column, and changes nothing', async () => {
    const service = [...(await mainTags('production')).entries()].find(([, t]) => t.system === 'kiteclass')!;
    const file = systemValuesFile(root, 'production', 'kiteclass');
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file, Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a])); // "# caf\xe9" in Latin-1
    const before = readFileSync(file);
    const lines = before.toString('latin1').split('\n').length - 1;
    await expect(setImage({ root, env: 'production', service: service[0], tag: 'utf8check1' })).rejects.toThrow(
      new RegExp(`^environments/production/kiteclass\\.yaml:${lines}:6: `),
    );
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
