#!/usr/bin/env tsx
/**
 * `promote --system <system> --from staging --to production`: copies the image tags (and only
 * those) of one environment's values file to another's, then re-renders the system there.
 */
import { Command, Option } from 'commander';
import { ENVIRONMENTS, type EnvironmentName } from '@gitops/platform';
import { progress, withWorkspaceLock } from '@gitops/platform/render';
import { isEntryPoint, PROCESS_OUTPUT, type CommandOutput } from '@gitops/platform/cli';
import { promote, rerender } from './release';
import { formatChange } from './values-edit';

export interface PromoteOptions {
  system: string;
  service?: string;
  from: EnvironmentName;
  to: EnvironmentName;
  dryRun?: boolean;
  render: boolean;
  root: string;
  verbose?: boolean;
}

const program = new Command('promote')
  .description("Copy the image tags of a system (or one service) from one environment's values file to another's, then re-render that environment.")
  .requiredOption('--system <system>', 'system whose tags are promoted, e.g. kiteclass')
  .option('--service <service>', 'only the tags of this service, e.g. kiteclass-core')
  .addOption(new Option('--from <env>', 'environment the tags come from').choices([...ENVIRONMENTS]).makeOptionMandatory())
  .addOption(new Option('--to <env>', 'environment whose values file gets them').choices([...ENVIRONMENTS]).makeOptionMandatory())
  .option('--dry-run', 'print what would change; write nothing')
  .option('--no-render', 'change the values file only (run npm run synth yourself)')
  .option('--root <dir>', 'workspace root', process.cwd())
  .option('--verbose', 'show progress even when stderr is not a terminal')
  .action(async (o: PromoteOptions) => {
    process.exitCode = await runPromote(o);
  });

/**
 * Copies the tags and, unless `render` is false, re-renders; returns the exit code. One lock from
 * reading the values to the end of the re-render: a concurrent promote, set-image, synth or
 * new-service waits instead of losing this change or rendering half of it. Throws when nothing was changed.
 */
export async function runPromote(o: PromoteOptions, out: CommandOutput = PROCESS_OUTPUT): Promise<number> {
  return withWorkspaceLock(o.root, 'promote', async () => {
    const result = await promote({ root: o.root, system: o.system, service: o.service, from: o.from, to: o.to, dryRun: o.dryRun });
    const what = o.service ? `service '${o.service}'` : `system '${o.system}'`;
    if (result.changes.length === 0) {
      out.log(`promote: the image tags of ${what} in ${o.to} already match ${o.from}; nothing to do`);
      return 0;
    }
    for (const c of result.changes) out.log(formatChange(c));
    for (const n of result.notes) out.log(n);
    if (o.dryRun) {
      out.log(`promote: dry run, nothing written`);
      return 0;
    }
    if (o.render) {
      const folders = await rerender(o.root, result.system, o.to, { progress: progress({ verbose: o.verbose }), restore: result.restore });
      out.log(`promote: ${result.changes.length} tag(s) of ${what} promoted from ${o.from} to ${o.to}; ${folders} dist/ folder(s) re-rendered`);
    } else {
      out.log(`promote: ${result.changes.length} tag(s) of ${what} promoted from ${o.from} to ${o.to}; run npm run synth`);
    }
    return 0;
  });
}

if (isEntryPoint(import.meta.url)) {
  program.parseAsync().catch((e: Error) => {
    console.error(`promote failed; nothing was changed.\n${e.message}`);
    process.exit(1);
  });
}
