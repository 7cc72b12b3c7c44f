/**
 * One owner for a Deployment's (or StatefulSet's) `spec.replicas` in every environment (issue 13
 * item 22). A service whose count is fixed in one environment and autoscaled in another is one
 * values edit away from switching, and the switch is what breaks: a manifest that stops carrying
 * `spec.replicas` makes the API server reset it to 1 (under Argo CD's ServerSideApply the applier
 * owned it; "Horizontal Pod Autoscaling: Migrating Deployments and StatefulSets to horizontal
 * autoscaling", https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling),
 * and one that starts carrying it again fights the HPA. Hold the count by an HPA everywhere (a
 * fixed count is equal bounds: the platform's podCount), or fix it everywhere.
 */
import type { Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';

const SCALED = new Set(['Deployment', 'StatefulSet']);

/** Checks across environments: `manifests` of every environment together. */
export function checkReplicasOwner(manifests: readonly Manifest[]): Violation[] {
  const hpaTargets = new Set(manifests.filter((m) => m.object.kind === 'HorizontalPodAutoscaler').map((m) => {
    const ref = m.object.spec?.scaleTargetRef ?? {};
    return `${m.env}|${m.object.metadata.namespace ?? 'default'}|${ref.kind}|${ref.name}`;
  }));
  // the same object in each environment: its place under dist/<env>/ (system, service, cluster folder, file)
  const byPlace = new Map<string, { m: Manifest; owner: 'HPA' | 'fixed' }[]>();
  for (const m of manifests) {
    if (!m.env || !SCALED.has(m.object.kind)) continue;
    const place = m.file.split('/').slice(2).join('/');
    const owner = hpaTargets.has(`${m.env}|${m.object.metadata.namespace ?? 'default'}|${m.object.kind}|${m.object.metadata.name}`) ? 'HPA' : 'fixed';
    byPlace.set(place, [...(byPlace.get(place) ?? []), { m, owner }]);
  }
  const out: Violation[] = [];
  for (const copies of byPlace.values()) {
    const autoscaled = copies.filter((c) => c.owner === 'HPA').map((c) => c.m.env);
    if (autoscaled.length === 0 || autoscaled.length === copies.length) continue;
    for (const c of copies.filter((c) => c.owner === 'fixed')) {
      out.push(violation(c.m, 'replicas-one-owner',
        `spec.replicas is ${c.m.object.spec?.replicas ?? 'unset (1)'} here, but an HPA owns it in ${[...new Set(autoscaled)].join(', ')}: switching an environment drops or restores the field, which the API server resets to 1 or the HPA fights; hold the count by an HPA everywhere (equal bounds for a fixed count: podCount)`));
    }
  }
  return out;
}
