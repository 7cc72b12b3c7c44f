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
    // Istio routes by the port's protocol, which `client` and `gossip` do not name (Istio docs, "Explicit protocol selection")
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/ports/0/appProtocol', 'tcp'), JsonPatch.add('/spec/ports/1/appProtocol', 'tcp'));
    // members reach redis-cluster-0 by name before any of them is Ready (Ready needs the formed cluster)
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/publishNotReadyAddresses', true));

    // The document ran three masters and no replica: with cluster-require-full-coverage (yes by
    // default) any one pod down stopped every key, and its budget allowed exactly that. Its
    // ElastiCache has replicas_per_node_group 2 on 3 node groups: each shard here has
    // `replicasPerShard` replicas, promoted by the cluster when their master is away.
    const members = v.shards * (1 + v.replicasPerShard);
    const statefulSet = new SecureStatefulSet(chart, 'StatefulSet', {
      name: REDIS.statefulSet,
      app: REDIS.app,
      serviceName: REDIS.service,
      replicas: members,
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
      args: [formCluster()],
      fieldEnv: { POD_IP: 'status.podIP' },
      // read by the script: pods 0..SHARDS-1 are the first masters, pod n ≥ SHARDS replicates pod n mod SHARDS
      env: { REDIS_SHARDS: String(v.shards) },
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

    // a drain takes one member at a time: a master away is replaced by one of its replicas after
    // cluster-node-timeout, and while the cluster fails over every member is unready
    // (cluster_state:fail), so the budget stops a second eviction until it is back; one at a time
    // never takes a whole shard while each has a replica (rule data-store-budget)
    new DisruptionBudget(chart, 'DisruptionBudget', { targets: [statefulSet], minPods: members, minAvailable: members - 1 });

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
 * The container's script. Whether this member is new is read before the server starts: a member
 * with a `nodes.conf` on its volume reads its slots and role back from it and needs nothing. In
 * the background, once the local server answers, a new member among the first `$REDIS_SHARDS`
 * pods takes its share of the 16384 slots (pod n of S: [n·16384/S, (n+1)·16384/S - 1], CLUSTER
 * ADDSLOTSRANGE); every member but the first asks redis-cluster-0 to CLUSTER MEET its pod IP (MEET
 * takes an IP, not a name) and gossip spreads the rest; a new pod n ≥ S becomes a replica of pod
 * n mod S (CLUSTER REPLICATE <its node id>, retried until gossip has introduced them), so every
 * shard has (members / S) - 1 replicas (https://redis.io/docs/latest/operate/oss_and_stack/reference/cluster-spec/).
 * Then the shell becomes redis-server, so it gets the pod's signals.
 */
export function formCluster(): string {
  const first = `${REDIS.statefulSet}-0.${REDIS.service}`;
  return [
    `if [ -s ${NODES_CONF} ]; then new=no; else new=yes; fi`,
    '(',
    '  until redis-cli ping >/dev/null 2>&1; do sleep 1; done',
    '  n=${HOSTNAME##*-}',
    '  if [ "$new" = yes ] && [ "$n" -lt "$REDIS_SHARDS" ]; then',
    '    redis-cli cluster addslotsrange $((n * 16384 / REDIS_SHARDS)) $(((n + 1) * 16384 / REDIS_SHARDS - 1))',
    '  fi',
    '  if [ "$n" != 0 ]; then',
    `    until redis-cli -h ${first} cluster meet "$POD_IP" ${REDIS.port} | grep -q OK; do sleep 2; done`,
    '  fi',
    '  if [ "$new" = yes ] && [ "$n" -ge "$REDIS_SHARDS" ]; then',
    `    master=${REDIS.statefulSet}-$((n % REDIS_SHARDS)).${REDIS.service}`,
    '    until redis-cli cluster replicate "$(redis-cli -h "$master" cluster myid)" | grep -q OK; do sleep 2; done',
    '  fi',
    ') &',
    `exec redis-server /etc/redis/redis.conf --cluster-enabled yes --cluster-config-file ${NODES_CONF}`,
    '',
  ].join('\n');
}

/** Where each member keeps its view of the cluster (on its volume). */
const NODES_CONF = '/data/nodes.conf';
