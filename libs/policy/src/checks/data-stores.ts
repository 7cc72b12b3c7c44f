/**
 * `data-store-budget` (issue 22 major 9): a budget that lets the eviction API take a cache's or
 * database's pod must not take what it serves with it. The eviction API honours only the budget's
 * numbers (budgets.ts); what a disruption of that many pods does is the data store's:
 *
 * - Redis in cluster mode serves a hash slot from one master; when the master is away a replica
 *   of it is promoted after `cluster-node-timeout`, and with none the slot fails, and with
 *   `cluster-require-full-coverage yes` (the default) every node refuses every key until it is
 *   back (redis.conf, "cluster-require-full-coverage"; https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/).
 *   A budget may allow at most as many disruptions as each shard has replicas. Replicas per shard
 *   are read from what makes them: `redis-cli --cluster create --cluster-replicas N`, or this
 *   repository's bootstrap script (redis-cluster's formCluster), which makes pod n ≥ REDIS_SHARDS a
 *   replica of pod n mod REDIS_SHARDS (members / REDIS_SHARDS - 1 per shard). Neither: none.
 * - A standalone Redis, PostgreSQL, MySQL/MariaDB or MongoDB pod from its official image has no
 *   standby: each pod is its own store, so any allowed disruption takes data offline.
 */
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { Manifest } from '../manifests';
import type { Workload } from '../workloads';
import { desiredHealthy } from './budgets';
import { isRedisServer, redisConfig } from './workload-runtime';

const DATABASE_IMAGE = /(^|\/)(postgres|postgis|mysql|mariadb|mongo)(:|@|$)/;

export function checkDataStores(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const pdb of ctx.ofKind('PodDisruptionBudget')) {
    for (const w of ctx.selected(ns(pdb.object), pdb.object.spec?.selector ?? {})) {
      const store = redundancy(ctx, w);
      if (!store) continue;
      const size = w.object.spec?.replicas ?? 1;
      const desired = desiredHealthy(pdb.object.spec ?? {}, size);
      if (desired === undefined) continue;
      const allowed = size - desired;
      if (allowed > store.replicas) out.push(problem(pdb, w, allowed, store));
    }
  }
  return out;
}

function problem(pdb: Manifest, w: Workload, allowed: number, store: { replicas: number; what: string; loss: string }): Violation {
  return violation(pdb, 'data-store-budget',
    `allows ${allowed} disruption(s) of ${w.object.kind} ${w.object.metadata.name}, ${store.what} with ${store.replicas} replica(s) of each: ${store.loss}; add replicas (or a standby), or allow at most ${store.replicas} disruption(s)`);
}

/** How many copies a data store keeps of each piece of its data beyond the first; undefined for a workload that is no data store. */
function redundancy(ctx: PolicyContext, w: Workload): { replicas: number; what: string; loss: string } | undefined {
  for (const { c, init } of w.containers) {
    if (init) continue;
    if (isRedisServer(c)) {
      const conf = redisConfig(ctx, w, c);
      if ((conf.get('cluster-enabled') ?? 'no').toLowerCase() !== 'yes') {
        return { replicas: 0, what: 'a standalone Redis', loss: 'its keys are offline while the pod is away' };
      }
      const script = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
      const created = /--cluster-replicas\s+(\d+)/.exec(script);
      const shards = (c.env ?? []).find((e: any) => e?.name === 'REDIS_SHARDS')?.value;
      const size = w.object.spec?.replicas ?? 1;
      const replicas = created ? Number(created[1]) : shards && /REDIS_SHARDS/.test(script) ? Math.floor(size / Number(shards)) - 1 : 0;
      const coverage = conf.get('cluster-require-full-coverage') ?? 'yes';
      return {
        replicas: Math.max(0, replicas),
        what: `a Redis cluster of ${size} pod(s)${shards ? ` in ${shards} shards` : ''}`,
        loss: coverage === 'yes'
          ? 'a shard without a replica fails its slots and, with cluster-require-full-coverage yes (the default), every key'
          : "a shard without a replica fails its slots' keys",
      };
    }
    if (DATABASE_IMAGE.test(c.image ?? '')) {
      return { replicas: 0, what: `a database (${c.image}) whose pods replicate nothing`, loss: 'its data is offline while the pod is away (no standby takes over)' };
    }
  }
  return undefined;
}
