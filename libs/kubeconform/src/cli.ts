#!/usr/bin/env node
/** kubeconform-compatible command line: `tsx libs/kubeconform/src/cli.ts [OPTION]... [FILE OR FOLDER]...` */
import { parseArgs, usage, UsageError, type CliOptions } from './args.js';
import { formatReport, hasFailures } from './output.js';
import { StartupError } from './registry.js';
import { Validator, type ValidationReport } from './validate.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
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

  const started = Date.now();
  let validator: Validator;
  try {
    validator = new Validator({
      strict: options.strict,
      ignoreMissingSchemas: options.ignoreMissingSchemas,
      skip: options.skip,
      reject: options.reject,
      kubernetesVersion: options.kubernetesVersion,
      schemaLocations: options.schemaLocations,
      cacheDir: options.cache,
      ignoreFilenamePatterns: options.ignoreFilenamePatterns,
    });
  } catch (err) {
    if (err instanceof StartupError) return { exitCode: 1, stdout: '', stderr: `${err.message}\n` };
    throw err;
  }

  let report: ValidationReport;
  const useStdin = options.files.length === 0 || options.files.includes('-');
  if (useStdin) {
    if ((stdin as NodeJS.ReadStream).isTTY) return { exitCode: 1, stdout: '', stderr: 'failing to read data from stdin\n' };
    const text = await readStdin(stdin);
    const fromFiles = validator.validateFiles(options.files.filter((f) => f !== '-'));
    report = {
      results: [...fromFiles.results, ...validator.validateDocuments(text, 'stdin')],
      files: fromFiles.files + 1,
      stdin: fromFiles.files === 0,
    };
  } else {
    report = validator.validateFiles(options.files);
  }

  const text = formatReport(report, options.output, options, (Date.now() - started) / 1000);
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
