import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { seededRandom as random, WORKSPACE_ROOT } from '../testing';
import { isSimpleYaml, readPlainYaml } from './yaml-fast';
import { parseYaml } from './yaml-safe';

/**
 * The fast reading of values files answers only with what parseYaml gives: whenever it gives data,
 * parseYaml finds no problem and the same data (yaml-fast.ts). Checked on the workspace's values
 * files, on generated documents written by both YAML writers in several styles, and on those
 * documents mutated character by character (what js-yaml accepts and the yaml package refuses
 * must go the full way).
 */
function agrees(text: string): 'fast' | 'full' {
  const fast = readPlainYaml(text);
  if (!fast) return 'full';
  const full = parseYaml(text, 'f.yaml');
  expect(full.problems.map((p) => p.reason), JSON.stringify(text)).toEqual([]);
  expect(fast.value, JSON.stringify(text)).toStrictEqual(full.documents[0].value);
  return 'fast';
}

const TRICKY = [
  '', ' ', 'yes', 'no', 'on', 'Off', 'y', 'n', 'null', 'Null', 'NULL', '~', 'true', 'True', 'TRUE', 'false', 'FALSE', 'tRue',
  '0', '-0', '+1', '017', '0o17', '0x1F', '0X1F', '0b101', '1_000', '1e3', '1E-3', '.5', '5.', '-.5', '1.2.3', '.inf', '-.Inf',
  '.nan', '.NaN', 'nan', 'inf', '12:30', '1:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '<<', '=', 'a: b', '- x',
  '# c', 'x #y', 'x#y', '"q"', "'q'", 'back\\slash', 'tab\there', 'line\nbreak', 'trailing ', ' leading', 'ü', '日本', '😀',
  '@at', '`tick', '%pct', '!bang', '&amp', '*star', '?q', '|pipe', '>gt', '[x]', '{x}', 'a, b', '---', '...', 'key:', 'v:1',
];

function value(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 0 && r < 0.2) {
    const n = Math.floor(rnd() * 4);
    return Object.fromEntries(Array.from({ length: n }, () => [key(rnd), value(rnd, depth - 1)]));
  }
  if (depth > 0 && r < 0.3) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth - 1));
  if (r < 0.65) return TRICKY[Math.floor(rnd() * TRICKY.length)];
  if (r < 0.75) return Math.floor(rnd() * 2000) - 1000;
  if (r < 0.82) return Math.round((rnd() - 0.5) * 1e6) / 1000;
  if (r < 0.9) return rnd() < 0.5;
  if (r < 0.95) return null;
  return Array.from({ length: Math.floor(rnd() * 12) }, () => String.fromCharCode(32 + Math.floor(rnd() * 95))).join('');
}

function key(rnd: () => number): string {
  return rnd() < 0.5 ? `k${Math.floor(rnd() * 100)}` : TRICKY[Math.floor(rnd() * TRICKY.length)];
}

/** The same data written by both writers in several styles. */
function writings(data: unknown, rnd: () => number): string[] {
  const out: string[] = [];
  const tryWrite = (write: () => string) => {
    try {
      out.push(write());
    } catch {
      // a style a writer cannot use for this data
    }
  };
  tryWrite(() => dump(data, { lineWidth: -1 }));
  tryWrite(() => dump(data, { flowLevel: Math.floor(rnd() * 3), quotingType: rnd() < 0.5 ? '"' : "'", lineWidth: 20 + Math.floor(rnd() * 40) }));
  tryWrite(() => dump(data, { forceQuotes: true, lineWidth: -1 }));
  tryWrite(() => stringify(data));
  tryWrite(() => stringify(data, { collectionStyle: 'flow' }));
  tryWrite(() => stringify(data, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }));
  tryWrite(() => stringify(data, { defaultStringType: 'BLOCK_LITERAL', lineWidth: 30 }));
  return out;
}

const MUTATIONS = [':', ': ', '-', '- ', ' ', '  ', '\n', '\n  ', '\t', '"', "'", '#', ' #', '[', ']', '{', '}', ',', '|', '>', '&a ', '*a', '!', '%', '?', '@', '`', '\\', '~', '0', '.', '\r'];

function mutate(text: string, rnd: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(rnd() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const r = rnd();
    if (r < 0.4) t = t.slice(0, at) + t.slice(at + 1);
    else if (r < 0.8) t = t.slice(0, at) + MUTATIONS[Math.floor(rnd() * MUTATIONS.length)] + t.slice(at);
    else t = t.slice(0, at) + MUTATIONS[Math.floor(rnd() * MUTATIONS.length)] + t.slice(at + 1);
  }
  return t;
}

describe('readPlainYaml: the data parseYaml gives, or nothing', () => {
  it("reads the workspace's values files fast, each as parseYaml does", () => {
    const files = readdirSync(join(WORKSPACE_ROOT, 'environments'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
    const texts = files.map((f) => readFileSync(join(WORKSPACE_ROOT, 'environments', f), 'utf8'));
    // every one is simple YAML, so every one goes fast
    expect(texts.map((t, i) => [files[i], agrees(t)])).toEqual(texts.map((_, i) => [files[i], 'fast']));
  });

  it('reads generated documents, written in several styles by both writers, as parseYaml does', () => {
    const rnd = random(20261207);
    const ways = { fast: 0, full: 0 };
    for (let i = 0; i < 400; i++) {
      const data = { root: value(rnd, 4) };
      for (const text of writings(data, rnd)) ways[agrees(text)]++;
    }
    // the check is not blind: most of them are read fast
    expect(ways.fast).toBeGreaterThan(ways.full);
  });

  it('goes the full way for whatever js-yaml accepts that parseYaml refuses or reads otherwise (mutated documents)', () => {
    const rnd = random(7);
    const ways = { fast: 0, full: 0 };
    for (let i = 0; i < 400; i++) {
      const data = { root: value(rnd, 3) };
      for (const text of writings(data, rnd)) {
        for (let m = 0; m < 4; m++) ways[agrees(mutate(text, rnd))]++;
      }
    }
    expect(ways.fast).toBeGreaterThan(1000);
  });

  it('leaves to parseYaml anchors and aliases, tags, directives, complex and null keys, __proto__, several documents, keys given twice and what spans lines', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: !custom 1\n',
      '%YAML 1.1\n---\na: yes\n',
      '? [a, b]\n: 1\n',
      '[a, b]: 1\n',
      '{a: 1}: 2\n',
      '~: 1\n',
      ': 1\n',
      '__proto__: {polluted: true}\n',
      'a: 1\n---\nb: 2\n',
      'a: 1\na: 2\n',
      '',
      // where the differential test found js-yaml reading otherwise than the yaml package
      '\rroot: false\n',
      'root: [1,\n2]\n',
      "root: 'a\n  b'\n",
      'root: {a:, {}}\n',
      'root:\n  - -\n  - 1\n',
      'root:\n  - a:\n      - 1\n      - # empty\n  - 2\n',
      'root:\n  - x\n - y\n',
    ]) {
      expect(readPlainYaml(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('gives plain scalars their YAML 1.2 core meaning, quoted ones stay strings', () => {
    expect(readPlainYaml('a: yes\nb: 1_000\nc: 0x1F\nd: "12"\ne: ~\nf: 2001-12-14\ng: .5\nh: 017\ni: 0o17\n')?.value).toStrictEqual({
      a: 'yes',
      b: '1_000',
      c: 31,
      d: '12',
      e: null,
      f: '2001-12-14',
      g: 0.5,
      h: 17,
      i: 15,
    });
  });
});
