/**
 * npm run test:argocd [-- --deadline <minutes>] [--keep <dir>]: Argo CD itself (built from its Go
 * module) syncs this repository, at the commit under test, onto empty clusters (src/argocd/run.ts).
 * Prints each Application with its sync status, health and Argo CD's own message, the add-on
 * Applications as not tested with the reason, and last `N of M Applications Synced and Healthy`.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { argoCdBinaries, runArgoCdTest } from '../argocd/run';
import { sharedDirOf } from './shared-dir';

const program = new Command('test:argocd')
  .description('Argo CD (its controllers and repo server, built from its Go module) syncs argocd/bootstrap onto empty clusters; every Application must become Synced and Healthy')
  .option('--root <dir>', 'workspace root', process.cwd())
  .option('--shared <dir>', 'the shared folder with addons/<add-on>/crds (default: ../shared)')
  .option('--keep <dir>', 'keep logs and data in this folder')
  .option('--deadline <minutes>', 'how long every Application may take', (v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--deadline '${v}' is not a positive number of minutes`);
    return n;
  }, 15)
  .action(async (opts: { root: string; shared?: string; keep?: string; deadline: number }) => {
    const sharedDir = sharedDirOf(opts.root, opts.shared);
    const binaries = argoCdBinaries(opts.root);
    const result = await runArgoCdTest({ root: opts.root, sharedDir, binaries, deadlineMs: opts.deadline * 60_000, workDir: opts.keep && resolve(opts.keep) });
    for (const app of result.apps) {
      if (app.notTested) process.stdout.write(`${app.name}: not tested here: ${app.notTested} (Argo CD: ${app.sync}/${app.health})\n`);
      else process.stdout.write(`${app.name}: ${app.sync}/${app.health}${app.sync === 'Synced' && app.health === 'Healthy' ? '' : `: ${app.message}`}${app.syncedByHand ? ` (${app.syncedByHand})` : ''}\n`);
    }
    process.stdout.write(`${result.healthy} of ${result.total} Applications Synced and Healthy (${result.commit})\n`);
    if (result.healthy !== result.total) {
      process.stdout.write(`logs: ${result.workDir}\n`);
      process.exitCode = 1;
    }
  });

program.parseAsync().catch((error: Error) => {
  process.stderr.write(`test:argocd: ${error.message}\n`);
  process.exit(1);
});
