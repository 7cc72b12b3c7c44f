// The bundled renderer behind `npm run synth` and the Nx `synth` executor: every service imported
// statically and bundled with esbuild into one CommonJS file (tmp/renderer/synth.cjs), with the
// Argo CD generator and the packages they use, so rendering the catalogue and generating argocd/
// cost one process, no TypeScript loader and no per-module resolution.
//
// The bundle is loaded with V8's code cache (tmp/renderer/synth.cjs.v8cache, written after a run
// that had none, so it holds the render's functions too): compiling the bundle (3 MB) took half of
// a cold start (issue 23 item 5). The cache is used only for the very bundle file it was made
// from (the same path, inode, size, modification and change time, and Node version), and V8
// itself refuses a cache of another V8 version or flags.
//
// Rebuilt unless every source is the very file it was built from: same path, inode, size,
// modification and change time (nanoseconds). A file's change time (ctime) is set by the kernel on
// every write and cannot be set back, so a change copied in with an older modification time
// (cp -p, rsync -a, tar, git stash) still rebuilds; a stat per file instead of a hash of every
// source keeps the check to a few milliseconds.
//
//   node tools/nx-synth/renderer.mjs [synth options...]   builds if stale, then renders (npm run synth: --all --argocd)
//   node tools/nx-synth/renderer.mjs --build-only          builds if stale
import { readFileSync, readdirSync, mkdirSync, renameSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import vm from 'node:vm';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This workspace (the executor passes the root Nx runs in: a fixture workspace links this folder). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// Bundled too: every package but re2-wasm, which loads its .wasm file from beside its own module
// (and is loaded on first use: lazy-re2.cjs), and typescript, which only the catalogue's source
// reader needs (when the bundle is rebuilt).
const EXTERNAL = ['re2-wasm', 'typescript'];
const LAZY_RE2 = join(dirname(fileURLToPath(import.meta.url)), 'lazy-re2.cjs');
/** `re2-wasm` is lazy-re2.cjs for every importer but lazy-re2.cjs itself. */
const lazyRe2 = {
  name: 'lazy-re2',
  setup(b) {
    b.onResolve({ filter: /^re2-wasm$/ }, (args) => (args.importer === LAZY_RE2 ? { external: true } : { path: LAZY_RE2 }));
  },
};
/**
 * fdir (tinyglobby's directory walker) requires picomatch when it is loaded, for a glob API of its
 * own that tinyglobby never calls (tinyglobby matches with the picomatch bundled for it): a file
 * loaded outside the bundle and its code cache, 12 ms of every run. Inside the bundle fdir's
 * `createRequire` gives a require that finds nothing, as when picomatch is not installed, which
 * fdir allows for (fdir 6.5 dist/index.mjs: `try { require.resolve("picomatch") ... } catch {}`).
 */
const noFdirPicomatch = {
  name: 'no-fdir-picomatch',
  setup(b) {
    b.onResolve({ filter: /^module$/ }, (args) => (/[\\/]fdir[\\/]/.test(args.importer) ? { path: 'fdir-module', namespace: 'no-fdir-picomatch' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'no-fdir-picomatch' }, () => ({
      contents: 'export function createRequire() { const none = (id) => { throw new Error(`${id}: not loaded in the bundle`); }; none.resolve = none; return none; }',
      loader: 'js',
    }));
  },
};
/** What the bundle is built from: the libraries, the Argo CD generator, this file, the compiler options and the locked packages. */
const SOURCE_DIRS = ['libs', 'apps/argocd/src'];
const SOURCE_FILES = ['tools/nx-synth/renderer.mjs', 'tools/nx-synth/lazy-re2.cjs', 'tsconfig.base.json', 'package-lock.json'];

/**
 * Every TypeScript file under SOURCE_DIRS but tests and node_modules, and SOURCE_FILES. A walk
 * with one readdir per folder: a glob package took 30 ms of every run to load and match, Node's
 * recursive readdir 8 ms (on its first call), this 1.5 ms.
 */
function sourceFiles(root) {
  const code = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) code.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(dir);
  return [...code, ...SOURCE_FILES.filter((f) => existsSync(join(root, f)))].sort();
}

/** One line per source: path, inode, size, mtime and ctime in nanoseconds. */
function sourceStamp(root) {
  const files = sourceFiles(root);
  return files.map((f) => {
    const s = statSync(join(root, f), { bigint: true });
    return `${f}\t${s.ino}\t${s.size}\t${s.mtimeNs}\t${s.ctimeNs}`;
  }).join('\n');
}

/** Builds the bundle of the workspace at `root` (tmp/renderer/synth.cjs) unless it is current; returns its path. */
export async function buildRenderer(root = ROOT) {
  const outDir = join(root, 'tmp/renderer');
  const bundle = join(outDir, 'synth.cjs');
  const stamp = join(outDir, 'sources.stat');
  const stampText = sourceStamp(root);
  if (existsSync(bundle) && existsSync(stamp) && readFileSync(stamp, 'utf8') === stampText) return bundle;
  // The services, as the catalogue finds them (libs/platform/src/render/catalogue.ts), read only
  // when the bundle is rebuilt, and through the Nx plugin's copy of what it found (plugin.ts
  // `services`: tmp/nx-synth/catalogue.json, keyed by the files it reads), which an Nx run has just
  // brought up to date: TypeScript's parser costs more than the rest of a run (1.2 s at 1,000 services).
  const { services } = createRequire(import.meta.url)('./plugin.cjs');
  const projects = services(root);
  // a workspace without the Argo CD generator (a test's fixture workspace) renders dist/ only
  const argocd = existsSync(join(root, 'apps/argocd/src/main.ts'));
  const entry = join(outDir, 'entry.ts');
  const rel = (to) => {
    const r = relative(outDir, join(root, to)).split('\\').join('/');
    return r.startsWith('.') ? r : `./${r}`;
  };
  mkdirSync(outDir, { recursive: true });
  const { build } = await import('esbuild');
  const bundleOptions = {
    bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: EXTERNAL, plugins: [lazyRe2, noFdirPicomatch],
    // Without comments the bundle is ASCII (esbuild escapes other characters in strings), which
    // Node reads into a one-byte string: a comment's dash or arrow made all 4.3 MB two-byte, 15 ms
    // more to read and slower to compile (9% of a run, side by side). Names are kept for stack traces.
    minifyWhitespace: true,
    // module names in the bundle relative to the workspace, wherever the build is started from
    absWorkingDir: root, tsconfig: join(root, 'tsconfig.base.json'), logLevel: 'error',
    // ES modules bundled into CommonJS (tinyglobby's fdir) ask for their own URL
    define: { 'import.meta.url': '__bundleUrl' }, banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  // The memo of dist/ (apps/argocd/src/dist-memo.ts) is named by the code that decides what a file
  // of dist/ holds: how the renderer writes an object and how readDist reads one back, bundled on
  // their own (in the same esbuild run) and hashed into dist-code.sha256 beside the bundle. The
  // services are not part of it, so a change to one keeps the memo.
  const codeEntry = join(outDir, 'dist-code.ts');
  if (argocd) {
    writeFileSync(codeEntry, [
      `export { renderServices } from '${rel('libs/platform/src/render/render')}';`,
      `export { writeLeaves } from '${rel('libs/platform/src/render/writer')}';`,
      `export { readDist, distLeavesOf } from '${rel('apps/argocd/src/tree')}';`,
      '',
    ].join('\n'));
  }
  const entryText = [
    `import { runSynthCli } from '${rel('libs/platform/src/cli/synth-program')}';`,
    `import { checkLoaded } from '${rel('libs/platform/src/render/catalogue')}';`,
    `import { withWorkspaceLock } from '${rel('libs/platform/src/render/lock')}';`,
    `import { synthProjects, type ProjectOutcome } from '${rel('libs/platform/src/render/synth')}';`,
    ...(argocd
      ? [
          `import { generateArgoCd } from '${rel('apps/argocd/src/main')}';`,
          `import { distLeavesOf } from '${rel('apps/argocd/src/tree')}';`,
          `import { DIST_MEMO_FILE, DistMemo } from '${rel('apps/argocd/src/dist-memo')}';`,
          "import { join } from 'node:path';",
          "import { readFileSync } from 'node:fs';",
          '/** What earlier runs of the same writing and reading code found in dist/ (apps/argocd/src/dist-memo.ts; that code was hashed when this bundle was built). */',
          'const openMemo = (root: string) => {',
          "  const code = readFileSync(join(__dirname, 'dist-code.sha256'), 'utf8');",
          '  return DistMemo.open(join(root, DIST_MEMO_FILE), `sha256:${code}`);',
          '};',
        ]
      : [
          "const generateArgoCd = async (_root: string, _leaves?: unknown, _memo?: unknown) => 'argocd/: not generated, this workspace has no apps/argocd';",
          'const distLeavesOf = (leaves: unknown, _memo?: unknown) => leaves;',
          'const openMemo = (_root: string) => undefined;',
        ]),
    ...projects.map((p, i) => `import s${i} from '${rel(`${p.root}/src/index`)}';`),
    `const projects = ${JSON.stringify(projects)};`,
    `const loaded = [${projects.map((p, i) => `{ project: projects[${i}], service: checkLoaded(${JSON.stringify(`${p.root}/src/index.ts`)}, projects[${i}], s${i}) }`).join(', ')}];`,
    '/** `npm run synth` and the synth CLI (`--argocd`: argocd/ from the render just written, when dist/ holds exactly that). */',
    'export function main(argv: string[]) {',
    '  return runSynthCli(argv, loaded, (root, rendered) => {',
    '    const memo = openMemo(root);',
    '    return generateArgoCd(root, rendered && distLeavesOf(rendered, memo), memo);',
    '  });',
    '}',
    '/** The Nx executor (tools/nx-synth/synth.cjs): these projects in one transaction, then argocd/ from dist/, under one hold of the workspace lock. */',
    'export function renderForNx(root: string, projectRoots: string[]): Promise<{ outcomes: ProjectOutcome[]; argocd?: string; argocdError?: string }> {',
    "  return withWorkspaceLock(root, 'synth', async () => {",
    '    const outcomes = projectRoots.length > 0 ? await synthProjects(root, projectRoots, { loaded }) : [];',
    '    if (outcomes.some((o) => o.error !== undefined)) return { outcomes };',
    '    try {',
    '      return { outcomes, argocd: await generateArgoCd(root, undefined, openMemo(root)) };',
    '    } catch (e) {',
    '      return { outcomes, argocdError: (e as Error).message };',
    '    }',
    '  });',
    '}',
    '',
  ].join('\n');
  writeFileSync(entry, entryText);
  const { outputFiles } = await build({
    ...bundleOptions, entryPoints: { synth: entry, ...(argocd ? { 'dist-code': codeEntry } : {}) }, outdir: outDir, outExtension: { '.js': '.cjs' }, write: false,
  });
  const output = (name) => outputFiles.find((f) => f.path === join(outDir, name)).contents;
  if (argocd) writeFileSync(join(outDir, 'dist-code.sha256'), createHash('sha256').update(output('dist-code.cjs')).digest('hex'));
  writeFileSync(bundle, output('synth.cjs'));
  writeFileSync(stamp, stampText);
  return bundle;
}

/** The bundle file's identity, as the sources' stamp has it, and the Node version that compiled the cache. */
function bundleKey(bundle) {
  const s = statSync(bundle, { bigint: true });
  return `${process.version}\t${s.ino}\t${s.size}\t${s.mtimeNs}\t${s.ctimeNs}\n`;
}

/**
 * Loads the bundle as `require` would, with V8's code cache when there is one for this very file.
 * Returns its exports, whether a cache was used (`cached`), and `saveCache`, to call after a run:
 * it writes the cache (to a temporary file, then renamed, so a reader never sees half of one) when
 * there was none or V8 refused it.
 */
export function loadRenderer(bundle) {
  const cacheFile = `${bundle}.v8cache`;
  const key = bundleKey(bundle);
  let cachedData;
  try {
    const bytes = readFileSync(cacheFile);
    const end = bytes.indexOf(10) + 1;
    if (end > 0 && bytes.subarray(0, end).toString() === key) cachedData = bytes.subarray(end);
  } catch {
    // no cache, or one that cannot be read: the bundle is compiled as usual
  }
  const source = readFileSync(bundle, 'utf8');
  // a bundle rewritten while it was read has a new stamp: neither used nor cached
  const unchanged = bundleKey(bundle) === key;
  const script = new vm.Script(Module.wrap(source), {
    filename: bundle,
    cachedData: unchanged ? cachedData : undefined,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = new Module(bundle);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(dirname(bundle));
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  mod.loaded = true;
  const saveCache = () => {
    if (!unchanged || (cachedData && !script.cachedDataRejected) || bundleKey(bundle) !== key) return;
    const temporary = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(temporary, Buffer.concat([Buffer.from(key), script.createCachedData()]));
      renameSync(temporary, cacheFile);
    } catch (e) {
      // only a speed-up: a render that succeeded does not fail for it
      rmSync(temporary, { force: true });
      process.stderr.write(`note: the renderer's code cache was not saved (${e.message}); the next run compiles the bundle again\n`);
    }
  };
  return { renderer: mod.exports, cached: unchanged && cachedData !== undefined && !script.cachedDataRejected, saveCache };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildRenderer().catch((e) => {
    process.stderr.write(`synth failed; dist/ is unchanged.\n${e.message}\n`);
    process.exit(1);
  });
  const args = process.argv.slice(2);
  if (!args.includes('--build-only')) {
    const { renderer, saveCache } = loadRenderer(built);
    await renderer.main(args);
    saveCache();
  }
}
