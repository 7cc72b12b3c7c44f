// Nx executor for `synth`. Plain CommonJS because Nx loads executors without a TypeScript
// transpiler; the renderer is the bundle of tools/nx-synth/renderer.mjs (every service and the
// Argo CD generator in one file), built when a source changed.
//
// Nx decides only which projects render (`nx affected`, `nx run-many`); it never skips or restores
// one: `synth` has `cache: false` (nx.json), because Nx restores a cache entry by deleting the
// outputs and copying files back one by one (a kill leaves half a folder), and nothing here keeps
// a record of earlier runs. Every task renders. A batch (preferBatch: every synth task of a run,
// one process) renders its service projects in memory, writes them in one transaction of the
// platform's writer, or none if any failed, and then generates argocd/ from dist/ (argocd/ is made
// from dist/, so a render never leaves it behind), all under one hold of the workspace lock.
// The `argocd` project's synth task uses this executor too: it only generates argocd/.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

let loaded;
/** The bundled renderer, built if stale and loaded once per process (with V8's code cache: renderer.mjs). */
function loadRenderer(root) {
  loaded ??= import(pathToFileURL(join(__dirname, 'renderer.mjs')).href)
    .then(async (m) => m.loadRenderer(await m.buildRenderer(root)));
  return loaded;
}

/**
 * Runs the tasks: renders the service projects in one transaction (or none if any fails: every
 * task then names the failing projects), then generates argocd/.
 */
async function runTasks(tasks, context) {
  const rootOf = (task) => context.projectsConfigurations.projects[task.target.project].root;
  const services = tasks.filter((t) => t.target.project !== 'argocd');
  const started = Date.now();
  let outcomes;
  let argocd;
  let argocdError;
  try {
    const { renderer, saveCache } = await loadRenderer(context.root);
    ({ outcomes, argocd, argocdError } = await renderer.renderForNx(context.root, services.map(rootOf)));
    saveCache();
  } catch (e) {
    // the bundle's build, the lock, or the recovery of an earlier transaction refused: nothing was rendered
    outcomes = services.map((t) => ({ project: rootOf(t), error: e.message }));
    argocdError = `not generated: ${e.message}`;
  }
  const results = {};
  for (const [i, task] of services.entries()) {
    const { leaves, error } = outcomes[i];
    let text;
    if (error === undefined) {
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
  const failed = services.filter((t) => !results[t.id].success).map((t) => t.target.project);
  const argocdText = argocd !== undefined
    ? `${argocd}\n`
    : `argocd/ not generated${failed.length > 0 ? ` (${failed.join(', ')} failed)` : ''}; argocd/ is unchanged.${argocdError ? `\n${argocdError}` : ''}\n`;
  (argocd !== undefined ? process.stdout : process.stderr).write(argocdText);
  for (const task of tasks.filter((t) => t.target.project === 'argocd')) results[task.id] = { success: argocd !== undefined, terminalOutput: argocdText };
  // a service's dist/ was written, but argocd/ could not follow it: the task fails, saying so
  for (const task of services) {
    if (results[task.id].success && argocd === undefined) results[task.id] = { success: false, terminalOutput: results[task.id].terminalOutput + argocdText };
  }
  return results;
}

/** The task an executor runs, from its context (single-task executors get no task object). */
function taskOf(context) {
  const id = [context.projectName, context.targetName, context.configurationName].filter(Boolean).join(':');
  return context.taskGraph?.tasks?.[id] ?? { id, target: { project: context.projectName, target: context.targetName } };
}

/** One task. */
module.exports = async function synthExecutor(_options, context) {
  const task = taskOf(context);
  const results = await runTasks([task], context);
  return { success: results[task.id].success };
};

/** Every synth task of a run in one process: one transaction for all the projects, then argocd/ once. */
module.exports.batch = async function* synthBatch(taskGraph, _inputs, _overrides, context) {
  const tasks = Object.values(taskGraph.tasks);
  const results = await runTasks(tasks, context);
  for (const task of tasks) yield { task: task.id, result: results[task.id] };
};
