/**
 * Speed of `npm run kubeconform` (issue 14), side by side in one run, medians of a few runs:
 *
 * - validation rate on a folder of at least 10,000 resources (copies of the rendered dist/), with
 *   -n 1 and -n 2, interleaved so both see the same machine; "per core" is the rate divided by the
 *   threads used (min(n, cores)), and "per CPU second" divides by the user+system CPU time the run
 *   actually got (the machines are shared: wall time includes other people's work);
 * - start-up: one small file, a fresh process, as a CI step runs it;
 * - the real kubeconform v0.7.0 (built from its Go module by `npm run k8s:build`) beside ours on the
 *   same folder with the same schemas (ours exported into its file layout, given as a local
 *   -schema-location) and the same -n, with the ratio; both must print the same summary.
 *
 * The precompiled validators are generated before measuring (a first run), as they are once per
 * schema change; nothing here is part of `npm test`.
 *
 *   npx tsx bench/kubeconform.ts [--runs 5]      (also called at the end of `npm run bench`)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { exportSchemas } from '@gitops/kubeconform';
import { resolveComponents } from '../libs/cluster-test/src/build';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const CLI = ['--import', 'tsx', join(ROOT, 'libs/kubeconform/src/cli.ts')];
const TARGET_PER_CORE = 1900;
const TARGET_ONE_FILE_MS = 1000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Sample {
  wallMs: number;
  /** user + system CPU seconds of the process and its threads, when /usr/bin/time is there */
  cpuS?: number;
  out: string;
}

const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command in a fresh process; wall time, and CPU time through /usr/bin/time (GNU) when present. */
function runTimed(command: string[], args: string[]): Sample {
  const started = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', '%U %S', ...command, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(command[0], [...command.slice(1), ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`${command.at(-1)} ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  const cpu = TIME ? /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr) : null;
  return { wallMs, cpuS: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined, out: r.stdout };
}

const runCli = (args: string[]) => runTimed([process.execPath, ...CLI], args);

/** The real kubeconform's binary when `npm run k8s:build` built it, else why not. */
function realKubeconform(): { binary: string; version: string } | { missing: string } {
  try {
    const [kc] = resolveComponents(ROOT, ['kubeconform']);
    return existsSync(kc.binary) ? { binary: kc.binary, version: kc.version } : { missing: `not built (${kc.binary}); run npm run k8s:build` };
  } catch (e) {
    return { missing: (e as Error).message };
  }
}

function manifests(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...manifests(p));
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out;
}

export function runKubeconformBench(options: { runs?: number } = {}): void {
  const runs = options.runs ?? 5;
  console.log(`\nkubeconform (issue 14): ${runs} runs per figure, medians; ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`);
  const scratch = mkdtempSync(join(tmpdir(), 'bench-kubeconform-'));
  try {
    // a folder of at least 10,000 resources: copies of the rendered catalogue
    const dist = join(ROOT, 'dist');
    const perCopy = manifests(dist).reduce((n, f) => n + (readFileSync(f, 'utf8').match(/^kind:/gm)?.length ?? 0), 0);
    const copies = Math.ceil(10_000 / perCopy);
    const folder = join(scratch, 'resources');
    for (let i = 0; i < copies; i++) cpSync(dist, join(folder, `copy-${i}`), { recursive: true });
    const one = manifests(dist).filter((f) => f.includes('Deployment'))[0] ?? manifests(dist)[0];

    const warm = runCli(['-summary', folder]); // generates the precompiled validators if absent
    const resources = Number(/Summary: (\d+) resources? found/.exec(warm.out)?.[1]);
    console.log(`  folder: ${resources} resources in ${manifests(folder).length} files; one file: ${one.replace(`${ROOT}/`, '')} (${statSync(one).size} bytes)`);

    // the real kubeconform with exactly our schemas, so both do the same work
    const real = realKubeconform();
    let runReal: ((args: string[]) => Sample) | undefined;
    if ('binary' in real) {
      const { template } = exportSchemas(join(scratch, 'schemas'));
      runReal = (args) => runTimed([real.binary], ['-schema-location', template, ...args]);
      const theirs = runReal(['-summary', folder]).out.trim();
      if (theirs !== warm.out.trim()) throw new Error(`the real kubeconform ${real.version} and ours disagree on the folder:\n  real: ${theirs}\n  ours: ${warm.out.trim()}`);
    } else {
      console.log(`  the real kubeconform: not compared, ${real.missing}`);
    }

    const n1: Sample[] = [];
    const n2: Sample[] = [];
    const single: Sample[] = [];
    const real1: Sample[] = [];
    const real2: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      // interleaved, so every figure sees the same machine
      n1.push(runCli(['-n', '1', '-summary', folder]));
      n2.push(runCli(['-n', '2', '-summary', folder]));
      single.push(runCli(['-summary', one]));
      if (runReal) {
        real1.push(runReal(['-n', '1', '-summary', folder]));
        real2.push(runReal(['-n', '2', '-summary', folder]));
      }
    }
    const threads2 = Math.min(2, cpus().length);
    const rate = (s: Sample[]) => resources / (median(s.map((x) => x.wallMs)) / 1000);
    const perCpu = (s: Sample[]) => (s.every((x) => x.cpuS !== undefined) ? resources / median(s.map((x) => x.cpuS!)) : NaN);
    const line = (label: string, s: Sample[], threads: number) => {
      const r = rate(s);
      const cpu = perCpu(s);
      console.log(
        `  ${label.padEnd(34)} ${(median(s.map((x) => x.wallMs)) / 1000).toFixed(2).padStart(6)} s  ${Math.round(r).toString().padStart(6)} resources/s  ` +
          `${Math.round(r / threads).toString().padStart(6)} per core (${threads} thread${threads > 1 ? 's' : ''})` +
          (Number.isNaN(cpu) ? '' : `  ${Math.round(cpu).toString().padStart(6)} per CPU second`),
      );
      return r / threads;
    };
    const perCore1 = line('-n 1 (this thread only)', n1, 1);
    const perCore2 = line('-n 2 (this thread + 1 worker)', n2, threads2);
    const oneMs = median(single.map((x) => x.wallMs));
    console.log(`  ${'one small file, fresh process'.padEnd(34)} ${(oneMs / 1000).toFixed(2).padStart(6)} s`);
    console.log(`  speed-up -n 2 / -n 1: x${(rate(n2) / rate(n1)).toFixed(2)}`);
    if (runReal && 'version' in real) {
      line(`real kubeconform ${real.version} -n 1`, real1, 1);
      line(`real kubeconform ${real.version} -n 2`, real2, threads2);
      const ratio = (ours: Sample[], theirs: Sample[]) => (median(ours.map((x) => x.wallMs)) / median(theirs.map((x) => x.wallMs))).toFixed(2);
      console.log(`  ours / real, wall time (same folder, same schemas, same summary): -n 1 x${ratio(n1, real1)}, -n 2 x${ratio(n2, real2)}`);
    }
    const check = (ok: boolean, text: string) => console.log(`  ${ok ? 'met    ' : 'NOT met'} ${text}`);
    check(perCore2 >= TARGET_PER_CORE, `at least ${TARGET_PER_CORE} resources/s per core with -n 2 (${Math.round(perCore2)})`);
    check(oneMs < TARGET_ONE_FILE_MS, `one small file under 1 s (${(oneMs / 1000).toFixed(2)} s)`);
    void perCore1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--runs');
  runKubeconformBench({ runs: i > 0 ? Number(process.argv[i + 1]) : 5 });
}
