/**
 * Broken repositories through real Argo CD (scenarios.ts): one run of the harness of npm run
 * test:argocd over a repository holding every scenario; each scenario's Applications must end as it
 * says - Synced and Healthy, or stuck with Argo CD's own message naming the Application. Needs the
 * built components (npm run k8s:build, Argo CD included), redis-server and ../shared/addons; CI
 * has all three before this tier runs.
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { resolveComponents } from '../build';
import { builtBinary } from '../components';
import { redisServer, runArgoCdTest, type AppReport, type ArgoCdTestOptions } from './run';
import { ARGOCD_CM, SCENARIOS, scenarioRepository } from './scenarios';

const SHARED = resolve(process.env.GITOPS_SHARED_DIR ?? join(WORKSPACE_ROOT, '../shared'));
const binaries = (() => {
  try {
    const components = resolveComponents(WORKSPACE_ROOT, ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'argocd']);
    if (!components.every((c) => existsSync(c.binary))) return 'the components are not built (npm run k8s:build)';
    return { ...Object.fromEntries(components.map((c) => [c.name, builtBinary(c)])), redis: redisServer() } as unknown as ArgoCdTestOptions['binaries'];
  } catch (e) {
    return (e as Error).message; // no Go, or no redis-server
  }
})();
const missing = typeof binaries === 'string' ? binaries : !existsSync(join(SHARED, 'addons')) ? `${SHARED}/addons is absent` : undefined;
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
      binaries: binaries as ArgoCdTestOptions['binaries'],
      plan,
      expected,
      argocdCm: ARGOCD_CM,
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
