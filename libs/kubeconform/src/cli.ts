#!/usr/bin/env node
/** kubeconform-compatible command line: `tsx libs/kubeconform/src/cli.ts [OPTION]... [FILE OR FOLDER]...` */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseArgs, usage, UsageError, type CliOptions } from './args.js';
import { decodeInput } from './goyaml.js';
import { formatReport, hasFailures, OUTPUT_FORMATS, type OutputFormat } from './output.js';
import { PRECOMPILED_ROOT, StartupError } from './registry.js';
import { Validator, type ResourceResult, type ValidateOptions, type ValidationReport } from './validate.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** What `-v` prints (kubeconform prints its build version). */
export const VERSION = 'v0.7.0-gitops (offline, bundled schemas)';

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return decodeInput(Buffer.concat(chunks));
}

/**
 * The worker's code as one plain-JavaScript file (esbuild, npm packages left external), built once
 * into the cache next to the precompiled validators and keyed by the sources' hash: a worker then
 * starts without a TypeScript loader. Without esbuild, the tsx entry (worker.mjs) is used.
 */
async function workerEntry(): Promise<URL> {
  const srcDir = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  for (const f of readdirSync(srcDir).sort()) if (/\.(ts|cjs|mjs)$/.test(f)) hash.update(f).update(readFileSync(path.join(srcDir, f)));
  // the one module of the bundle outside src/ (goyaml.ts imports the platform's go-yaml resolution table),
  // and where src/ is: the bundle names it (import.meta.url below), and another checkout shares node_modules
  hash.update(readFileSync(path.join(srcDir, '../../platform/src/values/goyaml-resolve.ts'))).update(srcDir);
  const out = path.join(PRECOMPILED_ROOT, `worker-${hash.digest('hex').slice(0, 16)}.mjs`);
  if (!existsSync(out)) {
    try {
      const esbuild = await import('esbuild');
      mkdirSync(PRECOMPILED_ROOT, { recursive: true });
      const tmp = `${out}.${process.pid}.tmp`;
      esbuild.buildSync({
        entryPoints: [path.join(srcDir, 'worker.ts')],
        bundle: true,
        format: 'esm',
        platform: 'node',
        packages: 'external',
        outfile: tmp,
        logLevel: 'silent',
        // every module of the bundle that derives a path from import.meta.url lives in src/, so those paths stay right
        define: { 'import.meta.url': JSON.stringify(new URL('./worker.ts', import.meta.url).href) },
      });
      renameSync(tmp, out);
    } catch {
      return new URL('./worker.mjs', import.meta.url);
    }
  }
  return new URL(`file://${out}`);
}

/**
 * Validates files on `n` threads that really run in parallel: this one and n-1 workers (each with
 * its own validator, loading the precompiled validators), taking batches as they finish; results
 * are put back in file order, so the output does not depend on n.
 */
async function validateInWorkers(files: string[], options: ValidateOptions, validator: Validator, n: number): Promise<ResourceResult[][]> {
  const out: ResourceResult[][] = new Array(files.length);
  const batch = Math.max(1, Math.min(32, Math.ceil(files.length / (n * 16))));
  let next = 0;
  const take = (): [number, number] | undefined => {
    if (next >= files.length) return undefined;
    const range: [number, number] = [next, Math.min(files.length, next + batch)];
    next = range[1];
    return range;
  };
  const entry = await workerEntry();
  const workers = Array.from({ length: n - 1 }, () => new Worker(entry, { workerData: options }));
  try {
    const done = workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          // a few batches in flight, so a worker never waits for this thread to finish its own batch
          let inFlight = 0;
          const send = () => {
            const range = take();
            if (!range) return inFlight === 0 && resolve();
            inFlight++;
            w.postMessage({ id: range[0], files: files.slice(range[0], range[1]) });
          };
          w.on('message', (m: { id: number; results: ResourceResult[][] }) => {
            inFlight--;
            m.results.forEach((r, i) => (out[m.id + i] = r));
            send();
          });
          w.on('error', reject);
          for (let i = 0; i < 3; i++) send();
        }),
    );
    // this thread works too, yielding between batches so the workers' answers are handled
    for (let range = take(); range; range = take()) {
      for (let i = range[0]; i < range[1]; i++) out[i] = validator.validateFile(files[i]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(done);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}

/** Runs the CLI without touching the process (for tests and embedding). */
export async function runCli(argv: string[], stdin: NodeJS.ReadStream | NodeJS.ReadableStream = process.stdin): Promise<CliResult> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return { exitCode: 1, stdout: '', stderr: `${err.message}\n${usage()}\n` };
    throw err;
  }
  if (options.help) return { exitCode: 0, stdout: `${usage()}\n`, stderr: '' };
  if (options.version) return { exitCode: 0, stdout: `${VERSION}\n`, stderr: '' };

  const started = Date.now();
  // main.go: stdin only when there is no file, or `-` alone; otherwise `-` is a file name
  const useStdin = options.files.length === 0 || (options.files.length === 1 && options.files[0] === '-');
  if (useStdin && (stdin as NodeJS.ReadStream).isTTY) return { exitCode: 1, stdout: '', stderr: 'failing to read data from stdin\n' };
  // output.New: an unknown format stops the run, before any validation
  if (!OUTPUT_FORMATS.includes(options.output as OutputFormat)) {
    return { exitCode: 1, stdout: '', stderr: "'outputFormat' must be 'json', 'junit', 'pretty', 'tap' or 'text'\n" };
  }
  const validateOptions: ValidateOptions = {
    strict: options.strict,
    ignoreMissingSchemas: options.ignoreMissingSchemas,
    skip: options.skip,
    reject: options.reject,
    kubernetesVersion: options.kubernetesVersion,
    schemaLocations: options.schemaLocations,
    cacheDir: options.cache,
    ignoreFilenamePatterns: options.ignoreFilenamePatterns,
  };
  let validator: Validator;
  try {
    validator = new Validator(validateOptions);
  } catch (err) {
    if (err instanceof StartupError) return { exitCode: 1, stdout: '', stderr: `${err.message}\n` };
    throw err;
  }

  let results: ResourceResult[];
  if (useStdin) {
    results = validator.validateStream(await readStdin(stdin));
  } else {
    const found = [...validator.discover(options.files)];
    const files = found.flatMap((f) => ('file' in f ? [f.file] : []));
    // a worker starts in ~0.3 s, the time this thread validates ~1,500 resources: one per 1,000 files
    const threads = Math.max(1, Math.min(options.workers, cpus().length, Math.floor(files.length / 1000)));
    const perFile = threads > 1 ? await validateInWorkers(files, validateOptions, validator, threads) : undefined;
    results = [];
    let i = 0;
    for (const f of found) {
      if ('error' in f) results.push(f.error);
      else results.push(...(perFile ? perFile[i++] : validator.validateFile(f.file)));
      if (options.exitOnError && results.some((r) => r.status === 'error' || r.status === 'invalid')) break;
    }
  }
  if (options.exitOnError) {
    // main.go processResults: nothing is written after the first failure
    const first = results.findIndex((r) => r.status === 'error' || r.status === 'invalid');
    if (first >= 0) results = results.slice(0, first + 1);
  }
  const report: ValidationReport = { results, files: new Set(results.map((r) => r.filename)).size, stdin: useStdin };
  const text = formatReport(report, options.output as OutputFormat, options, (Date.now() - started) / 1000);
  return { exitCode: hasFailures(report) ? 1 : 0, stdout: text ? `${text}\n` : '', stderr: '' };
}

async function main(): Promise<void> {
  const result = await runCli(process.argv.slice(2));
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
