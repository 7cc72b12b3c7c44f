import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isScalar, parseDocument } from 'yaml';
import { synth } from '@gitops/platform/render';
import { readTree, runCommand, scratchWorkspace } from '@gitops/platform/testing';

let ws: ReturnType<typeof scratchWorkspace>;
beforeEach(() => {
  ws = scratchWorkspace();
});
afterEach(() => ws.cleanup());

const FILE = 'environments/production/kiteclass.yaml';

/** Edits the scratch copy of the production KiteClass values; fails if `from` is not there. */
function edit(from: string | RegExp, to: string, file = FILE): void {
  const path = join(ws.root, file);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`test setup: ${String(from)} not found in ${file}`);
  writeFileSync(path, next);
}

/**
 * Replaces the value at `path` in the scratch file by `source` (YAML text), whatever the value is
 * today: tags change with every release, so a test must not look for today's.
 */
function setValue(path: string[], source: string, file = FILE): void {
  const full = join(ws.root, file);
  const text = readFileSync(full, 'utf8');
  const node = parseDocument(text).getIn(path, true);
  if (!isScalar(node) || !node.range) throw new Error(`test setup: ${path.join('.')} is not a value in ${file}`);
  writeFileSync(full, text.slice(0, node.range[0]) + source + text.slice(node.range[1]));
}

/** The line of the first occurrence of `needle` in the scratch file, 1-based. */
function lineOf(needle: string, file = FILE): number {
  return readFileSync(join(ws.root, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

/** Runs a full render in the scratch workspace; returns its error and checks dist/ did not change. */
async function renderFails(): Promise<string> {
  const before = readTree(join(ws.root, 'dist'));
  const error = await synth({ root: ws.root, prune: true }).then(() => undefined, (e: Error) => e);
  expect(error, 'the render should have failed').toBeInstanceOf(Error);
  expect(readTree(join(ws.root, 'dist'))).toEqual(before);
  return error!.message;
}

describe('a bad value in environments/production', () => {
  it('a negative canary replica count stops the render with file, field and reason', async () => {
    edit('      replicas: 2\n', '      replicas: -1\n');
    expect(await renderFails()).toContain(`${FILE}:${lineOf('replicas: -1')}:17: services.kiteclass-core.canary.replicas: must not be negative (got -1)`);
  });

  it('a malformed CPU quantity stops the render', async () => {
    edit(/cpu: 250m/, 'cpu: lots');
    expect(await renderFails()).toContain(`${FILE}:${lineOf('cpu: lots')}:24: services.kitehub-backend.resources.requests.cpu: must be a Kubernetes CPU quantity such as 250m or 1 (got "lots")`);
  });

  it('a malformed image tag stops the render', async () => {
    setValue(['services', 'kiteclass-core', 'tag'], '"2e8d1c4a@sha"');
    expect(await renderFails()).toContain(`${FILE}:${lineOf('2e8d1c4a@sha')}:10: services.kiteclass-core.tag: must be an OCI image tag`);
  });

  it('the latest tag stops the render', async () => {
    setValue(['services', 'kiteclass-core', 'canary', 'tag'], 'latest');
    expect(await renderFails()).toContain(`${FILE}:${lineOf('tag: latest')}:12: services.kiteclass-core.canary.tag: must be pinned: "latest" is not allowed`);
  });

  it('an invalid host stops the render', async () => {
    edit('apiHost: api.kiteclass.com', 'apiHost: api_kiteclass.com');
    expect(await renderFails()).toContain(`${FILE}:${lineOf('api_kiteclass')}:12: ingress.apiHost: must be a DNS host name`);
  });

  it('an unknown key stops the render, pointing at the key', async () => {
    edit('    canary:\n', '    replicas: 3\n    canary:\n');
    expect(await renderFails()).toContain(`${FILE}:${lineOf('    replicas: 3')}:15: services.kiteclass-core.replicas: unknown key`);
  });

  it('a YAML syntax error stops the render with its line', async () => {
    edit('  apiHost: api.kiteclass.com', '  apiHost: [api.kiteclass.com');
    expect(await renderFails()).toMatch(new RegExp(`${FILE}:\\d+:\\d+: YAML syntax error: `));
  });

  it('an HPA minimum above its maximum stops the render', async () => {
    edit('autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 }', 'autoscaling: { minReplicas: 8, maxReplicas: 6, cpuUtilization: 70 }');
    expect(await renderFails()).toContain(`${FILE}:${lineOf('minReplicas: 8')}:33: services.kiteclass-frontend.autoscaling.minReplicas: must not be above maxReplicas (got 8)`);
  });

  it('a missing service stops the render', async () => {
    edit(/  kiteclass-frontend:\n[\s\S]*$/, '');
    expect(await renderFails()).toContain(`${FILE}:${lineOf('services:') + 1}:3: services.kiteclass-frontend: required, but missing`);
  });

  it('an environment file that names another environment stops the render', async () => {
    edit('name: production', 'name: staging', 'environments/production/environment.yaml');
    // the position of the name value, not 1:1 (issue 10 item 15)
    expect(await renderFails()).toContain(`environments/production/environment.yaml:${lineOf('name: staging', 'environments/production/environment.yaml')}:7: name: must be "production", the folder it is in (got "staging")`);
  });

  it('fails npm run synth with a non-zero exit, every problem, and dist/ unchanged', async () => {
    edit(/cpu: 250m/, 'cpu: lots');
    edit('apiHost: api.kiteclass.com', 'apiHost: api_kiteclass.com');
    const before = readTree(join(ws.root, 'dist'));
    const run = await runCommand(process.execPath, ['--import', 'tsx', 'libs/platform/src/cli/synth.ts', 'libs/kiteclass/kiteclass-core'], { cwd: ws.root });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('synth failed; dist/ is unchanged.');
    expect(run.stderr).toContain(`${FILE}:${lineOf('api_kiteclass')}:12: ingress.apiHost: must be a DNS host name`);
    expect(run.stderr).toContain(`${FILE}:${lineOf('cpu: lots')}:24: services.kitehub-backend.resources.requests.cpu: must be a Kubernetes CPU quantity`);
    expect(readTree(join(ws.root, 'dist'))).toEqual(before);
  });
});
