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
import { parse as parseJsonc, printParseErrorCode } from 'jsonc-parser';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, 'tmp/renderer');
const bundle = join(outDir, 'synth.cjs');
// CommonJS packages stay outside the bundle (required as usual); the ESM-only model packages are bundled.
const EXTERNAL = ['cdk8s', 'cdk8s-plus-27', 'constructs', 're2-wasm', 'yaml', 'zod', 'commander', 'tinyglobby', 'jsonc-parser'];

export async function buildRenderer() {
  const sources = await glob(['libs/**/*.ts', 'libs/**/project.json', 'tools/nx-synth/renderer.mjs', 'tsconfig.base.json', 'package-lock.json'], {
    cwd: root, ignore: ['**/*.test.ts', '**/node_modules/**'],
  });
  const newest = Math.max(...sources.map((f) => statSync(join(root, f)).mtimeMs));
  const projects = (await glob(['libs/**/project.json'], { cwd: root })).sort()
    .map((f) => ({ file: f, json: readProjectJson(f) }))
    .filter((p) => p.json.targets?.synth)
    .map((p) => ({ name: p.json.name, root: dirname(p.file) }));
  const entry = join(outDir, 'entry.ts');
  const entryText = [
    `import { runSynthCli } from '${rel(entry, 'libs/platform/src/cli/synth-program')}';`,
    ...projects.map((p, i) => `import s${i} from '${rel(entry, `${p.root}/src/index`)}';`),
    `const loaded = [${projects.map((p, i) => `{ project: ${JSON.stringify(p)}, service: s${i} }`).join(', ')}];`,
    'export function main(argv: string[]) { return runSynthCli(argv, loaded); }',
    '',
  ].join('\n');
  const upToDate = existsSync(bundle) && existsSync(entry) && readFileSync(entry, 'utf8') === entryText && statSync(bundle).mtimeMs > newest;
  if (upToDate) return bundle;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(entry, entryText);
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: EXTERNAL, tsconfig: join(root, 'tsconfig.base.json'), logLevel: 'warning',
  });
  return bundle;
}

/** project.json as Nx reads it (jsonc-parser: comments, trailing commas); a broken one is named with line:col. */
function readProjectJson(file) {
  const text = readFileSync(join(root, file), 'utf8');
  const errors = [];
  const json = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length === 0) return json;
  const before = text.slice(0, errors[0].offset).split('\n');
  throw new Error(`${file}:${before.length}:${before.at(-1).length + 1}: not valid JSON: ${printParseErrorCode(errors[0].error)}`);
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
