/**
 * The values' cron schedules (`cronSchedule`, libs/platform/src/values/schemas.ts) against the REAL
 * parser their consumers use: github.com/robfig/cron/v3's ParseStandard, which the API server
 * validates a CronJob's schedule with, built from its Go module by `npm run k8s:build`
 * (tools/k8s/robfig-cron, at the version k8s.io/kubernetes requires).
 *
 * Over seeded generated schedules (numbers in and out of each field's bounds, names in any case,
 * ranges, steps, `*` and `?`, descriptors, odd spacing): whatever the values accept, the parser
 * accepts; and the two differ only where the values' grammar is deliberately narrower (no `+5`,
 * no `TZ=`, no empty list item, no `@every` duration Go reads but the regular expression does not),
 * never on a range, a bound, a name or a step.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cronSchedule } from '@gitops/platform';
import { runCommand, seededRandom } from '@gitops/platform/testing';
import { resolveComponents } from './build';
import { requiredVersion } from './components';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The parser's binary, or why there is none. */
function realParser(): { binary?: string; missing?: string } {
  const [c] = resolveComponents(ROOT, ['robfig-cron']);
  return existsSync(c.binary) ? { binary: c.binary } : { missing: `robfig/cron ${c.version} is not built (${c.binary}); run npm run k8s:build` };
}
const REAL = realParser();
if (REAL.missing) console.warn(`cron-oracle.integration.test.ts: skipped: ${REAL.missing}`);

/** The messages of the values' grammar: the only refusals the parser may not share. */
const GRAMMAR = /five fields|numbers, month or day names|descriptor such as @daily/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** `count` schedules from one seed, most of them near the grammar's and the bounds' edges. */
function generateSchedules(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const casing = (s: string) => [...s].map((c) => (random() < 0.3 ? c.toUpperCase() : c)).join('');
  const value = (): string => {
    const r = random();
    if (r < 0.6) return String(Math.floor(random() * 13));
    if (r < 0.75) return pick(['0', '1', '6', '7', '12', '13', '23', '24', '31', '32', '59', '60', '00', '007', '99999999999999999999']);
    if (r < 0.93) return casing(pick([...MONTHS, ...DAYS]));
    return pick(['abc', 'xyz', 'Mo', 'L', 'W', '#', '+5', '']);
  };
  const range = (): string => {
    const start = random() < 0.4 ? pick(['*', '?']) : value();
    const end = random() < 0.2 ? `-${value()}` : '';
    const step = random() < 0.2 ? `/${pick(['0', '1', '2', '5', '15', '60', 'x', ''])}` : '';
    return start + end + step;
  };
  const field = () => Array.from({ length: 1 + Math.floor(random() * (random() < 0.8 ? 1 : 3)) }, range).join(random() < 0.97 ? ',' : ',,');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (random() < 0.06) {
      out.push(pick(['@daily', '@hourly', '@weekly', '@monthly', '@yearly', '@annually', '@midnight', '@reboot', '@every 1h30m', '@every 1.5h', '@every 90s', '@every 0s', '@every .5h', '@every 1x', '@every ', '@Daily']));
      continue;
    }
    const fields = Array.from({ length: pick([5, 5, 5, 5, 5, 5, 4, 6]) }, field);
    const sep = () => pick([' ', ' ', ' ', '  ', '\t']);
    out.push((random() < 0.05 ? ' ' : '') + fields.join(sep()) + (random() < 0.05 ? 'TZ=UTC' : '') + (random() < 0.05 ? ' ' : ''));
  }
  return out;
}

describe('cron schedules: the version the API server uses', () => {
  it('tools/k8s/robfig-cron pins the robfig/cron that k8s.io/kubernetes requires', () => {
    const pinned = (module: string) => requiredVersion(readFileSync(path.join(ROOT, 'tools/k8s', module, 'go.mod'), 'utf8'), 'github.com/robfig/cron/v3');
    expect(pinned('robfig-cron')).toBe(pinned('kubernetes'));
  });
});

describe.skipIf(!!REAL.missing)('cron schedules: the values against the real robfig/cron ParseStandard', () => {
  it('accepts only what the parser accepts, and refuses what it refuses but for the narrower grammar', async () => {
    const schedules = [
      // the documented cases of value-types.test.ts
      '0 2 * * *', '*/15 * * * *', '0 0 1,15 * MON-FRI', '30 4 ? * SUN', '@every 1h30m', '0 0 * * 1-6/2', '0 0 * JAN,jul *',
      '99 99 99 99 99', '60 * * * *', '0 24 * * *', '0 0 32 * *', '0 0 * 13 *', '0 0 * * 7', '0 0 * * 5-7', '0 2 L * *', '0 0 2 * * *',
      // robfig's own edges: `*` takes a range's end away, N/step runs to the maximum, a step of 0
      '*-5 * * * *', '5/10 * * * *', '0 0 * * */0', '0 0 5-3 * *', '0 0 0 * *', '0 0 * 0 *', '0 0 * * sun-sat', '0 0 * dec-jan *',
      ...[1, 2, 3, 4].flatMap((seed) => generateSchedules(seed, 5000)),
    ];
    const run = await runCommand(REAL.binary!, [], { cwd: ROOT, input: `${schedules.join('\n')}\n` });
    expect(run.status, run.stderr).toBe(0);
    const verdicts = run.stdout.trimEnd().split('\n');
    expect(verdicts).toHaveLength(schedules.length);
    const wrong: string[] = [];
    let accepted = 0;
    for (const [i, schedule] of schedules.entries()) {
      const ours = cronSchedule.safeParse(schedule);
      const theirs = verdicts[i];
      if (theirs === 'ok') accepted++;
      if (ours.success && theirs !== 'ok') wrong.push(`${JSON.stringify(schedule)}: accepted, but robfig/cron says ${theirs}`);
      if (!ours.success && theirs === 'ok' && !GRAMMAR.test(ours.error.issues[0].message)) {
        wrong.push(`${JSON.stringify(schedule)}: refused (${ours.error.issues[0].message}), but robfig/cron accepts it`);
      }
    }
    expect(wrong.slice(0, 20)).toEqual([]);
    // the generator reaches both sides: a run where nearly everything is refused would show nothing
    expect(accepted).toBeGreaterThan(schedules.length / 10);
    expect(accepted).toBeLessThan(schedules.length * 0.9);
  });
});
