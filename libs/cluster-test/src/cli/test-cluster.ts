/**
 * npm run test:cluster [-- --cluster <name>,...] [--keep <dir>]: applies dist/ (as it stands in the
 * working tree) to a real control plane per cluster of the fleet and prints each object the API
 * server refuses or that never becomes ready, then `N of M folders applied and ready on K clusters`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { resolveComponents } from '../build';
import { builtBinary } from '../components';
import type { Binaries } from '../control-plane';
import { runClusterTest } from '../run';
import { sharedDirOf } from './shared-dir';

const program = new Command('test:cluster')
  .description('apply every dist/ folder to real API servers (one per cluster of the fleet) as Argo CD would, and wait until ready')
  .option('--root <dir>', 'workspace root', process.cwd())
  .option('--shared <dir>', 'the shared folder with addons/<add-on>/crds (default: ../shared)')
  .option('--cluster <names>', 'only these clusters, comma-separated (management is Argo CD\'s own)', (v) => v.split(',').filter(Boolean))
  .option('--keep <dir>', 'keep logs and data in this folder')
  .option('--base <ref>', "apply this git revision's dist/ first, as the clusters run it today, then the working tree's (a change to an immutable field is refused)")
  .option('--wave-timeout <seconds>', 'how long one wave may take to become ready', (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--wave-timeout '${v}' is not a positive number of seconds`);
    return n;
  }, 90)
  .action(async (opts: { root: string; shared?: string; cluster?: string[]; keep?: string; waveTimeout: number; base?: string }) => {
    const sharedDir = sharedDirOf(opts.root, opts.shared);
    const base = opts.base ? checkout(opts.root, opts.base) : undefined;
    try {
      await run(opts, sharedDir, base?.root);
    } finally {
      base?.cleanup();
    }
  });

/** A detached worktree of `ref` (removed afterwards). */
function checkout(root: string, ref: string): { root: string; cleanup: () => void } {
  const dir = join(mkdtempSync(join(tmpdir(), 'cluster-test-base-')), 'tree');
  try {
    execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    throw new Error(`--base ${ref}: not a revision of this repository (${String((e as { stderr?: Buffer }).stderr ?? e).trim().split('\n')[0]})`);
  }
  return { root: dir, cleanup: () => { execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' }); rmSync(dir, { recursive: true, force: true }); } };
}

async function run(opts: { root: string; cluster?: string[]; keep?: string; waveTimeout: number }, sharedDir: string, baseRoot: string | undefined): Promise<void> {
  const components = resolveComponents(opts.root, ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
  const binaries = Object.fromEntries(components.map((c) => [c.name, builtBinary(c)])) as unknown as Binaries;
  const result = await runClusterTest({
    root: opts.root,
    sharedDir,
    binaries,
    clusters: opts.cluster,
    workDir: opts.keep && resolve(opts.keep),
    waveTimeoutMs: opts.waveTimeout * 1000,
    baseRoot,
    onFailure: (f) => process.stdout.write(`${f.cluster}: ${f.app}: ${f.object} (${f.file}): ${f.message}\n`),
  });
  process.stdout.write(`${result.folders.ready} of ${result.folders.total} folders applied and ready on ${result.clusters} clusters\n`);
  if (result.failures.length) {
    process.stdout.write(`logs: ${result.workDir}\n`);
    process.exitCode = 1;
  }
}

program.parseAsync().catch((error: Error) => {
  process.stderr.write(`test:cluster: ${error.message}\n`);
  process.exit(1);
});
