import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findServiceProjects } from '@gitops/platform/render';
import { gitWorktree, runCommand, WORKSPACE_ROOT } from '@gitops/platform/testing';

const NX = join(WORKSPACE_ROOT, 'node_modules/.bin/nx');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

/**
 * `nx show projects --affected` for a change of `files` (what CI's `nx affected` will pick),
 * leaving out tools (`type:tool`: the catalogue checks, the Argo CD generator, release tools),
 * whose tests rightly read any system; what must be exact is which services and systems render.
 */
function affectedBy(...files: string[]): string[] {
  return showAffected(files, []);
}

/** The projects `nx affected -t synth` renders for a change of `files` (services only, tools left out as above). */
function synthAffectedBy(...files: string[]): string[] {
  return showAffected(files, ['--withTarget=synth']);
}

function showAffected(files: string[], extra: string[]): string[] {
  const out = execFileSync(NX, ['show', 'projects', '--affected', `--files=${files.join(',')}`, '--exclude=tag:type:tool', ...extra], { cwd: WORKSPACE_ROOT, encoding: 'utf8', env });
  return out.split('\n').map((l) => l.trim()).filter((l) => /^[a-z0-9-]+$/.test(l)).sort();
}

/** Service projects and their systems, as the catalogue (and so Nx's plugin) finds them. */
const projects = findServiceProjects(WORKSPACE_ROOT).map((p) => ({ name: p.name, system: p.system }));
const servicesOf = (system: string) => projects.filter((p) => p.system === system).map((p) => p.name);
const allServices = projects.map((p) => p.name);

describe('nx affected', () => {
  it('picks one system and no other when its production values change', () => {
    // renders exactly that system's services; tests that read the values (its system library's too) re-run
    expect(synthAffectedBy('environments/production/kiteclass.yaml')).toEqual(servicesOf('kiteclass').sort());
    expect(affectedBy('environments/production/kiteclass.yaml')).toEqual(['kiteclass-system', ...servicesOf('kiteclass')].sort());
  });

  it('picks only that service when one service changes', () => {
    expect(affectedBy('libs/kiteclass/kiteclass-core/src/index.ts')).toEqual(['kiteclass-core']);
  });

  it('picks every service of a system when its system library changes', () => {
    expect(affectedBy('libs/kiteclass/system/src/names.ts')).toEqual(['kiteclass-system', ...servicesOf('kiteclass')].sort());
  });

  it('picks every service when the platform library changes', () => {
    expect(affectedBy('libs/platform/src/render/render.ts')).toEqual(expect.arrayContaining([...allServices, 'platform']));
  });

  it('picks every service, and the Argo CD generator, when an environment file changes', () => {
    expect(synthAffectedBy('environments/production/environment.yaml')).toEqual(allServices.sort());
    const all = execFileSync(NX, ['show', 'projects', '--affected', '--files=environments/production/environment.yaml'], { cwd: WORKSPACE_ROOT, encoding: 'utf8', env });
    expect(all.split('\n').map((l) => l.trim())).toContain('argocd');
  });

  it('does not pick a service for a test-only change of another', () => {
    expect(affectedBy('libs/kiteclass/kiteclass-shared/src/kiteclass-shared.test.ts')).toEqual(['kiteclass-shared']);
  });
});

describe('the synth cache', () => {
  // A git worktree of HEAD: a clean workspace like CI's clone. It shares this checkout's Nx cache
  // (Nx finds it through the linked node_modules), so each change below is one no run made before.
  const { root: tree, cleanup } = gitWorktree('nx-cache');
  afterAll(cleanup);
  const nx = async (...args: string[]) => {
    const r = await runCommand(NX, args, { cwd: tree, env });
    if (r.status !== 0) throw new Error(`nx ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const status = () => execFileSync('git', ['status', '--porcelain', '--', 'dist', 'environments', 'argocd'], { cwd: tree, encoding: 'utf8' });
  /** The worktree's (HEAD's) service projects and their systems. */
  const treeProjects = async () => findServiceProjects(tree).map((p) => ({ name: p.name, system: p.system }));

  it('skips every project of a second run (inputs and dist/ unchanged), and leaves dist/ and argocd/ untouched', async () => {
    // synth is not restored from Nx's cache (a restore is not atomic, see tools/nx-synth/synth.cjs):
    // the executors themselves skip a task whose inputs and outputs are as it last left them
    await nx('run-many', '-t', 'synth');
    expect(status()).toBe('');
    const second = await nx('run-many', '-t', 'synth');
    // counted in the worktree: HEAD's projects, not this checkout's uncommitted ones
    for (const p of await findServiceProjects(tree)) expect(second).toContain(`synth ${p.name}: skipped, unchanged`);
    expect(second).toContain('argocd:synth: skipped, unchanged');
    expect(second).not.toMatch(/synth [a-z0-9-]+: \d+ folders/);
    expect(status()).toBe('');
  });

  it("brings argocd/ along when a values change changes what it generates: a system's namespace (issue 23 item 1)", async () => {
    // GIVEN a run that rendered and generated everything (so argocd:synth has a record to skip by)
    await nx('run-many', '-t', 'synth');
    // WHEN staging's eks-demo namespace changes and npm run synth runs
    const file = join(tree, 'environments/staging/eks-demo.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^namespace: .*$/m, 'namespace: eks-demo-stage'));
    const run = await nx('run-many', '-t', 'synth');
    // THEN the Argo CD project permits the new namespace (argocd:synth was not skipped)
    expect(run).not.toContain('argocd:synth: skipped, unchanged');
    expect(readFileSync(join(tree, 'argocd/projects/eks-demo.yaml'), 'utf8')).toContain('namespace: eks-demo-stage');
    execFileSync('git', ['checkout', '--', 'environments', 'dist', 'argocd'], { cwd: tree });
    execFileSync('git', ['clean', '-qfd', '--', 'dist', 'argocd'], { cwd: tree });
  });

  it('renders again a project whose dist/ folder was changed by hand, restoring it', async () => {
    const file = join(tree, 'dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml');
    const committed = readFileSync(file, 'utf8');
    writeFileSync(file, `${committed}# edited by hand\n`);
    const run = await nx('run', 'kiteclass-core:synth');
    expect(run).not.toContain('skipped, unchanged');
    expect(readFileSync(file, 'utf8')).toBe(committed);
    expect(status()).toBe('');
  });

  it('never serves a stale render: a changed value renders again and changes the output', async () => {
    // a weight no earlier run used, so no cache entry can exist for it
    const weight = 11 + Math.floor(Math.random() * 39);
    const file = join(tree, 'environments/production/kiteclass.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/weight: \d+/, `weight: ${weight}`));
    const run = await nx('run', 'kiteclass-core:synth');
    expect(run).not.toContain('[local cache]');
    expect(run).not.toContain('[existing outputs match the cache');
    expect(run).not.toContain('skipped, unchanged');
    expect(status().split('\n').filter(Boolean).sort()).toEqual([
      ' M dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml',
      ' M environments/production/kiteclass.yaml',
    ]);
    expect(readFileSync(join(tree, 'dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml'), 'utf8')).toContain(`"weight":${weight}`);
  });

  it('a run killed in the middle of its swap leaves a transaction that the next run finishes: dist/ wholly new', async () => {
    execFileSync('git', ['checkout', '--', 'environments', 'dist', 'argocd'], { cwd: tree });
    await nx('run-many', '-t', 'synth', '--projects=tag:scope:kiteclass');
    // GIVEN a changed value of the system (a weight no earlier test used)
    const file = join(tree, 'environments/production/kiteclass.yaml');
    const text = readFileSync(file, 'utf8');
    const weight = Number(/weight: (\d+)/.exec(text)![1]) === 7 ? 8 : 7;
    writeFileSync(file, text.replace(/weight: \d+/, `weight: ${weight}`));
    // the writer's steps (writer.ts): a folder, then per leaf a folder and its files, then the commit
    // point (2); the swap of the first leaf then moves the old folder out (2) and the new one in (2)
    const leaves = ['staging', 'production'].flatMap((e) => {
      const dir = join(tree, 'dist', e, 'kiteclass');
      return readdirSync(dir).map((service) => readdirSync(join(dir, service)).length);
    });
    const staged = 1 + leaves.reduce((n, files) => n + 1 + files, 0) + 2;
    // WHEN the batch process is SIGKILLed after moving the first old folder out, before moving the new one in
    const killed = await runCommand(NX, ['run-many', '-t', 'synth', '--projects=tag:scope:kiteclass'], { cwd: tree, env: { ...env, SYNTH_TEST_KILL_AT_STEP: String(staged + 3) } });
    expect(killed.status).not.toBe(0);
    // (dist/ is half swapped: one folder of the system is missing)
    expect(status().split('\n').filter((l) => l.startsWith(' D dist/')).length).toBeGreaterThan(0);
    // THEN the next run finishes that transaction (its inputs are still the current ones): wholly new
    await nx('run-many', '-t', 'synth', '--projects=tag:scope:kiteclass');
    expect(status().split('\n').filter(Boolean).sort()).toEqual([
      ' M dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml',
      ' M environments/production/kiteclass.yaml',
    ]);
    expect(readFileSync(join(tree, 'dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml'), 'utf8')).toContain(`"weight":${weight}`);
    expect(readdirSync(tree).filter((e) => e.startsWith('.dist.synth-'))).toEqual([]);
  });

  it('writes no project when one project of the run fails, and npm run synth exits 1 (not 130)', async () => {
    // GIVEN a valid change to one system and an invalid one to another
    const good = (readdirSync(join(tree, 'environments/production')).find((f) => f !== 'kiteclass.yaml' && f !== 'environment.yaml' && f.endsWith('.yaml')))!;
    const goodFile = join(tree, 'environments/production', good);
    writeFileSync(goodFile, `${readFileSync(goodFile, 'utf8')}\n`); // a new hash for that system's tasks, same values
    const bad = join(tree, 'environments/production/kiteclass.yaml');
    writeFileSync(bad, readFileSync(bad, 'utf8').replace(/weight: \d+/, 'weight: 101'));
    const before = execFileSync('git', ['status', '--porcelain', '--', 'dist', 'argocd'], { cwd: tree, encoding: 'utf8' });
    // WHEN npm run synth's command runs
    const run = await runCommand(process.execPath, [join(tree, 'tools/nx-synth/nx.mjs'), 'run-many', '-t', 'synth'], { cwd: tree, env });
    // THEN it fails with status 1, every task of the batch names the failing projects, and dist/ is unchanged
    expect(run.status).toBe(1);
    const output = run.stdout + run.stderr;
    // the projects of the validly changed system rendered (their inputs changed), but none was written
    const others = (await treeProjects()).filter((p) => p.system === good.replace(/\.yaml$/, '')).map((p) => p.name);
    expect(others.length).toBeGreaterThan(0);
    for (const p of others) expect(output).toMatch(new RegExp(`synth ${p} failed; dist/ is unchanged\\.\\n`));
    expect(output).toMatch(/not written: .*libs\/kiteclass\/kiteclass-core.* failed in the same run/);
    expect(execFileSync('git', ['status', '--porcelain', '--', 'dist', 'argocd'], { cwd: tree, encoding: 'utf8' })).toBe(before);
  });
});
