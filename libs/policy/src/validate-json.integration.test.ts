/**
 * `validate` reads a `.json` manifest in a synced folder like YAML (issue 10 item 8): Argo CD's
 * directory source applies `*.yaml`, `*.yml` and `*.json` files
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/directory/).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_MAP, validateFixture, type ValidateFixture } from './validate-fixture';

let fx: ValidateFixture;
beforeEach(() => {
  fx = validateFixture('validate-json');
});
afterEach(() => fx.cleanup());
const put = (file: string, text: string) => fx.put(file, text);
const validate = (...args: string[]) => fx.validate(...args);

describe('validate reads .json manifests as Argo CD does', () => {
  it('fails on a plaintext Secret written as JSON', async () => {
    put('dist/staging/shop/api/ConfigMap.settings.yaml', CONFIG_MAP);
    put('dist/staging/shop/api/Secret.leak.json', JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'leak', namespace: 'shop-staging' }, stringData: { password: 'hunter2' } }));
    const r = await validate('--all');
    expect(r.status).toBe(1);
    expect(r.out).toContain('dist/staging/shop/api/Secret.leak.json: Secret leak: [no-plaintext-secret]');
  });

  it('fails on a JSON object the schema refuses', async () => {
    put('dist/staging/shop/api/ConfigMap.bad.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'shop-staging' }, data: { n: 1 }, extra: true }));
    const r = await validate('--all');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/dist\/staging\/shop\/api\/ConfigMap\.bad\.json - ConfigMap bad is invalid/);
  });
});
