import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Rollout, formatOutcomes } from './simulate';

const ROOT = resolve(__dirname, '../../..');

/** Folders of dist/ holding manifests directly: each is what one Application syncs. */
function leafFolders(dir: string, rel: string): string[] {
  const entries = readdirSync(dir);
  const subdirs = entries.filter((e) => statSync(join(dir, e)).isDirectory());
  const here = entries.some((e) => /\.ya?ml$/.test(e)) ? [rel] : [];
  return [...here, ...subdirs.flatMap((d) => leafFolders(join(dir, d), `${rel}/${d}`))];
}

describe('fresh-cluster rollout of the real catalogue', () => {
  it('every Application of every cluster converges from argocd/bootstrap on empty clusters', () => {
    // A Wednesday, 10:00 in Singapore: outside the production freeze window (Friday 18:00 to Monday
    // 08:00), inside which auto-sync waits by design (apps/argocd/README.md).
    const rollout = new Rollout({ root: ROOT, start: new Date('2026-11-25T02:00:00Z') });
    const result = rollout.run();
    // The table is the point of the test: which Application took how many rounds, or why it is stuck.
    console.log(formatOutcomes(result));
    expect(result.errors).toEqual([]);

    // Every rendered folder is synced by some simulated Application, and every add-on Application
    // rendered under dist/ was created: the simulation saw the whole catalogue.
    const paths = new Set([...rollout.apps.values()].map((a) => String(a.obj.spec?.source?.path ?? '').replace(/^\/+|\/+$/g, '')));
    const names = new Set([...rollout.apps.values()].map((a) => a.name));
    const leaves = leafFolders(join(ROOT, 'dist'), 'dist');
    expect(leaves.length).toBeGreaterThan(0);
    expect(leaves.filter((l) => !paths.has(l))).toEqual([]);
    const renderedApps = leaves.flatMap((l) => readdirSync(join(ROOT, l)).filter((f) => f.startsWith('Application.'))
      .map((f) => String(parse(readFileSync(join(ROOT, l, f), 'utf8'))?.metadata?.name)));
    expect(renderedApps.filter((n) => !names.has(n))).toEqual([]);

    const stuck = result.outcomes.filter((o) => !o.converged).map((o) => `${o.cluster}: ${o.application}: stuck: ${o.object}: ${o.reason}`);
    expect(stuck).toEqual([]);
  });

  it('the real catalogue with its hook Jobs made PreSync and their egress policies left in the Sync phase (issue 12, Sync order) is stuck on those Jobs', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'rollout-catalogue-'));
    try {
      for (const dir of ['argocd', 'dist', 'environments']) cpSync(join(ROOT, dir), join(scratch, dir), { recursive: true });
      const hooks: { folder: string; name: string }[] = [];
      for (const folder of leafFolders(join(scratch, 'dist'), 'dist')) {
        const files = readdirSync(join(scratch, folder));
        const jobs = files.filter((f) => f.startsWith('Job.')).filter((f) => parse(readFileSync(join(scratch, folder, f), 'utf8'))?.metadata?.annotations?.['argocd.argoproj.io/hook']);
        if (jobs.length === 0) continue;
        const edit = (f: string, change: (d: ReturnType<typeof parseDocument>) => void) => {
          const doc = parseDocument(readFileSync(join(scratch, folder, f), 'utf8'));
          change(doc);
          writeFileSync(join(scratch, folder, f), doc.toString());
        };
        for (const f of jobs) {
          edit(f, (d) => { d.setIn(['metadata', 'annotations', 'argocd.argoproj.io/hook'], 'PreSync'); hooks.push({ folder, name: String(d.getIn(['metadata', 'name'])) }); });
        }
        for (const f of files.filter((x) => x.startsWith('NetworkPolicy.'))) edit(f, (d) => d.deleteIn(['metadata', 'annotations', 'argocd.argoproj.io/sync-wave']));
      }
      expect(hooks.length).toBeGreaterThan(0);
      const rollout = new Rollout({ root: scratch, start: new Date('2026-11-25T02:00:00Z') });
      const result = rollout.run();
      for (const hook of hooks) {
        const app = [...rollout.apps.values()].find((a) => a.obj.spec?.source?.path === hook.folder)!;
        const outcome = result.outcomes.find((o) => o.application === app.name);
        expect(outcome).toMatchObject({ converged: false, object: expect.stringMatching(new RegExp(`^Job .*/${hook.name}$`)), reason: expect.stringMatching(/egress to .* is denied/) });
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('npm run rollout refuses a time limit that would simulate nothing (issue 23 item 9)', () => {
  it.each(['abc', '0', '-5'])('--max-seconds %s: one line and exit 1', (value) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'libs/rollout/src/cli/rollout.ts', '--max-seconds', value], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`error: option '--max-seconds <n>' argument '${value}' is invalid. '${value}' is not a positive whole number of seconds`);
    expect(r.stdout).toBe('');
  });
});
