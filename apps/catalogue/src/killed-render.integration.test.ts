import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { synth } from '@gitops/platform/render';
import { readTree, scratchWorkspace } from '@gitops/platform/testing';

let ws: ReturnType<typeof scratchWorkspace>;
beforeEach(() => {
  ws = scratchWorkspace();
});
afterEach(() => ws.cleanup());

describe('a render killed midway', () => {
  it('leaves dist/ as it was, and the next render cleans up and completes', async () => {
    // GIVEN a change that alters the render
    const file = join(ws.root, 'environments/production/kiteclass.yaml');
    const text = readFileSync(file, 'utf8');
    const weight = Number(/weight: (\d+)/.exec(text)![1]) === 20 ? 30 : 20; // another valid canary weight
    writeFileSync(file, text.replace(/weight: \d+/, `weight: ${weight}`));
    const before = readTree(join(ws.root, 'dist'));

    // WHEN the render is killed (SIGKILL: no cleanup code runs) with every file staged
    // node itself with tsx's loader: one process, so the kill reaches the renderer (not a wrapper)
    const child = spawn(process.execPath, ['--import', 'tsx', 'libs/platform/src/cli/synth.ts', '--all'], {
      cwd: ws.root,
      env: { ...process.env, SYNTH_TEST_HOLD_BEFORE_COMMIT: '1' },
    });
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => d.toString().includes('staged') && resolve());
      child.on('exit', (code) => reject(new Error(`render exited (${code}) before staging`)));
    });
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.on('exit', resolve));
    expect(child.signalCode).toBe('SIGKILL');

    // THEN dist/ is byte-identical, and only the staged transaction is left beside it
    expect(readTree(join(ws.root, 'dist'))).toEqual(before);
    expect(readdirSync(ws.root).filter((e) => e.startsWith('.dist.synth-'))).toHaveLength(1);

    // AND the next render removes it and writes the change
    await synth({ root: ws.root, prune: true });
    expect(readdirSync(ws.root).filter((e) => e.startsWith('.dist.synth-'))).toEqual([]);
    const ingress = readFileSync(join(ws.root, 'dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml'), 'utf8');
    expect(ingress).toContain(`"weight":${weight}`);
    expect(ingress).toContain(`"weight":${100 - weight}`);
  });
});
