import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseResources, runCli } from '../src/index.js';

/**
 * Hostile documents are an error of their own resource, as Go's YAML decoder (used by kubeconform
 * through sigs.k8s.io/yaml) reports them, and the other files are still validated.
 */
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n';
const BOMB = ['x:', '  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]']
  .concat([1, 2, 3, 4, 5, 6].map((i) => `  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`))
  .join('\n');

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('hostile YAML', () => {
  it('an alias bomb is an error of its document ("excessive aliasing"), not a crash', () => {
    expect(parseResources(`${CONFIG_MAP}${BOMB}\n---\n${CONFIG_MAP}`)).toEqual([
      { error: 'error unmarshalling resource: error converting YAML to JSON: yaml: document contains excessive aliasing' },
      { object: expect.objectContaining({ kind: 'ConfigMap' }) },
    ]);
  });

  it('a self-referencing alias is an error of its document, not an endless value', () => {
    expect(parseResources(`${CONFIG_MAP}extra: &loop\n  again: *loop\n`)).toEqual([
      { error: "error unmarshalling resource: error converting YAML to JSON: yaml: anchor 'loop' value contains itself" },
    ]);
  });

  it('the command line reports the bad files and validates the others', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeconform-hostile-'));
    const files = { 'a.yaml': `${CONFIG_MAP}${BOMB}\n`, 'b.yaml': `${CONFIG_MAP}extra: &loop\n  again: *loop\n`, 'c.yaml': CONFIG_MAP };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const result = await runCli(['-summary', dir]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      `${path.join(dir, 'a.yaml')} - failed validation: error unmarshalling resource: error converting YAML to JSON: yaml: document contains excessive aliasing`,
      `${path.join(dir, 'b.yaml')} - failed validation: error unmarshalling resource: error converting YAML to JSON: yaml: anchor 'loop' value contains itself`,
      'Summary: 3 resources found in 3 files - Valid: 1, Invalid: 0, Errors: 2, Skipped: 0',
    ]);
  });
});
