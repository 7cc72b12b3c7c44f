// Fault injection: a real child process SIGKILLed at every file system step of a render (staging,
// commit point, swap), of a prune (in the same transaction) and of the apply step the Nx batch
// executor uses (synthProjects -> the same writer transaction; synth is not restored by Nx's cache,
// see tools/nx-synth/synth.cjs), and of the recovery itself. After the next command, dist/ is
// byte-for-byte either wholly old or wholly new, and never a stale render replayed.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree, WORKSPACE_ROOT } from '@gitops/platform/testing';

const work = mkdtempSync(join(tmpdir(), 'render-faults-'));
const driver = join(work, 'driver.mjs');
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await build({
    entryPoints: [join(WORKSPACE_ROOT, 'apps/catalogue/src/render-faults.driver.ts')],
    outfile: driver, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
  });
});

const header = (leaf: string) => `# Rendered from libs/demo/x for ${leaf}. Do not edit: change the code or environments/ and run npm run synth.\n`;
const file = (leaf: string, body: string): [string, string] => [`${body.split(' ')[0]}.yaml`, `${header(leaf)}${body}\n`];

/** dist/ before: two systems' leaves, one of which no service renders any more (pruned by the new render). */
const OLD: Record<string, [string, string][]> = {
  'production/demo/api': [file('production/demo/api', 'Deployment.api old'), file('production/demo/api', 'Service.api old')],
  'production/demo/gone': [file('production/demo/gone', 'Service.gone old')],
  'staging/demo/api': [file('staging/demo/api', 'Deployment.api old')],
  'staging/demo/same': [file('staging/demo/same', 'Deployment.same kept')],
};
/** The render: changes, removes an object, adds a leaf and a system, prunes `gone`. */
const NEW: Record<string, [string, string][]> = {
  'production/demo/api': [file('production/demo/api', 'Deployment.api new')],
  'production/demo/web': [file('production/demo/web', 'Deployment.web new')],
  'production/newsys/x': [file('production/newsys/x', 'Deployment.x new')],
  'staging/demo/api': [file('staging/demo/api', 'Deployment.api new')],
};
const DELETES = ['production/demo/gone'];
const INPUTS = { 'environments/production/demo.yaml': 'v2', code: 'c1' };
const CHANGED = { 'environments/production/demo.yaml': 'v3', code: 'c1' };

const tree = (leaves: Record<string, [string, string][]>) =>
  new Map(Object.entries(leaves).flatMap(([leaf, files]) => files.map(([name, content]) => [`${leaf}/${name}`, content] as const)).sort(([a], [b]) => (a < b ? -1 : 1)));
const OLD_TREE = tree(OLD);
const NEW_TREE = tree({ ...Object.fromEntries(Object.entries(OLD).filter(([l]) => !DELETES.includes(l))), ...NEW });

let fixtures = 0;
/** A workspace folder with dist/ as before the render. */
function fixture(): string {
  const root = join(work, `ws-${fixtures++}`);
  for (const [leaf, files] of Object.entries(OLD)) {
    mkdirSync(join(root, 'dist', leaf), { recursive: true });
    for (const [name, content] of files) writeFileSync(join(root, 'dist', leaf, name), content);
  }
  return root;
}

/**
 * Runs the driver in a child process; `killAt` makes it SIGKILL itself before that step. Async, so
 * the test worker's event loop keeps answering vitest while children run.
 */
async function run(root: string, job: { recoverOnly?: boolean; current: Record<string, string> }, killAt = 0): Promise<'killed' | 'done'> {
  const jobFile = join(root, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(jobFile, JSON.stringify({ out: join(root, 'dist'), leaves: NEW, deletes: DELETES, inputs: INPUTS, ...job }));
  const child = spawn(process.execPath, [driver, jobFile], { env: { ...process.env, SYNTH_TEST_KILL_AT_STEP: String(killAt) } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve([code, sig]));
  });
  rmSync(jobFile);
  if (signal === 'SIGKILL') return 'killed';
  if (status !== 0) throw new Error(`driver failed (${status}): ${stderr}`);
  return 'done';
}

const leftOver = (root: string) => readdirSync(root).filter((e) => e.startsWith('.dist.synth-'));
const state = (root: string) => {
  const t = readTree(join(root, 'dist'));
  const same = (u: Map<string, string>) => t.size === u.size && [...u].every(([k, v]) => t.get(k) === v);
  return same(OLD_TREE) ? 'old' : same(NEW_TREE) ? 'new' : `mixed: ${[...t.keys()].join(', ')}`;
};

describe('a render killed at every step', () => {
  it('leaves dist/ wholly old or wholly new after the next command, and never replays a stale render', async () => {
    // GIVEN the number of steps of an uninterrupted render (it exits normally once n passes them)
    let steps = 0;
    let nestedDone = false;
    for (let n = 1; ; n++) {
      const root = fixture();
      const outcome = await run(root, { current: INPUTS }, n);
      if (outcome === 'done') {
        expect(state(root)).toBe('new');
        expect(leftOver(root)).toEqual([]);
        break;
      }
      steps = n;
      // a kill never leaves a half-written dist/: at worst folders not swapped yet
      const killed = join(work, `killed-${n}`);
      cpSync(root, killed, { recursive: true });
      const committed = leftOver(root).some((e) => existsSync(join(root, e, 'commit.json')));

      // WHEN the next command recovers with the same inputs: old (not committed) or new (finished)
      expect(await run(root, { recoverOnly: true, current: INPUTS }), `step ${n}`).toBe('done');
      expect(state(root), `step ${n}, inputs current`).toBe(committed ? 'new' : 'old');
      expect(leftOver(root), `step ${n}`).toEqual([]);

      // WHEN instead the inputs changed since: a left-over transaction is rolled back, never finished
      const stale = join(work, `stale-${n}`);
      cpSync(killed, stale, { recursive: true });
      expect(await run(stale, { recoverOnly: true, current: CHANGED })).toBe('done');
      expect(state(stale), `step ${n}, inputs changed`).toBe('old');
      expect(leftOver(stale)).toEqual([]);

      // AND a rollback killed at any of its own steps is resumed by the command after it (for one
      // kill in the middle of the swap, to keep the run short; finishing a transaction resumes from
      // the folders with the same code as the swap above, whose every step was a kill point)
      if (committed && !nestedDone && state(killed).startsWith('mixed')) {
        nestedDone = true;
        for (const current of [CHANGED]) {
          for (let m = 1; ; m++) {
            const again = join(work, `again-${n}-${m}-${current === INPUTS ? 'same' : 'changed'}`);
            cpSync(killed, again, { recursive: true });
            const recovered = await run(again, { recoverOnly: true, current }, m);
            expect(await run(again, { recoverOnly: true, current }), `step ${n}/${m}`).toBe('done');
            expect(state(again), `step ${n}, recovery killed at ${m}`).toBe(current === INPUTS ? 'new' : 'old');
            expect(leftOver(again)).toEqual([]);
            rmSync(again, { recursive: true });
            if (recovered === 'done') break;
          }
        }
      }
      rmSync(killed, { recursive: true });
      rmSync(stale, { recursive: true });
    }
    // every step of staging, the commit point, the swaps and the prune was a kill point
    expect(steps).toBeGreaterThan(Object.keys(NEW).length * 2 + DELETES.length * 2);
    expect(nestedDone).toBe(true);
  });
});
