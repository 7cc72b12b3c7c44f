/**
 * Each object once per environment, and a namespace per system: the platform's ownership rules
 * (libs/platform/src/layout/ownership.ts, where the Argo CD behaviour they model is cited), as policy
 * violations over everything rendered.
 */
import { ownershipProblems } from '@gitops/platform';
import { violation, type PolicyContext, type Violation } from '../context';

export function checkOwnership(ctx: PolicyContext): Violation[] {
  // A service's per-cluster folders (dist/<env>/<system>/<service>/<cluster>/) hold one object per
  // cluster it goes to, each on its own cluster: it counts once, as the renderer counts it.
  const seen = new Set<string>();
  const counted = ctx.manifests.filter((m) => {
    const parts = m.file.split('/');
    if (parts[0] !== 'dist' || parts.length !== 6) return true;
    const o = m.object;
    const key = `${parts[2]}/${parts[3]} ${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? ''} ${o.metadata.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return ownershipProblems(counted).map((p) => violation(counted[p.at], p.rule, p.message));
}
