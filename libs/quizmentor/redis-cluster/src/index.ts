import * as kplus from 'cdk8s-plus-27';
import { defineService, DisruptionBudget, SecureStatefulSet, WorkloadNetworkPolicy } from '@gitops/platform';
import { fromApps, ISTIOD_EGRESS, quizmentor, REDIS } from '@gitops/quizmentor-system';
import { ApiObject, JsonPatch } from 'cdk8s';

/**
 * Redis 7 in cluster mode: the document's `redis-config` and `redis-cluster` StatefulSet (pods
 * `app: redis-cluster`, 10Gi per pod), with the headless Service that gives each pod its DNS name.
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

    new SecureStatefulSet(chart, 'StatefulSet', {
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
      command: ['redis-server'],
      args: ['/etc/redis/redis.conf', '--cluster-enabled', 'yes', '--cluster-config-file', '/data/nodes.conf'],
      resources: v.resources,
      // the document has no probes; redis-cli answers PONG once the server accepts commands
      liveness: { command: ['redis-cli', 'ping'], initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 5 },
      readiness: { command: ['redis-cli', 'ping'], initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3 },
      runAsUser: REDIS.uid,
      claims: [{ name: 'data', storage: v.storage, mountPath: '/data' }],
      configMaps: [{ name: 'config', configMap: REDIS.config, mountPath: '/etc/redis' }],
    });

    // a Redis cluster of three masters survives one missing member
    new DisruptionBudget(chart, 'DisruptionBudget', { app: REDIS.app, minAvailable: v.replicas - 1 });

    new WorkloadNetworkPolicy(chart, 'NetworkPolicy', {
      app: REDIS.app,
      ingress: [
        fromApps(['learning-orchestrator', 'adaptive-engine', 'batch-processor'], REDIS.port),
        // cluster members talk to each other on the client port and the cluster bus
        { peers: [{ app: REDIS.app }], ports: [{ port: REDIS.port }, { port: REDIS.busPort }] },
      ],
      egress: [{ peers: [{ app: REDIS.app }], ports: [{ port: REDIS.port }, { port: REDIS.busPort }] }, ISTIOD_EGRESS],
    });
  },
});
