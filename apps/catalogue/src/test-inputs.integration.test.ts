import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandOutput, gitWorktree, WORKSPACE_ROOT } from '@gitops/platform/testing';

/**
 * A test target's inputs must name every file its tests read, or Nx serves a green result from
 * its cache after a change that makes the tests fail (Nx hashes only the declared inputs:
 * https://nx.dev/concepts/how-caching-works). Checked on a git worktree of HEAD with its own cache,
 * as CI's clean clone would run it; a file is changed by a trailing comment, so the check does
 * not depend on which values the files hold today.
 */
const NX = join(WORKSPACE_ROOT, 'node_modules/.bin/nx');
// the Nx variables of an enclosing Nx task (CI runs this test under `nx affected -t test`) left out
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_'))), NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
/** Nx's ways of saying a task was served from its cache (the task line or the run summary). */
const fromCache = (output: string) => /\[local cache\]|\[existing outputs match the cache|read the output from the cache/.test(output);

describe('test targets are re-run when a file their tests read changes', () => {
  const { root: tree, cleanup } = gitWorktree('nx-test-inputs');
  afterAll(cleanup);
  const test = (project: string) => commandOutput(NX, ['run', `${project}:test`], { cwd: tree, env });
  // a comment no earlier run wrote: the worktree shares this checkout's Nx cache, so a repeated
  // change would find the result an earlier run of this test stored
  const touch = (file: string) => appendFileSync(join(tree, file), `# changed by test-inputs.integration.test.ts ${process.pid}-${Date.now()}-${Math.random()}\n`);

  it("a service's tests: its system's values and the environment files, not another system's values", async () => {
    await test('kiteclass-core');
    expect(fromCache(await test('kiteclass-core'))).toBe(true);
    touch('environments/production/eks-demo.yaml');
    expect(fromCache(await test('kiteclass-core'))).toBe(true);
    touch('environments/production/kiteclass.yaml');
    expect(fromCache(await test('kiteclass-core'))).toBe(false);
    touch('environments/staging/environment.yaml');
    expect(fromCache(await test('kiteclass-core'))).toBe(false);
  });

  it("a system library's tests: its values", async () => {
    await test('quizmentor-system');
    expect(fromCache(await test('quizmentor-system'))).toBe(true);
    touch('environments/production/quizmentor.yaml');
    expect(fromCache(await test('quizmentor-system'))).toBe(false);
  });

  it('a test that reads all of dist/ (the cluster store every ExternalSecret names): any rendered file', async () => {
    await test('cluster-secret-store');
    const rendered = readdirSync(join(tree, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
    touch(join('dist', rendered[0]));
    expect(fromCache(await test('cluster-secret-store'))).toBe(false);
  });
});

describe('a test target runs after the render of the same run and is hashed over what it wrote (issue 23 item 1)', () => {
  const { root: tree, cleanup } = gitWorktree('nx-test-after-render');
  afterAll(cleanup);
  const test = (project: string) => commandOutput(NX, ['run', `${project}:test`], { cwd: tree, env });
  const values = join(tree, 'environments/production/eks-demo.yaml');
  const deployment = join(tree, 'dist/production/eks-demo/sample-app/Deployment.sample-app.yaml');

  it("re-runs a test that reads another system's dist/ when a values change renders anew, and caches it under the new render", async () => {
    // GIVEN the tests of the cluster store every ExternalSecret names (they read all of dist/), passed and cached
    await test('cluster-secret-store');
    expect(fromCache(await test('cluster-secret-store'))).toBe(true);
    // WHEN a tag no run used before is set in eks-demo's values (not an input of cluster-secret-store's own)
    const tag = `v9.8.${process.pid}${Date.now()}`;
    writeFileSync(values, readFileSync(values, 'utf8').replace(/tag: v[\w.-]+/, `tag: ${tag}`));
    // THEN the run renders it before the test, and the test runs again over the new dist/
    const out = await test('cluster-secret-store');
    expect(readFileSync(deployment, 'utf8')).toContain(tag);
    expect(fromCache(out)).toBe(false);
    // the key is dist/ as the run found it and as it rendered it (a file no service renders is read
    // too): the next run found the new dist/ and runs once more; from then on the same render is a hit
    await test('cluster-secret-store');
    expect(fromCache(await test('cluster-secret-store'))).toBe(true);
  });
});

describe('validate targets are never answered from the cache (issue 23 item 1)', () => {
  const { root: tree, cleanup } = gitWorktree('nx-validate-inputs');
  afterAll(cleanup);
  // validate alone: its synth dependency would only re-render the same files
  const validate = (project: string) => commandOutput(NX, ['run', `${project}:validate`, '--exclude-task-dependencies'], { cwd: tree, env });

  it("a service's validate runs again on an unchanged workspace: it reads files Nx cannot hash (the add-on charts in ../shared) and what synth writes in the same run", async () => {
    await validate('sample-app');
    expect(fromCache(await validate('sample-app'))).toBe(false);
  });
});
