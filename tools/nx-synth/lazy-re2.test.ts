import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { RE2 } = require('./lazy-re2.cjs') as { RE2: new (pattern: string, flags: string) => { test(s: string): boolean; source: string } };
const loaded = () => Object.keys(require.cache).some((f) => f.includes('/node_modules/re2-wasm/'));

describe('lazy-re2 (re2-wasm on first use, for the bundled renderer)', () => {
  it('constructs a pattern without loading re2-wasm, then behaves as re2-wasm does', () => {
    // the pattern @kubernetes-models/prometheus-operator constructs when it is loaded
    const pattern = new RE2('^(?i)(abort|warn)?$', 'u');
    expect(loaded()).toBe(false);
    expect(pattern.test('ABORT')).toBe(true);
    expect(pattern.test('warn')).toBe(true);
    expect(pattern.test('ignore')).toBe(false);
    expect(loaded()).toBe(true);
    const { RE2: Real } = require('re2-wasm') as { RE2: new (pattern: string, flags: string) => { source: string } };
    expect(pattern.source).toBe(new Real('^(?i)(abort|warn)?$', 'u').source);
  });

  it('reports a pattern RE2 refuses when it is first used', () => {
    const pattern = new RE2('(?<=a)b', 'u'); // RE2 has no look-behind
    expect(() => pattern.test('ab')).toThrow();
  });
});
