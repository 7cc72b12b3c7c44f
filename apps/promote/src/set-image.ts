#!/usr/bin/env tsx
/**
 * `set-image --env <env> --service <service> --tag <tag>`: what a build pipeline runs to bump
 * one image tag in one environment's values file (one changed line).
 */
import { Command, Option } from 'commander';
import { ENVIRONMENTS, type EnvironmentName } from '@gitops/platform';
import { progress, withWorkspaceLock } from '@gitops/platform/render';
import { isEntryPoint, PROCESS_OUTPUT, type CommandOutput } from '@gitops/platform/cli';
import { rerender, setImage } from './release';
import { formatChange } from './values-edit';

export interface SetImageOptions {
  env: EnvironmentName;
  service: string;
  tag: string;
  path?: string;
  dryRun?: boolean;
  render?: boolean;
  root: string;
  verbose?: boolean;
}

const program = new Command('set-image')
  .description("Set a service's image tag in one environment's values file (only that line changes).")
  .addOption(new Option('--env <env>', 'environment whose values file is changed').choices([...ENVIRONMENTS]).makeOptionMandatory())
  .requiredOption('--service <service>', 'service whose tag is set, e.g. kiteclass-core')
  .requiredOption('--tag <tag>', 'the new image tag (pinned: "latest" is refused)')
  .option('--path <path>', "dotted path of another tag of the service, e.g. services.kiteclass-core.canary.tag (default: the service's main tag)")
  .option('--dry-run', 'print what would change; write nothing')
  .option('--render', 'also re-render the system in that environment (else run npm run synth)')
  .option('--root <dir>', 'workspace root', process.cwd())
  .option('--verbose', 'show progress even when stderr is not a terminal')
  .action(async (o: SetImageOptions) => {
    process.exitCode = await runSetImage(o);
  });

/**
 * Sets the tag and, with `render`, re-renders; returns the exit code. One lock from reading the
 * values to the end of the re-render: a concurrent set-image, promote, synth or new-service waits
 * instead of losing this change or rendering half of it. Throws when nothing was changed.
 */
export async function runSetImage(o: SetImageOptions, out: CommandOutput = PROCESS_OUTPUT): Promise<number> {
  return withWorkspaceLock(o.root, 'set-image', async () => {
    const result = await setImage({ root: o.root, env: o.env, service: o.service, tag: o.tag, path: o.path, dryRun: o.dryRun });
    if (result.changes.length === 0) {
      out.log(`set-image: ${o.service} in ${o.env} already runs ${o.tag}; nothing to do`);
      return 0;
    }
    for (const c of result.changes) out.log(formatChange(c));
    for (const n of result.notes) out.log(n);
    if (o.dryRun) out.log('set-image: dry run, nothing written');
    else if (o.render) {
      const folders = await rerender(o.root, result.system, o.env, { progress: progress({ verbose: o.verbose }), restore: result.restore });
      out.log(`set-image: ${folders} dist/ folder(s) re-rendered`);
    }
    return 0;
  });
}

if (isEntryPoint(import.meta.url)) {
  program.parseAsync().catch((e: Error) => {
    console.error(`set-image failed; nothing was changed.\n${e.message}`);
    process.exit(1);
  });
}
