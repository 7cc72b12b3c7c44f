// Nx executor for `validate` (strict schemas + policies over a project's synth outputs). In a batch
// the schemas compile once and the whole render is read and checked once, then each project's
// files are reported; one process instead of one per project.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

let policy;
function loadPolicy(root) {
  policy ??= import('tsx/esm/api').then(({ tsImport }) =>
    tsImport(join(root, 'libs/policy/src/validate.ts'), pathToFileURL(__filename).href));
  return policy;
}

async function validateProject(projectName, context, full) {
  const { validate, projectTargets, formatValidateResult } = await loadPolicy(context.root);
  const projectRoot = context.projectsConfigurations.projects[projectName].root;
  try {
    const result = await validate(context.root, projectTargets(context.root, projectRoot), await full);
    const failed = result.schemaFailures.length > 0 || result.policy.violations.length > 0;
    const text = `${formatValidateResult(result, context.root)}\n`;
    (failed ? process.stderr : process.stdout).write(text);
    return { success: !failed, terminalOutput: text };
  } catch (e) {
    const text = `validate ${projectName} failed: ${e.message}\n`;
    process.stderr.write(text);
    return { success: false, terminalOutput: text };
  }
}

module.exports = async function validateExecutor(_options, context) {
  const { success } = await validateProject(context.projectName, context);
  return { success };
};

module.exports.batch = async function* validateBatch(taskGraph, _inputs, _overrides, context) {
  const full = loadPolicy(context.root).then((m) => m.policyReport(context.root));
  for (const task of Object.values(taskGraph.tasks)) {
    yield { task: task.id, result: await validateProject(task.target.project, context, full) };
  }
};
