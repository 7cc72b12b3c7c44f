/**
 * `validate` reads a `.json` manifest in a synced folder like YAML (issue 10 item 8): Argo CD's
 * directory source applies `*.yaml`, `*.yml` and `*.json` files
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/directory/).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const WORKSPACE = resolve(__dirname, '../../..');
const CLI = resolve(__dirname, 'cli/validate.ts');

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'validate-json-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

function validate(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args, '--root', root], { encoding: 'utf8', cwd: WORKSPACE });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop-staging\ndata:\n  mode: fast\n';

describe('validate reads .json manifests as Argo CD does', () => {
  it('fails on a plaintext Secret written as JSON', () => {
    put('dist/staging/shop/api/ConfigMap.settings.yaml', CONFIG_MAP);
    put('dist/staging/shop/api/Secret.leak.json', JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'shop-staging' }, stringData: { password: 'hunter2' } }));
    const r = validate('--all');
    expect(r.status).toBe(1);
    expect(r.out).toContain('dist/staging/shop/api/Secret.leak.json: Secret leak: [no-plaintext-secret]');
  });

  it('fails on a JSON object the schema refuses', () => {
    put('dist/staging/shop/api/ConfigMap.bad.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'shop-staging' }, data: { n: 1 }, extra: true }));
    const r = validate('--all');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/dist\/staging\/shop\/api\/ConfigMap\.bad\.json - ConfigMap bad is invalid/);
  });
});
