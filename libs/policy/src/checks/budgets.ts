/**
 * PodDisruptionBudgets as the eviction API applies them (issue 13 item 10): a budget that allows
 * no eviction at its workloads' minimum size blocks every node drain (and cluster upgrade) for
 * good, and a pod under two budgets cannot be evicted at all.
 *
 * The disruption controller (kubernetes pkg/controller/disruption/disruption.go,
 * getExpectedPodCount and updatePdbStatus; https://kubernetes.io/docs/concepts/workloads/pods/disruptions/):
 * - `maxUnavailable` (number or percent, rounded up): expected = the controllers' scale
 *   (`spec.replicas`, which an HPA keeps at least at `minReplicas`), desiredHealthy = expected - maxUnavailable;
 * - `minAvailable` as a number: desiredHealthy = minAvailable;
 * - `minAvailable` as a percent: desiredHealthy = ceil(percent × expected);
 * - disruptionsAllowed = currentHealthy - desiredHealthy, where currentHealthy is at most expected.
 * The eviction subresource refuses a pod that more than one budget selects
 * (pkg/registry/core/pod/storage/eviction.go: "This pod has more than one PodDisruptionBudget").
 */
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import { matches } from '../selectors';
import type { Workload } from '../workloads';

/** Controllers with a scale subresource: the disruption controller reads their replica count. */
const SCALABLE = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

export function checkBudgets(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  const budgets = ctx.ofKind('PodDisruptionBudget');
  for (const pdb of budgets) {
    const spec = pdb.object.spec ?? {};
    const selected = ctx.selected(ns(pdb.object), spec.selector ?? {}).filter((w) => SCALABLE.has(w.object.kind));
    if (selected.length === 0) continue; // pdb-target reports a budget over nothing
    const sizes = selected.map((w) => ({ w, min: minimumSize(ctx, w) }));
    const expected = sizes.reduce((n, s) => n + s.min.count, 0);
    const desired = desiredHealthy(spec, expected);
    if (desired === undefined) continue;
    if (expected - desired < 1) {
      const how = sizes.map((s) => `${s.w.object.kind} ${s.w.object.metadata.name}: ${s.min.source}`).join('; ');
      const rule = spec.maxUnavailable !== undefined ? `maxUnavailable ${spec.maxUnavailable}` : `minAvailable ${spec.minAvailable}`;
      out.push(violation(pdb, 'budget-allows-eviction',
        `${rule} leaves ${expected - desired} disruptions allowed at the workloads' minimum size of ${expected} pod(s) (${how}): every node drain waits forever; use maxUnavailable: 1 or a minAvailable below the minimum`));
    }
  }
  // a pod under two budgets: the eviction API answers 500 for it, whatever the budgets say
  for (const w of ctx.workloads) {
    const over = budgets.filter((p) => ns(p.object) === w.namespace && matches(p.object.spec?.selector ?? {}, w.podLabels));
    if (over.length < 2) continue;
    for (const p of over) {
      const others = over.filter((o) => o !== p).map((o) => o.object.metadata.name).join(', ');
      out.push(violation(p, 'budget-allows-eviction',
        `the pods of ${w.object.kind} ${w.object.metadata.name} are also selected by PodDisruptionBudget ${others}: the eviction API refuses a pod with more than one budget, so drains never evict them`));
    }
  }
  return out;
}

/** The pod count the workload can run at: its HPA's minReplicas, else spec.replicas (default 1). */
function minimumSize(ctx: PolicyContext, w: Workload): { count: number; source: string } {
  const hpa = ctx.ofKind('HorizontalPodAutoscaler', w.namespace).find(
    (h) => h.object.spec?.scaleTargetRef?.kind === w.object.kind && h.object.spec?.scaleTargetRef?.name === w.object.metadata.name,
  );
  if (hpa) {
    const min = hpa.object.spec.minReplicas ?? 1;
    return { count: min, source: `HPA ${hpa.object.metadata.name} minReplicas ${min}` };
  }
  const replicas = w.object.spec?.replicas ?? 1;
  return { count: replicas, source: `replicas ${w.object.spec?.replicas ?? 'unset (1)'}` };
}

/** desiredHealthy for `expected` pods, or undefined for a budget the API server would refuse. */
export function desiredHealthy(spec: { minAvailable?: number | string; maxUnavailable?: number | string }, expected: number): number | undefined {
  if (spec.maxUnavailable !== undefined) {
    const max = scaled(spec.maxUnavailable, expected);
    return max === undefined ? undefined : Math.max(0, expected - max);
  }
  if (spec.minAvailable !== undefined) return scaled(spec.minAvailable, expected);
  // neither: not modelled here (kubeconform and the API server judge the budget's shape)
  return undefined;
}

/** An IntOrString against `total`; percents round up (intstr.GetScaledValueFromIntOrPercent(…, true)). */
function scaled(v: number | string, total: number): number | undefined {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  return m ? Math.ceil((Number(m[1]) * total) / 100) : undefined;
}
