/**
 * Differential tests (issue 20 item 3): this library against the REAL kubeconform v0.7.0 (built
 * from its Go module by `npm run k8s:build`), with the same schemas — ours exported into
 * kubeconform's file layout (src/export.ts) and given to it as a local -schema-location, so it never
 * downloads anything — and the same flags, comparing the verdict of every resource
 * (valid / invalid / error / skipped / empty, with its kind, name and apiVersion), never message texts:
 *
 *   a. kubeconform's own acceptance corpus (../shared/conformance/kubeconform);
 *   b. every file of dist/ (read only), with and without -strict, with the CRDs of
 *      ../shared/conformance/crds as a location, and with an older -kubernetes-version;
 *   c. a few hundred seeded variations of dist objects (kubeconform-variants.ts), from files and
 *      from standard input, with and without -strict.
 *
 * Any disagreement fails the test unless it is one of DELIBERATE (the same wording as the
 * "Deliberate differences from kubeconform" section of the README).
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveComponents } from './build';
import { exportSchemas, isBundledVersion, runCli } from '@gitops/kubeconform';
import { runCommand } from '@gitops/platform/testing';
import { generateVariants, type Variant } from './kubeconform-variants.js';
// the corpus's case type, as the conformance runner reads it (a type only: nothing of that script runs)
import type { CorpusCase } from '../../kubeconform/conformance/run';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../../..');
const CORPUS = path.resolve(process.env.KUBECONFORM_CORPUS ?? path.join(ROOT, '../shared/conformance/kubeconform'));
const CRDS = path.join(ROOT, '../shared/conformance/crds');
const DIST = path.join(ROOT, 'dist');

/** The real kubeconform's binary, or why there is none. */
function realKubeconform(): { binary?: string; missing?: string } {
  try {
    const [kc] = resolveComponents(ROOT, ['kubeconform']);
    if (!existsSync(kc.binary)) return { missing: `the real kubeconform ${kc.version} is not built (${kc.binary}); run npm run k8s:build` };
    return { binary: kc.binary };
  } catch (e) {
    return { missing: `the real kubeconform cannot be located: ${(e as Error).message}` };
  }
}
const REAL = realKubeconform();
if (REAL.missing) console.warn(`oracle.integration.test.ts: skipped: ${REAL.missing}`);
const CORPUS_MISSING = existsSync(path.join(CORPUS, 'expected.json')) ? undefined : `kubeconform's acceptance corpus is absent (${CORPUS}/expected.json; set KUBECONFORM_CORPUS)`;
if (!REAL.missing && CORPUS_MISSING) console.warn(`oracle.integration.test.ts: corpus group skipped: ${CORPUS_MISSING}`);
const CRDS_MISSING = existsSync(CRDS) ? undefined : `the CRDs folder is absent (${CRDS})`;
if (!REAL.missing && CRDS_MISSING) console.warn(`oracle.integration.test.ts: dist-with-CRDs runs left out: ${CRDS_MISSING}`);

// ---- running both -------------------------------------------------------------------------------

/** One resource as kubeconform's JSON output lists it (with -verbose: every result). */
interface Verdict {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: string;
}

interface Outcome {
  exitCode: number;
  resources: Verdict[];
  /** the output, for the report of a disagreement */
  output: string;
}

interface RunSpec {
  /** arguments for both (files and flags), before the location mapping */
  args: string[];
  cwd: string;
  /** bytes piped on standard input */
  stdin?: Buffer;
  /** standard input is a terminal */
  tty?: boolean;
  env?: Record<string, string>;
  /** an https location is given, but every schema it needs is in the -cache folder */
  servedFromCache?: boolean;
}

const STATUS: Record<string, string> = { statusValid: 'valid', statusInvalid: 'invalid', statusError: 'error', statusSkipped: 'skipped', '': 'empty' };

function parseOutput(exitCode: number, stdout: string, stderr: string): Outcome {
  let resources: Verdict[] = [];
  try {
    const json = JSON.parse(stdout) as { resources: (Verdict & { status: string })[] };
    resources = json.resources.map((r) => ({ filename: r.filename, kind: r.kind, name: r.name, version: r.version, status: STATUS[r.status] ?? r.status }));
  } catch {
    // a start-up failure (bad flag, stdin a terminal, ...): no JSON
  }
  return { exitCode, resources, output: `${stdout}${stderr}`.slice(0, 4000) };
}

/** Flags every run gets: JSON, every result listed; the case's own -output is dropped. */
function withJson(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (/^--?output$/.test(args[i])) {
      i++;
      continue;
    }
    if (/^--?output=/.test(args[i])) continue;
    out.push(args[i]);
  }
  return ['-output', 'json', '-verbose', '-summary', ...out];
}

/**
 * The real kubeconform's arguments: `default` (explicit, or implied by no -schema-location) is our
 * exported schemas; `crds` (ours: a folder of CRDs) their converted copy.
 */
function realArgs(args: string[], templates: { template: string; crdTemplate?: string }): string[] {
  const out = [...args];
  let located = false;
  for (let i = 0; i < out.length; i++) {
    const m = /^--?schema-location(?:=(.*))?$/.exec(out[i]);
    if (!m) continue;
    located = true;
    const valueAt = m[1] === undefined ? i + 1 : i;
    const value = m[1] ?? out[i + 1];
    const mapped = value === 'default' ? templates.template : value === CRDS ? templates.crdTemplate! : value;
    out[valueAt] = m[1] === undefined ? mapped : `-schema-location=${mapped}`;
    if (m[1] === undefined) i++;
  }
  return located ? out : ['-schema-location', templates.template, ...out];
}

/** Locations that would make the real kubeconform download something (never allowed here). */
function remoteLocations(args: string[]): string[] {
  return args.filter((a, i) => /^https?:/.test(a) && /^--?schema-location$/.test(args[i - 1] ?? ''));
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function runReal(spec: RunSpec, templates: { template: string; crdTemplate?: string }): Promise<Outcome> {
  const args = realArgs(withJson(spec.args), templates);
  const remote = remoteLocations(args);
  if (remote.length && !spec.servedFromCache) throw new Error(`refusing to run the real kubeconform with a remote location: ${remote.join(', ')}`);
  // belt and braces: any download attempt goes to a closed local port instead of the network
  const env = { ...process.env, ...spec.env, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '', no_proxy: '' };
  const r = spec.tty
    ? await runCommand('script', ['-qec', [REAL.binary!, ...args].map(quote).join(' '), '/dev/null'], { cwd: spec.cwd, env })
    : await runCommand(REAL.binary!, args, { cwd: spec.cwd, env, input: spec.stdin ?? '' });
  return parseOutput(r.status ?? 1, r.stdout, r.stderr);
}

async function runOurs(spec: RunSpec): Promise<Outcome> {
  const previous = process.cwd();
  process.chdir(spec.cwd);
  try {
    const stdin = spec.tty
      ? Object.assign(createReadStream('/dev/null'), { isTTY: true })
      : Readable.from(spec.stdin ? [spec.stdin] : []);
    const r = await runCli(withJson(spec.args), stdin);
    return parseOutput(r.exitCode, r.stdout, r.stderr);
  } finally {
    process.chdir(previous);
  }
}

// ---- comparing ----------------------------------------------------------------------------------

interface Disagreement {
  group: string;
  /** the run (case id, dist run, variant family) */
  run: string;
  /** file#index of the resource, or `exit code` */
  where: string;
  ours: string;
  real: string;
  /** the variant's or file's content, when short, for the report */
  detail?: string;
}

interface Tally {
  agree: number;
  disagree: Disagreement[];
}

const describeVerdict = (v: Verdict) => `${v.status} ${v.version}/${v.kind} ${v.name}`;

/**
 * Per resource, grouped by file; within a file as a multiset (the real one validates the resources
 * of one file on several goroutines, so their order varies), plus the exit code.
 */
function compare(group: string, run: string, ours: Outcome, real: Outcome, tally: Tally, detail?: (file: string) => string | undefined): void {
  const byFile = (o: Outcome) => {
    const m = new Map<string, string[]>();
    for (const r of o.resources) m.set(r.filename, [...(m.get(r.filename) ?? []), describeVerdict(r)]);
    return m;
  };
  const [a, b] = [byFile(ours), byFile(real)];
  for (const file of new Set([...a.keys(), ...b.keys()])) {
    const xs = [...(a.get(file) ?? [])];
    const ys = [...(b.get(file) ?? [])];
    for (const x of [...xs]) {
      const j = ys.indexOf(x);
      if (j < 0) continue;
      ys.splice(j, 1);
      xs.splice(xs.indexOf(x), 1);
      tally.agree++;
    }
    for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
      tally.disagree.push({ group, run, where: `${file}#${i}`, ours: xs[i] ?? 'no result', real: ys[i] ?? 'no result', detail: detail?.(file) });
    }
  }
  if (ours.exitCode === real.exitCode) tally.agree++;
  else tally.disagree.push({ group, run, where: 'exit code', ours: `${ours.exitCode}: ${ours.output.slice(0, 300)}`, real: `${real.exitCode}: ${real.output.slice(0, 300)}` });
}

/**
 * Deliberate differences, named as in the README's "Deliberate differences from kubeconform"
 * section: a disagreement they match does not fail the test (it is still counted and printed).
 */
interface Deliberate {
  name: string;
  matches: (d: Disagreement) => boolean;
}
const DELIBERATE: Deliberate[] = [];

function report(group: string, tally: Tally, breakdown?: Map<string, Tally>): Disagreement[] {
  const allowed = tally.disagree.filter((d) => DELIBERATE.some((x) => x.matches(d)));
  const failing = tally.disagree.filter((d) => !DELIBERATE.some((x) => x.matches(d)));
  console.log(`oracle ${group}: ${tally.agree} agreements, ${tally.disagree.length} disagreements (${allowed.length} deliberate, ${failing.length} not)`);
  if (breakdown) {
    for (const [name, t] of [...breakdown].sort()) console.log(`  ${name.padEnd(28)} ${String(t.agree).padStart(5)} agree  ${String(t.disagree.length).padStart(3)} disagree`);
  }
  for (const d of DELIBERATE) {
    const n = allowed.filter((x) => d.matches(x)).length;
    if (n) console.log(`  deliberate (${n}): ${d.name}`);
  }
  for (const d of failing.slice(0, 60)) {
    console.log(`  DISAGREE ${d.run} ${d.where}\n    ours: ${d.ours}\n    real: ${d.real}${d.detail ? `\n    ---\n${d.detail.slice(0, 1500).replace(/^/gm, '    | ')}` : ''}`);
  }
  return failing;
}

const newTally = (): Tally => ({ agree: 0, disagree: [] });
const merge = (into: Tally, from: Tally) => {
  into.agree += from.agree;
  into.disagree.push(...from.disagree);
};

// ---- the tests ----------------------------------------------------------------------------------

describe.skipIf(!!REAL.missing)('ours vs the real kubeconform v0.7.0, same schemas and flags', () => {
  let scratch: string;
  let templates: { template: string; crdTemplate?: string };

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'kubeconform-oracle-'));
    // every Kubernetes version the corpus names that the bundled schemas serve, and 1.20.0 for dist
    const versions = new Set(['master', '1.20.0']);
    if (!CORPUS_MISSING) {
      for (const c of (JSON.parse(readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as { cases: { argv: string[] }[] }).cases) {
        const i = c.argv.findIndex((a) => /^--?kubernetes-version$/.test(a));
        if (i >= 0 && /^\d+\.\d+\.\d+$/.test(c.argv[i + 1]) && isBundledVersion(c.argv[i + 1])) versions.add(c.argv[i + 1]);
      }
    }
    const crdFiles = CRDS_MISSING ? [] : readdirSync(CRDS, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(CRDS, f));
    templates = exportSchemas(path.join(scratch, 'schemas'), { kubernetesVersions: [...versions], crdFiles });
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  describe.skipIf(!!CORPUS_MISSING)('a. the upstream acceptance corpus', () => {

    it('gives every resource of every applicable case the same verdict and every case the same exit code', async () => {
      const cases = (JSON.parse(readFileSync(path.join(CORPUS, 'expected.json'), 'utf8')) as { cases: CorpusCase[] }).cases;
      const tally = newTally();
      const notApplicable: string[] = [];
      for (const c of cases) {
        if (c.fixture_present === false) {
          notApplicable.push(`${c.id} (fixture not in the corpus)`);
          continue;
        }
        // an https location not served from -cache would make it download: never here
        if (remoteLocations(c.argv).length && c.needs_remote_schema) {
          notApplicable.push(`${c.id} (would download ${remoteLocations(c.argv)[0]})`);
          continue;
        }
        const spec: RunSpec = {
          args: c.argv,
          cwd: CORPUS,
          stdin: c.stdin ? readFileSync(path.join(CORPUS, c.file as string)) : undefined,
          tty: !c.stdin && c.file === null && c.category === 'stdin',
          env: c.env,
          servedFromCache: !c.needs_remote_schema,
        };
        compare('corpus', c.id, await runOurs(spec), await runReal(spec, templates), tally);
      }
      const failing = report('corpus', tally);
      console.log(`  not applicable offline (${notApplicable.length}): ${notApplicable.join('; ')}`);
      expect(tally.agree).toBeGreaterThan(0);
      expect(failing).toEqual([]);
    });
  });

  describe('b. dist/', () => {
    it('gives every rendered resource the same verdict', async () => {
      const rel = path.relative(ROOT, DIST);
      const runs: [string, string[]][] = [
        ['default', [rel]],
        ['default -strict', ['-strict', rel]],
        ['-kubernetes-version 1.20.0', ['-kubernetes-version', '1.20.0', rel]],
        ['-kubernetes-version 1.20.0 -strict -ignore-missing-schemas', ['-kubernetes-version', '1.20.0', '-strict', '-ignore-missing-schemas', rel]],
        ['-skip/-reject', ['-skip', 'Deployment,v1/Service', '-reject', 'argoproj.io/v1alpha1/Application', rel]],
      ];
      if (!CRDS_MISSING) {
        runs.push(['CRDs then default', ['-schema-location', CRDS, '-schema-location', 'default', rel]]);
        runs.push(['CRDs then default -strict', ['-strict', '-schema-location', CRDS, '-schema-location', 'default', rel]]);
        runs.push(['CRDs only -ignore-missing-schemas', ['-ignore-missing-schemas', '-schema-location', CRDS, rel]]);
      }
      const tally = newTally();
      const breakdown = new Map<string, Tally>();
      for (const [name, args] of runs) {
        const t = newTally();
        const spec: RunSpec = { args, cwd: ROOT };
        compare('dist', name, await runOurs(spec), await runReal(spec, templates), t);
        breakdown.set(name, t);
        merge(tally, t);
      }
      const files = readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ya?ml|json)$/.test(f)).length;
      console.log(`oracle dist: ${files} files`);
      const failing = report('dist', tally, breakdown);
      expect(tally.agree).toBeGreaterThan(files);
      expect(failing).toEqual([]);
    });
  });

  describe('c. generated variations of dist objects', () => {
    it('gives every variant the same verdicts, from files and from standard input, with and without -strict', async () => {
      const dist = new Map<string, string>();
      for (const f of readdirSync(DIST, { recursive: true, encoding: 'utf8' }).filter((x) => /\.ya?ml$/.test(x)).sort()) dist.set(f, readFileSync(path.join(DIST, f), 'utf8'));
      // another seed or more variants per family explore further: KUBECONFORM_ORACLE_SEED=7 KUBECONFORM_ORACLE_PER_FAMILY=20
      const seed = Number(process.env.KUBECONFORM_ORACLE_SEED ?? 20);
      const perFamily = Number(process.env.KUBECONFORM_ORACLE_PER_FAMILY ?? 6);
      const { variants, skippedBases } = generateVariants(dist, seed, perFamily);
      console.log(`oracle variations: ${variants.length} variants of ${dist.size - skippedBases} dist objects (seed ${seed}, ${perFamily} per family)`);
      expect(variants.length).toBeGreaterThanOrEqual(300);
      const root = path.join(scratch, 'variations');
      const folder = path.join(root, 'variants');
      mkdirSync(folder, { recursive: true });
      const byFile = new Map<string, Variant>();
      for (const v of variants) {
        writeFileSync(path.join(folder, v.file), v.content);
        byFile.set(`variants/${v.file}`, v);
      }
      const detail = (file: string) => {
        const v = byFile.get(file) ?? byFile.get(`variants/${file}`);
        return v ? `${v.note ? `${v.note}\n` : ''}${String(v.content)}` : undefined;
      };

      const tally = newTally();
      const breakdown = new Map<string, Tally>();
      /** counts a run's comparison under each variant's family (resources of a file belong to its variant) */
      const byFamily = (t: Tally, ours: Outcome, real: Outcome, family?: string) => {
        const files = new Set([...ours.resources, ...real.resources].map((r) => r.filename));
        for (const file of files) {
          const name = family ?? byFile.get(file)?.family ?? 'other';
          if (!breakdown.has(name)) breakdown.set(name, newTally());
          const f = breakdown.get(name)!;
          const bad = t.disagree.filter((d) => d.where.startsWith(`${file}#`));
          const n = Math.max(ours.resources.filter((r) => r.filename === file).length, real.resources.filter((r) => r.filename === file).length);
          f.agree += n - bad.length;
          f.disagree.push(...bad);
        }
      };
      const modes: [string, string[]][] = [
        ['files', []],
        ['files -strict', ['-strict']],
        ['files -ignore-missing-schemas', ['-ignore-missing-schemas']],
        ['files -skip/-reject', ['-skip', 'Deployment,v1/Service,Widget', '-reject', 'ConfigMap,argoproj.io/v1alpha1/Application']],
      ];
      if (!CRDS_MISSING) {
        modes.push(['files, CRDs then default', ['-schema-location', CRDS, '-schema-location', 'default']]);
        modes.push(['files, CRDs only -strict -ignore-missing-schemas', ['-strict', '-ignore-missing-schemas', '-schema-location', CRDS]]);
      }
      for (const [mode, flags] of modes) {
        const spec: RunSpec = { args: [...flags, 'variants'], cwd: root };
        const [ours, real] = [await runOurs(spec), await runReal(spec, templates)];
        const t = newTally();
        compare('variations', mode, ours, real, t, detail);
        merge(tally, t);
        byFamily(t, ours, real);
      }
      // standard input: every document is a result there (empty ones too); the families about streams
      for (const strict of [false, true]) {
        for (const v of variants.filter((x) => ['documents', 'top-level', 'lists', 'encoding', 'flow-and-json', 'syntax-errors'].includes(x.family))) {
          const s: RunSpec = { args: [...(strict ? ['-strict'] : []), '-'], cwd: root, stdin: Buffer.from(v.content) };
          const [ours, real] = [await runOurs(s), await runReal(s, templates)];
          const t = newTally();
          compare('variations', `stdin ${v.file}${strict ? ' -strict' : ''}`, ours, real, t, () => detail(v.file));
          merge(tally, t);
          byFamily(t, ours, real, `${v.family} (stdin)`);
        }
      }
      const failing = report('variations', tally, breakdown);
      expect(failing).toEqual([]);
    });
  });
});
