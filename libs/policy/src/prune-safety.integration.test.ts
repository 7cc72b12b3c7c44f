import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferedOutput } from '@gitops/platform/cli';
import { runCommand } from '@gitops/platform/testing';
import { runPruneCheck } from './cli/prune-check';
import { comparePrune } from './prune-safety';

const leaf = (env: string, svc: string, n: number) =>
  Array.from({ length: n }, (_, i) => `dist/${env}/demo/${svc}/ConfigMap.cm-${i}.yaml`);

const BASE = [
  ...leaf('production', 'api', 5), ...leaf('production', 'web', 5), ...leaf('staging', 'api', 5),
  'dist/production/demo/api/Deployment.api.yaml', 'dist/staging/demo/api/Deployment.api.yaml',
];

describe('comparePrune', () => {
  it('accepts a change that adds and edits objects', () => {
    const { findings, changes } = comparePrune(BASE, [...BASE, 'dist/production/demo/api/Service.api.yaml']);
    expect(findings).toEqual([]);
    expect(changes).toEqual([
      { env: 'production', before: 11, after: 12, added: 1, removed: 0 },
      { env: 'staging', before: 6, after: 6, added: 0, removed: 0 },
    ]);
  });

  it('counts per-cluster folders: a removed cluster folder and a rename inside one are stopped, and their objects count for the environment', () => {
    const perCluster = (cluster: string, names: string[]) => names.map((n) => `dist/production/addons/apps/${cluster}/Application.${n}-${cluster}.yaml`);
    const base = [...BASE, ...perCluster('c1', ['a', 'b']), ...perCluster('c2', ['a', 'b'])];
    // one cluster's folder goes
    const removed = comparePrune(base, base.filter((f) => !f.includes('/apps/c2/')));
    expect(removed.changes.find((c) => c.env === 'production')).toEqual({ env: 'production', before: 15, after: 13, added: 0, removed: 2 });
    expect(removed.findings).toContainEqual({ where: 'dist/production/addons/apps/c2', kind: 'folder-removed', message: expect.stringContaining('folder removed') });
    // an object renamed inside one cluster's folder
    const renamed = comparePrune(base, [...base.filter((f) => !f.endsWith('/Application.b-c1.yaml')), 'dist/production/addons/apps/c1/Application.z-c1.yaml']);
    expect(renamed.findings).toEqual([{ where: 'dist/production/addons/apps/c1', kind: 'rename', message: expect.stringContaining('Application b-c1 removed and z-c1 added') }]);
  });

  it('stops a removed synced folder', () => {
    const head = BASE.filter((f) => !f.startsWith('dist/production/demo/web/'));
    expect(comparePrune(BASE, head).findings).toEqual([
      { where: 'dist/production', kind: 'env-loss', message: 'loses 5 of its 11 objects (45%), more than the 20% a change may remove unmarked' },
      { where: 'dist/production/demo/web', kind: 'folder-removed', message: 'folder removed: Argo CD would prune everything its Application synced' },
    ]);
  });

  it('stops an environment that renders nothing any more', () => {
    expect(comparePrune(BASE, BASE.filter((f) => !f.startsWith('dist/staging/'))).findings).toEqual([
      { where: 'dist/staging', kind: 'empty', message: 'renders no objects any more (it had 6): Argo CD would prune the whole environment' },
      { where: 'dist/staging/demo/api', kind: 'folder-removed', message: 'folder removed: Argo CD would prune everything its Application synced' },
    ]);
  });

  it('stops a rename in production but not in staging', () => {
    const head = BASE.map((f) => f.replace('Deployment.api.yaml', 'Deployment.api-v2.yaml'));
    expect(comparePrune(BASE, head).findings).toEqual([
      { where: 'dist/production/demo/api', kind: 'rename', message: 'Deployment api removed and api-v2 added: a rename is a delete plus a create in production' },
    ]);
  });

  it('counts .json manifests, which Argo CD syncs like YAML', () => {
    const json = ['dist/production/demo/jobs/ConfigMap.a.json', 'dist/production/demo/jobs/ConfigMap.b.json'];
    expect(comparePrune([...BASE, ...json], BASE).findings).toEqual([
      { where: 'dist/production/demo/jobs', kind: 'folder-removed', message: 'folder removed: Argo CD would prune everything its Application synced' },
    ]);
  });

  it('lets a small deletion through', () => {
    expect(comparePrune(BASE, BASE.filter((f) => f !== 'dist/production/demo/api/ConfigMap.cm-0.yaml')).findings).toEqual([]);
  });
});

describe('prune-check CLI', () => {
  it('fails on a removed folder and passes once a commit says Allow-Prune', async () => {
    // GIVEN a repository whose base commit has two production folders
    const repo = mkdtempSync(join(tmpdir(), 'prune-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 'test');
    for (const svc of ['api', 'web']) {
      mkdirSync(join(repo, `dist/production/demo/${svc}`), { recursive: true });
      writeFileSync(join(repo, `dist/production/demo/${svc}/Deployment.${svc}.yaml`), 'kind: Deployment\n');
    }
    git('add', '-A');
    git('commit', '-qm', 'base');
    // WHEN a change removes one of them
    rmSync(join(repo, 'dist/production/demo/web'), { recursive: true });
    git('commit', '-qam', 'remove web');
    const cli = resolve(__dirname, 'cli/prune-check.ts');
    const run = () => runCommand(process.execPath, ['--import', 'tsx', cli, '--base', 'HEAD~1', '--root', repo], { cwd: resolve(__dirname, '../../..') });
    const blocked = await run();
    // THEN it is blocked, with what and how to allow it
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toContain('BLOCKED dist/production/demo/web: folder removed');
    expect(blocked.stderr).toContain('Allow-Prune: <reason>');
    // AND a trailer marks it intended
    git('commit', '-q', '--allow-empty', '-m', 'retire web\n\nAllow-Prune: web moved to the new frontend system');
    // (in process: runPruneCheck, as the command line calls it)
    const out = bufferedOutput();
    expect(await runPruneCheck({ base: 'HEAD~2', maxLoss: '0.2', root: repo }, out)).toBe(0);
    expect(out.stdout()).toContain('marked intended: web moved to the new frontend system');
    expect(out.stderr()).toContain('allowed dist/production/demo/web: folder removed');
    rmSync(repo, { recursive: true, force: true });
  });

  it('counts objects moved to another namespace as deleted and created (issue 23 item 7)', async () => {
    // GIVEN staging's 10 objects in namespace shop
    const repo = mkdtempSync(join(tmpdir(), 'prune-ns-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 'test');
    mkdirSync(join(repo, 'dist/staging/demo/api'), { recursive: true });
    const write = (ns: string, i: number) => writeFileSync(join(repo, `dist/staging/demo/api/ConfigMap.cm-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ${ns}\n`);
    for (let i = 0; i < 10; i++) write('shop', i);
    git('add', '-A');
    git('commit', '-qm', 'base');
    // WHEN a change moves 4 of them (40%) to namespace store: same file names
    for (let i = 0; i < 4; i++) write('store', i);
    git('commit', '-qam', 'move');
    const out = bufferedOutput();
    // THEN Argo CD's view: 4 deleted and 4 created, more than the 20% a change may remove unmarked
    expect(await runPruneCheck({ base: 'HEAD~1', maxLoss: '0.2', root: repo }, out)).toBe(1);
    expect(out.stdout()).toContain('staging: 10 -> 10 objects (+4 -4)');
    expect(out.stderr()).toContain('BLOCKED dist/staging: loses 4 of its 10 objects (40%)');
    rmSync(repo, { recursive: true, force: true });
  });

  it('names a production object that moves namespace: Argo CD deletes it and creates it anew', () => {
    const base = [{ file: 'dist/production/demo/api/Deployment.api.yaml', namespace: 'shop' }, ...leaf('production', 'api', 9).map((file) => ({ file, namespace: 'shop' }))];
    const head = [{ file: 'dist/production/demo/api/Deployment.api.yaml', namespace: 'store' }, ...base.slice(1)];
    expect(comparePrune(base, head).findings).toEqual([
      { where: 'dist/production/demo/api', kind: 'rename', message: 'Deployment api moves from namespace shop to store: Argo CD deletes it and creates it anew' },
    ]);
  });
});
