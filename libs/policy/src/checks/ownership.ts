/**
 * Each object once per environment, and a namespace per system: the platform's ownership rules
 * (libs/platform/src/ownership.ts, where the Argo CD behaviour they model is cited), as policy
 * violations over everything rendered.
 */
import { ownershipProblems } from '@gitops/platform';
import { violation, type PolicyContext, type Violation } from '../context';

export function checkOwnership(ctx: PolicyContext): Violation[] {
  return ownershipProblems(ctx.manifests).map((p) => violation(ctx.manifests[p.at], p.rule, p.message));
}
