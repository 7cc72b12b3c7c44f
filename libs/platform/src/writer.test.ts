import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTree } from './testing';
import { recoverTransactions, stageTransaction, writeLeaves, type LeafFiles } from './writer';

let parent: string;
let out: string;

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'writer-'));
  out = join(parent, 'dist');
  mkdirSync(join(out, 'production/demo/api'), { recursive: true });
  writeFileSync(join(out, 'production/demo/api/Deployment.api.yaml'), 'old deployment\n');
  writeFileSync(join(out, 'production/demo/api/Service.api.yaml'), 'old service\n');
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

  it('discards a transaction that died before its commit point', async () => {
    const before = readTree(out);
    const txn = join(parent, '.dist.synth-999999999-abc');
    mkdirSync(join(txn, 'new/production/demo/api'), { recursive: true });
    writeFileSync(join(txn, 'new/production/demo/api/Deployment.api.yaml'), 'half written');
    recoverTransactions(out);
    expect(readTree(out)).toEqual(before);
    expect(existsSync(txn)).toBe(false);
  });

  it('finishes a transaction that died between the two renames of a swap', async () => {
    const txn = await stageTransaction(out, NEW);
    // GIVEN a render killed after moving the old api folder out, before moving the new one in
    mkdirSync(join(txn, 'old/production/demo'), { recursive: true });
    renameSync(join(out, 'production/demo/api'), join(txn, 'old/production/demo/api'));
    // WHEN the next render starts (the dead pid is simulated by renaming the transaction)
    const dead = join(dirname(txn), '.dist.synth-999999999-xyz');
    renameSync(txn, dead);
    recoverTransactions(out);
    // THEN the output is the new render, whole
    expect(Object.fromEntries(readTree(out))).toEqual({
      'production/demo/api/Deployment.api.yaml': 'new deployment\n',
      'production/demo/web/Deployment.web.yaml': 'new web\n',
    });
    expect(existsSync(dead)).toBe(false);
  });
});
