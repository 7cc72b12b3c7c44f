/**
 * Broken repositories through real Argo CD (scenarios.ts): one run of the harness of npm run
 * test:argocd over a repository holding every scenario; each scenario's Applications must end as it
 * says - Synced and Healthy, or stuck with Argo CD's own message naming the Application. Needs the
 * built components (npm run k8s:build, Argo CD included), redis-server and ../shared/addons; CI
 * has all three before this tier runs.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { argoCdTestInputs, runArgoCdTest, type AppReport } from './run';
import { SCENARIOS, scenarioRepository } from './scenarios';

const { sharedDir: SHARED, binaries, missing } = argoCdTestInputs(WORKSPACE_ROOT);
if (missing) console.warn(`argocd scenarios: skipped: ${missing}`);

describe.skipIf(missing)('broken repositories through real Argo CD', () => {
  it(`${SCENARIOS.length} scenarios: each converges or is stuck with Argo CD's own message`, async () => {
    const { root, plan, expected } = scenarioRepository();
    let stable = 0;
    const verdicts = (reports: readonly AppReport[]) => {
      const byName = new Map(reports.map((r) => [r.name, r]));
      return SCENARIOS.map((s) => ({ scenario: s, why: s.check(byName) }));
    };
    const result = await runArgoCdTest({
      root,
      sharedDir: SHARED,
      binaries: binaries!,
      plan,
      expected,
      deadlineMs: 8 * 60_000,
      // over once every scenario holds for three rounds in a row (15 s): a stuck one stays stuck
      done: (reports) => {
        stable = verdicts(reports).every((v) => !v.why) ? stable + 1 : 0;
        return stable >= 3;
      },
      log: () => undefined,
    });
    const outcome = verdicts(result.apps);
    const byName = new Map(result.apps.map((r) => [r.name, r]));
    for (const { scenario } of outcome) {
      process.stdout.write(`[${scenario.origin}] ${scenario.name}: ${scenario.title}\n`);
      for (const app of scenario.apps) {
        const r = byName.get(app)!;
        process.stdout.write(`    ${r.name}: ${r.sync}/${r.health}${r.sync === 'Synced' && r.health === 'Healthy' ? '' : `: ${r.message}`}\n`);
      }
    }
    const failed = outcome.filter((v) => v.why).map((v) => `${v.scenario.name}: ${v.why}`);
    expect(failed, `logs: ${result.workDir}`).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  }, 15 * 60_000);
});
