/**
 * `npm run bench`: prints the speed and memory figures of issues 6 and 23, measured side by side
 * in one run (medians; the machines are shared and noisy, so compare ratios, not absolute times).
 *
 *   npm run bench -- [--runs 5] [--scale 100,300,1000] [--nx-scale 1000] [--skip-scale] [--skip-checks]
 *
 * The incremental figures (npm run synth, nx run-many, nx affected) are taken in a git worktree of
 * HEAD, so the benchmark never touches this checkout's dist/ or environments/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { runKubeconformBench } from './kubeconform';
import { compareOutput, readDist, writeKustomize } from './kustomize';
import { runNxScaleBench } from './nx-scale';
import { valuesCheckMs } from './values-scale';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const opts = new Command('bench')
  .option('--runs <n>', 'runs per figure (medians are reported)', '5')
  .option('--scale <sizes>', 'synthetic catalogue sizes (services)', '100,300,1000')
  .option('--nx-scale <services>', 'services of the system added for the incremental path at scale, through Nx', '1000')
  .option('--skip-scale', 'leave out the synthetic catalogues')
  .option('--skip-checks', 'leave out the values checks on large files and kubeconform')
  .parse()
  .opts<{ runs: string; scale: string; nxScale: string; skipScale?: boolean; skipChecks?: boolean }>();
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

console.log(`bench: ${RUNS} runs per figure, medians; Node ${process.version}, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

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
const kustomizeStdout: number[] = [];
for (let i = 0; i < RUNS; i++) {
  // interleaved, so both sides see the same machine
  ours.push(bundleRun(join(scratch, `b${i}`)).ms);
  oursTsx.push(timed(node, [...tsxSynth, join(scratch, `t${i}`)]).ms);
  if (kubectl) {
    // like for like: one file per object in a new folder per overlay (`-o <folder>`), as our
    // render writes dist/; the files of each overlay are read back and checked against the render
    let started = performance.now();
    const outs = overlays.map((o, n) => {
      const out = join(scratch, `k${i}-${n}`);
      mkdirSync(out);
      timed('kubectl', ['kustomize', o, '-o', out]);
      return out;
    });
    kustomize.push(performance.now() - started);
    if (i === 0) {
      outs.forEach((out, n) => {
        const written = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n---\n');
        const problems = compareOutput(leaves, overlays[n].split('/').pop()!, written);
        if (problems.length) throw new Error(`Kustomize's output differs from the render:\n${problems.join('\n')}`);
      });
    }
    // and to standard output, as `kubectl kustomize` prints by default (nothing written)
    started = performance.now();
    for (const o of overlays) timed('kubectl', ['kustomize', o]);
    kustomizeStdout.push(performance.now() - started);
  }
}
const oursMedian = row('ours, bundled renderer (renderer.mjs --all, as npm run synth without argocd/)', ours);
row('ours, through tsx (libs/platform/src/cli/synth.ts --all)', oursTsx);
let kustomizeMedian = NaN;
let kustomizeStdoutMedian = NaN;
if (kubectl) {
  kustomizeMedian = row(`Kustomize: kubectl kustomize -o <folder>, ${overlays.length} overlays (same ${objects} objects, a file each, checked)`, kustomize);
  kustomizeStdoutMedian = row('Kustomize to standard output (kubectl kustomize, nothing written)', kustomizeStdout);
} else {
  console.log('  kubectl is not on this machine: Kustomize comparison left out');
}

// ---- the incremental path, in a worktree --------------------------------------------------
// npm run synth renders the whole catalogue and argocd/ in one process (nothing to be stale);
// through Nx, synth is never cached or skipped: Nx picks the projects (nx affected), one process
// renders them and generates argocd/. Side by side in each round, each from a clean checkout.
const tree = join(scratch, 'worktree');
execFileSync('git', ['worktree', 'add', '--detach', tree, 'HEAD'], { cwd: ROOT, stdio: 'ignore' });
symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'));
const nx = join(ROOT, 'node_modules/.bin/nx');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
try {
  console.log('\nthe incremental path (git worktree of HEAD; each round: no-op, full and affected renders, side by side):');
  const clean = () => {
    execFileSync('git', ['checkout', '--', 'environments', 'dist', 'argocd'], { cwd: tree });
    execFileSync('git', ['clean', '-qfd', '--', 'dist', 'argocd'], { cwd: tree });
  };
  timed(node, ['tools/nx-synth/renderer.mjs', '--build-only'], tree); // the worktree's bundle, built once
  // one service affected: eks-demo's production values (the system has one service, sample-app)
  const file = join(tree, 'environments/production/eks-demo.yaml');
  const original = readFileSync(file, 'utf8');
  const noop: number[] = [];
  const fullNx: number[] = [];
  const affected: number[] = [];
  let ran = '';
  for (let i = 0; i < RUNS; i++) {
    clean();
    noop.push(timed(npm, ['run', '-s', 'synth'], tree).ms);
    if (execFileSync('git', ['status', '--porcelain', '--', 'dist', 'argocd'], { cwd: tree, encoding: 'utf8' }) !== '') throw new Error('npm run synth changed a clean checkout');
    fullNx.push(timed(nx, ['run-many', '-t', 'synth'], tree).ms);
    writeFileSync(file, original.replace(/tag: v[\d.]+/, `tag: v9.9.${i}`)); // a value no run used before
    const r = timed(nx, ['affected', '-t', 'synth', '--base=HEAD'], tree);
    affected.push(r.ms);
    ran = [...new Set(r.out.match(/^synth [a-z0-9-]+(?=: \d+ folders)/gm) ?? [])].map((l) => l.slice(6)).join(', ');
    if (!readFileSync(join(tree, 'dist/production/eks-demo/sample-app/Deployment.sample-app.yaml'), 'utf8').includes(`v9.9.${i}`)) throw new Error('the affected render did not render the change');
  }
  clean();
  const noopMedian = row('no-op npm run synth (whole catalogue + argocd/, one process)', noop);
  const seedFull = row('full render through Nx: nx run-many -t synth (one process)', fullNx);
  const seedAffected = row(`affected render of one service: nx affected -t synth (${ran})`, affected);

  console.log('\nratios (same run):');
  if (kubectl) console.log(`  ours one process (bundled) / Kustomize:          ${(oursMedian / kustomizeMedian).toFixed(2)} (${(oursMedian / kustomizeStdoutMedian).toFixed(2)} against Kustomize to standard output)`);
  console.log(`  affected (one service) / full, both through Nx:  ${(seedAffected / seedFull).toFixed(2)}`);
  console.log(`  affected (one service) / npm run synth:          ${(seedAffected / noopMedian).toFixed(2)}`);

  console.log('\ntargets (issue 23):');
  const check = (ok: boolean, text: string) => console.log(`  ${ok ? 'met    ' : 'NOT met'} ${text}`);
  if (kubectl) check(oursMedian <= kustomizeMedian / 2, `one process at most half of Kustomize's time (ratio ${(oursMedian / kustomizeMedian).toFixed(2)} <= 0.5)`);
  check(noopMedian < 1000, `no-op npm run synth under 1 s (${fmt(noopMedian)})`);
  check(seedAffected < seedFull, `affected render of one service faster than a full render through Nx (${fmt(seedAffected)} < ${fmt(seedFull)})`);
  check(seedAffected < noopMedian, `affected render of one service faster than npm run synth (${fmt(seedAffected)} < ${fmt(noopMedian)})`);
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: ROOT, stdio: 'ignore' });
}

// ---- scale ---------------------------------------------------------------------------------
if (!opts.skipScale) {
  console.log('\nscale: a generated catalogue of N services x 3 environments, one process each (bench/scale.ts): every service rendered and');
  console.log('written, then argocd/ from the render (what npm run synth does):');
  console.log('  services  objects   in process (argocd/)   wall    ms/service  peak RSS');
  const results: { n: number; perService: number; wall: number; rss: number }[] = [];
  for (const n of opts.scale.split(',').map(Number)) {
    const walls: number[] = [];
    const renders: number[] = [];
    const rss: number[] = [];
    const argocds: number[] = [];
    let objs = 0;
    for (let i = 0; i < RUNS; i++) {
      const dir = join(scratch, `scale-${n}-${i}`);
      const r = timed(node, ['--import', 'tsx', 'bench/scale.ts', String(n), dir]);
      const j = JSON.parse(r.out.trim().split('\n').pop()!);
      walls.push(r.ms);
      renders.push(j.ms);
      argocds.push(j.argocdMs);
      rss.push(j.maxRssMiB);
      objs = j.objects;
      rmSync(dir, { recursive: true, force: true });
    }
    const w = median(walls);
    const perService = median(renders) / n;
    results.push({ n, perService, wall: w, rss: Math.max(...rss) });
    console.log(`  ${String(n).padStart(8)}  ${String(objs).padStart(7)}   ${`${fmt(median(renders))} (${fmt(median(argocds))})`.padStart(19)}   ${fmt(w).padStart(7)}  ${perService.toFixed(2).padStart(7)} ms ${String(Math.max(...rss)).padStart(5)} MiB`);
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

  const n = Number(opts.nxScale);
  const f = runNxScaleBench({ root: ROOT, scratch, services: n, runs: RUNS, timed, row });
  console.log(`  affected (one service, bundle rebuilt) / full through Nx: ${(f.affectedRebuilt / f.fullNx).toFixed(2)}; / npm run synth: ${(f.affectedRebuilt / f.synth).toFixed(2)}`);
  console.log(`  affected (one service, bundle current) / full through Nx: ${(f.affectedCurrent / f.fullNx).toFixed(2)}; / npm run synth: ${(f.affectedCurrent / f.synth).toFixed(2)}`);
  check(f.affectedRebuilt <= f.fullNx / 5, `at ${n} services, an affected render of one service at most a fifth of the full render, both through Nx (${fmt(f.affectedRebuilt)} / ${fmt(f.fullNx)} = ${(f.affectedRebuilt / f.fullNx).toFixed(2)})`);
  check(f.affectedRebuilt < f.synth, `at ${n} services, an affected render of one service faster than npm run synth (${fmt(f.affectedRebuilt)} < ${fmt(f.synth)})`);
}

// ---- values checks on large files (issue 10 item 17) ----------------------------------------
if (opts.skipChecks) {
  rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
}
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
