// `npm run new-service -- --name <name> --system <system> [--create-system] [--environments a,b]`:
// runs the Nx generator, then renders (npm run synth) so dist/ and argocd/ include the service.
// Both run under the workspace lock (the children inherit it through GITOPS_WORKSPACE_LOCK), and
// if either fails, everything they changed is put back: values files, the new libraries,
// tsconfig.base.json, dist/ and argocd/. One line says why; the exit status is 1.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h') || args.length === 0) {
  console.log(`Usage: npm run new-service -- --name <name> --system <system> [--create-system] [--environments staging,production]

Adds libs/<system>/<name> (an Nx project rendering the platform's WebService), its values under
webServices.<name> in environments/<env>/<system>.yaml for every environment the system runs in
(or those of --environments), and a test; then renders dist/ and argocd/. With --create-system,
also the system library, a <system>-shared service for its namespace, and its values files
(--environments: the new system's, default staging,production). On any failure nothing is left changed.`);
  process.exit(args.length === 0 ? 1 : 0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opts } = parseArgs({ args, strict: false, options: { name: { type: 'string' }, system: { type: 'string' } } });
// what the generator and the render may change (the generator checks the names themselves)
const system = typeof opts.system === 'string' && /^[a-z0-9-]+$/.test(opts.system) ? opts.system : undefined;
const watched = ['environments', 'dist', 'argocd', 'tsconfig.base.json', ...(system ? [`libs/${system}`] : [])];

/** Every file under the watched paths: relative path -> content. */
function snapshot() {
  const files = new Map();
  const walk = (rel) => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    const stat = lstatSync(abs);
    if (stat.isDirectory()) for (const entry of readdirSync(abs)) walk(join(rel, entry));
    // a symlinked file (a values file kept elsewhere) is read, and restored, through its link
    else if (stat.isFile() || statSync(abs, { throwIfNoEntry: false })?.isFile()) files.set(rel, readFileSync(abs));
  };
  watched.forEach(walk);
  return files;
}

/** Puts the watched paths back as `before` had them: new files (and folders left empty) removed, changed ones rewritten. */
function restore(before) {
  const now = snapshot();
  for (const rel of now.keys()) {
    if (before.has(rel)) continue;
    rmSync(join(root, rel), { force: true });
    // remove the folders this left empty, up to the watched root
    for (let dir = dirname(rel); dir !== '.' && !watched.includes(dir); dir = dirname(dir)) {
      if (!existsSync(join(root, dir)) || readdirSync(join(root, dir)).length > 0) break;
      rmdirSync(join(root, dir));
    }
  }
  if (system && existsSync(join(root, `libs/${system}`)) && ![...before.keys()].some((f) => f.startsWith(`libs/${system}/`))) {
    rmSync(join(root, `libs/${system}`), { recursive: true, force: true });
  }
  for (const [rel, content] of before) {
    if (now.get(rel)?.equals(content)) continue;
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
}

/** Runs a child to its end without blocking this process (whose lock is refreshed by a timer). */
const run = (cmd, argv) =>
  new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code) => resolve(code ?? 1));
  });

const { register } = await import('tsx/esm/api');
register();
const { withWorkspaceLock } = await import(pathToFileURL(join(root, 'libs/platform/src/render/lock.ts')).href);

let failure;
try {
  await withWorkspaceLock(root, 'new-service', async () => {
    const before = snapshot();
    const generated = await run('npx', ['nx', 'g', '@gitops/nx-synth:service', '--no-interactive', ...args]);
    if (generated !== 0) {
      restore(before);
      failure = 'the generator refused (its reason is above); nothing was changed';
      return;
    }
    const rendered = await run('npm', ['run', '-s', 'synth']);
    if (rendered !== 0) {
      restore(before);
      const left = [...snapshot()].filter(([f, c]) => !before.get(f)?.equals(c)).map(([f]) => f);
      failure = left.length === 0
        ? 'the render failed (its reason is above); the service was removed again and nothing was changed'
        : `the render failed and these could not be put back: ${left.map((f) => relative(root, join(root, f))).join(', ')}`;
    }
  });
} catch (e) {
  failure = e.message;
}
if (failure) {
  console.error(`new-service failed: ${failure}`);
  process.exit(1);
}
