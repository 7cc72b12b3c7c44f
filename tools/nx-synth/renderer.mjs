// The bundled renderer behind `npm run synth` and the Nx `synth` executor: every service imported
// statically and bundled with esbuild into one CommonJS file (tmp/renderer/synth.cjs), with the
// Argo CD generator, so rendering the catalogue and generating argocd/ cost one process, no
// TypeScript loader and no per-module resolution.
//
// Rebuilt unless every source is the very file it was built from: same path, inode, size,
// modification and change time (nanoseconds). A file's change time (ctime) is set by the kernel on
// every write and cannot be set back, so a change copied in with an older modification time
// (cp -p, rsync -a, tar, git stash) still rebuilds; a stat per file instead of a hash of every
// source keeps the check to a few milliseconds.
//
//   node tools/nx-synth/renderer.mjs [synth options...]   builds if stale, then renders (npm run synth: --all --argocd)
//   node tools/nx-synth/renderer.mjs --build-only          builds if stale
import { readFileSync, mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';

/** This workspace (the executor passes the root Nx runs in: a fixture workspace links this folder). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// CommonJS packages stay outside the bundle (required as usual); the ESM-only model packages are bundled.
const EXTERNAL = ['cdk8s', 'cdk8s-plus-27', 'constructs', 're2-wasm', 'yaml', 'zod', 'commander', 'tinyglobby', 'typescript'];
/** What the bundle is built from: the libraries, the Argo CD generator, this file, the compiler options and the locked packages. */
const SOURCES = ['libs/**/*.ts', 'apps/argocd/src/**/*.ts', 'tools/nx-synth/renderer.mjs', 'tsconfig.base.json', 'package-lock.json'];

/** One line per source: path, inode, size, mtime and ctime in nanoseconds. */
async function sourceStamp(root) {
  const files = (await glob(SOURCES, { cwd: root, ignore: ['**/*.test.ts', '**/node_modules/**'] })).sort();
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
  const stampText = await sourceStamp(root);
  if (existsSync(bundle) && existsSync(stamp) && readFileSync(stamp, 'utf8') === stampText) return bundle;
  // The services, as the catalogue finds them (libs/platform/src/render/catalogue.ts), read only
  // when the bundle is rebuilt: TypeScript's parser costs more than the rest of a run.
  const { tsImport } = await import('tsx/esm/api');
  const { findServiceProjects } = await tsImport(join(root, 'libs/platform/src/render/catalogue.ts'), import.meta.url);
  const projects = findServiceProjects(root);
  // a workspace without the Argo CD generator (a test's fixture workspace) renders dist/ only
  const argocd = existsSync(join(root, 'apps/argocd/src/main.ts'));
  const entry = join(outDir, 'entry.ts');
  const rel = (to) => {
    const r = relative(outDir, join(root, to)).split('\\').join('/');
    return r.startsWith('.') ? r : `./${r}`;
  };
  const entryText = [
    `import { runSynthCli } from '${rel('libs/platform/src/cli/synth-program')}';`,
    `import { checkLoaded } from '${rel('libs/platform/src/render/catalogue')}';`,
    `import { withWorkspaceLock } from '${rel('libs/platform/src/render/lock')}';`,
    `import { synthProjects, type ProjectOutcome } from '${rel('libs/platform/src/render/synth')}';`,
    ...(argocd
      ? [`import { generateArgoCd } from '${rel('apps/argocd/src/main')}';`, `import { distLeavesOf } from '${rel('apps/argocd/src/tree')}';`]
      : ["const generateArgoCd = async (_root: string, _leaves?: unknown) => 'argocd/: not generated, this workspace has no apps/argocd';", 'const distLeavesOf = (leaves: unknown) => leaves;']),
    ...projects.map((p, i) => `import s${i} from '${rel(`${p.root}/src/index`)}';`),
    `const projects = ${JSON.stringify(projects)};`,
    `const loaded = [${projects.map((p, i) => `{ project: projects[${i}], service: checkLoaded(${JSON.stringify(`${p.root}/src/index.ts`)}, projects[${i}], s${i}) }`).join(', ')}];`,
    '/** `npm run synth` and the synth CLI (`--argocd`: argocd/ from the render just written, when dist/ holds exactly that). */',
    'export function main(argv: string[]) { return runSynthCli(argv, loaded, (root, rendered) => generateArgoCd(root, rendered && distLeavesOf(rendered))); }',
    '/** The Nx executor (tools/nx-synth/synth.cjs): these projects in one transaction, then argocd/ from dist/, under one hold of the workspace lock. */',
    'export function renderForNx(root: string, projectRoots: string[]): Promise<{ outcomes: ProjectOutcome[]; argocd?: string; argocdError?: string }> {',
    "  return withWorkspaceLock(root, 'synth', async () => {",
    '    const outcomes = projectRoots.length > 0 ? await synthProjects(root, projectRoots, { loaded }) : [];',
    '    if (outcomes.some((o) => o.error !== undefined)) return { outcomes };',
    '    try {',
    '      return { outcomes, argocd: await generateArgoCd(root) };',
    '    } catch (e) {',
    '      return { outcomes, argocdError: (e as Error).message };',
    '    }',
    '  });',
    '}',
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(entry, entryText);
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: EXTERNAL, tsconfig: join(root, 'tsconfig.base.json'), logLevel: 'error',
  });
  writeFileSync(stamp, stampText);
  return bundle;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildRenderer().catch((e) => {
    process.stderr.write(`synth failed; dist/ is unchanged.\n${e.message}\n`);
    process.exit(1);
  });
  const args = process.argv.slice(2);
  if (!args.includes('--build-only')) await createRequire(import.meta.url)(built).main(args);
}
