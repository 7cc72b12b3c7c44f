import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadValues, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { findServiceProjects } from '@gitops/platform/render';
import { readTree, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffTrees, readDistDir } from '@gitops/manifest-diff';
import { loadSystems, promote, rerender, setImage } from './release';
import { tagPaths, valueAt } from './tag-paths';
import { formatChange } from './values-edit';

const PROD = 'environments/production/kiteclass.yaml';

/** The lines that differ between two texts of the same length in lines: [line number, before, after]. */
function changedLines(before: string, after: string): [number, string, string][] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[i + 1, line, b[i]] as [number, string, string]]));
}

/** The KiteClass service projects as the catalogue finds them (a generated service adds to them). */
const kiteclassProjects = (await findServiceProjects(WORKSPACE_ROOT))
  .filter((p) => p.root.startsWith('libs/kiteclass/'))
  .map((p) => p.name)
  .sort();

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = scratchWorkspace()));
afterEach(() => cleanup());

/** The KiteClass image tags in an environment's file of the scratch workspace: dotted path -> tag. */
async function kiteclassTags(env: EnvironmentName): Promise<Map<string, string>> {
  const sys = (await loadSystems(root)).get('kiteclass')!;
  const values = loadValues(systemValuesFile(root, env, 'kiteclass'), sys.schema, root);
  return new Map(tagPaths(sys.schema, values).map((p) => [p.join('.'), valueAt(values, p) as string]));
}

/**
 * GIVEN production runs tags of this test's own (`fixture-1`, ...) on every KiteClass service that
 * declares tags, rendered: whatever a release did to the files, staging's tags then differ.
 */
async function productionRunsFixtureTags(): Promise<void> {
  const sys = (await loadSystems(root)).get('kiteclass')!;
  const present = await kiteclassTags('production');
  let n = 0;
  for (const [service, info] of sys.services) {
    for (const path of info.imageTags.filter((p) => present.has(p.join('.')))) {
      await setImage({ root, env: 'production', service, path: path.join('.'), tag: `fixture-${++n}` });
    }
  }
  await rerender(root, sys, 'production');
}

describe('promote', () => {
  it('promoting kiteclass from staging to production changes only the tag lines, and the render only images and version labels', async () => {
    // GIVEN
    await productionRunsFixtureTags();
    const staging = await kiteclassTags('staging');
    const production = await kiteclassTags('production');
    const valuesBefore = readFileSync(join(root, PROD), 'utf8');
    const distBefore = await readDistDir(join(root, 'dist'));

    // WHEN
    const result = await promote({ root, system: 'kiteclass', from: 'staging', to: 'production' });
    const folders = await rerender(root, result.system, 'production', { restore: result.restore });

    // THEN every tag both files have takes staging's value, in file order, one line each
    const shared = [...production.keys()].filter((p) => staging.has(p));
    expect(shared.length).toBeGreaterThan(0);
    expect(result.changes.map(formatChange)).toEqual(shared.map((p) => `${PROD}: ${p} ${production.get(p)} -> ${staging.get(p)}`));
    // (in file order, which need not be the schema's; a quoted tag stays quoted)
    const unquote = (line: string) => line.trim().replace(/^tag: (["'])(.*)\1$/, 'tag: $2');
    const lines = changedLines(valuesBefore, readFileSync(join(root, PROD), 'utf8'));
    expect(lines.map(([, a, b]) => [unquote(a), unquote(b)]).sort()).toEqual(shared.map((p) => [`tag: ${production.get(p)}`, `tag: ${staging.get(p)}`]).sort());
    // a tag staging has not (the production canary) is left alone
    const after = await kiteclassTags('production');
    for (const [p, tag] of production) if (!staging.has(p)) expect(after.get(p), p).toBe(tag);

    // every KiteClass project re-rendered, nothing else
    expect(folders).toBe(kiteclassProjects.length);
    const diff = diffTrees(distBefore, await readDistDir(join(root, 'dist')));
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    const fields = diff.changed.flatMap((c) => c.fields.map((f) => ({ object: `${c.kind} ${c.name}`, path: f.path, after: f.after })));
    expect(fields.length).toBeGreaterThan(0);
    const promoted = new Set(shared.map((p) => staging.get(p)!));
    for (const f of fields) {
      expect(f.path, f.object).toMatch(/(\.(initContainers|containers)\[\d+\]\.image|labels\["app\.kubernetes\.io\/version"\])$/);
      expect(promoted.has(String(f.after).split(':').pop()!), `${f.object} ${f.path} -> ${String(f.after)}`).toBe(true);
    }
    expect(diff.changed.map((c) => c.env)).toEqual(diff.changed.map(() => 'production'));
  });

  it('promotes one service only when asked', async () => {
    await productionRunsFixtureTags();
    const [staging, production] = [await kiteclassTags('staging'), await kiteclassTags('production')];
    const result = await promote({ root, system: 'kiteclass', service: 'kiteclass-core', from: 'staging', to: 'production', dryRun: true });
    const main = 'services.kiteclass-core.tag';
    expect(result.changes.map(formatChange)).toEqual([`${PROD}: ${main} ${production.get(main)} -> ${staging.get(main)}`]);
  });

  it('a dry run writes nothing, and tags already equal are nothing to do', async () => {
    await productionRunsFixtureTags();
    const staging = await kiteclassTags('staging');
    const shared = [...(await kiteclassTags('production')).keys()].filter((p) => staging.has(p));
    const before = readTree(join(root, 'environments'));
    expect((await promote({ root, system: 'kiteclass', from: 'staging', to: 'production', dryRun: true })).changes).toHaveLength(shared.length);
    expect(readTree(join(root, 'environments'))).toEqual(before);
    await promote({ root, system: 'kiteclass', from: 'staging', to: 'production' });
    expect((await promote({ root, system: 'kiteclass', from: 'staging', to: 'production' })).changes).toEqual([]);
  });

  it('refuses an unknown system, an unknown service and an environment the system does not run in, writing nothing', async () => {
    const before = readTree(join(root, 'environments'));
    await expect(promote({ root, system: 'kiteclas', from: 'staging', to: 'production' })).rejects.toThrow(/^unknown system 'kiteclas' \(systems: .*kiteclass.*\)$/);
    await expect(promote({ root, system: 'kiteclass', service: 'kiteclass-cor', from: 'staging', to: 'production' })).rejects.toThrow(
      `unknown service 'kiteclass-cor' in system 'kiteclass' (services: ${kiteclassProjects.join(', ')})`,
    );
    await expect(promote({ root, system: 'kiteclass', service: 'kiteclass-shared', from: 'staging', to: 'production' })).rejects.toThrow(
      "no image tag of service 'kiteclass-shared' in both environments/staging/kiteclass.yaml and environments/production/kiteclass.yaml",
    );
    await expect(promote({ root, system: 'kiteclass', from: 'development', to: 'production' })).rejects.toThrow(
      "system 'kiteclass' does not run in 'development' (it runs in: staging, production)",
    );
    await expect(promote({ root, system: 'kiteclass', from: 'production', to: 'production' })).rejects.toThrow(
      "--from and --to are both 'production'; promote copies tags from one environment to another",
    );
    expect(readTree(join(root, 'environments'))).toEqual(before);
  });

  it('a failed re-render puts the values file back', async () => {
    // GIVEN a production file the render refuses (checked after the promotion wrote its tags)
    await productionRunsFixtureTags();
    const original = readFileSync(join(root, PROD), 'utf8');
    const result = await promote({ root, system: 'kiteclass', from: 'staging', to: 'production' });
    const promoted = readFileSync(join(root, PROD), 'utf8');
    writeFileSync(join(root, 'environments/production/environment.yaml'), 'name: production\n');
    // WHEN / THEN
    await expect(rerender(root, result.system, 'production', { restore: result.restore })).rejects.toThrow(/awsAccountId: required, but missing/);
    expect(promoted).not.toBe(original);
    expect(readFileSync(join(root, PROD), 'utf8')).toBe(original);
  });
});

describe('set-image', () => {
  it("sets the service's main tag, not its canary's, in one line", async () => {
    const before = readFileSync(join(root, PROD), 'utf8');
    const tags = await kiteclassTags('production');
    const from = tags.get('services.kiteclass-core.tag')!;
    const result = await setImage({ root, env: 'production', service: 'kiteclass-core', tag: 'fixture-4a5b' });
    expect(result.changes.map(formatChange)).toEqual([`${PROD}: services.kiteclass-core.tag ${from} -> fixture-4a5b`]);
    expect(changedLines(before, readFileSync(join(root, PROD), 'utf8')).map(([, a, b]) => [a, b])).toEqual([[`    tag: ${from}`, '    tag: fixture-4a5b']]);
    expect((await kiteclassTags('production')).get('services.kiteclass-core.canary.tag')).toBe(tags.get('services.kiteclass-core.canary.tag'));
  });

  it('sets another tag of the service named with --path', async () => {
    const from = (await kiteclassTags('production')).get('services.kiteclass-core.canary.tag');
    const result = await setImage({ root, env: 'production', service: 'kiteclass-core', tag: 'fixture-5b6c', path: 'services.kiteclass-core.canary.tag' });
    expect(result.changes.map(formatChange)).toEqual([`${PROD}: services.kiteclass-core.canary.tag ${from} -> fixture-5b6c`]);
    await expect(setImage({ root, env: 'production', service: 'kiteclass-core', tag: '5b6c7d8e', path: 'services.kitehub-backend.tag' })).rejects.toThrow(
      "environments/production/kiteclass.yaml: 'services.kitehub-backend.tag' is not an image tag of service 'kiteclass-core' (its tags: services.kiteclass-core.tag, services.kiteclass-core.canary.tag)",
    );
  });

  it('refuses a service that declares no image tag, naming where it would', async () => {
    const before = readTree(join(root, 'environments'));
    await expect(setImage({ root, env: 'production', service: 'kiteclass-shared', tag: 'fixture-1' })).rejects.toThrow(
      "service 'kiteclass-shared' has no image tag (libs/kiteclass/kiteclass-shared/src/index.ts declares no imageTags)",
    );
    expect(readTree(join(root, 'environments'))).toEqual(before);
  });

  it('rejects latest, v1:2 and an unknown service with exact messages, leaving the file byte-identical', async () => {
    const before = readFileSync(join(root, PROD));
    await expect(setImage({ root, env: 'production', service: 'kiteclass-core', tag: 'latest' })).rejects.toThrow(
      'invalid tag "latest": must be pinned: "latest" is not allowed',
    );
    await expect(setImage({ root, env: 'production', service: 'kiteclass-core', tag: 'v1:2' })).rejects.toThrow(
      'invalid tag "v1:2": must be an OCI image tag (letters, digits, _ . -; at most 128)',
    );
    const services = (await findServiceProjects(root)).map((p) => p.name).sort();
    await expect(setImage({ root, env: 'production', service: 'kiteclass-cor', tag: '4a5b6c7d' })).rejects.toThrow(
      `unknown service 'kiteclass-cor' (services: ${services.join(', ')})`,
    );
    await expect(setImage({ root, env: 'development', service: 'kiteclass-core', tag: '4a5b6c7d' })).rejects.toThrow(
      "system 'kiteclass' does not run in 'development' (it runs in: staging, production)",
    );
    expect(readFileSync(join(root, PROD)).equals(before)).toBe(true);
  });
});
