// CI's `nx affected -t synth validate test` (and the workflow check): runs Nx with the given
// arguments and exits with its status, with one
// correction. When a task fails, Nx 22.7.12 marks the tasks that depend on it (here argocd:synth,
// which depends on every service's synth) as "skipped" without reporting them to its lifecycles
// (nx/dist/src/tasks-runner/task-orchestrator.js `completeTasks`: endTasks is called for
// non-skipped tasks only), so they have no task result, `didCommandComplete`
// (nx/dist/src/tasks-runner/run-command.js) concludes the run was interrupted, and Nx exits with
// 130 (SIGINT's code) although nobody pressed Ctrl-C. A run that was not interrupted and exits
// 130 therefore failed: exit 1, the failing status. A real Ctrl-C reaches this process too (the
// terminal signals the whole foreground process group) and keeps 130.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const nx = join(root, 'node_modules/.bin/nx');
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let interrupted = false;
const child = spawn(nx, process.argv.slice(2), { stdio: 'inherit' });
for (const signal of SIGNALS) {
  process.on(signal, () => {
    interrupted = true;
    child.kill(signal);
  });
}
child.on('error', (e) => {
  console.error(`nx: ${e.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal); // die of the same signal as Nx did
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code === 130 && !interrupted ? 1 : (code ?? 1));
});
