/**
 * The one rule for "a change removes too much of an environment": Argo CD syncs dist/ with prune
 * on, so such a change would delete that much of a cluster. prune-check blocks it
 * (libs/policy/src/prune-safety.ts); the manifest diff lists it first (libs/manifest-diff/src/risk.ts).
 */
import { groupOf } from './ownership';

/** Largest share of an environment's objects one change may remove without being marked intended. */
export const MAX_ENVIRONMENT_LOSS = 0.2;

/** How much of an environment a change removes, when that is more than `maxShare`; else undefined. */
export function environmentLoss(
  change: { readonly before: number; readonly removed: number },
  maxShare: number = MAX_ENVIRONMENT_LOSS,
): { readonly percent: number; readonly maxPercent: number } | undefined {
  if (change.before === 0 || change.removed / change.before <= maxShare) return undefined;
  return { percent: Math.round((100 * change.removed) / change.before), maxPercent: Math.round(100 * maxShare) };
}

/**
 * What deleting the object loses for good, or undefined: the objects whose prune Argo CD must be
 * told to confirm (a StatefulSet with volume claims, a Namespace; chart.ts and the Argo CD coverage
 * proof), and a PersistentVolumeClaim. A move to another namespace or API group deletes it too.
 * prune-check names every such deletion, in every environment.
 */
export function pruneLoss(o: { readonly apiVersion?: unknown; readonly kind?: unknown; readonly spec?: unknown }): string | undefined {
  const group = groupOf(o.apiVersion);
  const claims = (o.spec as { volumeClaimTemplates?: unknown[] } | undefined)?.volumeClaimTemplates ?? [];
  if (group === 'apps' && o.kind === 'StatefulSet' && claims.length > 0) return 'a StatefulSet with volumeClaimTemplates starts anew with new, empty volumes; the old claims stay behind';
  if (group === '' && o.kind === 'PersistentVolumeClaim') return "deleting a PersistentVolumeClaim deletes its volume's data (the default reclaim policy is Delete)";
  if (group === '' && o.kind === 'Namespace') return 'deleting a Namespace deletes every object in it';
  return undefined;
}
