// Nx executor for `synth`. Plain CommonJS because Nx loads executors without a TypeScript
// transpiler; the renderer itself (TypeScript) is loaded once through tsx's API.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

let platform;
/** The platform's synth module, loaded once per process (a batch renders many projects with it). */
function loadPlatform(root) {
  // tsx's ESM entry (its CommonJS build of this API cannot find its own ESM half)
  platform ??= import('tsx/esm/api').then(({ tsImport }) =>
    tsImport(join(root, 'libs/platform/src/synth.ts'), pathToFileURL(__filename).href));
  return platform;
}

async function renderProject(projectName, context) {
  const { synth } = await loadPlatform(context.root);
  const projectRoot = context.projectsConfigurations.projects[projectName].root;
  const started = Date.now();
  try {
    const { leaves } = await synth({ root: context.root, projects: [projectRoot] });
    const objects = leaves.reduce((n, l) => n + l.objects.length, 0);
    const line = `synth ${projectName}: ${leaves.length} folders, ${objects} objects in ${Date.now() - started} ms\n`;
    process.stdout.write(line);
    return { success: true, terminalOutput: line };
  } catch (e) {
    const text = `synth ${projectName} failed; dist/ is unchanged.\n${e.message}\n`;
    process.stderr.write(text);
    return { success: false, terminalOutput: text };
  }
}

/** One task. */
module.exports = async function synthExecutor(_options, context) {
  const { success } = await renderProject(context.projectName, context);
  return { success };
};

/** Many tasks in one process: modules are loaded once, each project is written as it is done. */
module.exports.batch = async function* synthBatch(taskGraph, _inputs, _overrides, context) {
  for (const task of Object.values(taskGraph.tasks)) {
    const result = await renderProject(task.target.project, context);
    yield { task: task.id, result };
  }
};
