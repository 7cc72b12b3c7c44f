import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withWorkspaceLock, WorkspaceLockedError } from './lock';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withWorkspaceLock', () => {
  it('serialises two holders: the second starts only after the first has finished', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lock-'));
    const events: string[] = [];
    const run = (name: string) =>
      withWorkspaceLock(root, name, async () => {
        events.push(`${name} start`);
        await sleep(300);
        events.push(`${name} end`);
      });
    await Promise.all([run('a'), sleep(20).then(() => run('b'))]);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('is re-entrant within one process', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lock-'));
    const inner = await withWorkspaceLock(root, 'outer', () => withWorkspaceLock(root, 'inner', () => 42));
    expect(inner).toBe(42);
  });

  it('fails naming the lock when another holder does not finish in time', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lock-'));
    let release!: () => void;
    const holding = withWorkspaceLock(root, 'holder', () => new Promise<void>((r) => (release = r)));
    await sleep(50);
    const waiting = withWorkspaceLock(root, 'set-image', () => 'ran', { waitMs: 300 });
    await expect(waiting).rejects.toThrow(WorkspaceLockedError);
    await expect(waiting).rejects.toThrow(`set-image: another command is changing this workspace (lock ${join(root, '.gitops.lock')} held`);
    release();
    await holding;
    expect(await withWorkspaceLock(root, 'after', () => 'ran')).toBe('ran');
  });
});
