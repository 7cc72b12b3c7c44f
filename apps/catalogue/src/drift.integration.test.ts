import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServices, renderServices, synth } from '@gitops/platform/render';
import { serviceFolderOf } from '@gitops/platform';
import { readTree, WORKSPACE_ROOT } from '@gitops/platform/testing';

const scratch = mkdtempSync(join(tmpdir(), 'drift-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('dist/', () => {
  it('is exactly what the code renders (run npm run synth and commit if this fails)', async () => {
    const out = join(scratch, 'dist');
    await synth({ root: WORKSPACE_ROOT, outDir: out, prune: true });
    const rendered = readTree(out);
    const committed = readTree(join(WORKSPACE_ROOT, 'dist'));
    const differing = [...new Set([...rendered.keys(), ...committed.keys()])]
      .filter((f) => rendered.get(f) !== committed.get(f))
      .map((f) => `${f}: ${!committed.has(f) ? 'not committed' : !rendered.has(f) ? 'no longer rendered' : 'differs'}`);
    expect(differing).toEqual([]);
  });

  it('renders byte-identical files twice, whatever the order of services', async () => {
    const loaded = await loadServices(WORKSPACE_ROOT);
    const services = loaded.map((l) => l.service);
    const files = (order: typeof services) =>
      new Map(renderServices(order, { root: WORKSPACE_ROOT }).flatMap((leaf) => [...leaf.files].map(([f, c]) => [`${leaf.path}/${f}`, c] as const)));
    const first = files(services);
    const second = files([...services].reverse());
    expect(first.size).toBeGreaterThan(0);
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [file, content] of first) expect(second.get(file), file).toBe(content);
  });

  it('has a folder for every service in every environment its system runs in', async () => {
    const loaded = await loadServices(WORKSPACE_ROOT);
    const leaves = renderServices(loaded.map((l) => l.service), { root: WORKSPACE_ROOT }).map((l) => l.path);
    expect(leaves).toEqual(expect.arrayContaining([
      'staging/kiteclass/kiteclass-core', 'production/kiteclass/kiteclass-core',
      'staging/kiteclass/kiteclass-shared', 'production/kiteclass/kiteclass-shared',
    ]));
  });

  it('matches the outputs Nx has for each service (inferred by tools/nx-synth/plugin.ts) with the folders its render replaces', async () => {
    // Nx's own project graph, as `nx run-many` and `nx affected` see it
    const { createProjectGraphAsync } = await import('nx/src/devkit-exports');
    const graph = await createProjectGraphAsync({ exitOnError: false });
    const loaded = await loadServices(WORKSPACE_ROOT);
    for (const { project, service } of loaded) {
      const declared = ((graph.nodes[project.name]?.data.targets?.synth?.outputs ?? []) as string[]).map((o) => o.replace('{workspaceRoot}/dist/', '')).sort();
      // the writer swaps whole service folders (per-cluster folders inside them)
      const rendered = [...new Set(renderServices([service], { root: WORKSPACE_ROOT }).map((l) => serviceFolderOf(l.path)!))].sort();
      expect(declared, project.name).toEqual(rendered);
      expect(graph.nodes[project.name].data.tags, project.name).toEqual(expect.arrayContaining(['type:service', `scope:${service.system.name}`]));
    }
  });
});
