/**
 * Schema of `environments/<env>/quizmentor.yaml`: every value that differs between QuizMentor
 * environments. The render refuses a file that does not match it, naming the file and field.
 */
import {
  cpuQuantity, dnsLabel, iamRoleName, imageTag, ingressHost, memoryQuantity, nodeSelector, parseQuantity, PodCountFields, redisMemoryBytes, REDIS_MAXMEMORY_SHARE, refinePodCount, replicas, ResourcesSchema, systemNamespace, WebServicesSchema,
} from '@gitops/platform';
import { z } from 'zod';

const storage = z.string().regex(/^[1-9][0-9]*(Mi|Gi|Ti)$/, 'must be a storage size such as 10Gi');

const AppBaseSchema = z.strictObject({
  /** Image tag (CI tags images with the commit). */
  tag: imageTag,
  resources: ResourcesSchema,
  ...PodCountFields,
});

/**
 * A stateless QuizMentor service: a pinned tag, its resources, and either a fixed pod count or
 * an HPA (never both: Argo CD would reset what the HPA scaled), plus its own `extra` values.
 */
function appValues<E extends z.ZodRawShape>(extra: E) {
  return AppBaseSchema.extend(extra).superRefine(refinePodCount);
}
export const AppValuesSchema = appValues({});
export type AppValues = z.infer<typeof AppValuesSchema>;

/** The learning-orchestrator v2 canary, reached by Istio subsets (header or weight). */
export const CanarySchema = z.strictObject({
  tag: imageTag,
  replicas: replicas.min(1, 'must be at least 1'),
  /** Percent of requests (without the canary header) Istio sends to v2. */
  weight: z.number().int('must be a whole number').min(0).max(50, 'must be at most 50: a canary takes the minority of traffic'),
});

export const QuizmentorValuesSchema = z.strictObject({
  /** Services made by `npm run new-service` (the platform's WebService pattern), by name. */
  webServices: WebServicesSchema,
  /** Namespace of every QuizMentor object in this environment. */
  namespace: systemNamespace,
  /** Image repository prefix of the QuizMentor services (`<prefix>/learning-orchestrator`). */
  imageRepository: z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/, 'must be an image repository prefix such as quizmentor'),
  /** `NODE_ENV` of the Node.js services. */
  nodeEnv: z.enum(['production', 'staging', 'development']),
  /** `LOG_LEVEL` of every service. */
  logLevel: z.enum(['debug', 'info', 'warn', 'error']),
  /** The namespace's ResourceQuota `compute-quota`. */
  quota: z.strictObject({
    requestsCpu: cpuQuantity,
    requestsMemory: memoryQuantity,
    limitsCpu: cpuQuantity,
    limitsMemory: memoryQuantity,
    persistentVolumeClaims: z.number().int().min(1),
  }),
  /** The public NGINX Ingress `quizmentor-ingress`. */
  ingress: z.strictObject({
    host: ingressHost,
    /** cert-manager ClusterIssuer. */
    clusterIssuer: dnsLabel,
    /** The one browser origin allowed by CORS. */
    corsAllowOrigin: z.url({ protocol: /^https$/, error: 'must be an https:// origin' }),
    limitRps: z.number().int().min(1),
    limitRpm: z.number().int().min(1),
    proxyBodySize: z.string().regex(/^\d+[kmg]?$/, 'must be an nginx size such as 10m'),
    proxyTimeoutSeconds: z.number().int().min(1).max(3600),
  }),
  services: z.strictObject({
    'learning-orchestrator': appValues({
      /** IAM role of the `learning-orchestrator` service account (IRSA), by name: its account is the cluster's. */
      roleName: iamRoleName,
      /** The v2 canary; omitted: Istio sends everything to v1. */
      canary: CanarySchema.optional(),
    }),
    'bloom-validator': AppValuesSchema,
    'adaptive-engine': AppValuesSchema,
    'analytics-service': appValues({
      /** Analytics events go to Elasticsearch and Kafka (managed, in the VPC). */
      elasticsearchUrl: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
      kafkaBrokers: z.string().regex(/^([a-z0-9.-]+:\d+)(,[a-z0-9.-]+:\d+)*$/, 'must be host:port[,host:port...]'),
    }),
    'batch-processor': appValues({
      /** Node labels of spot capacity the workers are scheduled on. */
      spotNodeSelector: nodeSelector,
    }),
    'postgres-primary': z.strictObject({
      /** Tag of the official `postgres` image. */
      tag: imageTag,
      resources: ResourcesSchema,
      storage,
      storageClassName: dnsLabel,
      /** postgresql.conf settings. */
      maxConnections: z.number().int().min(10).max(5000),
      sharedBuffers: z.string().regex(/^\d+(kB|MB|GB)$/, 'must be a PostgreSQL size such as 512MB'),
    }),
    'redis-cluster': z.strictObject({
      /** Tag of the official `redis` image. */
      tag: imageTag,
      /** Masters, each serving a share of the hash slots (the document's ElastiCache num_node_groups). */
      shards: replicas.min(3, 'must be at least 3: a Redis cluster needs three masters'),
      /**
       * Replicas of each master (ElastiCache replicas_per_node_group): with none, any one pod down
       * stops every key (cluster-require-full-coverage).
       */
      replicasPerShard: z.number().int().min(1, 'must be at least 1: with no replica, one pod down stops every key').max(5),
      resources: ResourcesSchema,
      storage,
      /** redis.conf `maxmemory` (Redis units: 1gb = 1024^3 bytes); at most REDIS_MAXMEMORY_SHARE of the memory limit. */
      maxmemory: z.string().regex(/^\d+(mb|gb)$/, 'must be a Redis size such as 2gb'),
    }).superRefine((r, ctx) => {
      const limit = parseQuantity(r.resources.limits.memory);
      const bytes = redisMemoryBytes(r.maxmemory);
      if (bytes !== undefined && bytes > REDIS_MAXMEMORY_SHARE * limit) {
        ctx.addIssue({
          code: 'custom',
          path: ['maxmemory'],
          message: `must be at most ${REDIS_MAXMEMORY_SHARE * 100}% of the ${r.resources.limits.memory} memory limit (${Math.floor((REDIS_MAXMEMORY_SHARE * limit) / 2 ** 20)}mb): buffers, fragmentation and a background save come on top, and past the limit the OOM killer ends the pod`,
        });
      }
    }),
  }),
});

export type QuizmentorValues = z.infer<typeof QuizmentorValuesSchema>;
