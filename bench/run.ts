/**
 * `npm run bench`: prints the speed and memory figures of issue 6, measured side by side in one
 * run (medians; the machines are shared and noisy, so compare ratios, not absolute times).
 *
 *   npm run bench -- [--runs 5] [--scale 100,300,1000] [--skip-scale]
 *
 * Nx figures are taken in a git worktree of HEAD with its own Nx cache, so the benchmark never
 * touches this checkout's dist/ or environments/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { runKubeconformBench } from './kubeconform';
import { compareOutput, readDist, writeKustomize } from './kustomize';
import { valuesCheckMs } from './values-scale';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const opts = new Command('bench')
  .option('--runs <n>', 'runs per figure (medians are reported)', '5')
  .option('--scale <sizes>', 'synthetic catalogue sizes (services)', '100,300,1000')
  .option('--skip-scale', 'leave out the synthetic catalogue')
  .parse()
  .opts<{ runs: string; scale: string; skipScale?: boolean }>();
const RUNS = Number(opts.runs);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Wall time of a command, in ms; fails loudly if the command fails. */
function timed(cmd: string, args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}): { ms: number; out: string } {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...env } });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return { ms, out: r.stdout };
}

const rows: [string, number[]][] = [];
function row(label: string, samples: number[]): number {
  rows.push([label, samples]);
  const m = median(samples);
  console.log(`  ${label.padEnd(62)} ${fmt(m).padStart(8)}   (min ${fmt(Math.min(...samples))}, max ${fmt(Math.max(...samples))})`);
  return m;
}

console.log(`bench: ${RUNS} runs per figure, medians; Node ${process.version}, ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}\n`);

// ---- the seed catalogue --------------------------------------------------------------------
const scratch = mkdtempSync(join(tmpdir(), 'bench-'));
const node = process.execPath;
const tsxSynth = ['--import', 'tsx', 'libs/platform/src/cli/synth.ts', '--all', '--out'];
timed(node, ['tools/nx-synth/renderer.mjs', '--build-only']); // the bundle is built once, like a compile step
const bundleRun = (out: string) => timed(node, ['tools/nx-synth/renderer.mjs', '--all', '--out', out]);

const probe = bundleRun(join(scratch, 'probe'));
const leaves = readDist(join(scratch, 'probe'));
const objects = [...leaves.values()].reduce((n, o) => n + o.length, 0);
console.log(`catalogue: ${leaves.size} dist/ folders, ${objects} objects (${probe.out.trim()})\n`);

let kubectl = true;
try {
  execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
} catch {
  kubectl = false;
}
const kustomizeRoot = join(scratch, 'kustomize');
const overlays = writeKustomize(leaves, kustomizeRoot);

console.log('one process, cold (a new process renders and writes the whole catalogue):');
const ours: number[] = [];
const oursTsx: number[] = [];
const kustomize: number[] = [];
for (let i = 0; i < RUNS; i++) {
  // interleaved, so both sides see the same machine
  ours.push(bundleRun(join(scratch, `b${i}`)).ms);
  oursTsx.push(timed(node, [...tsxSynth, join(scratch, `t${i}`)]).ms);
  if (kubectl) {
    const started = performance.now();
    for (const o of overlays) {
      const out = timed('kubectl', ['kustomize', o]).out;
      if (i === 0) {
        const problems = compareOutput(leaves, o.split('/').pop()!, out);
        if (problems.length) throw new Error(`Kustomize's output differs from the render:\n${problems.join('\n')}`);
      }
    }
    kustomize.push(performance.now() - started);
  }
}
const oursMedian = row('ours, bundled renderer (npm run synth:all)', ours);
row('ours, through tsx (libs/platform/src/cli/synth.ts --all)', oursTsx);
let kustomizeMedian = NaN;
if (kubectl) {
  kustomizeMedian = row(`Kustomize: kubectl kustomize, ${overlays.length} overlays (same ${objects} objects, checked)`, kustomize);
} else {
  console.log('  kubectl is not on this machine: Kustomize comparison left out');
}

// ---- through Nx, in a worktree -----------------------------------------------------------
const tree = join(scratch, 'worktree');
execFileSync('git', ['worktree', 'add', '--detach', tree, 'HEAD'], { cwd: ROOT, stdio: 'ignore' });
symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
const nx = join(ROOT, 'node_modules/.bin/nx');
try {
  console.log('\nthrough Nx (git worktree of HEAD, its own cache):');
  const cold: number[] = [];
  // synth is not cached by Nx (tools/nx-synth/synth.cjs); its executor skips a project whose inputs
  // and dist/ folders are as its last render left them, recorded in tmp/nx-synth: cold = no record
  for (let i = 0; i < RUNS; i++) {
    rmSync(join(tree, 'tmp/nx-synth'), { recursive: true, force: true });
    cold.push(timed(nx, ['run-many', '-t', 'synth', '--skip-nx-cache'], tree).ms);
  }
  const coldMedian = row('cold full render: nx run-many -t synth (no render recorded)', cold);
  timed(nx, ['run-many', '-t', 'synth'], tree); // record every project's render
  const noop: number[] = [];
  let noopOut = '';
  for (let i = 0; i < RUNS; i++) {
    const r = timed(nx, ['run-many', '-t', 'synth'], tree);
    noop.push(r.ms);
    noopOut = r.out;
  }
  const noopMedian = row('no-op render: nx run-many -t synth (every project skipped, unchanged)', noop);
  console.log(`    ${new Set(noopOut.match(/synth [a-z0-9-]+: skipped, unchanged/g) ?? []).size} projects skipped, unchanged`);

  const file = join(tree, 'environments/production/kiteclass.yaml');
  const original = readFileSync(file, 'utf8');
  const affected: number[] = [];
  let ran = '';
  for (let i = 0; i < RUNS; i++) {
    writeFileSync(file, original.replace(/weight: \d+/, `weight: ${11 + i}`)); // a value no run used before
    const r = timed(nx, ['affected', '-t', 'synth', '--base=HEAD'], tree);
    affected.push(r.ms);
    ran = /Successfully ran target synth for (\d+ projects?)/.exec(r.out)?.[1] ?? '?';
  }
  writeFileSync(file, original);
  const affectedMedian = row(`affected render after one production value change (${ran})`, affected);

  console.log('\nratios (same run):');
  if (kubectl) {
    console.log(`  ours one process (bundled) / Kustomize: ${(oursMedian / kustomizeMedian).toFixed(2)}`);
    console.log(`  ours through Nx, cold / Kustomize:      ${(coldMedian / kustomizeMedian).toFixed(2)}`);
  }
  console.log(`  no-op through Nx / cold through Nx:     ${(noopMedian / coldMedian).toFixed(2)}`);

  console.log('\ntargets (issue 6):');
  const check = (ok: boolean, text: string) => console.log(`  ${ok ? 'met    ' : 'NOT met'} ${text}`);
  if (kubectl) check(oursMedian < kustomizeMedian, `one process faster than Kustomize (ratio ${(oursMedian / kustomizeMedian).toFixed(2)} < 1.0)`);
  check(noopMedian < 1500, `no-op nx run-many -t synth under 1.5 s (${fmt(noopMedian)})`);
  check(affectedMedian < 3000, `affected render of one system under 3 s (${fmt(affectedMedian)})`);
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT, stdio: 'ignore' });
}

// ---- scale ---------------------------------------------------------------------------------
if (!opts.skipScale) {
  console.log('\nscale: a generated catalogue of N services x 3 environments, one process each size:');
  console.log('  services  objects   render+write   wall     ms/service   peak RSS');
  const results: { n: number; perService: number; wall: number; rss: number }[] = [];
  for (const n of opts.scale.split(',').map(Number)) {
    const walls: number[] = [];
    const renders: number[] = [];
    const rss: number[] = [];
    let objs = 0;
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      const dir = join(scratch, `scale-${n}-${i}`);
      const r = timed(node, ['--import', 'tsx', 'bench/scale.ts', String(n), dir]);
      const j = JSON.parse(r.out.trim().split('\n').pop()!);
      walls.push(r.ms);
      renders.push(j.ms);
      rss.push(j.maxRssMiB);
      objs = j.objects;
      rmSync(dir, { recursive: true, force: true });
    }
    const w = median(walls);
    const perService = median(renders) / n;
    results.push({ n, perService, wall: w, rss: Math.max(...rss) });
    console.log(`  ${String(n).padStart(8)}  ${String(objs).padStart(7)}   ${fmt(median(renders)).padStart(12)}   ${fmt(w).padStart(7)}  ${perService.toFixed(2).padStart(8)} ms  ${String(Math.max(...rss)).padStart(5)} MiB`);
  }
  const first = results[0];
  const last = results[results.length - 1];
  console.log(`  growth: render cost per service at ${last.n} vs ${first.n} services: x${(last.perService / first.perService).toFixed(2)} (1.0 = linear)`);
  const check = (ok: boolean, text: string) => console.log(`  ${ok ? 'met    ' : 'NOT met'} ${text}`);
  const big = results.find((r) => r.n === 1000);
  if (big) {
    check(big.wall < 60_000, `1000 services x 3 environments under 60 s (${fmt(big.wall)} wall)`);
    check(big.rss < 1024, `peak memory under 1 GiB (${big.rss} MiB)`);
  }
  check(last.perService / first.perService <= 1.25, 'cost grows no faster than linearly (per-service cost within 25%)');
}

// ---- values checks on large files (issue 10 item 17) ----------------------------------------
console.log('\nvalues checks on large files (refused with one line per problem):');
for (const kind of ['duplicate', 'bad'] as const) {
  const label = kind === 'duplicate' ? 'keys, one given twice' : 'entries, every one bad';
  const small = row(`100,000 ${label}`, Array.from({ length: RUNS }, () => valuesCheckMs(100_000, kind)));
  const large = row(`200,000 ${label}`, Array.from({ length: RUNS }, () => valuesCheckMs(200_000, kind)));
  console.log(`    growth x${(large / small).toFixed(2)} for twice the entries (2 = linear, 4 = quadratic)`);
}

rmSync(scratch, { recursive: true, force: true });

// ---- kubeconform (issue 14): validation rate with -n 1 / -n 2 and one-file start-up ---------
runKubeconformBench({ runs: RUNS });
