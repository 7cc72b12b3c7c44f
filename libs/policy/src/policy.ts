/**
 * The policy checks of `validate`: every violation names file, object and rule. A rule is waived
 * for one object only by `waivePolicy(...)` in the service's code (an annotation with a reason).
 */
import { WAIVER_PREFIX, type PolicyRule } from '@gitops/platform';
import type { Environment } from '@gitops/platform';
import { checkAddonValues, type ChartFilesLoader } from './checks/addon-values';
import { checkArgoCd } from './checks/argocd';
import { checkBudgets } from './checks/budgets';
import { checkDataStores } from './checks/data-stores';
import { checkEgress } from './checks/egress';
import { checkFleet } from './checks/fleet';
import { checkHooks } from './checks/hooks';
import { checkHosts } from './checks/hosts';
import { checkImages } from './checks/images';
import { checkMetadata } from './checks/metadata';
import { checkMonitoring } from './checks/monitoring';
import { checkNamespaces } from './checks/namespaces';
import { checkOwnership } from './checks/ownership';
import { checkPodSecurity } from './checks/pod-security';
import { checkProduction } from './checks/production';
import { checkPromql } from './checks/promql';
import { checkReferences } from './checks/references';
import { checkReplicasOwner } from './checks/replicas-owner';
import { checkRuntime } from './checks/runtime';
import { checkSecrets } from './checks/secrets';
import { checkTraffic } from './checks/traffic';
import { checkValues } from './checks/values';
import { checkWebhooks } from './checks/webhooks';
import { checkWorkloadRuntime } from './checks/workload-runtime';
import { checkWorkloads } from './checks/workloads';
import { PolicyContext, type Violation } from './context';
import type { Manifest } from './manifests';

export interface Waived extends Violation {
  reason: string;
}

export interface PolicyReport {
  violations: Violation[];
  waived: Waived[];
  /** Findings that do not fail the run (an end of support within 90 days, none published). @default none */
  warnings?: Violation[];
  /** The day support windows were judged at (YYYY-MM-DD). @default - they were not judged */
  supportJudgedOn?: string;
}

export interface PolicyOptions {
  /** The add-on charts' values.yaml and values.schema.json (../shared/addons). @default - none: add-on values are not checked */
  readonly chartFiles?: ChartFilesLoader;
}

/**
 * Checks `manifests`. Cross-object rules look only within one environment (objects of one
 * `dist/<env>`, or objects outside dist/ on their own).
 * @param fleet each environment's clusters and placements, for the fleet rules (checks/fleet.ts) @default - none: those rules are skipped
 * @param options what the add-on values check reads
 */
export function checkPolicies(manifests: readonly Manifest[], fleet?: ReadonlyMap<string, Environment>, options: PolicyOptions = {}): PolicyReport {
  const byEnv = new Map<string, Manifest[]>();
  for (const m of manifests) byEnv.set(m.env ?? '', [...(byEnv.get(m.env ?? '') ?? []), m]);
  const found: Violation[] = [];
  for (const [env, group] of byEnv) {
    const ctx = new PolicyContext(group);
    found.push(...checkFleet(ctx, fleet?.get(env)));
    found.push(...checkPromql(ctx), ...checkMonitoring(ctx, fleet?.get(env)));
    found.push(...checkBudgets(ctx), ...checkDataStores(ctx), ...checkHooks(ctx), ...checkWorkloadRuntime(ctx));
    found.push(...checkTraffic(ctx), ...checkRuntime(ctx, fleet?.get(env)), ...checkPodSecurity(ctx, fleet?.get(env)));
    found.push(...checkEgress(ctx, fleet?.get(env)));
    found.push(...checkArgoCd(ctx), ...checkHosts(ctx), ...checkWebhooks(ctx));
    found.push(...checkImages(ctx, options.chartFiles), ...checkAddonValues(ctx, options.chartFiles));
    found.push(...checkWorkloads(ctx), ...checkProduction(ctx), ...checkSecrets(ctx), ...checkNamespaces(ctx), ...checkReferences(ctx), ...checkOwnership(ctx), ...checkMetadata(ctx), ...checkValues(ctx));
  }
  // across environments: the same Deployment in each of them
  found.push(...checkReplicasOwner(manifests));
  const annotationsOf = new Map(manifests.map((m) => [`${m.file}#${m.object.kind}/${m.object.metadata.name}`, m.object.metadata.annotations ?? {}]));
  const report: PolicyReport = { violations: [], waived: [] };
  for (const v of found) {
    const reason = annotationsOf.get(`${v.file}#${v.kind}/${v.name}`)?.[`${WAIVER_PREFIX}${v.rule}`];
    if (reason) report.waived.push({ ...v, reason });
    else report.violations.push(v);
  }
  const order = (a: Violation, b: Violation) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
  report.violations.sort(order);
  report.waived.sort(order);
  return report;
}

export function formatViolation(v: Violation): string {
  return `${v.file}: ${v.kind} ${v.name}: [${v.rule}] ${v.message}`;
}

export type { PolicyRule };
