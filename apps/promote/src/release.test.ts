import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findServiceProjects } from '@gitops/platform';
import { readTree, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffTrees, readDistDir } from '@gitops/manifest-diff';
import { promote, rerender, setImage } from './release';
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

describe('promote', () => {
  it('promoting kiteclass from staging to production changes only the tag lines, and the render only images and version labels', async () => {
    // GIVEN
    const valuesBefore = readFileSync(join(root, PROD), 'utf8');
    const distBefore = await readDistDir(join(root, 'dist'));

    // WHEN
    const result = await promote({ root, system: 'kiteclass', from: 'staging', to: 'production' });
    const folders = await rerender(root, result.system, 'production', { restore: result.restore });

    // THEN the four stable tags (the canary, which staging has not, is left alone), one line each
    expect(result.changes.map(formatChange)).toEqual([
      'environments/production/kiteclass.yaml: services.kitehub-backend.tag 2e8d1c4a -> 3f9c2a1b',
      'environments/production/kiteclass.yaml: services.kiteclass-gateway.tag 2e8d1c4a -> 3f9c2a1b',
      'environments/production/kiteclass.yaml: services.kiteclass-core.tag 2e8d1c4a -> 3f9c2a1b',
      'environments/production/kiteclass.yaml: services.kiteclass-frontend.tag 2e8d1c4a -> 3f9c2a1b',
    ]);
    const lines = changedLines(valuesBefore, readFileSync(join(root, PROD), 'utf8'));
    expect(lines.map(([, a, b]) => [a, b])).toEqual(Array(4).fill(['    tag: 2e8d1c4a', '    tag: 3f9c2a1b']));
    expect(lines.map(([n]) => valuesBefore.split('\n')[n - 2])).toEqual(['  kitehub-backend:', '  kiteclass-gateway:', '  kiteclass-core:', '  kiteclass-frontend:']);

    // every KiteClass project re-rendered, nothing else
    expect(folders).toBe(kiteclassProjects.length);
    const diff = diffTrees(distBefore, await readDistDir(join(root, 'dist')));
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
    const fields = diff.changed.flatMap((c) => c.fields.map((f) => ({ object: `${c.kind} ${c.name}`, path: f.path, after: f.after })));
    expect(fields.length).toBeGreaterThan(0);
    for (const f of fields) {
      expect(f.path, f.object).toMatch(/(\.containers\[\d+\]\.image|labels\["app\.kubernetes\.io\/version"\])$/);
      expect(String(f.after), `${f.object} ${f.path}`).toMatch(/3f9c2a1b$/);
    }
    expect(diff.changed.map((c) => c.env)).toEqual(diff.changed.map(() => 'production'));
    expect(diff.changed.some((c) => c.name === 'kiteclass-core-canary')).toBe(false);
  });

  it('promotes one service only when asked', async () => {
    const result = await promote({ root, system: 'kiteclass', service: 'kiteclass-core', from: 'staging', to: 'production', dryRun: true });
    expect(result.changes.map(formatChange)).toEqual(['environments/production/kiteclass.yaml: services.kiteclass-core.tag 2e8d1c4a -> 3f9c2a1b']);
  });

  it('a dry run writes nothing, and tags already equal are nothing to do', async () => {
    const before = readTree(join(root, 'environments'));
    expect((await promote({ root, system: 'kiteclass', from: 'staging', to: 'production', dryRun: true })).changes).toHaveLength(4);
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
    const result = await promote({ root, system: 'kiteclass', from: 'staging', to: 'production' });
    const promoted = readFileSync(join(root, PROD), 'utf8');
    writeFileSync(join(root, 'environments/production/environment.yaml'), 'name: production\n');
    // WHEN / THEN
    await expect(rerender(root, result.system, 'production', { restore: result.restore })).rejects.toThrow(/awsAccountId: required, but missing/);
    expect(readFileSync(join(root, PROD), 'utf8')).not.toBe(promoted);
    expect(readFileSync(join(root, PROD), 'utf8')).toContain('    tag: 2e8d1c4a');
  });
});

describe('set-image', () => {
  it("sets the service's main tag, not its canary's, in one line", async () => {
    const before = readFileSync(join(root, PROD), 'utf8');
    const result = await setImage({ root, env: 'production', service: 'kiteclass-core', tag: '4a5b6c7d' });
    expect(result.changes.map(formatChange)).toEqual(['environments/production/kiteclass.yaml: services.kiteclass-core.tag 2e8d1c4a -> 4a5b6c7d']);
    expect(changedLines(before, readFileSync(join(root, PROD), 'utf8')).map(([, a, b]) => [a, b])).toEqual([['    tag: 2e8d1c4a', '    tag: 4a5b6c7d']]);
  });

  it('sets another tag of the service named with --path', async () => {
    const result = await setImage({ root, env: 'production', service: 'kiteclass-core', tag: '5b6c7d8e', path: 'services.kiteclass-core.canary.tag' });
    expect(result.changes.map(formatChange)).toEqual(['environments/production/kiteclass.yaml: services.kiteclass-core.canary.tag 3f9c2a1b -> 5b6c7d8e']);
    await expect(setImage({ root, env: 'production', service: 'kiteclass-core', tag: '5b6c7d8e', path: 'services.kitehub-backend.tag' })).rejects.toThrow(
      "environments/production/kiteclass.yaml: 'services.kitehub-backend.tag' is not an image tag of service 'kiteclass-core' (its tags: services.kiteclass-core.tag, services.kiteclass-core.canary.tag)",
    );
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
