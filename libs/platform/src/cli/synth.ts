#!/usr/bin/env tsx
/**
 * `synth`: renders service projects into dist/. Nx runs it per project
 * (`nx run-many -t synth`); `--all` renders the whole catalogue in one process.
 */
import { Command, Option } from 'commander';
import { ENVIRONMENTS, type EnvironmentName } from '../environment';
import { synth } from '../synth';

const program = new Command('synth')
  .description('Render service projects into dist/<env>/<system>/<service>/ (atomically: on any error dist/ is left as it was).')
  .argument('[projects...]', 'project folders or names, e.g. libs/kiteclass/kiteclass-core')
  .option('--all', 'render every service project and delete dist/ folders no service renders any more')
  .addOption(new Option('--env <env...>', 'only these environments').choices([...ENVIRONMENTS]))
  .option('--root <dir>', 'workspace root', process.cwd())
  .option('--out <dir>', 'output folder (default: <root>/dist)')
  .action(async (projects: string[], o: { all?: boolean; env?: EnvironmentName[]; root: string; out?: string }) => {
    if (!o.all && projects.length === 0) program.error('name the projects to render, or pass --all');
    const started = Date.now();
    const result = await synth({
      root: o.root,
      outDir: o.out,
      projects: o.all ? undefined : projects,
      environments: o.env,
      prune: Boolean(o.all),
      holdBeforeCommit: process.env.SYNTH_TEST_HOLD_BEFORE_COMMIT === '1',
    });
    const objects = result.leaves.reduce((n, l) => n + l.objects.length, 0);
    console.log(`synth: ${result.leaves.length} folders, ${objects} objects in ${Date.now() - started} ms${result.pruned.length ? `; removed ${result.pruned.join(', ')}` : ''}`);
  });

program.parseAsync().catch((e: Error) => {
  console.error(`synth failed; dist/ is unchanged.\n${e.message}`);
  process.exit(1);
});
