import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: a plain ES module of the workspace's tools, without types
import { loadRenderer } from './renderer.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A bundle whose `main` returns `answer`: the same length for every one-letter answer. */
function writeBundle(file: string, answer: string) {
  writeFileSync(file, `module.exports = { main: () => ${JSON.stringify(answer)}, file: __filename, path: require('node:path').sep };\n`);
}

describe('loadRenderer (V8 code cache of the bundle; issue 23 item 5)', () => {
  it('loads the bundle as require would, then uses the cache a run saved, for that very file only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renderer-cache-'));
    dirs.push(dir);
    const bundle = join(dir, 'synth.cjs');
    writeBundle(bundle, 'a');

    // GIVEN no cache: the bundle loads (require, __filename work) and a run saves a cache for it
    const first = loadRenderer(bundle);
    expect(first.cached).toBe(false);
    expect(first.renderer.main()).toBe('a');
    expect(first.renderer.file).toBe(bundle);
    first.saveCache();
    expect(readFileSync(`${bundle}.v8cache`, 'utf8').split('\n')[0]).toContain(process.version);
    // WHEN the same bundle loads again THEN the cache is used
    const second = loadRenderer(bundle);
    expect(second.cached).toBe(true);
    expect(second.renderer.main()).toBe('a');

    // WHEN the bundle is rebuilt with other code of the very same length
    writeBundle(bundle, 'b');
    // THEN the old cache is not used (V8 itself checks only the length of the source) and the new code runs
    const third = loadRenderer(bundle);
    expect(third.cached).toBe(false);
    expect(third.renderer.main()).toBe('b');
    third.saveCache();
    expect(loadRenderer(bundle).cached).toBe(true);
  });

  it('renders without a cache it cannot read or write, and says so once (a cache is only a speed-up)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renderer-cache-'));
    dirs.push(dir);
    const bundle = join(dir, 'synth.cjs');
    writeBundle(bundle, 'a');
    // the cache's path is a folder that is not empty: it can be neither read nor replaced
    mkdirSync(`${bundle}.v8cache`);
    writeFileSync(join(`${bundle}.v8cache`, 'x'), 'x');
    const loaded = loadRenderer(bundle);
    expect(loaded.cached).toBe(false);
    expect(loaded.renderer.main()).toBe('a');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => loaded.saveCache()).not.toThrow();
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^note: the renderer's code cache was not saved \(.+\); the next run compiles the bundle again\n$/);
    } finally {
      stderr.mockRestore();
    }
    expect(readdirSync(dir).sort()).toEqual(['synth.cjs', 'synth.cjs.v8cache']);
  });

  it('does not use a cache made by another Node version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'renderer-cache-'));
    dirs.push(dir);
    const bundle = join(dir, 'synth.cjs');
    writeBundle(bundle, 'a');
    loadRenderer(bundle).saveCache();
    const cache = `${bundle}.v8cache`;
    writeFileSync(cache, Buffer.from(readFileSync(cache, 'latin1').replace(process.version, 'v0.0.0'), 'latin1'));
    const again = loadRenderer(bundle);
    expect(again.cached).toBe(false);
    expect(again.renderer.main()).toBe('a');
  });
});
