/**
 * `validate` with nothing to check (issue 10 item 8) fails instead of passing vacuously.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_MAP, validateFixture, type ValidateFixture } from './validate-fixture';

let fx: ValidateFixture;
beforeEach(() => {
  fx = validateFixture('validate-inputs');
});
afterEach(() => fx.cleanup());
const put = (file: string, text: string) => fx.put(file, text);
const validate = (...args: string[]) => fx.validate(...args);

describe('validate with nothing to check', () => {
  it('passes on a tree with one valid object (the control)', async () => {
    put('dist/staging/shop/api/ConfigMap.settings.yaml', CONFIG_MAP);
    const r = await validate('--all');
    expect(r.out).toContain('1 resources');
    expect(r.status).toBe(0);
  });

  it('fails when there is no dist/', async () => {
    const r = await validate('--all');
    expect(r.status).toBe(1);
    expect(r.out).toContain('validate failed: nothing to validate: dist/ does not exist (run npm run synth first)');
  });

  it('fails when dist/ holds no manifest', async () => {
    mkdirSync(join(fx.root, 'dist/staging/shop/api'), { recursive: true });
    put('dist/staging/shop/api/README.md', 'not a manifest\n');
    const r = await validate('--all');
    expect(r.status).toBe(1);
    expect(r.out).toContain('validate failed: nothing to validate: dist holds no Kubernetes object (.yaml, .yml or .json)');
  });

  it('fails for a project whose rendered folders are missing or empty', async () => {
    // a service of a system running in staging and production (the catalogue reads them)
    put('libs/shop/system/src/index.ts', "export const shop = defineSystem({ name: 'shop', environments: ['staging', 'production'] });\n");
    put('libs/shop/api/src/index.ts', "export default defineService({ system: shop, name: 'api', render() {} });\n");
    put('dist/staging/shop/api/ConfigMap.settings.yaml', CONFIG_MAP);
    mkdirSync(join(fx.root, 'dist/production/shop/api'), { recursive: true });
    const r = await validate('libs/shop/api');
    expect(r.status).toBe(1);
    expect(r.out).toContain('validate failed: nothing to validate: dist/production/shop/api holds no Kubernetes object (.yaml, .yml or .json)');
  });
});
