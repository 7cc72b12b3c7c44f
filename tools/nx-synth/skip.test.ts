// When the Nx executors may skip a task (skip.cjs), on a temporary workspace.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { codeDigest, inputFingerprint } from '../../libs/platform/src/render/inputs';

const skip = createRequire(import.meta.url)('./skip.cjs') as {
  unchanged: (task: unknown, context: unknown) => boolean;
  record: (task: unknown, context: unknown, inputs?: Record<string, string>) => void;
  codeDigest: (root: string) => string;
};

let root: string;
const task = { id: 'api:synth', hash: 'nx-hash-1', target: { project: 'api', target: 'synth' } };
const context = () => ({ root, projectsConfigurations: { projects: { api: { root: 'libs/demo/api', targets: { synth: { outputs: ['{workspaceRoot}/dist/staging/demo/api'] } } } } } });
const values = () => join(root, 'environments/staging/demo.yaml');

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'skip-'));
  mkdirSync(join(root, 'dist/staging/demo/api'), { recursive: true });
  writeFileSync(join(root, 'dist/staging/demo/api/Service.api.yaml'), 'rendered\n');
  mkdirSync(join(root, 'environments/staging'), { recursive: true });
  writeFileSync(values(), 'tag: v2\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The render's own record of what it read: the values file as it was when rendered. */
const rendered = () => {
  const { code: _code, ...files } = inputFingerprint(root, ['environments/staging/demo.yaml'], 'unused');
  return files;
};

describe('skipping a task', () => {
  it('skips only when the Nx hash, the inputs the render read and the output folders are all as recorded', () => {
    expect(skip.unchanged(task, context())).toBe(false); // nothing recorded yet
    skip.record(task, context(), rendered());
    expect(skip.unchanged(task, context())).toBe(true);
    expect(skip.unchanged({ ...task, hash: 'nx-hash-2' }, context())).toBe(false);
    expect(skip.unchanged({ ...task, hash: undefined }, context())).toBe(false);
  });

  it('renders again when the output folder changed (an edit, a deletion, a new file) or a transaction is pending', () => {
    skip.record(task, context(), rendered());
    writeFileSync(join(root, 'dist/staging/demo/api/Service.api.yaml'), 'edited\n');
    expect(skip.unchanged(task, context())).toBe(false);
    writeFileSync(join(root, 'dist/staging/demo/api/Service.api.yaml'), 'rendered\n');
    writeFileSync(join(root, 'dist/staging/demo/api/Extra.yaml'), 'x\n');
    expect(skip.unchanged(task, context())).toBe(false);
    rmSync(join(root, 'dist/staging/demo/api/Extra.yaml'));
    expect(skip.unchanged(task, context())).toBe(true);
    mkdirSync(join(root, '.dist.synth-1-abc'));
    expect(skip.unchanged(task, context())).toBe(false);
  });

  it('renders again when a values file changed after Nx hashed the task and before the render read it', () => {
    // GIVEN Nx hashed the task with tag v1, but set-image changed it to v2 before the render (which read v2)
    skip.record(task, context(), rendered());
    // WHEN the value goes back to v1: Nx's hash is the recorded one again, but the render was of v2
    writeFileSync(values(), 'tag: v1\n');
    // THEN the task is not skipped
    expect(skip.unchanged(task, context())).toBe(false);
  });

  it('computes the same code digest as the platform', () => {
    expect(skip.codeDigest(WORKSPACE_ROOT)).toBe(codeDigest(WORKSPACE_ROOT));
  });
});
