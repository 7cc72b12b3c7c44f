/**
 * `validate` with nothing to check (issue 10 item 8) fails instead of passing vacuously.
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
  root = mkdtempSync(join(tmpdir(), 'validate-inputs-'));
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

describe('validate with nothing to check', () => {
  it('passes on a tree with one valid object (the control)', () => {
    put('dist/staging/shop/api/ConfigMap.settings.yaml', CONFIG_MAP);
    const r = validate('--all');
    expect(r.out).toContain('1 resources');
    expect(r.status).toBe(0);
  });

  it('fails when there is no dist/', () => {
    const r = validate('--all');
    expect(r.status).toBe(1);
    expect(r.out).toContain('validate failed: nothing to validate: dist/ does not exist (run npm run synth first)');
  });

  it('fails when dist/ holds no manifest', () => {
    mkdirSync(join(root, 'dist/staging/shop/api'), { recursive: true });
    put('dist/staging/shop/api/README.md', 'not a manifest\n');
    const r = validate('--all');
    expect(r.status).toBe(1);
    expect(r.out).toContain('validate failed: nothing to validate: dist holds no Kubernetes object (.yaml, .yml or .json)');
  });

  it('fails for a project whose rendered folders are missing or empty', () => {
    put('libs/shop/api/project.json', JSON.stringify({ name: 'api', targets: { synth: { outputs: ['{workspaceRoot}/dist/staging/shop/api', '{workspaceRoot}/dist/production/shop/api'] } } }));
    put('dist/staging/shop/api/ConfigMap.settings.yaml', CONFIG_MAP);
    mkdirSync(join(root, 'dist/production/shop/api'), { recursive: true });
    const r = validate('libs/shop/api');
    expect(r.status).toBe(1);
    expect(r.out).toContain('validate failed: nothing to validate: dist/production/shop/api holds no Kubernetes object (.yaml, .yml or .json)');
  });
});
