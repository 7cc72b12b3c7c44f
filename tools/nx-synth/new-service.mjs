// `npm run new-service -- --name <name> --system <system> [--create-system] [--environments a,b]`:
// runs the Nx generator, then renders (npm run synth) so dist/ and argocd/ include the service.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h') || args.length === 0) {
  console.log(`Usage: npm run new-service -- --name <name> --system <system> [--create-system] [--environments staging,production]

Adds libs/<system>/<name> (an Nx project rendering the platform's WebService), its values under
webServices.<name> in environments/<env>/<system>.yaml for every environment the system runs in,
and a test; then renders dist/ and argocd/. With --create-system, also the system library, a
<system>-shared service for its namespace, and its values files.`);
  process.exit(args.length === 0 ? 1 : 0);
}
const run = (cmd, argv) => spawnSync(cmd, argv, { stdio: 'inherit' }).status ?? 1;
const generated = run('npx', ['nx', 'g', '@gitops/nx-synth:service', '--no-interactive', ...args]);
if (generated !== 0) process.exit(generated);
process.exit(run('npm', ['run', '-s', 'synth']));
