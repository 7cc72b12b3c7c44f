// When a generating task may be skipped, for targets Nx does not cache (see synth.cjs for why):
// Nx's hash of the task's inputs (Nx hashes every scheduled task, cached or not, before running it:
// nx/dist/src/tasks-runner/task-orchestrator.js, executeCoordinatorLoop step 1) equals the hash
// recorded by the task's last successful run under tmp/nx-synth/state/, the inputs that run really
// read (recorded by the platform under the workspace lock: Nx hashes before the run, so a values
// file changed in between would otherwise pass) are unchanged, its output folders still hold
// byte-for-byte what that run left, and no transaction of the writer is pending beside them.
// Only reads; a task that runs writes through the platform's transaction (libs/platform/src/render/writer.ts).
const { createHash } = require('node:crypto');
const { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, writeFileSync } = require('node:fs');
const { basename, dirname, join } = require('node:path');
const { globSync } = require('tinyglobby');

/** Where the record of each task's last run lives (git-ignored; never in dist/ or argocd/). */
const STATE_DIR = 'tmp/nx-synth/state';

/** The task's declared outputs (folders), workspace-relative. */
function outputsOf(task, context) {
  const project = context.projectsConfigurations.projects[task.target.project];
  return (project.targets?.[task.target.target]?.outputs ?? []).map((o) =>
    o.replace('{workspaceRoot}/', '').replace('{projectRoot}', project.root));
}

/** sha256 of every file under the folders (path and content); a symlink or anything odd never matches. */
function digestFolders(root, folders) {
  const files = {};
  const walk = (dir) => {
    if (!existsSync(join(root, dir))) return;
    for (const name of readdirSync(join(root, dir)).sort()) {
      const rel = `${dir}/${name}`;
      const st = lstatSync(join(root, rel));
      if (st.isDirectory()) walk(rel);
      else files[rel] = st.isFile() ? createHash('sha256').update(readFileSync(join(root, rel))).digest('hex') : 'not a file';
    }
  };
  for (const folder of folders) walk(folder);
  return files;
}

function statePath(root, task) {
  return join(root, STATE_DIR, `${task.target.project}.${task.target.target}.json`);
}

function sameFiles(a, b) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Whether a writer transaction is left beside one of the top folders of `outputs` (then the task must run to recover it). */
function pendingTransaction(root, outputs) {
  for (const top of new Set(outputs.map((o) => o.split('/')[0]))) {
    let real;
    try {
      real = realpathSync(join(root, top)); // staged beside the folder's real path (writer.ts)
    } catch {
      continue;
    }
    if (readdirSync(dirname(real)).some((e) => e.startsWith(`.${basename(real)}.synth-`))) return true;
  }
  return false;
}

function fileDigest(path) {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}

/** The same digest as codeDigest() in libs/platform/src/render/inputs.ts (a test compares them), over the same files. */
function codeDigest(root) {
  const { globs, ignore } = JSON.parse(readFileSync(join(root, 'libs/platform/src/render/code-inputs.json'), 'utf8'));
  const hash = createHash('sha256');
  for (const f of globSync(globs, { cwd: root, ignore, followSymbolicLinks: true }).sort()) hash.update(`${f}\0${fileDigest(join(root, f))}\n`);
  return hash.digest('hex');
}

/** Whether every recorded input (a workspace file, or `code`) still has its recorded digest; `memo` keeps the code digest of one run. */
function inputsCurrent(root, inputs, memo) {
  return Object.entries(inputs).every(([name, digest]) => (name === 'code' ? (memo.code ??= codeDigest(root)) : fileDigest(join(root, name))) === digest);
}

/**
 * True when the task's inputs and its output folders are exactly as its last run left them.
 * Pass one `memo` object for the tasks of one run (the code digest is computed once).
 */
function unchanged(task, context, memo = {}) {
  if (!task.hash) return false;
  const outputs = outputsOf(task, context);
  if (pendingTransaction(context.root, outputs)) return false;
  let state;
  try {
    state = JSON.parse(readFileSync(statePath(context.root, task), 'utf8'));
  } catch {
    return false;
  }
  return state.hash === task.hash && inputsCurrent(context.root, state.inputs ?? {}, memo) && sameFiles(state.files, digestFolders(context.root, outputs));
}

/**
 * Records what the task's run left and, when known, what it was made from (`inputs`: the platform's
 * fingerprint); tmp file + rename, so a killed write leaves the old record or none.
 */
function record(task, context, inputs) {
  const file = statePath(context.root, task);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify({ hash: task.hash, inputs, files: digestFolders(context.root, outputsOf(task, context)) }));
  renameSync(`${file}.tmp`, file);
}

/** The task an executor runs, from its context (single-task executors get no task object). */
function taskOf(context) {
  const id = [context.projectName, context.targetName, context.configurationName].filter(Boolean).join(':');
  return context.taskGraph?.tasks?.[id] ?? { id, target: { project: context.projectName, target: context.targetName } };
}

module.exports = { unchanged, record, taskOf, codeDigest };
