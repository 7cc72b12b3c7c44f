/**
 * Stateful singletons: objects that must exist once per environment, because each copy acts on
 * shared state on its own. Two copies on two clusters make two writers (a StatefulSet claiming
 * volumes starts its own database), run a migration twice against one database (an Argo CD
 * resource hook runs on every sync of every Application that holds it), or take every backup twice
 * (a Velero Schedule). The renderer places them on the system's singleton cluster only; validate's
 * policy refuses one synced to two clusters of an environment.
 */
import { HOOK_ANNOTATION } from './argocd';

interface ObjectLike {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { annotations?: Record<string, string> } | undefined;
  spec?: unknown;
}

/** Why an object is a stateful singleton, or undefined when it is not one. */
export function singletonReason(o: ObjectLike): string | undefined {
  const group = typeof o.apiVersion === 'string' && o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  const spec = (o.spec ?? {}) as { volumeClaimTemplates?: unknown[] };
  if (group === 'apps' && o.kind === 'StatefulSet' && (spec.volumeClaimTemplates?.length ?? 0) > 0) {
    return 'a StatefulSet claiming volumes (its own copy of the data, a second writer)';
  }
  const annotations = o.metadata?.annotations ?? {};
  // Argo CD runs resource hooks (argocd.argoproj.io/hook, and helm.sh/hook it maps) on every sync:
  // https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/ and .../helm/#helm-hooks
  if (o.kind === 'Job' && (annotations[HOOK_ANNOTATION] || annotations['helm.sh/hook'])) {
    return 'a resource hook Job (a migration runs once per sync of every copy)';
  }
  if (group === 'velero.io' && o.kind === 'Schedule') return 'a Velero backup Schedule (every backup taken twice)';
  return undefined;
}
