import { execFileSync, spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { loadServices } from '@gitops/platform/render';
import { runCommand, workingTreeCopy, WORKSPACE_ROOT } from '@gitops/platform/testing';

// what a new user has after cloning this change (this checkout's working tree, committed)
const { root: tree, cleanup } = workingTreeCopy('new-service');
afterAll(cleanup);

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const run = (cmd: string, args: string[]) => runCommand(cmd, args, { cwd: tree, env });
const generate = (...args: string[]) => run(join(WORKSPACE_ROOT, 'node_modules/.bin/nx'), ['g', '@gitops/nx-synth:service', '--no-interactive', ...args]);
const newService = (...args: string[]) => run(process.execPath, ['tools/nx-synth/new-service.mjs', ...args]);
const status = () => execFileSync('git', ['status', '--porcelain', '-uall'], { cwd: tree, encoding: 'utf8' });
const read = (file: string) => readFileSync(join(tree, file), 'utf8');
const write = (file: string, text: string) => writeFileSync(join(tree, file), text);
/** Each test starts from the tree as committed. */
beforeEach(() => {
  execFileSync('git', ['reset', '-q', '--hard'], { cwd: tree });
  execFileSync('git', ['clean', '-qfdx', '--', 'libs', 'dist', 'argocd', 'environments', 'tsconfig.base.json', 'shared-values'], { cwd: tree });
});
/** What npm run synth renders into dist/ (the platform's renderer, in one process). */
const synthAll = () => run(process.execPath, ['--import', 'tsx', 'libs/platform/src/cli/synth.ts', '--all']);

// The systems as the renderer finds them (a new system or service adds to them)
const systems = new Map((await loadServices(WORKSPACE_ROOT)).map(({ service }) => [service.system.name, service.system]));
const known = [...systems.keys()].sort();

describe('npm run new-service', () => {
  it.each([
    [['--name', 'Bad_Name', '--system', 'kiteclass'], "--name 'Bad_Name' is not a DNS-1123 label (lower-case letters, digits and -, at most 63)"],
    // issue 23 item 9: these made an uncompilable library, and Nx then said only "Failed to process project graph."
    [['--name', 'reports', '--system', 'default', '--create-system'], "--system 'default': its library's export would be 'default', a reserved word in JavaScript; choose another name"],
    [['--name', 'reports', '--system', '1st-party', '--create-system'], "--system '1st-party' starts with a digit: its library's export (1stParty) would not be a JavaScript name; start it with a letter"],
    [['--name', 'kiteclass-core', '--system', 'kiteclass'], "--name 'kiteclass-core' is taken: an Nx project of that name exists (libs/kiteclass/kiteclass-core)"],
    [['--name', 'reports', '--system', 'nosuch'], `unknown system 'nosuch' (known: ${known.join(', ')}); pass --create-system to make a new one`],
    [['--name', 'reports', '--system', 'kiteclass', '--create-system'], "--system 'kiteclass' exists already; leave out --create-system to add a service to it"],
    [['--name', 'a-very-long-service-name-that-will-not-fit-argo', '--system', 'kiteclass'], 'is too long: its Argo CD Application'],
    [
      ['--name', 'reports', '--system', 'kiteclass', '--environments', 'development'],
      `--environments: system 'kiteclass' does not run in 'development' (it runs in: ${systems.get('kiteclass')!.environments.join(', ')})`,
    ],
    [['--name', 'reports', '--system', 'kiteclass', '--environments', 'staging,staging'], "--environments 'staging,staging': an environment is named twice"],
  ])('refuses %j with a clear message and writes nothing', async (args, message) => {
    const r = await generate(...args);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(message);
    expect(status()).toBe('');
  });

  it('finds every system the renderer renders, cluster-addons included, and says why a cluster-scoped one takes no web service', async () => {
    expect(known).toContain('cluster-addons');
    const r = await generate('--name', 'addon-api', '--system', 'cluster-addons');
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(
      "system 'cluster-addons' renders only cluster-scoped objects (environments/argocd.yaml: clusterScopedSystems.cluster-addons); a web service is namespaced, so it cannot join it",
    );
    expect(status()).toBe('');
  });

  it('honours --environments for an existing system: values, outputs and the service only there', async () => {
    const productionBefore = read('environments/production/kiteclass.yaml');
    const r = await generate('--name', 'reports', '--system', 'kiteclass', '--environments', 'staging');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(parse(read('environments/staging/kiteclass.yaml')).webServices.reports.tag).toBe('0.1.0');
    expect(read('environments/production/kiteclass.yaml')).toBe(productionBefore);
    // no project.json: Nx infers the project (tools/nx-synth/plugin.ts) from its defineService
    expect(existsSync(join(tree, 'libs/kiteclass/reports/project.json'))).toBe(false);
    const shown = await run(join(WORKSPACE_ROOT, 'node_modules/.bin/nx'), ['show', 'project', 'reports', '--json']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).targets.synth.outputs).toEqual(['{workspaceRoot}/dist/staging/kiteclass/reports']);
    expect(read('libs/kiteclass/reports/src/index.ts')).toContain("environments: ['staging'],");
    const synth = await synthAll();
    expect(synth.status, synth.stderr).toBe(0);
    expect(existsSync(join(tree, 'dist/staging/kiteclass/reports/Deployment.reports.yaml'))).toBe(true);
    expect(existsSync(join(tree, 'dist/production/kiteclass/reports'))).toBe(false);
  });

  /** The file without its webServices (a generated service may have made one): the test's own start. */
  const withoutWebServices = (text: string) => {
    const doc = parseDocument(text);
    doc.delete('webServices');
    return doc.toString();
  };

  it.each([
    ['webServices: {}', (text: string) => `${text}\nwebServices: {}   # none yet\n`],
    ['a 4-space-indented block', (text: string) => `${text}\nwebServices:\n    legacy:\n        tag: "1.0.0"\n        port: 8080\n        resources:\n            requests: { cpu: 100m, memory: 128Mi }\n            limits: { cpu: 500m, memory: 256Mi }\n        replicas: 1\n        livenessPath: /healthz\n        readinessPath: /readyz  # kept\n`],
  ])('adds to %s without touching the rest of the file', async (_, edit) => {
    // GIVEN the staging values with such a webServices (and production's as it is)
    const file = 'environments/staging/kiteclass.yaml';
    const given = edit(withoutWebServices(read(file)));
    write(file, given);
    const before = parse(given);
    // WHEN
    const r = await generate('--name', 'notify', '--system', 'kiteclass', '--environments', 'staging');
    // THEN the old values and the new entry, each once; every old line is still there
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const after = read(file);
    expect(parse(after, { uniqueKeys: true })).toEqual({ ...before, webServices: { ...(before.webServices ?? {}), notify: expect.objectContaining({ tag: '0.1.0', port: 8080, replicas: 1 }) } });
    const added = after.split('\n').filter((l) => !given.split('\n').includes(l));
    expect(given.split('\n').filter((l) => !after.split('\n').includes(l))).toEqual(given.includes('{}') ? ['webServices: {}   # none yet'] : []);
    expect(added[added.length - 1]).toMatch(/readinessPath: \/readyz$/);
  });

  it('a render that fails after generation puts everything back and exits 1 with one line', async () => {
    // GIVEN a workspace whose render fails (another system's production values are wrong)
    const file = 'environments/production/quizmentor.yaml';
    write(file, read(file).replace(/^namespace: .*$/m, 'namespace: Not_A_Label'));
    // and a values file the generator edits is a symlink to a file kept elsewhere
    mkdirSync(join(tree, 'shared-values'));
    renameSync(join(tree, 'environments/production/kiteclass.yaml'), join(tree, 'shared-values/kiteclass.yaml'));
    symlinkSync('../../shared-values/kiteclass.yaml', join(tree, 'environments/production/kiteclass.yaml'));
    const kept = read('shared-values/kiteclass.yaml');
    const broken = status();
    // WHEN
    const r = await newService('--name', 'notifications', '--system', 'kiteclass');
    // THEN
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('new-service failed: the render failed (its reason is above); the service was removed again and nothing was changed');
    expect(status()).toBe(broken);
    expect(lstatSync(join(tree, 'environments/production/kiteclass.yaml')).isSymbolicLink()).toBe(true);
    expect(read('shared-values/kiteclass.yaml')).toBe(kept);
  });

  it('a set-image started while new-service generates and renders waits for its lock; both changes land', async () => {
    const production = () => parse(read('environments/production/kiteclass.yaml'));
    const bump = 'fixture-concurrent';
    expect(production().services['kitehub-backend'].tag).not.toBe(bump);
    const start = (cmd: string, args: string[]) => {
      const child = spawn(cmd, args, { cwd: tree, env });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      return { child, done: new Promise<[number | null, string]>((resolve) => child.on('close', (code) => resolve([code, output]))) };
    };
    // WHEN new-service holds the workspace lock (its folder exists), a pipeline bumps a tag in the same file
    const adding = start(process.execPath, ['tools/nx-synth/new-service.mjs', '--name', 'notifications', '--system', 'kiteclass']);
    while (!existsSync(join(tree, '.gitops.lock')) && adding.child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    const bumping = start(join(WORKSPACE_ROOT, 'node_modules/.bin/tsx'), ['apps/promote/src/set-image.ts', '--env', 'production', '--service', 'kitehub-backend', '--tag', bump, '--render']);
    const [added, bumped] = await Promise.all([adding.done, bumping.done]);
    // THEN both succeeded, and the file has both changes
    expect(added[0], added[1]).toBe(0);
    expect(bumped[0], bumped[1]).toBe(0);
    expect(production().webServices.notifications.tag).toBe('0.1.0');
    expect(production().services['kitehub-backend'].tag).toBe(bump);
    expect(read('dist/production/kiteclass/kitehub-backend/Deployment.kitehub-backend.yaml')).toContain(`:${bump}`);
    expect(existsSync(join(tree, 'dist/production/kiteclass/notifications/Deployment.notifications.yaml'))).toBe(true);
  });

  it('adds a service and a new system that render, validate strictly and pass their tests with no edits', async () => {
    expect((await generate('--name', 'notifications', '--system', 'kiteclass')).status).toBe(0);
    expect((await generate('--name', 'billing-api', '--system', 'billing', '--create-system')).status).toBe(0);
    expect(parse(read('environments/production/kiteclass.yaml')).webServices.notifications.tag).toBe('0.1.0');

    // what npm run synth does: dist/, then argocd/ from it
    const synth = await synthAll();
    expect(synth.status, synth.stderr).toBe(0);
    const argocd = await run(process.execPath, ['--import', 'tsx', 'apps/argocd/src/main.ts']);
    expect(argocd.status, argocd.stderr).toBe(0);
    expect(status()).toContain('?? dist/production/kiteclass/notifications/Deployment.notifications.yaml');
    expect(status()).toContain('?? dist/staging/billing/billing-shared/Namespace.billing-staging.yaml');
    expect(status()).toContain('?? argocd/projects/billing.yaml');

    const validate = await run(process.execPath, ['--import', 'tsx', 'libs/policy/src/cli/validate.ts', '--all']);
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/schema \(strict\): 0 failing; policy: 0 violations/);

    // only the tests that read the result: the generated services' own tests (argocd/ was checked above)
    const tests = await run(join(WORKSPACE_ROOT, 'node_modules/.bin/vitest'), ['run', '--project', 'unit', 'libs/kiteclass/notifications', 'libs/billing']);
    expect(tests.status, tests.stdout + tests.stderr).toBe(0);
    const summary = tests.stdout.replace(/\x1b\[[0-9;]*m/g, ''); // no colours
    expect(summary).toMatch(/Tests\s+\d+ passed/);
    expect(summary).not.toMatch(/failed/);
  });
});
