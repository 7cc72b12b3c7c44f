/**
 * The one rule for "a change removes too much of an environment": Argo CD syncs dist/ with prune
 * on, so such a change would delete that much of a cluster. prune-check blocks it
 * (libs/policy/src/prune-safety.ts); the manifest diff lists it first (libs/manifest-diff/src/risk.ts).
 */

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
