// The bundled renderer behind `npm run synth:all`: every service imported statically and bundled
// with esbuild into one CommonJS file (tmp/renderer/synth.cjs), so rendering the catalogue costs
// one process, no TypeScript loader and no per-module resolution. Rebuilt only when a source
// file is newer than the bundle.
//
//   node tools/nx-synth/renderer.mjs [synth options...]   builds if stale, then renders
//   node tools/nx-synth/renderer.mjs --build-only          builds if stale
import { readFileSync, statSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'tmp/renderer');
const bundle = join(outDir, 'synth.cjs');
// CommonJS packages stay outside the bundle (required as usual); the ESM-only model packages are bundled.
const EXTERNAL = ['cdk8s', 'cdk8s-plus-27', 'constructs', 're2-wasm', 'yaml', 'zod', 'commander', 'tinyglobby', 'typescript'];

export async function buildRenderer() {
  const sources = await glob(['libs/**/*.ts', 'tools/nx-synth/renderer.mjs', 'tsconfig.base.json', 'package-lock.json'], {
    cwd: root, ignore: ['**/*.test.ts', '**/node_modules/**'],
  });
  const newest = Math.max(...sources.map((f) => statSync(join(root, f)).mtimeMs));
  // A bundle is current when it is newer than every source and the set of source files is the
  // same (a deleted service changes no mtime).
  const stamp = join(outDir, 'sources.json');
  const stampText = JSON.stringify(sources.sort());
  const upToDate = existsSync(bundle) && existsSync(stamp) && readFileSync(stamp, 'utf8') === stampText && statSync(bundle).mtimeMs > newest;
  if (upToDate) return bundle;
  // The services, as the catalogue finds them (libs/platform/src/render/catalogue.ts), read only
  // when the bundle is rebuilt: TypeScript's parser costs more than the rest of a run.
  const { tsImport } = await import('tsx/esm/api');
  const { findServiceProjects } = await tsImport(join(root, 'libs/platform/src/render/catalogue.ts'), import.meta.url);
  const projects = findServiceProjects(root);
  const entry = join(outDir, 'entry.ts');
  const entryText = [
    `import { runSynthCli } from '${rel(entry, 'libs/platform/src/cli/synth-program')}';`,
    `import { checkLoaded } from '${rel(entry, 'libs/platform/src/render/catalogue')}';`,
    ...projects.map((p, i) => `import s${i} from '${rel(entry, `${p.root}/src/index`)}';`),
    `const projects = ${JSON.stringify(projects)};`,
    `const loaded = [${projects.map((p, i) => `{ project: projects[${i}], service: checkLoaded(${JSON.stringify(`${p.root}/src/index.ts`)}, projects[${i}], s${i}) }`).join(', ')}];`,
    'export function main(argv: string[]) { return runSynthCli(argv, loaded); }',
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(entry, entryText);
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: EXTERNAL, tsconfig: join(root, 'tsconfig.base.json'), logLevel: 'warning',
  });
  writeFileSync(stamp, stampText);
  return bundle;
}

function rel(from, to) {
  const r = relative(dirname(from), join(root, to)).split('\\').join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildRenderer().catch((e) => {
    process.stderr.write(`synth failed; dist/ is unchanged.\n${e.message}\n`);
    process.exit(1);
  });
  const args = process.argv.slice(2);
  if (!args.includes('--build-only')) await createRequire(import.meta.url)(built).main(args);
}
