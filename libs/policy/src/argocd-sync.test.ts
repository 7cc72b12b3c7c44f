/**
 * argocd-sync-converges (checks/argocd.ts): every automated Application and ApplicationSet
 * template retries without limit, with a capped backoff, and no template fails on shared
 * resources. Fixtures of each mistake; the committed dist/ and argocd/ pass (read from disk).
 */
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { checkPolicies } from './policy';
import { readManifests } from './manifests';

const GOOD_RETRY = { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } };
const app = (name: string, syncPolicy: unknown) => ({
  file: `argocd/x/${name}.yaml`,
  object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd' }, spec: { syncPolicy } },
});
const appSet = (name: string, syncPolicy: unknown) => ({
  file: `argocd/x/${name}.yaml`,
  object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name, namespace: 'argocd' }, spec: { template: { spec: { syncPolicy } } } },
});
const rule = (manifests: any[]) => checkPolicies(manifests).violations.filter((v) => v.rule === 'argocd-sync-converges').map((v) => `${v.kind} ${v.name}: ${v.message}`);

describe('argocd-sync-converges', () => {
  it('reports a retry limit, a missing or uncapped backoff, and FailOnSharedResource in an ApplicationSet template', () => {
    expect(rule([
      app('limited', { automated: {}, retry: { ...GOOD_RETRY, limit: 5 } }),
      app('no-retry', { automated: {} }),
      appSet('uncapped', { automated: {}, retry: { limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '1h' } }, syncOptions: ['FailOnSharedResource=true'] }),
      app('manual', { retry: { limit: 1 } }),
      app('good', { automated: {}, retry: GOOD_RETRY }),
    ])).toEqual([
      'Application limited: syncPolicy.retry.limit must be -1 (retry until it converges; got 5)',
      'Application no-retry: syncPolicy.retry.limit must be -1 (retry until it converges; got undefined)',
      'Application no-retry: syncPolicy.retry.backoff must be a duration, a factor >= 1 and a maxDuration of at most 300s (got undefined)',
      'ApplicationSet uncapped: syncPolicy.retry.backoff must be a duration, a factor >= 1 and a maxDuration of at most 300s (got {"duration":"5s","factor":2,"maxDuration":"1h"})',
      'ApplicationSet uncapped: FailOnSharedResource=true: after a service is renamed, its new Application fails for good on the objects the old one applied',
    ]);
  });

  it('passes the committed dist/ and argocd/', async () => {
    const manifests = await readManifests(WORKSPACE_ROOT, ['dist', 'argocd']);
    expect(manifests.some((m) => m.object.kind === 'ApplicationSet')).toBe(true);
    expect(rule(manifests)).toEqual([]);
  });
});
