#!/usr/bin/env tsx
/**
 * `diff --base <ref>`: what a change does to the rendered manifests, object by object and field
 * by field, risky changes first. It informs and exits 0; prune-check is what blocks.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { DIST_DIR, ENVIRONMENTS, type EnvironmentName } from '@gitops/platform';
import { isEntryPoint, PROCESS_OUTPUT, type CommandOutput } from '@gitops/platform/cli';
import { progress } from '@gitops/platform/render';
import { diffTrees, formatMarkdown, formatText, onlyEnvs, readDistAtRef, readDistDir, renderDist } from '@gitops/manifest-diff';

export interface DiffOptions {
  base: string;
  format: 'text' | 'markdown';
  env?: EnvironmentName[];
  render?: boolean;
  root: string;
  verbose?: boolean;
}

const program = new Command('diff')
  .description('Compare dist/ at a git ref with the working tree: objects added, removed and changed (field by field), risky changes first.')
  .requiredOption('--base <ref>', 'git ref whose committed dist/ is the "before" (e.g. origin/main, HEAD~1)')
  .addOption(new Option('--format <format>', 'output format: text for a terminal, markdown for a PR comment').choices(['text', 'markdown']).default('text'))
  .addOption(new Option('--env <env...>', 'only these environments').choices([...ENVIRONMENTS]))
  .option('--render', 'render the working tree into a temp dir first (so un-synthed changes to environments/ show too)')
  .option('--root <dir>', 'workspace root', process.cwd())
  .option('--verbose', 'show progress even when stderr is not a terminal')
  .action(async (o: DiffOptions) => {
    process.exitCode = await runDiff(o);
  });

/** Writes the diff of dist/ at `base` against the working tree; returns the exit code (0: it informs, prune-check blocks). */
export async function runDiff(o: DiffOptions, out: CommandOutput = PROCESS_OUTPUT): Promise<number> {
  const base = onlyEnvs(readDistAtRef(o.root, o.base), o.env);
  const head = onlyEnvs(
    o.render ? await renderDist(o.root, { environments: o.env, progress: progress({ verbose: o.verbose }) }) : await readDistDir(join(o.root, DIST_DIR)),
    o.env,
  );
  const diff = diffTrees(base, head);
  const title = `${o.base} -> ${o.render ? 'working tree (rendered)' : 'working tree'}${o.env ? ` (${o.env.join(', ')})` : ''}`;
  out.write(o.format === 'markdown' ? formatMarkdown(diff, { title }) : formatText(diff, { title, color: out === PROCESS_OUTPUT && process.stdout.isTTY === true && !process.env.NO_COLOR }));
  return 0;
}

if (isEntryPoint(import.meta.url)) {
  program.parseAsync().catch((e: Error) => {
    console.error(`diff failed: ${e.message}`);
    process.exit(1);
  });
}
