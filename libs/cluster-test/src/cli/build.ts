/** npm run k8s:build [-- --only kube-apiserver,etcd]: builds the real components that are missing. */
import { Command } from 'commander';
import { buildComponents } from '../build';

const program = new Command('k8s:build')
  .description('build the real Kubernetes components (tools/k8s/*/go.mod) that are not in the cache yet')
  .option('--root <dir>', 'workspace root', process.cwd())
  .option('--only <names>', 'comma-separated component names (default: all)', (v) => v.split(',').filter(Boolean))
  .action(async (opts: { root: string; only?: string[] }) => {
    const built = await buildComponents({ workspaceRoot: opts.root, only: opts.only });
    for (const c of built) process.stdout.write(`${c.name} ${c.version} ${c.binary}\n`);
  });

program.parseAsync().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
