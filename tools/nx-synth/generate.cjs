// Nx executor `@gitops/nx-synth:generate`: runs a generating command (the Argo CD generator, which
// writes argocd/ through the platform's transaction) unless its inputs and outputs are as its last
// run left them (skip.cjs). For targets Nx must not cache: a cache restore deletes the outputs and
// copies files back one by one, which is not atomic (see synth.cjs).
const { spawnSync } = require('node:child_process');
const { delimiter, join } = require('node:path');
const { record, taskOf, unchanged } = require('./skip.cjs');

module.exports = async function generateExecutor(options, context) {
  const task = taskOf(context);
  if (unchanged(task, context)) {
    process.stdout.write(`${task.target.project}:${task.target.target}: skipped, unchanged (inputs and outputs as its last run left them)\n`);
    return { success: true };
  }
  // like nx:run-commands: the workspace's own binaries (tsx) come first on the PATH
  const env = { ...process.env, PATH: [join(context.root, 'node_modules/.bin'), process.env.PATH].join(delimiter) };
  const run = spawnSync(options.command, { cwd: context.root, shell: true, stdio: 'inherit', env });
  const success = run.status === 0;
  if (success) record(task, context);
  return { success };
};
