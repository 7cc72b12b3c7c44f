/**
 * Hostile input to every reader (issue 10 item 15): each bad file fails with one clear line,
 * `file:line:col: field: reason`, leaves dist/ as it was, and never crashes a reader that has
 * other files to go on with.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEnvironment, synth } from '@gitops/platform/render';
import { readTree, scratchWorkspace } from '@gitops/platform/testing';
import { readManifests } from '@gitops/policy';
import { runCli } from '@gitops/kubeconform';
import { diffTrees, readDistDir } from '@gitops/manifest-diff';
import { readDist } from '../../argocd/src/tree';

/** Nine lists of nine aliases deep: 9^6 strings once expanded ("billion laughs"). */
const ALIAS_BOMB = ['lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat([1, 2, 3, 4, 5].map((i) => `lol${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`))
  .join('\n');

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop-staging\ndata:\n  mode: fast\n';

/** A folder with the given files (path → text or bytes); removed after the test. */
let tmp: string | undefined;
function tree(files: Record<string, string | Uint8Array>): string {
  tmp = mkdtempSync(join(tmpdir(), 'hostile-input-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp, file)), { recursive: true });
    writeFileSync(join(tmp, file), content);
  }
  return tmp;
}
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

/** The 1-based line of the first line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('values files under hostile input (synth)', () => {
  let ws: ReturnType<typeof scratchWorkspace>;
  beforeEach(() => {
    ws = scratchWorkspace();
  });
  afterEach(() => ws.cleanup());

  const FILE = 'environments/staging/eks-demo.yaml';
  const write = (text: string | Uint8Array) => writeFileSync(join(ws.root, FILE), text);
  const original = () => readFileSync(join(ws.root, FILE), 'utf8');

  /** Renders sample-app; returns the error and checks that dist/ did not change. */
  async function renderFails(): Promise<string> {
    const before = readTree(join(ws.root, 'dist'));
    const error = await synth({ root: ws.root, projects: ['libs/eks-demo/sample-app'] }).then(() => undefined, (e: Error) => e);
    expect(error, 'the render should have failed').toBeInstanceOf(Error);
    expect(readTree(join(ws.root, 'dist'))).toEqual(before);
    return error!.message;
  }

  it('an alias bomb names the file, line and column instead of "Excessive alias count"', async () => {
    const text = `${ALIAS_BOMB}\n${original()}`;
    write(text);
    expect(await renderFails()).toBe(
      `${FILE}:${lineOf(text, 'lol1:')}:12: lol1.0: YAML aliases expand too much (more than 100 alias uses; an "alias bomb"?): write the values out instead`,
    );
  });

  it('webServices.__proto__ is refused at its position, not silently dropped', async () => {
    const text = `${original()}webServices:\n  __proto__:\n    tag: 1a2b3c4d\n`;
    write(text);
    expect(await renderFails()).toBe(
      `${FILE}:${lineOf(text, '__proto__')}:3: webServices.__proto__: "__proto__" cannot be a key: a JavaScript object cannot hold it as data, so it would be silently dropped`,
    );
  });

  it('a byte that is not UTF-8 is refused at its line and column instead of becoming U+FFFD', async () => {
    const text = original();
    const at = text.indexOf('# the document');
    write(Buffer.concat([Buffer.from(text.slice(0, at + 7)), Buffer.from([0xe9]), Buffer.from(text.slice(at + 8))]));
    expect(await renderFails()).toBe(
      `${FILE}:${lineOf(text, '# the document')}:${text.slice(text.lastIndexOf('\n', at) + 1).indexOf('# the') + 8}: byte 0xE9 is not UTF-8 (the file must be UTF-8; was it saved as Latin-1 or Windows-1252?)`,
    );
  });

  it('a UTF-16 values file is refused with "save it as UTF-8", not dumped as garbage', async () => {
    write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(original(), 'utf16le')]));
    expect(await renderFails()).toBe(`${FILE}:1:1: the file is encoded as UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8`);
  });

  it('an environment file that names another environment points at the name value, not 1:1', () => {
    const file = join(ws.root, 'environments/production/environment.yaml');
    const text = readFileSync(file, 'utf8').replace(/^name: production$/m, 'name: staging');
    writeFileSync(file, text);
    expect(() => loadEnvironment('production', ws.root)).toThrow(
      `environments/production/environment.yaml:${lineOf(text, 'name: staging')}:7: name: must be "production", the folder it is in (got "staging")`,
    );
  });
});

describe('validate reads every file Argo CD applies (libs/policy readManifests)', () => {
  it('reads .json manifests as well as .yaml and .yml', async () => {
    const root = tree({
      'dist/staging/shop/api/ConfigMap.settings.yaml': CONFIG_MAP,
      'dist/staging/shop/api/ConfigMap.other.yml': CONFIG_MAP.replace('settings', 'other'),
      'dist/staging/shop/api/Secret.leak.json': JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'shop-staging' }, stringData: { password: 'x' } }),
    });
    const read = await readManifests(root, ['dist']);
    expect(read.map((m) => `${m.file} ${m.object.kind}/${m.object.metadata.name}`)).toEqual([
      'dist/staging/shop/api/ConfigMap.other.yml ConfigMap/other',
      'dist/staging/shop/api/ConfigMap.settings.yaml ConfigMap/settings',
      'dist/staging/shop/api/Secret.leak.json Secret/leak',
    ]);
  });

  it('reports a file of another extension in dist/ instead of ignoring it', async () => {
    const root = tree({ 'dist/staging/shop/api/ConfigMap.settings.yaml': CONFIG_MAP, 'dist/staging/shop/api/Secret.leak.yaml.bak': CONFIG_MAP });
    await expect(readManifests(root, ['dist'])).rejects.toThrow(
      'dist/staging/shop/api/Secret.leak.yaml.bak: not a manifest file: Argo CD applies only .yaml, .yml and .json files of a folder; the render writes nothing else into dist/, so remove it',
    );
  });

  it('an alias bomb names the file instead of "Excessive alias count", and every bad file is reported', async () => {
    const root = tree({
      'dist/staging/shop/api/ConfigMap.bomb.yaml': `${CONFIG_MAP}${ALIAS_BOMB.replace(/^/gm, '  ')}\n`.replace('data:\n  mode: fast\n', 'data:\n'),
      'dist/staging/shop/api/ConfigMap.dup.yaml': `${CONFIG_MAP}kind: Secret\n`,
    });
    const error = await readManifests(root, ['dist']).then(() => undefined, (e: Error) => e);
    expect(error?.message.split('\n')).toEqual([
      'dist/staging/shop/api/ConfigMap.bomb.yaml:8:14: data.lol1.0: YAML aliases expand too much (more than 100 alias uses; an "alias bomb"?): write the values out instead',
      'dist/staging/shop/api/ConfigMap.dup.yaml:8:1: kind: YAML syntax error: Map keys must be unique; "kind" is already set at 2:1',
    ]);
  });
  it('a file with no document but a broken directive is reported, not read as empty', async () => {
    const root = tree({ 'dist/staging/shop/api/ConfigMap.settings.yaml': `%YAML\n# ${CONFIG_MAP.replace(/\n/g, '\n# ')}\n` });
    await expect(readManifests(root, ['dist'])).rejects.toThrow(
      'dist/staging/shop/api/ConfigMap.settings.yaml:1:1: YAML syntax error: %YAML directive should contain exactly one part',
    );
  });
});

describe('the Argo CD generator reads dist/ safely (apps/argocd readDist)', () => {
  it('an alias bomb names the file instead of "Excessive alias count"', () => {
    const root = tree({ 'dist/staging/shop/api/ConfigMap.bomb.yaml': `${CONFIG_MAP}x:\n${ALIAS_BOMB.replace(/^/gm, '  ')}\n` });
    expect(() => readDist(root)).toThrow(
      'dist/staging/shop/api/ConfigMap.bomb.yaml:10:14: x.lol1.0: YAML aliases expand too much (more than 100 alias uses; an "alias bomb"?): write the values out instead',
    );
  });
});

describe('kubeconform under hostile input', () => {
  it('reports an alias bomb as an error of that file and goes on with the other files', async () => {
    const root = tree({ 'a-bomb.yaml': `${CONFIG_MAP}x:\n${ALIAS_BOMB.replace(/^/gm, '  ')}\n`, 'b-good.yaml': CONFIG_MAP });
    const result = await runCli(['-summary', '-output', 'json', join(root, 'a-bomb.yaml'), join(root, 'b-good.yaml')]);
    const report = JSON.parse(result.stdout) as { resources: { filename: string; status: string; msg: string }[] };
    expect(result.exitCode).toBe(1);
    expect(report.resources.map((r) => [r.filename.replace(`${root}/`, ''), r.status])).toEqual([['a-bomb.yaml', 'statusError']]);
    expect(report.resources[0].msg).toMatch(/^error unmarshalling resource: .*alias/);
    expect(result.stdout).toContain('"valid": 1');
  });
});

describe('diff under hostile input (apps/manifest-diff)', () => {
  it('a self-referencing alias does not overflow the stack', () => {
    const file = 'staging/shop/api/ConfigMap.settings.yaml';
    const base = new Map([[file, CONFIG_MAP]]);
    const head = new Map([[file, `${CONFIG_MAP}extra: &loop\n  again: *loop\n`]]);
    const diff = diffTrees(base, head);
    expect(diff.changed.map((c) => c.file)).toEqual([file]);
  });

  it('a .json manifest in dist/ is part of the diff, as Argo CD applies it', async () => {
    const json = 'staging/shop/api/Secret.leak.json';
    const root = tree({ 'staging/shop/api/ConfigMap.settings.yaml': CONFIG_MAP, [json]: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak' } }) });
    const head = await readDistDir(root);
    expect([...head.keys()]).toEqual(['staging/shop/api/ConfigMap.settings.yaml', json]);
    const diff = diffTrees(new Map([['staging/shop/api/ConfigMap.settings.yaml', CONFIG_MAP]]), head);
    expect(diff.added.map((a) => `${a.file} ${a.kind} ${a.name}`)).toEqual([`${json} Secret leak`]);
  });
});
