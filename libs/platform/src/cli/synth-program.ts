/**
 * The `synth` command line, shared by the tsx entry (`cli/synth.ts`) and the bundled renderer
 * (`tools/nx-synth/renderer.mjs`, `npm run synth`), which passes its statically imported services
 * and the Argo CD generator (apps/argocd, which the platform cannot import) for `--argocd`.
 */
import { Command, Option } from 'commander';
import { ENVIRONMENTS, type EnvironmentName } from '../values/environment';
import { progress } from '../render/progress';
import { withWorkspaceLock } from '../render/lock';
import { synth, type LoadedService, type SynthResult } from '../render/synth';
import { WriteError } from '../render/writer';

/**
 * Generates argocd/ after a render of the whole catalogue, given the render when dist/ holds exactly
 * what it wrote (else undefined: dist/ is read back); returns the line to print.
 */
export type ArgoCdHook = (root: string, rendered: SynthResult['leaves'] | undefined) => Promise<string>;

/** The render was written; the Argo CD generator after it failed (argocd/ is written by one transaction of its own). */
class ArgoCdFailed extends Error {}

export async function runSynthCli(argv: readonly string[], loaded?: readonly LoadedService[], argocd?: ArgoCdHook): Promise<void> {
  const program = new Command('synth')
    .description('Render service projects into dist/<env>/<system>/<service>/ (atomically: on any error dist/ is left as it was).')
    .argument('[projects...]', 'project folders or names, e.g. libs/kiteclass/kiteclass-core')
    .option('--all', 'render every service project and delete the dist/<env>/<system>/<service> folders (of the rendered environments) that the renderer wrote and no service renders any more')
    .addOption(new Option('--env <env...>', 'only these environments').choices([...ENVIRONMENTS]))
    .option('--root <dir>', 'workspace root', process.cwd())
    .option('--out <dir>', 'output folder (default: <root>/dist)')
    .option('--argocd', argocd ? 'with --all: then generate argocd/ from the render, in the same process and under the same hold of the workspace lock (npm run synth)' : 'not available here (the bundled renderer, tools/nx-synth/renderer.mjs, has it)')
    .option('--verbose', 'show progress even when stderr is not a terminal (CI logs stay quiet otherwise)')
    .action(async (projects: string[], o: { all?: boolean; env?: EnvironmentName[]; root: string; out?: string; verbose?: boolean; argocd?: boolean }) => {
      if (!o.all && projects.length === 0) program.error('name the projects to render, or pass --all');
      if (o.argocd && !argocd) program.error('--argocd: run the bundled renderer (node tools/nx-synth/renderer.mjs, npm run synth)');
      if (o.argocd && (!o.all || projects.length > 0 || o.env || o.out)) program.error('--argocd needs --all, and no projects, --env or --out: argocd/ is generated from the whole of dist/');
      const started = Date.now();
      const shown = progress({ verbose: o.verbose });
      let argocdLine: string | undefined;
      const render = () => synth({
        root: o.root,
        outDir: o.out,
        projects: o.all ? undefined : projects,
        environments: o.env,
        prune: Boolean(o.all),
        loaded,
        onProgress: (done, total, path) => shown.step(done, total, `rendering ${path}`),
        holdBeforeCommit: process.env.SYNTH_TEST_HOLD_BEFORE_COMMIT === '1',
      });
      // argocd/ is made from dist/: generated while the lock is still held, so nothing changes dist/ in between
      const result = o.argocd && argocd
        ? await withWorkspaceLock(o.root, 'synth', async () => {
            const r = await render();
            // dist/ holds exactly this render unless the prune left something foreign in it (then read it back)
            argocdLine = await argocd(o.root, r.foreign.length === 0 ? r.leaves : undefined).catch((e: Error) => {
              throw new ArgoCdFailed(`synth: dist/ was rendered, but generating argocd/ failed; argocd/ is unchanged.\n${e.message}`);
            });
            return r;
          })
        : await render();
      const objects = result.leaves.reduce((n, l) => n + l.objects.length, 0);
      for (const line of result.foreign) console.error(`synth: ${line}`);
      console.log(`synth: ${result.leaves.length} folders, ${objects} objects in ${Date.now() - started} ms${result.pruned.length ? `; removed ${result.pruned.join(', ')}` : ''}`);
      if (argocdLine) console.log(argocdLine);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof ArgoCdFailed) {
      console.error(e.message);
      process.exitCode = 1;
      return;
    }
    // a write error says itself whether the output is unchanged (rolled back) or what it changed
    const unchanged = !(e instanceof WriteError) || e.unchanged;
    console.error(`synth failed; ${unchanged ? 'dist/ is unchanged' : 'dist/ was partly changed (see below)'}.\n${(e as Error).message}`);
    process.exitCode = 1;
  }
}
