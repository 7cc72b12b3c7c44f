// Nx executor for `synth`. Plain CommonJS because Nx loads executors without a TypeScript
// transpiler; the renderer itself (TypeScript) is loaded once through tsx's API.
//
// Why `synth` is not cached by Nx (nx.json `cache: false`): Nx restores a cached task by deleting
// its outputs and copying the files back one by one (nx/src/tasks-runner/cache.ts,
// `copyFilesFromCache` after `removeRecordedOutputsHashes`), so a kill mid-restore left a folder
// with 2 of its 11 files for Argo CD to sync. Instead this executor skips a project itself when
// its inputs and dist/ folders are as its last render left them (skip.cjs), and renders the others
// through the platform's transaction (libs/platform/src/render/writer.ts), so dist/ only ever changes
// atomically. The skip check only reads; renders and writes happen under the workspace lock.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { record, taskOf, unchanged } = require('./skip.cjs');

let platform;
/** The platform's synth module, loaded once per process (a batch renders many projects with it). */
function loadPlatform(root) {
  // tsx's ESM entry (its CommonJS build of this API cannot find its own ESM half)
  platform ??= import('tsx/esm/api').then(({ tsImport }) =>
    tsImport(join(root, 'libs/platform/src/render/synth.ts'), pathToFileURL(__filename).href));
  return platform;
}

/**
 * Runs the tasks: skips the unchanged ones, renders the others in memory and writes them all in
 * one transaction, or none if any fails (every task then names the failing projects).
 */
async function runTasks(tasks, context) {
  const results = {};
  const toRender = [];
  const memo = {};
  for (const task of tasks) {
    if (unchanged(task, context, memo)) {
      const line = `synth ${task.target.project}: skipped, unchanged (inputs and dist/ folders as its last render left them)\n`;
      process.stdout.write(line);
      results[task.id] = { success: true, terminalOutput: line };
    } else {
      toRender.push(task);
    }
  }
  if (toRender.length === 0) return results;
  const { synthProjects } = await loadPlatform(context.root);
  const started = Date.now();
  const rootOf = (task) => context.projectsConfigurations.projects[task.target.project].root;
  let outcomes;
  try {
    outcomes = await synthProjects(context.root, toRender.map(rootOf));
  } catch (e) {
    // the lock, or the recovery of an earlier transaction, refused: nothing was rendered
    outcomes = toRender.map((t) => ({ project: rootOf(t), error: e.message }));
  }
  for (const [i, task] of toRender.entries()) {
    const { leaves, inputs, error } = outcomes[i];
    let text;
    if (error === undefined) {
      record(task, context, inputs);
      const objects = leaves.reduce((n, l) => n + l.objects.length, 0);
      text = `synth ${task.target.project}: ${leaves.length} folders, ${objects} objects in ${Date.now() - started} ms\n`;
      process.stdout.write(text);
    } else {
      // a write error says itself when dist/ was partly changed (writer.ts); otherwise nothing was written
      text = `synth ${task.target.project} failed${/partly changed/.test(error) ? '' : '; dist/ is unchanged'}.\n${error}\n`;
      process.stderr.write(text);
    }
    results[task.id] = { success: error === undefined, terminalOutput: text };
  }
  return results;
}

/** One task. */
module.exports = async function synthExecutor(_options, context) {
  const task = taskOf(context);
  const results = await runTasks([task], context);
  return { success: results[task.id].success };
};

/** Many tasks in one process: modules are loaded once, and every rendered project is written in one transaction. */
module.exports.batch = async function* synthBatch(taskGraph, _inputs, _overrides, context) {
  const tasks = Object.values(taskGraph.tasks);
  const results = await runTasks(tasks, context);
  for (const task of tasks) yield { task: task.id, result: results[task.id] };
};
