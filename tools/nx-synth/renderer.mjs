// The bundled renderer behind `npm run synth:all`: every service imported statically and bundled
// with esbuild into one CommonJS file (tmp/renderer/synth.cjs), so rendering the catalogue costs
// one process, no TypeScript loader and no per-module resolution. Rebuilt only when the sources'
// contents differ from those it was built from (a content hash: mtimes lie after cp -p, rsync -a,
// tar or git stash, which give a changed file an older time than the bundle).
//
//   node tools/nx-synth/renderer.mjs [synth options...]   builds if stale, then renders
//   node tools/nx-synth/renderer.mjs --build-only          builds if stale
import { createHash } from 'node:crypto';
import { readFileSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
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
  // A bundle is current when it was built from exactly these files with exactly these contents.
  const hash = createHash('sha256');
  for (const f of sources.sort()) hash.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  const stamp = join(outDir, 'sources.sha256');
  const stampText = hash.digest('hex');
  const upToDate = existsSync(bundle) && existsSync(stamp) && readFileSync(stamp, 'utf8') === stampText;
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
