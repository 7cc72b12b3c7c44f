/**
 * The `synth` command line, shared by the tsx entry (`cli/synth.ts`) and the bundled renderer
 * (`tools/nx-synth/renderer.mjs`), which passes its statically imported services.
 */
import { Command, Option } from 'commander';
import { ENVIRONMENTS, type EnvironmentName } from '../values/environment';
import { progress } from '../render/progress';
import { synth, type LoadedService } from '../render/synth';
import { WriteError } from '../render/writer';

export async function runSynthCli(argv: readonly string[], loaded?: readonly LoadedService[]): Promise<void> {
  const program = new Command('synth')
    .description('Render service projects into dist/<env>/<system>/<service>/ (atomically: on any error dist/ is left as it was).')
    .argument('[projects...]', 'project folders or names, e.g. libs/kiteclass/kiteclass-core')
    .option('--all', 'render every service project and delete the dist/<env>/<system>/<service> folders (of the rendered environments) that the renderer wrote and no service renders any more')
    .addOption(new Option('--env <env...>', 'only these environments').choices([...ENVIRONMENTS]))
    .option('--root <dir>', 'workspace root', process.cwd())
    .option('--out <dir>', 'output folder (default: <root>/dist)')
    .option('--verbose', 'show progress even when stderr is not a terminal (CI logs stay quiet otherwise)')
    .action(async (projects: string[], o: { all?: boolean; env?: EnvironmentName[]; root: string; out?: string; verbose?: boolean }) => {
      if (!o.all && projects.length === 0) program.error('name the projects to render, or pass --all');
      const started = Date.now();
      const shown = progress({ verbose: o.verbose });
      const result = await synth({
        root: o.root,
        outDir: o.out,
        projects: o.all ? undefined : projects,
        environments: o.env,
        prune: Boolean(o.all),
        loaded,
        onProgress: (done, total, path) => shown.step(done, total, `rendering ${path}`),
        holdBeforeCommit: process.env.SYNTH_TEST_HOLD_BEFORE_COMMIT === '1',
      });
      const objects = result.leaves.reduce((n, l) => n + l.objects.length, 0);
      for (const line of result.foreign) console.error(`synth: ${line}`);
      console.log(`synth: ${result.leaves.length} folders, ${objects} objects in ${Date.now() - started} ms${result.pruned.length ? `; removed ${result.pruned.join(', ')}` : ''}`);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    // a write error says itself whether the output is unchanged (rolled back) or what it changed
    const unchanged = !(e instanceof WriteError) || e.unchanged;
    console.error(`synth failed; ${unchanged ? 'dist/ is unchanged' : 'dist/ was partly changed (see below)'}.\n${(e as Error).message}`);
    process.exitCode = 1;
  }
}
