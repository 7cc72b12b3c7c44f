// Nx executor for `synth`. Plain CommonJS because Nx loads executors without a TypeScript
// transpiler; the renderer itself (TypeScript) is loaded once through tsx's API.
//
// Why `synth` is not cached by Nx (nx.json `cache: false`): Nx restores a cached task by deleting
// its outputs and copying the files back one by one (nx/src/tasks-runner/cache.ts,
// `copyFilesFromCache` after `removeRecordedOutputsHashes`), so a kill mid-restore left a folder
// with 2 of its 11 files for Argo CD to sync. Instead this executor skips a project itself when
// (1) Nx's hash of the task's inputs (computed for every task, cached or not:
// nx/src/tasks-runner/task-orchestrator.js hashes all scheduled tasks before running them) equals
// the hash of the project's last successful render, recorded under tmp/nx-synth/, and (2) its
// dist/ folders still hold byte-for-byte what that render wrote. Anything else renders and goes
// through the platform's transaction (libs/platform/src/writer.ts), so dist/ only ever changes
// atomically. The check only reads; writes happen under the workspace lock in synthProjects().
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, writeFileSync, lstatSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');

/** Where the record of each project's last render lives (git-ignored; never in dist/). */
const STATE_DIR = 'tmp/nx-synth/state';

let platform;
/** The platform's synth module, loaded once per process (a batch renders many projects with it). */
function loadPlatform(root) {
  // tsx's ESM entry (its CommonJS build of this API cannot find its own ESM half)
  platform ??= import('tsx/esm/api').then(({ tsImport }) =>
    tsImport(join(root, 'libs/platform/src/synth.ts'), pathToFileURL(__filename).href));
  return platform;
}

/** The project's declared synth outputs (its dist/ folders), workspace-relative. */
function outputsOf(projectName, context) {
  const project = context.projectsConfigurations.projects[projectName];
  return (project.targets?.synth?.outputs ?? []).map((o) =>
    o.replace('{workspaceRoot}/', '').replace('{projectRoot}', project.root));
}

/** sha256 of every file under the folders (path and content); a symlink or anything odd never matches. */
function digestFolders(root, folders) {
  const files = {};
  const walk = (dir) => {
    const abs = join(root, dir);
    if (!existsSync(abs)) return;
    for (const name of readdirSync(abs).sort()) {
      const rel = `${dir}/${name}`;
      const st = lstatSync(join(root, rel));
      if (st.isDirectory()) walk(rel);
      else files[rel] = st.isFile() ? createHash('sha256').update(readFileSync(join(root, rel))).digest('hex') : 'not a file';
    }
  };
  for (const folder of folders) walk(folder);
  return files;
}

function statePath(root, projectName) {
  return join(root, STATE_DIR, `${projectName}.json`);
}

function sameFiles(a, b) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Whether a transaction is left beside dist/ (then the platform must run to recover it). */
function pendingTransaction(root) {
  let dist;
  try {
    dist = realpathSync(join(root, 'dist')); // staged beside dist/'s real folder (writer.ts)
  } catch {
    return false;
  }
  return readdirSync(dirname(dist)).some((e) => e.startsWith(`.${basename(dist)}.synth-`));
}

/** True when the task's inputs and its dist/ folders are exactly as its last render left them. */
function unchanged(task, context) {
  if (!task.hash) return false;
  let state;
  try {
    state = JSON.parse(readFileSync(statePath(context.root, task.target.project), 'utf8'));
  } catch {
    return false;
  }
  return state.hash === task.hash && sameFiles(state.files, digestFolders(context.root, outputsOf(task.target.project, context)));
}

/** Records what a project's render wrote (tmp file + rename: a killed write leaves the old record or none). */
function record(task, context) {
  const file = statePath(context.root, task.target.project);
  mkdirSync(dirname(file), { recursive: true });
  const content = JSON.stringify({ hash: task.hash, files: digestFolders(context.root, outputsOf(task.target.project, context)) });
  writeFileSync(`${file}.tmp`, content);
  renameSync(`${file}.tmp`, file);
}

/**
 * Runs the tasks: skips the unchanged ones, renders the others in memory and writes them all in
 * one transaction (or none, if any fails). Returns a result per task id.
 */
async function runTasks(tasks, context) {
  const results = {};
  const pending = pendingTransaction(context.root);
  const toRender = [];
  for (const task of tasks) {
    if (!pending && unchanged(task, context)) {
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
    const { leaves, error } = outcomes[i];
    let text;
    if (error === undefined) {
      record(task, context);
      const objects = leaves.reduce((n, l) => n + l.objects.length, 0);
      text = `synth ${task.target.project}: ${leaves.length} folders, ${objects} objects in ${Date.now() - started} ms\n`;
      process.stdout.write(text);
    } else {
      const unchangedNote = /partly changed/.test(error) ? '' : '; dist/ is unchanged';
      text = `synth ${task.target.project} failed${unchangedNote}.\n${error}\n`;
      process.stderr.write(text);
    }
    results[task.id] = { success: error === undefined, terminalOutput: text };
  }
  return results;
}

/** One task. */
module.exports = async function synthExecutor(_options, context) {
  const task = context.taskGraph?.tasks?.[`${context.projectName}:${context.targetName}${context.configurationName ? `:${context.configurationName}` : ''}`]
    ?? { id: context.projectName, target: { project: context.projectName } };
  const results = await runTasks([task], context);
  return { success: results[task.id].success };
};

/** Many tasks in one process: modules are loaded once, and every rendered project is written in one transaction. */
module.exports.batch = async function* synthBatch(taskGraph, _inputs, _overrides, context) {
  const tasks = Object.values(taskGraph.tasks);
  const results = await runTasks(tasks, context);
  for (const task of tasks) yield { task: task.id, result: results[task.id] };
};
