// `npm run new-service -- --name <name> --system <system> [--create-system] [--environments a,b]`:
// runs the Nx generator (generators/service.ts, on Nx's file tree, in this process), writes its
// files, then renders dist/ and argocd/ (what npm run synth does) in this process too, all under
// the workspace lock. All or nothing (the platform's allOrNothing, as promote and set-image use it):
// if anything fails, or SIGINT or SIGTERM comes before the render's commit point, everything it
// changed is put back (values files, the new libraries, dist/, argocd/); a signal after that point
// lets it finish. One line says why; the exit status is 1 (130 or 143 for a signal).
import { createRequire } from 'node:module';
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
(--environments: the new system's, default staging,production). On any failure, and on Ctrl-C,
nothing is left changed.`);
  process.exit(args.length === 0 ? 1 : 0);
}

/** A render that failed after the generator wrote its files (its message is the render's reason). */
class RenderFailed extends Error {}

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
let opts;
try {
  ({ values: opts } = parseArgs({
    args,
    options: { name: { type: 'string' }, system: { type: 'string' }, 'create-system': { type: 'boolean' }, createSystem: { type: 'boolean' }, environments: { type: 'string' } },
  }));
  for (const required of ['name', 'system']) if (typeof opts[required] !== 'string') throw new Error(`--${required} is required`);
} catch (e) {
  console.error(`new-service failed: ${e.message} (see --help); nothing was changed`);
  process.exit(1);
}
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

const { register } = await import('tsx/esm/api');
register();
const platform = (file) => import(pathToFileURL(join(root, 'libs/platform/src/render', file)).href);
const { withWorkspaceLock } = await platform('lock.ts');
const { allOrNothing, holdBeforeCommitForTests } = await platform('interrupt.ts');
const require = createRequire(import.meta.url);
// the generator as Nx runs it (nx/src/command-line/generate: FsTree, the generator, flushChanges),
// without building Nx's project graph first: a broken workspace gets the generator's own reason
const { FsTree, flushChanges } = require('nx/src/generators/tree');
const generate = require('./generators/service.cjs');

let failure;
try {
  await withWorkspaceLock(root, 'new-service', async () => {
    const before = snapshot();
    const restored = 'the service was removed again and nothing was changed';
    try {
      await allOrNothing({ command: 'new-service', restore: () => restore(before), restored }, async (onCommit) => {
        const tree = new FsTree(root, false);
        await generate(tree, { name: opts.name, system: opts.system, createSystem: Boolean(opts['create-system'] || opts.createSystem), environments: opts.environments });
        const changes = tree.listChanges();
        for (const c of changes) console.log(`${c.type} ${c.path}`);
        flushChanges(root, changes);
        // what npm run synth renders: every service (a new system's placement may change others, e.g. the add-ons), then argocd/
        const { synth } = await platform('synth.ts');
        let rendered;
        try {
          rendered = await synth({ root, holdBeforeCommit: holdBeforeCommitForTests(), onCommit });
        } catch (e) {
          throw new RenderFailed(e.message);
        }
        console.log(`new-service: ${rendered.leaves.length} dist/ folders rendered`);
        const { generateArgoCd } = await import(pathToFileURL(join(root, 'apps/argocd/src/main.ts')).href);
        console.log(await generateArgoCd(root));
      });
    } catch (e) {
      const left = [...snapshot()].filter(([f, c]) => !before.get(f)?.equals(c)).map(([f]) => f);
      if (left.length > 0) failure = `${e.message}; and these could not be put back: ${left.map((f) => relative(root, join(root, f))).join(', ')}`;
      else if (e instanceof RenderFailed) {
        console.error(e.message);
        failure = `the render failed (its reason is above); ${restored}`;
      } else failure = `${e.message}; nothing was changed`;
    }
  });
} catch (e) {
  failure = e.message;
}
if (failure) {
  console.error(`new-service failed: ${failure}`);
  process.exit(1);
}
