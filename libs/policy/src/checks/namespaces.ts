import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';

/** Pod Security Admission (PodSecurityPolicy was removed in Kubernetes 1.25). */
export function checkNamespaces(ctx: PolicyContext): Violation[] {
  return ctx.ofKind('Namespace').flatMap((m) =>
    m.object.metadata.labels?.['pod-security.kubernetes.io/enforce']
      ? []
      : [violation(m, 'namespace-pod-security', 'add the label pod-security.kubernetes.io/enforce (restricted, or baseline with a reason)')]);
}
