import * as kplus from 'cdk8s-plus-27';
import { defineService, DisruptionBudget, SecureStatefulSet, WorkloadNetworkPolicy } from '@gitops/platform';
import { fromApps, ISTIOD_EGRESS, quizmentor, REDIS } from '@gitops/quizmentor-system';
import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Redis 7 in cluster mode: the document's `redis-config` and `redis-cluster` StatefulSet (pods
 * `app: redis-cluster`, 10Gi per pod), with the headless Service that gives each pod its DNS name.
 * The pods form the cluster themselves and are Ready only once it serves every slot.
 */
export default defineService({
  system: quizmentor,
  name: 'redis-cluster',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.redis-cluster.tag'],
  render(chart, ctx) {
    const v = ctx.values.services['redis-cluster'];

    new kplus.ConfigMap(chart, 'Config', {
      metadata: { name: REDIS.config },
      data: {
        'redis.conf': [
          `maxmemory ${v.maxmemory}`,
          'maxmemory-policy allkeys-lru',
          'save 900 1',
          'save 300 10',
          'save 60 10000',
          'appendonly yes',
          'appendfilename "appendonly.aof"',
          '',
        ].join('\n'),
      },
    });

    const service = new kplus.Service(chart, 'Service', {
      metadata: { name: REDIS.service, labels: { app: REDIS.app } },
      // headless: cluster members and clients address each pod (redis-cluster-0.redis-cluster...)
      clusterIP: 'None',
      ports: [
        { name: 'client', port: REDIS.port, targetPort: REDIS.port, protocol: kplus.Protocol.TCP },
        { name: 'gossip', port: REDIS.busPort, targetPort: REDIS.busPort, protocol: kplus.Protocol.TCP },
      ],
    });
    service.selectLabel('app', REDIS.app);
    ApiObject.of(service).addJsonPatch(JsonPatch.remove('/spec/externalIPs'));
    // members reach redis-cluster-0 by name before any of them is Ready (Ready needs the formed cluster)
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/publishNotReadyAddresses', true));

    const statefulSet = new SecureStatefulSet(chart, 'StatefulSet', {
      name: REDIS.statefulSet,
      app: REDIS.app,
      serviceName: REDIS.service,
      replicas: v.replicas,
      containerName: 'redis',
      repository: 'redis',
      tag: v.tag,
      component: 'cache',
      system: ctx.system,
      ports: [{ name: 'client', containerPort: REDIS.port }, { name: 'gossip', containerPort: REDIS.busPort }],
      // The document started three cluster-enabled servers and nothing assigned the 16384 hash
      // slots, so every command answered CLUSTERDOWN (issue 13 item 7). Each pod now takes its
      // share of the slots once and introduces itself to redis-cluster-0, then runs the server.
      command: ['sh', '-c'],
      args: [formCluster(v.replicas)],
      fieldEnv: { POD_IP: 'status.podIP' },
      // all members start together: none is Ready before the cluster has formed. The field is
      // immutable: a StatefulSet created before this change is replaced once, by hand, with
      // `kubectl delete statefulset redis-cluster --cascade=orphan` (pods and claims stay), then a sync
      podManagementPolicy: 'Parallel',
      resources: v.resources,
      // the document has no probes; redis-cli answers PONG once the server accepts commands, but
      // a cluster node serves only once every slot is assigned (CLUSTER INFO cluster_state:ok)
      liveness: { command: ['redis-cli', 'ping'], initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 5 },
      readiness: { command: ['sh', '-c', "redis-cli cluster info | grep -q '^cluster_state:ok'"], initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3 },
      runAsUser: REDIS.uid,
      claims: [{ name: 'data', storage: v.storage, mountPath: '/data' }],
      configMaps: [{ name: 'config', configMap: REDIS.config, mountPath: '/etc/redis' }],
    });

    // a drain takes one member at a time; while it is away its slots fail and every member is
    // unready (cluster_state:fail), so the budget stops a second eviction until it is back
    new DisruptionBudget(chart, 'DisruptionBudget', { targets: [statefulSet], minPods: v.replicas, minAvailable: v.replicas - 1 });

    new WorkloadNetworkPolicy(chart, 'NetworkPolicy', {
      target: statefulSet,
      ingress: [
        fromApps(['learning-orchestrator', 'adaptive-engine', 'batch-processor'], REDIS.port),
        // cluster members talk to each other on the client port and the cluster bus
        { peers: [{ app: REDIS.app }], ports: [{ port: REDIS.port }, { port: REDIS.busPort }] },
      ],
      egress: [{ peers: [{ app: REDIS.app }], ports: [{ port: REDIS.port }, { port: REDIS.busPort }] }, ISTIOD_EGRESS],
    });
  },
});

/**
 * The container's script: in the background, once the local server answers, a node without
 * slots (a fresh volume; a restarted member reads its slots back from nodes.conf) takes its
 * share of the 16384 (pod n of N: [n·16384/N, (n+1)·16384/N - 1], CLUSTER ADDSLOTSRANGE), and
 * every member but the first asks redis-cluster-0 to CLUSTER MEET its pod IP (MEET takes an IP,
 * not a name); gossip spreads the rest (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/).
 * Then the shell becomes redis-server, so it gets the pod's signals.
 */
export function formCluster(members: number): string {
  const first = `${REDIS.statefulSet}-0.${REDIS.service}`;
  return [
    '(',
    '  until redis-cli ping >/dev/null 2>&1; do sleep 1; done',
    '  n=${HOSTNAME##*-}',
    "  if redis-cli cluster info | grep -q '^cluster_slots_assigned:0'; then",
    `    redis-cli cluster addslotsrange $((n * 16384 / ${members})) $(((n + 1) * 16384 / ${members} - 1))`,
    '  fi',
    '  if [ "$n" != 0 ]; then',
    `    until redis-cli -h ${first} cluster meet "$POD_IP" ${REDIS.port} | grep -q OK; do sleep 2; done`,
    '  fi',
    ') &',
    `exec redis-server /etc/redis/redis.conf --cluster-enabled yes --cluster-config-file /data/nodes.conf`,
    '',
  ].join('\n');
}
