/**
 * Argo CD Applications that converge on a fresh cluster (issue 12): every automated Application
 * (the add-on Applications in dist/, the bootstrap) and every ApplicationSet template in argocd/
 * retries a failed sync without limit and with a capped backoff (retryProblems, shared with the
 * coverage proof in apps/argocd), and no ApplicationSet template fails on shared resources, which
 * after a service rename would stop its new Application for good (controller/state.go decides
 * "shared" from the live object's tracking id alone).
 */
import { retryProblems, SYNC_OPTION } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';

export function checkArgoCd(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.manifests) {
    const o = m.object as any;
    if (!String(o.apiVersion ?? '').startsWith('argoproj.io/')) continue;
    const policy = o.kind === 'Application' ? o.spec?.syncPolicy : o.kind === 'ApplicationSet' ? o.spec?.template?.spec?.syncPolicy : undefined;
    if (!policy?.automated) continue; // a manual Application retries nothing on its own
    for (const message of retryProblems(policy.retry)) out.push(violation(m, 'argocd-sync-converges', message));
    if (o.kind === 'ApplicationSet' && (policy.syncOptions ?? []).includes(SYNC_OPTION.failOnSharedResource)) {
      out.push(violation(m, 'argocd-sync-converges', 'FailOnSharedResource=true: after a service is renamed, its new Application fails for good on the objects the old one applied'));
    }
  }
  return out;
}
