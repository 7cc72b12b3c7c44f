/**
 * Workloads that pass every schema yet never start, never become Ready or fail their load
 * balancer (issue 13 items 5-9), each checked as the program that runs them reads the object.
 */
import { parseQuantity, redisMemoryBytes, REDIS_MAXMEMORY_SHARE } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';
import { LONG_RUNNING, type Workload } from '../workloads';

export function checkWorkloadRuntime(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.ofKind('Service')) out.push(...loadBalancerHealthChecks(m));
  for (const w of ctx.workloads) {
    out.push(...subPathOwnership(w), ...initMigrations(w), ...redis(ctx, w));
  }
  return out;
}

const LBC = 'service.beta.kubernetes.io/aws-load-balancer-';

/**
 * AWS Load Balancer Controller Service annotations ("Health check",
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#health-check):
 * `healthcheck-protocol` defaults to TCP, and `healthcheck-path` and `healthcheck-success-codes`
 * apply only "when the protocol is HTTP/HTTPS", so without it they are silently ignored and the
 * NLB only checks that the port accepts connections. `healthcheck-timeout` must be less than
 * `healthcheck-interval` (the target group API refuses it otherwise).
 */
function loadBalancerHealthChecks(m: Manifest): Violation[] {
  const a = m.object.metadata.annotations ?? {};
  const out: Violation[] = [];
  const protocol = (a[`${LBC}healthcheck-protocol`] ?? 'tcp').toLowerCase();
  for (const key of ['healthcheck-path', 'healthcheck-success-codes']) {
    if (a[`${LBC}${key}`] !== undefined && protocol !== 'http' && protocol !== 'https') {
      out.push(violation(m, 'lb-health-check',
        `annotation ${LBC}${key} is ignored while ${LBC}healthcheck-protocol is ${a[`${LBC}healthcheck-protocol`] ?? 'unset (TCP)'}: set it to http or https`));
    }
  }
  const timeout = Number(a[`${LBC}healthcheck-timeout`]);
  const interval = Number(a[`${LBC}healthcheck-interval`]);
  if (Number.isFinite(timeout) && Number.isFinite(interval) && a[`${LBC}healthcheck-timeout`] && a[`${LBC}healthcheck-interval`] && timeout >= interval) {
    out.push(violation(m, 'lb-health-check', `${LBC}healthcheck-timeout (${timeout}) must be less than ${LBC}healthcheck-interval (${interval})`));
  }
  return out;
}

/** Volume types whose content the pod's process writes (not the read-only projections). */
const DATA_VOLUMES = ['persistentVolumeClaim', 'emptyDir', 'ephemeral', 'csi'];

/**
 * A writable `subPath` of a data volume, in a container that is not root: the kubelet creates a
 * missing subPath directory itself, as root, after the volume's fsGroup ownership was applied,
 * so a non-root process can neither write it nor chmod it (initdb's "could not change
 * permissions of directory"; kubernetes/kubernetes#41638). Mount the volume and let the process
 * create its directory inside it (PostgreSQL: PGDATA=<mount>/<dir>, docker-library/postgres docs).
 */
function subPathOwnership(w: Workload): Violation[] {
  const out: Violation[] = [];
  const claims = new Set<string>((w.object.kind === 'StatefulSet' ? w.object.spec?.volumeClaimTemplates ?? [] : []).map((c: any) => c?.metadata?.name));
  const volumes = new Map<string, any>((w.pod.volumes ?? []).map((v: any) => [v?.name, v]));
  for (const { c, path } of w.containers) {
    const uid = c.securityContext?.runAsUser ?? w.pod.securityContext?.runAsUser;
    const nonRoot = uid !== undefined ? uid !== 0 : (c.securityContext?.runAsNonRoot ?? w.pod.securityContext?.runAsNonRoot) === true;
    if (!nonRoot) continue;
    for (const mount of c.volumeMounts ?? []) {
      if (!(mount?.subPath || mount?.subPathExpr) || mount.readOnly === true) continue;
      const vol = volumes.get(mount.name);
      const data = claims.has(mount.name) || (vol && DATA_VOLUMES.some((t) => t in vol));
      if (!data) continue;
      out.push(violation(w.manifest, 'subpath-ownership',
        `${path} (${c.name}): volume ${mount.name} is mounted at ${mount.mountPath} with subPath ${mount.subPath ?? mount.subPathExpr}; the kubelet creates that directory as root, so UID ${uid ?? '(non-root)'} cannot own it: mount the volume and point the process at a directory inside it`));
    }
  }
  return out;
}

/**
 * A migration in an init container of a workload that runs many pods: it runs in every pod, at
 * once, on every scale-out, restart and canary, racing itself and changing the schema under the
 * version still serving. Migrations run once per release, as a hook Job (platform MigrationHook).
 */
const MIGRATION = /migrat|alembic\s+upgrade|\bflyway\b|\bliquibase\b|\bgoose\b[^;]*\bup\b|db:(migrate|push)|\bdbmate\s+up\b/i;

function initMigrations(w: Workload): Violation[] {
  if (!LONG_RUNNING.has(w.object.kind)) return [];
  return w.containers.filter(({ c, init }) => init && MIGRATION.test([c.name, c.image, ...(c.command ?? []), ...(c.args ?? [])].join(' '))).map(({ c, path }) =>
    violation(w.manifest, 'no-init-migrations',
      `${path} (${c.name}) runs a migration (${[...(c.command ?? []), ...(c.args ?? [])].join(' ') || c.image}) in every pod of this ${w.object.kind}, on every scale-out and restart: run it once per release as an Argo CD hook Job`));
}

/** Containers that run redis-server (official and derived images, or the command). */
export function isRedisServer(c: any): boolean {
  return /(^|\/)redis(-stack-server)?(:|@|$)/.test(c.image ?? '') || [...(c.command ?? []), ...(c.args ?? [])].some((a: string) => /(^|[\s/])redis-server(\s|$)/.test(String(a)));
}

/**
 * Redis as it reads its configuration: the file named by the first argument (a mounted
 * ConfigMap key), then `--name value` arguments, which override the file (redis.conf header,
 * "Redis can be started with a configuration file... and command line arguments").
 */
export function redisConfig(ctx: PolicyContext, w: Workload, c: any): Map<string, string> {
  const conf = new Map<string, string>();
  // words, also inside a `sh -c` script that ends by exec'ing redis-server
  const argv: string[] = [...(c.command ?? []), ...(c.args ?? [])].flatMap((a) => String(a).split(/\s+/)).filter(Boolean);
  // the file is redis-server's first argument (a script may name other .conf files before it)
  const server = argv.findIndex((a) => /(^|\/)redis-server$/.test(a));
  const file = server >= 0 && argv[server + 1]?.endsWith('.conf') ? argv[server + 1] : argv.find((a) => a.endsWith('.conf'));
  if (file) {
    for (const mount of c.volumeMounts ?? []) {
      const vol = (w.pod.volumes ?? []).find((v: any) => v?.name === mount?.name);
      if (!vol?.configMap || !file.startsWith(mount.mountPath)) continue;
      const key = mount.subPath ?? file.slice(mount.mountPath.length).replace(/^\//, '');
      const text = ctx.ofKind('ConfigMap', w.namespace).find((m) => m.object.metadata.name === vol.configMap.name)?.object.data?.[key];
      for (const line of (text ?? '').split('\n')) {
        const m = /^\s*([a-z-]+)\s+(.+?)\s*$/i.exec(line);
        if (m && !line.trim().startsWith('#')) conf.set(m[1].toLowerCase(), m[2].replace(/^"(.*)"$/, '$1'));
      }
    }
  }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--') && i + 1 < argv.length) conf.set(argv[i].slice(2).toLowerCase(), argv[i + 1]);
  }
  return conf;
}

function redis(ctx: PolicyContext, w: Workload): Violation[] {
  const out: Violation[] = [];
  for (const { c, path, init } of w.containers) {
    if (init || !isRedisServer(c)) continue;
    const conf = redisConfig(ctx, w, c);
    const limit = c.resources?.limits?.memory;
    const maxmemory = conf.get('maxmemory');
    if (limit !== undefined) {
      const limitBytes = parseQuantity(String(limit));
      const bytes = maxmemory === undefined ? undefined : redisMemoryBytes(maxmemory);
      if (maxmemory === undefined || bytes === 0) {
        out.push(violation(w.manifest, 'redis-maxmemory',
          `${path} (${c.name}): no maxmemory under the ${limit} memory limit: Redis grows until the OOM killer ends the pod; set maxmemory to at most ${REDIS_MAXMEMORY_SHARE * 100}% of the limit`));
      } else if (bytes === undefined || bytes > REDIS_MAXMEMORY_SHARE * limitBytes) {
        out.push(violation(w.manifest, 'redis-maxmemory',
          `${path} (${c.name}): maxmemory ${maxmemory} is more than ${REDIS_MAXMEMORY_SHARE * 100}% of the ${limit} memory limit (${Math.floor((REDIS_MAXMEMORY_SHARE * limitBytes) / 2 ** 20)}mb): buffers, fragmentation and a background save's copy-on-write come on top, past the limit the OOM killer ends the pod`));
      }
    }
    // cluster mode: a node answers PING long before it has hash slots; clients get CLUSTERDOWN
    // until `CLUSTER INFO` says cluster_state:ok (https://redis.io/docs/latest/commands/cluster-info/)
    if ((conf.get('cluster-enabled') ?? 'no').toLowerCase() === 'yes' && w.longRunning) {
      const readiness = JSON.stringify(c.readinessProbe ?? {});
      if (!/cluster_state:ok/.test(readiness)) {
        out.push(violation(w.manifest, 'redis-cluster-readiness',
          `${path} (${c.name}): cluster-enabled yes, but the readiness probe does not check cluster_state:ok: pods report Ready while every command answers CLUSTERDOWN`));
      }
    }
  }
  return out;
}
