import { CanaryVirtualService, clusterRoleArn, defineService, MigrationHook, VersionedDestinationRule, VerticalPodAutoscaler } from '@gitops/platform';
import {
  APPS, appEgress, CANARY, INGRESS_NGINX, MIGRATIONS, POSTGRES_EGRESS, QuizmentorService, quizmentor, REDIS_EGRESS, SECRETS,
} from '@gitops/quizmentor-system';

/**
 * The learning orchestrator (Node.js, port 3000): the document's Deployment with its three
 * probes and emptyDir volumes, its migrations as a hook Job once per release, the Service 80 → 3000 plus 9090 metrics, the
 * v2 canary that Istio reaches by header or 10% weight, its NetworkPolicy and its VPA.
 */
export default defineService({
  system: quizmentor,
  name: 'learning-orchestrator',
  // where its image tags are in the system's values (the first is the main one), for set-image and promote
  imageTags: ['services.learning-orchestrator.tag', 'services.learning-orchestrator.canary.tag'],
  render(chart, ctx) {
    const values = ctx.values.services['learning-orchestrator'];
    const name = 'learning-orchestrator';
    const port = APPS[name].port;
    const database = { secret: SECRETS.database.name, key: 'url' };

    const service = new QuizmentorService(chart, 'LearningOrchestrator', {
      ctx,
      name,
      component: 'backend',
      values,
      roleArn: clusterRoleArn(ctx.cluster, values.roleName),
      env: {
        NODE_ENV: ctx.values.nodeEnv,
        DATABASE_URL: database,
        REDIS_URL: { secret: SECRETS.redis.name, key: 'url' },
        JWT_SECRET: { secret: SECRETS.jwt.name, key: 'secret' },
      },
      writableVolumes: [{ name: 'tmp', path: '/tmp' }, { name: 'cache', path: '/app/.cache' }],
      canary: values.canary && { tag: values.canary.tag, replicas: values.canary.replicas },
      ingress: [
        // the document: any pod of the namespace, and the NGINX controller (in its own namespace)
        { peers: [{ namespace: ctx.namespace }, INGRESS_NGINX], ports: [{ port }] },
      ],
      egress: [
        POSTGRES_EGRESS,
        // the document said app: redis, but the Redis pods are labelled app: redis-cluster
        REDIS_EGRESS,
        // the orchestrator calls the other services (the document's architecture), which default-deny would block
        appEgress('bloom-validator'),
        appEgress('adaptive-engine'),
        appEgress('analytics-service'),
        // HTTPS to AWS: the pods assume QuizmentorServiceRole (IRSA) through STS, which has no fixed
        // addresses; without it the role was unusable (policy rule irsa-egress)
        { peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }] },
      ],
    });

    // The document's migrations init container ran in every pod: in the v2 canary too (changing
    // the shared schema under the 90% still on v1) and on every HPA scale-out (issue 13 item 9).
    // Now once per release, before the Deployments are applied, at the stable release's tag: a
    // canary's schema changes must be backward compatible and ship with the release it becomes.
    // The document's image was quizmentor/migrations:latest; it runs the release's own tag.
    new MigrationHook(chart, 'Migrations', {
      name: MIGRATIONS,
      system: ctx.system,
      repository: `${ctx.values.imageRepository}/migrations`,
      tag: values.tag,
      command: ['npm', 'run', 'migrate:prod'],
      // npm writes its cache under $HOME (~/.npm), which the read-only root filesystem refuses
      // (EROFS); /tmp is the Job's writable emptyDir (npm docs, config "cache": npm_config_cache)
      env: { DATABASE_URL: database, npm_config_cache: '/tmp/.npm' },
      writableVolumes: [{ name: 'tmp', path: '/tmp' }],
      resources: values.resources,
      runAsUser: 1000,
      // an Istio sidecar never exits, so a Job with one never completes (no PeerAuthentication
      // requires mTLS here, so plain TCP to PostgreSQL is accepted)
      podAnnotations: { 'sidecar.istio.io/inject': 'false' },
      egress: [POSTGRES_EGRESS],
    });

    new CanaryVirtualService(chart, 'VirtualService', {
      host: name,
      stableSubset: CANARY.stable,
      canarySubset: CANARY.canary,
      // without a canary in this environment, everything goes to v1 (a v2 subset without pods would fail 10% of requests)
      canaryWeight: values.canary?.weight ?? 0,
      canaryHeader: values.canary ? { name: CANARY.header, exact: CANARY.headerValue } : undefined,
    });
    new VersionedDestinationRule(chart, 'DestinationRule', {
      host: name,
      versions: [CANARY.stable, CANARY.canary],
      connectionPool: { maxConnections: 100, http1MaxPendingRequests: 100, http2MaxRequests: 1000, maxRequestsPerConnection: 2 },
      loadBalancer: 'LEAST_REQUEST',
      // the document had consecutiveErrors, deprecated by Istio: consecutive5xxErrors counts the same 5xx answers
      outlierDetection: { consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s', maxEjectionPercent: 50, minHealthPercent: 30 },
    });

    // The document's VPA was updateMode "Auto", but the HPA scales this Deployment on CPU and
    // memory utilisation: a VPA changing those requests would move the HPA's target under it and
    // the two would fight. "Off" keeps the recommendations (in its status) for the values files.
    new VerticalPodAutoscaler(chart, 'VerticalPodAutoscaler', {
      target: service.workload,
      updateMode: 'Off',
      minAllowed: { cpu: '100m', memory: '128Mi' },
      maxAllowed: { cpu: '2', memory: '2Gi' },
    });
  },
});

