import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DistMemo } from './dist-memo';
import { distLeavesOf, readDist, type FileObject } from './tree';

let root: string;
const memoFile = () => join(root, 'tmp/argocd/dist-read.json');
const put = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
const configMap = (name: string, ns = 'shop') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  mode: fast\n`;
const application = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: addon\n  namespace: argocd\nspec:\n  project: addons\n  destination:\n    server: https://example\n    namespace: addon\n';

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'dist-memo-'));
  put('dist/staging/shop/api/ConfigMap.a.yaml', configMap('a'));
  put('dist/staging/shop/api/ConfigMap.b.yaml', configMap('b'));
  put('dist/staging/shop/addons/Application.addon.yaml', application);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('readDist with the memo of earlier runs (issue 23 item 1: the affected path at 1,000 services)', () => {
  it('reads what it reads without one, then parses no file whose bytes it saw, in the next process too', () => {
    const plain = readDist(root);
    const first = DistMemo.open<FileObject>(memoFile(), 'code-1');
    expect(readDist(root, first)).toEqual(plain);
    expect(first.lookups).toEqual({ found: 0, missing: 3 });
    expect(first.save()).toBeUndefined();

    const second = DistMemo.open<FileObject>(memoFile(), 'code-1');
    expect(readDist(root, second)).toEqual(plain);
    expect(second.lookups).toEqual({ found: 3, missing: 0 });
    // what the generator reads of an object: the spec of an Application only
    expect(plain.flatMap((l) => l.objects).map((o) => [o.kind, o.name, o.spec === undefined])).toEqual([
      ['Application', 'addon', false],
      ['ConfigMap', 'a', true],
      ['ConfigMap', 'b', true],
    ]);
  });

  it('is never stale: a file changed in place, even to the same size, is parsed again', () => {
    const memo = DistMemo.open<FileObject>(memoFile(), 'code-1');
    readDist(root, memo);
    memo.save();
    put('dist/staging/shop/api/ConfigMap.a.yaml', configMap('a', 'shoq')); // same length, another namespace
    const next = DistMemo.open<FileObject>(memoFile(), 'code-1');
    const leaves = readDist(root, next);
    expect(next.lookups).toEqual({ found: 2, missing: 1 });
    expect(leaves.flatMap((l) => l.objects).find((o) => o.name === 'a')?.namespace).toBe('shoq');
  });

  it('keeps nothing for a file with problems: it is reported on every run', () => {
    put('dist/staging/shop/api/ConfigMap.c.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  enabled: off\n');
    for (let run = 0; run < 2; run++) {
      const memo = DistMemo.open<FileObject>(memoFile(), 'code-1');
      expect(() => readDist(root, memo)).toThrow(/ConfigMap\.c\.yaml:6:12: .*reads as boolean false under YAML 1\.1/);
      memo.save();
    }
  });

  it('is used only by the code that wrote it', () => {
    const memo = DistMemo.open<FileObject>(memoFile(), 'code-1');
    readDist(root, memo);
    memo.save();
    const other = DistMemo.open<FileObject>(memoFile(), 'code-2');
    readDist(root, other);
    expect(other.lookups).toEqual({ found: 0, missing: 3 });
  });

  it('takes what a render wrote from the render itself, so the next read of dist/ parses nothing', () => {
    const rendered = [{
      path: 'staging/shop/api',
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'shop' }, data: { mode: 'fast' } }],
      files: new Map([['ConfigMap.a.yaml', configMap('a')]]),
    }];
    const memo = DistMemo.open<FileObject>(memoFile(), 'code-1');
    distLeavesOf(rendered, memo);
    memo.save();
    const next = DistMemo.open<FileObject>(memoFile(), 'code-1');
    readDist(root, next);
    expect(next.lookups).toEqual({ found: 1, missing: 2 });
  });

  it('is only a speed-up: an unreadable memo is none, and one that cannot be saved says so in one line', () => {
    put('tmp/argocd/dist-read.json', '{"code": "code-1", "entries": ');
    const memo = DistMemo.open<FileObject>(memoFile(), 'code-1');
    expect(readDist(root, memo)).toEqual(readDist(root));
    rmSync(join(root, 'tmp'), { recursive: true });
    writeFileSync(join(root, 'tmp'), 'a file where the folder would be\n');
    expect(memo.save()).toMatch(/^argocd: the memo of dist\/ \(.*dist-read\.json\) was not saved, the next run parses dist\/ again: /);
  });
});
