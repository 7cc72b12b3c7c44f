/**
 * Issue 22 major 9 (checks/data-stores.ts): a budget may allow only the disruptions a cache or
 * database survives. QuizMentor's Redis as it was (three masters, no replica, minAvailable 2)
 * fails; the same cluster with a replica per shard passes.
 */
import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifests';
import { checkPolicies } from './policy';

const at = (file: string, object: any): Manifest => ({ file: `dist/production/shop/${file}`, env: 'production', object: { ...object, metadata: { namespace: 'shop', ...object.metadata } } });

function statefulSet(app: string, opts: { image: string; replicas: number; args?: string[]; env?: any[] }): Manifest {
  return at(`${app}/StatefulSet.${app}.yaml`, {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: app },
    spec: {
      replicas: opts.replicas, serviceName: app, selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: opts.image, command: ['sh', '-c'], args: opts.args ?? [], env: opts.env }] } },
    },
  });
}
const budget = (app: string, spec: any) => at(`${app}/PodDisruptionBudget.${app}-pdb.yaml`, {
  apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: `${app}-pdb` }, spec: { selector: { matchLabels: { app } }, ...spec },
});
const REDIS = 'exec redis-server /etc/redis/redis.conf --cluster-enabled yes --cluster-config-file /data/nodes.conf';
/** This repository's bootstrap reads REDIS_SHARDS: pods past the first S replicate pod n mod S. */
const SCRIPT = `if [ "$n" -ge "$REDIS_SHARDS" ]; then redis-cli cluster replicate x; fi\n${REDIS}`;

const found = (manifests: Manifest[]) => checkPolicies(manifests).violations.filter((v) => v.rule === 'data-store-budget').map((v) => `${v.kind} ${v.name}: ${v.message}`);

describe('data-store-budget: a budget allows only what the data store survives (issue 22 major 9)', () => {
  it('refuses three Redis masters without replicas under a budget that allows one eviction (the document)', () => {
    expect(found([statefulSet('redis', { image: 'redis:7.2.7-alpine', replicas: 3, args: [REDIS] }), budget('redis', { minAvailable: 2 })])).toEqual([
      'PodDisruptionBudget redis-pdb: allows 1 disruption(s) of StatefulSet redis, a Redis cluster of 3 pod(s) with 0 replica(s) of each: a shard without a replica fails its slots and, with cluster-require-full-coverage yes (the default), every key; add replicas (or a standby), or allow at most 0 disruption(s)',
    ]);
  });

  it('accepts a replica per shard, read from the bootstrap script or from --cluster-replicas, and refuses a budget allowing more than that', () => {
    const shards = [{ name: 'REDIS_SHARDS', value: '3' }];
    expect(found([statefulSet('redis', { image: 'redis:7.2.7-alpine', replicas: 6, args: [SCRIPT], env: shards }), budget('redis', { maxUnavailable: 1 })])).toEqual([]);
    expect(found([statefulSet('redis', { image: 'redis:7.2.7-alpine', replicas: 9, args: [`redis-cli --cluster create --cluster-replicas 2; ${REDIS}`] }), budget('redis', { minAvailable: 7 })])).toEqual([]);
    expect(found([statefulSet('redis', { image: 'redis:7.2.7-alpine', replicas: 6, args: [SCRIPT], env: shards }), budget('redis', { maxUnavailable: 2 })])).toHaveLength(1);
  });

  it('refuses a single database pod whose budget allows its eviction, unless waived with a reason', () => {
    const pdb = budget('db', { maxUnavailable: 1 });
    expect(found([statefulSet('db', { image: 'postgres:15.8-alpine', replicas: 1 }), pdb])).toEqual([
      'PodDisruptionBudget db-pdb: allows 1 disruption(s) of StatefulSet db, a database (postgres:15.8-alpine) whose pods replicate nothing with 0 replica(s) of each: its data is offline while the pod is away (no standby takes over); add replicas (or a standby), or allow at most 0 disruption(s)',
    ]);
    pdb.object.metadata.annotations = { 'policy.gitops-manifests/waive-data-store-budget': 'one writer by decision, a drain is a restart' };
    const report = checkPolicies([statefulSet('db', { image: 'postgres:15.8-alpine', replicas: 1 }), pdb]);
    expect(report.waived.map((v) => v.rule)).toContain('data-store-budget');
  });

  it('leaves stateless workloads alone', () => {
    expect(found([statefulSet('web', { image: 'nginx:1.27', replicas: 2 }), budget('web', { maxUnavailable: 1 })])).toEqual([]);
  });
});
