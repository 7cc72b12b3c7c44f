import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planPrune, isRendererLeaf } from './prune';
import { renderServices } from './render';
import { loadServices } from './synth';
import { WORKSPACE_ROOT } from '../testing';

let out: string;
beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'prune-'));
});
afterEach(() => rmSync(out, { recursive: true, force: true }));

const header = (leaf: string) => `# Rendered from libs/demo/x for ${leaf}. Do not edit: change the code or environments/ and run npm run synth.\n`;
function leaf(path: string, files: Record<string, string>): void {
  mkdirSync(join(out, path), { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(out, path, name), content);
}

describe('isRendererLeaf', () => {
  it('recognises the files the renderer writes (render.ts toFiles), for their own folder only', async () => {
    // the first service of the catalogue, rendered as synth() renders it
    const [first] = await loadServices(WORKSPACE_ROOT);
    const [rendered] = renderServices([first.service], { root: WORKSPACE_ROOT, sourceOf: () => first.project.root });
    leaf(rendered.path, Object.fromEntries(rendered.files));
    expect(isRendererLeaf(out, rendered.path)).toEqual({ ok: true });
    leaf('staging/demo/api', { 'ConfigMap.api.yaml': `${header('staging/demo/api')}kind: ConfigMap\n` });
    expect(isRendererLeaf(out, 'staging/demo/api')).toEqual({ ok: true });
    leaf('staging/demo/copy', { 'ConfigMap.api.yaml': `${header('staging/demo/api')}kind: ConfigMap\n` });
    expect(isRendererLeaf(out, 'staging/demo/copy')).toMatchObject({ ok: false, reason: expect.stringContaining('rendered for staging/demo/api') });
  });
});

describe('planPrune', () => {
  it('deletes only provably rendered leaves, in scope, and reports everything else', () => {
    leaf('staging/demo/kept', { 'Service.kept.yaml': `${header('staging/demo/kept')}x\n` });
    leaf('staging/demo/retired', { 'Service.retired.yaml': `${header('staging/demo/retired')}x\n` });
    leaf('staging/demo/hand-made', { 'Service.h.yaml': 'kind: Service\n' });
    leaf('staging/demo/mixed', { 'Service.m.yaml': `${header('staging/demo/mixed')}x\n`, 'notes.txt': 'mine\n' });
    mkdirSync(join(out, 'staging/demo/empty'));
    writeFileSync(join(out, 'staging/demo/README.md'), 'a file\n');
    symlinkSync(join(out, 'staging/demo/retired'), join(out, 'staging/demo/link'));
    // out of scope: another environment, another system
    leaf('production/demo/retired', { 'Service.retired.yaml': `${header('production/demo/retired')}x\n` });
    leaf('staging/other/retired', { 'Service.retired.yaml': `${header('staging/other/retired')}x\n` });

    const plan = planPrune(out, { environments: ['staging'], systems: ['demo'], keep: new Set(['staging/demo/kept']) });
    expect(plan.deletes).toEqual(['staging/demo/retired']);
    expect(plan.foreign.map((f) => f.split(':')[0])).toEqual([
      'staging/demo/README.md', 'staging/demo/empty', 'staging/demo/hand-made', 'staging/demo/link', 'staging/demo/mixed',
    ]);
  });

  it('keeps the service folder of a per-cluster leaf, and deletes a retired per-cluster service folder whole', () => {
    for (const c of ['sg', 'us']) {
      leaf(`staging/demo/kept/${c}`, { 'Service.kept.yaml': `${header(`staging/demo/kept/${c}`)}x\n` });
      leaf(`staging/demo/retired/${c}`, { 'Service.retired.yaml': `${header(`staging/demo/retired/${c}`)}x\n` });
    }
    leaf('staging/demo/mixed/sg', { 'Service.m.yaml': `${header('staging/demo/mixed/sg')}x\n` });
    leaf('staging/demo/mixed', { 'README.md': 'mine\n' });
    const plan = planPrune(out, { environments: ['staging'], systems: ['demo'], keep: new Set(['staging/demo/kept/sg']) });
    expect(plan.deletes).toEqual(['staging/demo/retired']);
    expect(plan.foreign).toEqual([`staging/demo/mixed: no service renders it, but it is not provably the renderer's (README.md has no renderer header); left alone`]);
  });

  it('never prunes through a symlinked environment or system folder', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'prune-elsewhere-'));
    try {
      mkdirSync(join(elsewhere, 'demo/retired'), { recursive: true });
      writeFileSync(join(elsewhere, 'demo/retired/Service.retired.yaml'), `${header('staging/demo/retired')}x\n`);
      symlinkSync(elsewhere, join(out, 'staging'));
      mkdirSync(join(out, 'production'));
      symlinkSync(join(elsewhere, 'demo'), join(out, 'production/demo'));
      const plan = planPrune(out, { environments: ['staging', 'production'], systems: ['demo'], keep: new Set() });
      expect(plan.deletes).toEqual([]);
      expect(plan.foreign).toEqual([
        'production/demo: not a plain folder (a symlink or a file); nothing pruned in it',
        'staging: not a plain folder (a symlink or a file); nothing pruned in it',
      ]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('finds nothing outside <env>/<system>/ of the output folder', () => {
    leaf('node_modules/a/b', { 'index.js': 'x\n' });
    leaf('libs/x/y', { 'index.ts': 'x\n' });
    expect(planPrune(out, { environments: ['staging'], systems: ['demo'], keep: new Set() })).toEqual({ deletes: [], foreign: [] });
  });
});
