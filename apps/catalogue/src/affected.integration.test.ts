import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findServiceProjects } from '@gitops/platform/render';
import { commandOutput, gitWorktree, runCommand, WORKSPACE_ROOT } from '@gitops/platform/testing';

const NX = join(WORKSPACE_ROOT, 'node_modules/.bin/nx');
/** The add-ons' upstream files validate reads (libs/policy/src/validate.ts: GITOPS_SHARED_DIR, or ../shared beside the root). */
const SHARED = process.env.GITOPS_SHARED_DIR ?? join(WORKSPACE_ROOT, '../shared');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };

/**
 * `nx show projects --affected` for a change of `files` (what CI's `nx affected` will pick),
 * leaving out tools (`type:tool`: the catalogue checks, the Argo CD generator, release tools),
 * whose tests rightly read any system; what must be exact is which services and systems render.
 */
function affectedBy(...files: string[]): Promise<string[]> {
  return showAffected(files, []);
}

/** The projects `nx affected -t synth` renders for a change of `files` (services only, tools left out as above). */
function synthAffectedBy(...files: string[]): Promise<string[]> {
  return showAffected(files, ['--withTarget=synth']);
}

async function showAffected(files: string[], extra: string[]): Promise<string[]> {
  const out = await commandOutput(NX, ['show', 'projects', '--affected', `--files=${files.join(',')}`, '--exclude=tag:type:tool', ...extra], { cwd: WORKSPACE_ROOT, env });
  return out.split('\n').map((l) => l.trim()).filter((l) => /^[a-z0-9-]+$/.test(l)).sort();
}

/** Service projects and their systems, as the catalogue (and so Nx's plugin) finds them. */
const projects = findServiceProjects(WORKSPACE_ROOT).map((p) => ({ name: p.name, system: p.system }));
const servicesOf = (system: string) => projects.filter((p) => p.system === system).map((p) => p.name);
const allServices = projects.map((p) => p.name);

describe('nx affected', () => {
  it('picks one system and no other when its production values change', async () => {
    // renders exactly that system's services; tests that read the values (its system library's too) re-run
    expect(await synthAffectedBy('environments/production/kiteclass.yaml')).toEqual(servicesOf('kiteclass').sort());
    expect(await affectedBy('environments/production/kiteclass.yaml')).toEqual(['kiteclass-system', ...servicesOf('kiteclass')].sort());
  });

  it('picks only that service when one service changes', async () => {
    expect(await affectedBy('libs/kiteclass/kiteclass-core/src/index.ts')).toEqual(['kiteclass-core']);
  });

  it('picks every service of a system when its system library changes', async () => {
    expect(await affectedBy('libs/kiteclass/system/src/names.ts')).toEqual(['kiteclass-system', ...servicesOf('kiteclass')].sort());
  });

  it('picks every service when the platform library changes', async () => {
    expect(await affectedBy('libs/platform/src/render/render.ts')).toEqual(expect.arrayContaining([...allServices, 'platform']));
  });

  it('picks every service, and the Argo CD generator, when an environment file changes', async () => {
    expect(await synthAffectedBy('environments/production/environment.yaml')).toEqual(allServices.sort());
    const all = await commandOutput(NX, ['show', 'projects', '--affected', '--files=environments/production/environment.yaml'], { cwd: WORKSPACE_ROOT, env });
    expect(all.split('\n').map((l) => l.trim())).toContain('argocd');
  });

  it('does not pick a service for a test-only change of another', async () => {
    expect(await affectedBy('libs/kiteclass/kiteclass-shared/src/kiteclass-shared.test.ts')).toEqual(['kiteclass-shared']);
  });
});

describe('rendering through Nx: every scheduled task renders, nothing is skipped or replayed (issue 23 item 1)', () => {
  // A git worktree of HEAD: a clean workspace like CI's clone. It shares this checkout's Nx cache
  // (Nx finds it through the linked node_modules), so a replay of an earlier green would show here.
  const { root: tree, cleanup } = gitWorktree('nx-render');
  afterAll(cleanup);
  const run = (cmd: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCommand(cmd, args, { cwd: tree, env: { ...env, ...extraEnv } });
  const nx = async (...args: string[]) => {
    const r = await run(NX, args);
    if (r.status !== 0) throw new Error(`nx ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  /** `npm run synth` (package.json: the whole catalogue and argocd/ in one process). */
  const npmSynth = async () => {
    const r = await run('npm', ['run', '-s', 'synth']);
    if (r.status !== 0) throw new Error(`npm run synth exited ${r.status}:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const status = () => execFileSync('git', ['status', '--porcelain', '--', 'dist', 'environments', 'argocd'], { cwd: tree, encoding: 'utf8' });
  const restore = () => {
    execFileSync('git', ['checkout', '--', 'environments', 'dist', 'argocd'], { cwd: tree });
    execFileSync('git', ['clean', '-qfd', '--', 'dist', 'argocd'], { cwd: tree });
  };
  const edit = (path: string, change: (text: string) => string) => {
    const file = join(tree, path);
    const before = readFileSync(file, 'utf8');
    const after = change(before);
    expect(after, `${path} must change`).not.toBe(before);
    writeFileSync(file, after);
  };
  /** The worktree's (HEAD's) service projects and their systems. */
  const treeProjects = async () => findServiceProjects(tree).map((p) => ({ name: p.name, system: p.system }));

  it('npm run synth and nx run-many -t synth render every project and generate argocd/, leaving a clean checkout clean', async () => {
    expect(await npmSynth()).toMatch(/^argocd: \d+ objects/m);
    expect(status()).toBe('');
    const all = await nx('run-many', '-t', 'synth');
    // counted in the worktree: HEAD's projects, not this checkout's uncommitted ones
    for (const p of await treeProjects()) expect(all).toMatch(new RegExp(`synth ${p.name}: \\d+ folders`));
    expect(all).toMatch(/^argocd: \d+ objects/m);
    expect(all).not.toContain('skipped');
    expect(status()).toBe('');
  });

  it("brings argocd/ along when a values change changes what it generates: a system's namespace, through npm run synth and through nx affected (issue 23 item 1)", async () => {
    // GIVEN staging's eks-demo namespace changes
    edit('environments/staging/eks-demo.yaml', (t) => t.replace(/^namespace: .*$/m, 'namespace: eks-demo-stage'));
    // WHEN npm run synth runs, THEN the Argo CD project permits the new namespace
    await npmSynth();
    expect(readFileSync(join(tree, 'argocd/projects/eks-demo.yaml'), 'utf8')).toContain('namespace: eks-demo-stage');
    // AND the same through nx affected, which picks the system's services only (values are not
    // the generator's input): their render generates argocd/ after it, in the same process
    restore();
    edit('environments/staging/eks-demo.yaml', (t) => t.replace(/^namespace: .*$/m, 'namespace: eks-demo-stage'));
    const affected = await nx('affected', '-t', 'synth', '--base=HEAD');
    expect(affected).toMatch(/synth sample-app: \d+ folders/);
    expect(readFileSync(join(tree, 'argocd/projects/eks-demo.yaml'), 'utf8')).toContain('namespace: eks-demo-stage');
    restore();
  });

  it('renders again a project whose dist/ folder was changed by hand, restoring it', async () => {
    const file = join(tree, 'dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml');
    const committed = readFileSync(file, 'utf8');
    writeFileSync(file, `${committed}# edited by hand\n`);
    await nx('run', 'kiteclass-core:synth');
    expect(readFileSync(file, 'utf8')).toBe(committed);
    expect(status()).toBe('');
  });

  it('never serves a stale render: a changed value renders again and changes the output', async () => {
    // a weight no earlier run used, so no cache entry can exist for it
    const weight = 11 + Math.floor(Math.random() * 39);
    edit('environments/production/kiteclass.yaml', (t) => t.replace(/weight: \d+/, `weight: ${weight}`));
    const out = await nx('run', 'kiteclass-core:synth');
    expect(out).not.toContain('[local cache]');
    expect(out).not.toContain('[existing outputs match the cache');
    expect(status().split('\n').filter(Boolean).sort()).toEqual([
      ' M dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml',
      ' M environments/production/kiteclass.yaml',
    ]);
    expect(readFileSync(join(tree, 'dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml'), 'utf8')).toContain(`"weight":${weight}`);
    restore();
  });

  it('validate after synth in one run judges the new render: a value that breaks a policy fails, though the old render passed with the same inputs (issue 23 item 1)', async () => {
    // GIVEN production's sample-app with one replica (the production rule wants 2), not yet rendered,
    // and validate green on the old render (dist/ as committed) with these values
    edit('environments/production/eks-demo.yaml', (t) => t.replace(/minReplicas: \d+/, 'minReplicas: 1'));
    const old = await run(NX, ['run', 'sample-app:validate', '--exclude-task-dependencies']);
    expect(old.status, old.stdout + old.stderr).toBe(0);
    // WHEN synth and validate run together (as CI's nx affected -t synth validate test does)
    const both = await run(NX, ['run-many', '-t', 'synth', 'validate', '-p', 'sample-app']);
    // THEN validate checks the new render and fails (it was hashed before synth wrote dist/, and the old green was replayed)
    expect(both.stdout + both.stderr).not.toContain('[local cache]');
    expect(both.status, both.stdout + both.stderr).not.toBe(0);
    expect(both.stdout + both.stderr).toMatch(/sample-app/);
    restore();
  });

  it("validate is never answered from a cache: a Kubernetes version that npm run validate refuses for the project's objects fails nx validate after a green run (issue 23 item 1)", async () => {
    // GIVEN a green validate of a project
    const green = await run(NX, ['run', 'sample-app:validate', '--exclude-task-dependencies']);
    expect(green.status, green.stdout + green.stderr).toBe(0);
    // WHEN its clusters' Kubernetes version becomes one that serves no autoscaling/v2 (1.22)
    edit('environments/production/environment.yaml', (t) => t.replace(/kubernetesVersion: "1\.\d+"/g, 'kubernetesVersion: "1.22"'));
    const validateAll = await run(process.execPath, ['--import', 'tsx', 'libs/policy/src/cli/validate.ts', '--all']);
    expect(validateAll.status, 'npm run validate refuses it').not.toBe(0);
    // THEN the project's validate fails too
    const again = await run(NX, ['run', 'sample-app:validate', '--exclude-task-dependencies']);
    expect(again.stdout + again.stderr).not.toContain('[local cache]');
    expect(again.status, again.stdout + again.stderr).not.toBe(0);
    restore();
  });

  it.skipIf(!existsSync(join(SHARED, 'addons/metrics-server/values.yaml')))('validate is never answered from a cache: a change to the add-on charts beside the repository (GITOPS_SHARED_DIR) fails nx validate after a green run (issue 23 item 1)', async () => {
    // GIVEN a copy of the charts' files that validate reads (../shared/addons, outside the workspace, so no input of Nx's)
    const shared = mkdtempSync(join(tmpdir(), 'shared-'));
    try {
      cpSync(join(SHARED, 'addons'), join(shared, 'addons'), { recursive: true });
      const sharedEnv = { GITOPS_SHARED_DIR: shared };
      const green = await run(NX, ['run', 'addons:validate', '--exclude-task-dependencies'], sharedEnv);
      expect(green.status, green.stdout + green.stderr).toBe(0);
      // WHEN metrics-server's chart no longer has the `replicas` the rendered Applications set
      const values = join(shared, 'addons/metrics-server/values.yaml');
      writeFileSync(values, readFileSync(values, 'utf8').replace(/^replicas: .*$/m, ''));
      // THEN validate says so (a cached green was replayed: Nx hashed nothing that changed)
      const again = await run(NX, ['run', 'addons:validate', '--exclude-task-dependencies'], sharedEnv);
      expect(again.stdout + again.stderr).not.toContain('[local cache]');
      expect(again.status, again.stdout + again.stderr).not.toBe(0);
      expect(again.stdout + again.stderr).toMatch(/addon-values-known.*replicas|replicas.*addon-values-known/);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('a run killed in the middle of its swap leaves a transaction that the next run finishes: dist/ wholly new', async () => {
    restore();
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
    const killed = await run(NX, ['run-many', '-t', 'synth', '--projects=tag:scope:kiteclass'], { SYNTH_TEST_KILL_AT_STEP: String(staged + 3) });
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

  it('writes no project when one project of the run fails, and the CI command exits 1 (not 130)', async () => {
    // GIVEN a valid change to one system and an invalid one to another
    const good = (readdirSync(join(tree, 'environments/production')).find((f) => f !== 'kiteclass.yaml' && f !== 'environment.yaml' && f.endsWith('.yaml')))!;
    const goodFile = join(tree, 'environments/production', good);
    writeFileSync(goodFile, `${readFileSync(goodFile, 'utf8')}\n`);
    const bad = join(tree, 'environments/production/kiteclass.yaml');
    writeFileSync(bad, readFileSync(bad, 'utf8').replace(/weight: \d+/, 'weight: 101'));
    const before = execFileSync('git', ['status', '--porcelain', '--', 'dist', 'argocd'], { cwd: tree, encoding: 'utf8' });
    // WHEN CI's command runs (tools/nx-synth/nx.mjs, as .github/workflows/ci.yml runs nx affected)
    const r = await run(process.execPath, [join(tree, 'tools/nx-synth/nx.mjs'), 'run-many', '-t', 'synth']);
    // THEN it fails with status 1, every task of the batch names the failing projects, and dist/ is unchanged
    expect(r.status).toBe(1);
    const output = r.stdout + r.stderr;
    const others = (await treeProjects()).filter((p) => p.system === good.replace(/\.yaml$/, '')).map((p) => p.name);
    expect(others.length).toBeGreaterThan(0);
    for (const p of others) expect(output).toMatch(new RegExp(`synth ${p} failed; dist/ is unchanged\\.\\n`));
    expect(output).toMatch(/not written: .*libs\/kiteclass\/kiteclass-core.* failed in the same run/);
    expect(execFileSync('git', ['status', '--porcelain', '--', 'dist', 'argocd'], { cwd: tree, encoding: 'utf8' })).toBe(before);
    restore();
  });
});
