import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTree } from '../testing';
import { recoverTransactions, stageTransaction, WriteError, writeLeaves, type LeafFiles } from './writer';

let parent: string;
let out: string;

/** What the renderer writes first in every file (layout.ts renderedHeader): the writer replaces only such folders. */
const header = (leaf: string) => `# Rendered from code for ${leaf}. Do not edit: change the code or environments/ and run npm run synth.\n`;

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'writer-'));
  out = join(parent, 'dist');
  mkdirSync(join(out, 'production/demo/api'), { recursive: true });
  writeFileSync(join(out, 'production/demo/api/Deployment.api.yaml'), `${header('production/demo/api')}old deployment\n`);
  writeFileSync(join(out, 'production/demo/api/Service.api.yaml'), `${header('production/demo/api')}old service\n`);
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

const NEW: LeafFiles[] = [
  { path: 'production/demo/api', files: new Map([['Deployment.api.yaml', 'new deployment\n']]) },
  { path: 'production/demo/web', files: new Map([['Deployment.web.yaml', 'new web\n']]) },
];

describe('writeLeaves', () => {
  it('replaces each leaf folder with exactly the new files', async () => {
    await writeLeaves(out, NEW);
    expect(Object.fromEntries(readTree(out))).toEqual({
      'production/demo/api/Deployment.api.yaml': 'new deployment\n',
      'production/demo/web/Deployment.web.yaml': 'new web\n',
    });
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  it('leaves the output as it was when staging fails', async () => {
    const before = readTree(out);
    const bad: LeafFiles[] = [...NEW, { path: 'production/demo/bad', files: new Map([['sub/../../../../../x\0', 'x']]) }];
    await expect(writeLeaves(out, bad)).rejects.toThrow();
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  it('refuses a file name that is not one path segment, writing nothing', async () => {
    const before = readTree(out);
    for (const name of ['../escape.yaml', 'a/b.yaml', '..', '']) {
      const error = await writeLeaves(out, [{ path: 'production/demo/api', files: new Map([[name, 'x']]) }]).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(WriteError);
      expect((error as Error).message).toBe(`production/demo/api: ${JSON.stringify(name)} is not a file name`);
    }
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  it('discards a transaction that died before its commit point', async () => {
    const before = readTree(out);
    const txn = join(parent, '.dist.synth-999999999-abc');
    mkdirSync(join(txn, 'new/production/demo/api'), { recursive: true });
    writeFileSync(join(txn, 'new/production/demo/api/Deployment.api.yaml'), 'half written');
    recoverTransactions(out);
    expect(readTree(out)).toEqual(before);
    expect(existsSync(txn)).toBe(false);
  });

  it('finishes a transaction that died between the two renames of a swap, when its inputs are still current', async () => {
    const txn = await stageTransaction(out, NEW, { inputs: { 'environments/production/demo.yaml': 'a1' } });
    // GIVEN a render killed after moving the old api folder out, before moving the new one in
    mkdirSync(join(txn, 'old/production/demo'), { recursive: true });
    renameSync(join(out, 'production/demo/api'), join(txn, 'old/production/demo/api'));
    // WHEN the next render starts (the dead pid is simulated by renaming the transaction)
    const dead = join(dirname(txn), '.dist.synth-999999999-xyz');
    renameSync(txn, dead);
    recoverTransactions(out, { staleInputs: () => [], onNote: () => undefined });
    // THEN the output is the new render, whole
    expect(Object.fromEntries(readTree(out))).toEqual({
      'production/demo/api/Deployment.api.yaml': 'new deployment\n',
      'production/demo/web/Deployment.web.yaml': 'new web\n',
    });
    expect(existsSync(dead)).toBe(false);
  });

  it('rolls back (never replays) a half-swapped transaction whose inputs changed since, and says so', async () => {
    const before = readTree(out);
    const txn = await stageTransaction(out, NEW, { inputs: { 'environments/production/demo.yaml': 'a1' } });
    // GIVEN a render killed after swapping the api folder in, before the web folder
    mkdirSync(join(txn, 'old/production/demo'), { recursive: true });
    renameSync(join(out, 'production/demo/api'), join(txn, 'old/production/demo/api'));
    renameSync(join(txn, 'new/production/demo/api'), join(out, 'production/demo/api'));
    const dead = join(dirname(txn), '.dist.synth-999999999-xyz');
    renameSync(txn, dead);
    // WHEN the next render finds that values file changed
    const notes: string[] = [];
    recoverTransactions(out, { staleInputs: (recorded) => Object.keys(recorded), onNote: (l) => notes.push(l) });
    // THEN the old output is back, byte for byte, and the transaction is gone
    expect(readTree(out)).toEqual(before);
    expect(existsSync(dead)).toBe(false);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/discarded .*inputs changed since \(environments\/production\/demo\.yaml\); rolled back 1 folder\(s\): production\/demo\/api/);
  });

  it('rolls back a half-swapped transaction left by an earlier version of the writer (no inputs, no version)', async () => {
    const before = readTree(out);
    const txn = await stageTransaction(out, NEW);
    writeFileSync(join(txn, 'commit.json'), JSON.stringify({ leaves: NEW.map((l) => l.path) }));
    mkdirSync(join(txn, 'old/production/demo'), { recursive: true });
    renameSync(join(out, 'production/demo/api'), join(txn, 'old/production/demo/api'));
    renameSync(join(txn, 'new/production/demo/api'), join(out, 'production/demo/api'));
    renameSync(txn, join(dirname(txn), '.dist.synth-999999999-xyz'));
    recoverTransactions(out, { staleInputs: () => [], onNote: () => undefined });
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  it('never rolls forward a transaction that recorded no inputs', async () => {
    const before = readTree(out);
    const txn = await stageTransaction(out, NEW);
    mkdirSync(join(txn, 'old/production/demo'), { recursive: true });
    renameSync(join(out, 'production/demo/api'), join(txn, 'old/production/demo/api'));
    renameSync(txn, join(dirname(txn), '.dist.synth-999999999-xyz'));
    recoverTransactions(out, { staleInputs: () => [], onNote: () => undefined });
    expect(readTree(out)).toEqual(before);
  });

  it('rolls back a swap that fails midway, and says truthfully that the output is unchanged', async () => {
    // GIVEN a second leaf that cannot be swapped in (its parent is a file: ENOTDIR)
    writeFileSync(join(out, 'production/other'), 'a file where a folder should be\n');
    const before = readTree(out);
    const leaves: LeafFiles[] = [NEW[0], { path: 'production/other/x', files: new Map([['Deployment.x.yaml', 'x\n']]) }];
    // WHEN the write fails after the first leaf was swapped
    const error = await writeLeaves(out, leaves).catch((e: unknown) => e);
    // THEN the first leaf is rolled back, nothing is left to replay, and the error says unchanged
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).unchanged).toBe(true);
    expect((error as Error).message).toMatch(/rolled back the 1 folder\(s\) already swapped \(production\/demo\/api\), so it is unchanged/);
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  it('names a corrupt commit.json and what to do, in one line, and touches nothing', async () => {
    const before = readTree(out);
    const txn = join(parent, '.dist.synth-999999999-bad');
    mkdirSync(txn);
    writeFileSync(join(txn, 'commit.json'), '{"leaves": ["production/demo/api"');
    const error = await writeLeaves(out, NEW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(join(txn, 'commit.json'));
    expect(message).toMatch(/not a valid transaction record .*then delete /);
    expect(readTree(out)).toEqual(before);
    expect(existsSync(txn)).toBe(true);
  });

  it('removes pruned leaves in the same transaction, and rolls them back with it', async () => {
    mkdirSync(join(out, 'production/demo/gone'), { recursive: true });
    writeFileSync(join(out, 'production/demo/gone/Service.gone.yaml'), `${header('production/demo/gone')}kind: Service\n`);
    const before = readTree(out);
    const txn = await stageTransaction(out, NEW, { deletes: ['production/demo/gone'], inputs: { code: 'c1' } });
    expect(JSON.parse(readFileSync(join(txn, 'commit.json'), 'utf8')).deletes).toEqual(['production/demo/gone']);
    // killed after the delete's rename out, before the transaction was removed
    mkdirSync(join(txn, 'old/production/demo'), { recursive: true });
    renameSync(join(out, 'production/demo/gone'), join(txn, 'old/production/demo/gone'));
    renameSync(txn, join(dirname(txn), '.dist.synth-999999999-xyz'));
    recoverTransactions(out, { staleInputs: () => ['code'], onNote: () => undefined });
    expect(readTree(out)).toEqual(before);
    // and a transaction that runs through deletes it
    const result = await writeLeaves(out, NEW, { deletes: ['production/demo/gone'] });
    expect(result.deleted).toEqual(['production/demo/gone']);
    expect(existsSync(join(out, 'production/demo/gone'))).toBe(false);
  });

  it('switches a service between one folder and per-cluster folders in one swap, leaving nothing stale', async () => {
    const perCluster: LeafFiles[] = ['sg', 'us'].map((c) => ({ path: `production/demo/api/${c}`, files: new Map([['ConfigMap.api.yaml', `${header(`production/demo/api/${c}`)}region: ${c}\n`]]) }));
    // flat -> per cluster: the flat files go with the swap
    const dist = { serviceFolders: true } as const;
    const result = await writeLeaves(out, perCluster, dist);
    expect(result.written).toEqual(['production/demo/api']);
    expect([...readTree(out).keys()]).toEqual(['production/demo/api/sg/ConfigMap.api.yaml', 'production/demo/api/us/ConfigMap.api.yaml']);
    // per cluster -> flat: the cluster folders go with the swap
    const flat = { path: 'production/demo/api', files: new Map([['ConfigMap.api.yaml', `${header('production/demo/api')}region: all\n`]]) };
    await writeLeaves(out, [flat], dist);
    expect([...readTree(out).keys()]).toEqual(['production/demo/api/ConfigMap.api.yaml']);
    // and a service on other clusters than before keeps no folder of a cluster it left
    await writeLeaves(out, perCluster, dist);
    await writeLeaves(out, [perCluster[0]], dist);
    expect([...readTree(out).keys()]).toEqual(['production/demo/api/sg/ConfigMap.api.yaml']);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  it('refuses to replace a folder holding anything the renderer did not write, one line each, changing nothing', async () => {
    writeFileSync(join(out, 'production/demo/api/notes.txt'), 'mine\n');
    mkdirSync(join(out, 'production/demo/api/extra/deeper'), { recursive: true });
    writeFileSync(join(out, 'production/demo/api/Copied.yaml'), `${header('staging/demo/api')}x\n`);
    const before = readTree(out);
    const error = await writeLeaves(out, NEW, { serviceFolders: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).unchanged).toBe(true);
    expect((error as Error).message.split('\n')).toEqual([
      'production/demo/api/Copied.yaml was rendered for staging/demo/api, not this folder: not written by the renderer, and the render replaces production/demo/api as a whole; move it out of the output folder',
      'production/demo/api/extra/deeper is a folder, which the renderer never writes here: not written by the renderer, and the render replaces production/demo/api as a whole; move it out of the output folder',
      'production/demo/api/notes.txt has no renderer header: not written by the renderer, and the render replaces production/demo/api as a whole; move it out of the output folder',
    ]);
    expect(readTree(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  it('without serviceFolders (the Argo CD generator), swaps each folder as given, whatever it holds', async () => {
    writeFileSync(join(out, 'production/demo/api/notes.txt'), 'mine\n');
    await writeLeaves(out, [{ path: 'applicationsets', files: new Map([['a.yaml', 'a\n']]) }, NEW[0]]);
    expect(Object.fromEntries(readTree(out))).toEqual({ 'applicationsets/a.yaml': 'a\n', 'production/demo/api/Deployment.api.yaml': 'new deployment\n' });
  });

  it('refuses a service given both as one folder and per cluster', async () => {
    const error = await writeLeaves(out, [NEW[0], { path: 'production/demo/api/sg', files: new Map([['X.yaml', 'x\n']]) }], { serviceFolders: true }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('production/demo/api: both one folder for all clusters and per-cluster folders (production/demo/api, production/demo/api/sg)');
  });

  it('stages beside the real folder when the output is a symlink to another file system', async () => {
    // /dev/shm is a tmpfs on Linux: another file system than the temporary folder
    const other = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'writer-other-'));
    try {
      rmSync(out, { recursive: true });
      mkdirSync(join(other, 'dist'));
      symlinkSync(join(other, 'dist'), out);
      await writeLeaves(out, NEW);
      expect(Object.fromEntries(readTree(out))).toEqual({
        'production/demo/api/Deployment.api.yaml': 'new deployment\n',
        'production/demo/web/Deployment.web.yaml': 'new web\n',
      });
      expect(readdirSync(other)).toEqual(['dist']);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses, before changing anything, a subfolder on another file system (EXDEV), naming it', async () => {
    const other = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'writer-other-'));
    try {
      // GIVEN dist/production moved to another file system and linked back
      cpSync(join(out, 'production'), join(other, 'production'), { recursive: true });
      rmSync(join(out, 'production'), { recursive: true });
      symlinkSync(join(other, 'production'), join(out, 'production'));
      const before = readTree(join(other, 'production'));
      const error = await writeLeaves(out, NEW).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WriteError);
      expect((error as Error).message).toMatch(/production\/demo: on another file system than .*\(EXDEV\); make it a plain folder/);
      expect((error as WriteError).unchanged).toBe(true);
      expect(readTree(join(other, 'production'))).toEqual(before);
      expect(readdirSync(out)).toEqual(['production']);
      expect(readdirSync(parent)).toEqual(['dist']);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
