/**
 * Runs kubeconform's own acceptance cases (described in ../shared/conformance/kubeconform/
 * expected.json) against our CLI and reports agreement. Not part of `npm test`.
 *
 *   npm run conformance:kubeconform [-- --corpus DIR] [-- --verbose]
 *
 * Corpus: --corpus, else $KUBECONFORM_CORPUS, else <repo>/../shared/conformance/kubeconform.
 * Each case is run as a child process from the corpus folder (so `fixtures/...` paths resolve),
 * exactly with its argv, with the fixture piped on stdin where the case says so and a
 * pseudo-terminal as stdin where it relies on one. Its verdict is read from a second,
 * in-process run with `-output json -verbose -summary` added.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli.js';
import { BUNDLED_KUBERNETES_VERSION, isBundledVersion } from '../src/registry.js';

/** One case of kubeconform's acceptance corpus (expected.json). */
export interface CorpusCase {
  id: string;
  test: string;
  category: string;
  file: string | string[] | null;
  stdin: boolean;
  argv: string[];
  env?: Record<string, string>;
  expected_exit_code: number;
  expected: string | null;
  expected_basis: string;
  needs_remote_schema: boolean;
  fixture_present?: boolean;
  expected_output?: string;
  expected_lines?: string[];
  expected_first_line?: string;
  expected_second_line_startswith?: string;
  output_contains?: string;
  output_startswith?: string;
  output_line_count?: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const cliPath = path.resolve(here, '../src/cli.ts');

function corpusDir(): string {
  const i = process.argv.indexOf('--corpus');
  if (i >= 0 && process.argv[i + 1]) return path.resolve(process.argv[i + 1]);
  if (process.env.KUBECONFORM_CORPUS) return path.resolve(process.env.KUBECONFORM_CORPUS);
  return path.resolve(repoRoot, '../shared/conformance/kubeconform');
}

/** Why a case cannot be reproduced offline, or undefined when it can. */
function notApplicable(c: CorpusCase, corpus: string): string | undefined {
  if (c.fixture_present === false) return 'fixture not present in the corpus';
  if (['schema-location', 'cache', 'network'].includes(c.category) && c.needs_remote_schema) {
    return 'tests downloading schemas (https location, proxy or network failure)';
  }
  const files = c.file === null ? [] : Array.isArray(c.file) ? c.file : [c.file];
  if (c.id !== 'non-existent-file' && files.some((f) => !existsSync(path.join(corpus, f)))) return 'fixture missing';
  return undefined;
}

/** Flags are mapped to ours: a pinned Kubernetes release we do not bundle runs on the bundled one. */
function mapArgv(argv: string[]): { argv: string[]; notes: string[] } {
  const out = [...argv];
  const notes: string[] = [];
  for (let i = 0; i < out.length - 1; i++) {
    if (out[i].replace(/^--?/, '') === 'kubernetes-version' && /^\d+\.\d+\.\d+$/.test(out[i + 1]) && !isBundledVersion(out[i + 1])) {
      notes.push(`-kubernetes-version ${out[i + 1]} run as ${BUNDLED_KUBERNETES_VERSION} (bundled schemas)`);
      out[i + 1] = BUNDLED_KUBERNETES_VERSION;
    }
  }
  return { argv: out, notes };
}

interface Run {
  code: number;
  output: string;
}

function runProcess(c: CorpusCase, argv: string[], corpus: string): Promise<Run> {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  // Cases that read "no file and stdin is a terminal" need a real terminal: `script` gives one.
  const needsTty = !c.stdin && c.file === null && c.category === 'stdin';
  const [cmd, args] = needsTty
    ? ['script', ['-qec', [tsx, cliPath, ...argv].map(quote).join(' '), '/dev/null']]
    : [tsx, [cliPath, ...argv]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args as string[], {
      cwd: corpus,
      env: { ...process.env, ...c.env },
      stdio: [c.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    if (c.stdin && child.stdin) createReadStream(path.join(corpus, c.file as string)).pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output: output.replace(/\r\n/g, '\n').trim() }));
  });
}

const RANK = ['empty', 'skipped', 'valid', 'invalid', 'error'];

/** The file's verdict: the worst resource status, `empty` when nothing was counted. */
async function verdict(c: CorpusCase, argv: string[], corpus: string): Promise<string> {
  const previous = process.cwd();
  process.chdir(corpus);
  try {
    let stdin: NodeJS.ReadableStream | NodeJS.ReadStream = process.stdin;
    if (c.stdin) stdin = createReadStream(c.file as string);
    else if (c.category === 'stdin' && c.file === null) stdin = Object.assign(createReadStream('/dev/null'), { isTTY: true });
    // the case's own -output is replaced by ours
    const withoutOutput = argv.filter((a, i) => !/^--?output(=|$)/.test(a) && !/^--?output$/.test(argv[i - 1] ?? ''));
    const result = await runCli(['-output', 'json', '-verbose', '-summary', ...withoutOutput], stdin);
    if (!result.stdout) return result.exitCode === 0 ? 'empty' : 'error';
    const json = JSON.parse(result.stdout) as { resources: Array<{ status: string }> };
    const statuses = json.resources.map((r) => r.status.replace(/^status/, '').toLowerCase());
    return statuses.reduce((worst, s) => (RANK.indexOf(s) > RANK.indexOf(worst) ? s : worst), 'empty');
  } finally {
    process.chdir(previous);
  }
}

const normalise = (s: string) => s.replace(/bin\/kubeconform/g, 'kubeconform');

/** Go-library wording of schema errors need only match in substance: same resource, same field. */
function lineMatches(expected: string, got: string): boolean {
  if (normalise(expected) === got) return true;
  const m = /^(.* is invalid): problem validating schema\..* at '([^']*)'/.exec(expected);
  if (!m) return false;
  const field = m[2].split('/').slice(1).map((s) => (/^\d+$/.test(s) ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
  return got.startsWith(`${m[1]}: problem validating schema.`) && got.includes(`at '${field}'`);
}

function compare(c: CorpusCase, run: Run, gotVerdict: string): string[] {
  const problems: string[] = [];
  const lines = run.output === '' ? [] : run.output.split('\n');
  if (run.code !== c.expected_exit_code) problems.push(`exit code: expected ${c.expected_exit_code}, got ${run.code}`);
  if (c.expected !== null && gotVerdict !== c.expected) problems.push(`verdict: expected ${c.expected}, got ${gotVerdict}`);
  if (c.expected_output !== undefined) {
    const want = c.expected_output.trim().split('\n');
    if (want.length !== lines.length || !want.every((l, i) => lineMatches(l, lines[i]))) {
      problems.push(`output: expected ${JSON.stringify(c.expected_output)}, got ${JSON.stringify(run.output)}`);
    }
  }
  if (c.expected_lines) {
    let at = 0;
    for (const want of c.expected_lines) {
      while (at < lines.length && !lineMatches(want, lines[at])) at++;
      if (at === lines.length) {
        problems.push(`line not found (in order): ${JSON.stringify(want)}; output: ${JSON.stringify(run.output)}`);
        break;
      }
      at++;
    }
  }
  if (c.expected_first_line !== undefined && normalise(c.expected_first_line) !== lines[0]) {
    problems.push(`first line: expected ${JSON.stringify(normalise(c.expected_first_line))}, got ${JSON.stringify(lines[0])}`);
  }
  if (c.expected_second_line_startswith !== undefined && !(lines[1] ?? '').startsWith(c.expected_second_line_startswith)) {
    problems.push(`second line: expected to start with ${JSON.stringify(c.expected_second_line_startswith)}, got ${JSON.stringify(lines[1])}`);
  }
  if (c.output_contains !== undefined && !run.output.includes(c.output_contains)) {
    problems.push(`output should contain ${JSON.stringify(c.output_contains)}, got ${JSON.stringify(run.output)}`);
  }
  if (c.output_startswith !== undefined && !run.output.startsWith(c.output_startswith)) {
    problems.push(`output should start with ${JSON.stringify(c.output_startswith)}, got ${JSON.stringify(run.output)}`);
  }
  if (c.output_line_count !== undefined && lines.length !== c.output_line_count) {
    problems.push(`output line count: expected ${c.output_line_count}, got ${lines.length}`);
  }
  return problems;
}

async function main(): Promise<void> {
  const corpus = corpusDir();
  const expectedFile = path.join(corpus, 'expected.json');
  if (!existsSync(expectedFile)) {
    console.error(`conformance corpus not found: ${expectedFile} (use --corpus DIR or KUBECONFORM_CORPUS)`);
    process.exit(2);
  }
  const cases = (JSON.parse(readFileSync(expectedFile, 'utf8')) as { cases: CorpusCase[] }).cases;
  const verbose = process.argv.includes('--verbose');
  const applicable: CorpusCase[] = [];
  const skipped: Array<[CorpusCase, string]> = [];
  for (const c of cases) {
    const why = notApplicable(c, corpus);
    if (why) skipped.push([c, why]);
    else applicable.push(c);
  }

  // two child processes at a time: the machines have two cores
  const results = new Map<string, { problems: string[]; notes: string[] }>();
  let next = 0;
  const worker = async () => {
    while (next < applicable.length) {
      const c = applicable[next++];
      const { argv, notes } = mapArgv(c.argv);
      const run = await runProcess(c, argv, corpus);
      const v = c.expected === null ? '' : await verdict(c, argv, corpus);
      results.set(c.id, { problems: compare(c, run, v), notes });
      if (verbose) console.error(`[${c.id}] exit ${run.code}\n${run.output}\n`);
    }
  };
  await Promise.all([worker(), worker()]);

  let agree = 0;
  for (const c of applicable) {
    const r = results.get(c.id)!;
    const note = r.notes.length ? ` [${r.notes.join('; ')}]` : '';
    if (r.problems.length === 0) {
      agree++;
      console.log(`PASS ${c.id}${note}`);
    } else {
      console.log(`FAIL ${c.id} — ${c.test}${note}`);
      for (const p of r.problems) console.log(`     ${p}`);
    }
  }
  for (const [c, why] of skipped) console.log(`N/A  ${c.id}: ${why}`);
  console.log(`Agreement: ${agree} of ${applicable.length} cases (${skipped.length} not applicable offline)`);
  process.exitCode = agree === applicable.length ? 0 : 1;
}

await main();
