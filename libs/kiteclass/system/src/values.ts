/**
 * Schema of `environments/<env>/kiteclass.yaml`: every value that differs between KiteClass
 * environments. The render refuses a file that does not match it, naming the file and field.
 */
import {
  AutoscalingSchema, cronSchedule, dnsHostName, iamRoleName, imageTag, ingressHost, replicas, ResourcesSchema, s3BucketName, systemNamespace,
  WebServicesSchema,
} from '@gitops/platform';
import { z } from 'zod';

const LogLevel = z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']);

/** What every KiteClass service has per environment. */
export const ServiceValuesSchema = z.strictObject({
  /** Image tag in ECR (the CI pipeline tags images with the commit's first 8 characters). */
  tag: imageTag,
  resources: ResourcesSchema,
  autoscaling: AutoscalingSchema,
  /** IAM role of the service account (IRSA), by name: its account is the cluster's. */
  roleName: iamRoleName,
});

/** The production canary of kiteclass-core: its own image, and the share of traffic it takes. */
export const CanarySchema = z.strictObject({
  tag: imageTag,
  replicas: replicas.min(1, 'must be at least 1'),
  /** Percent of kiteclass-core's traffic the ALB sends to the canary. */
  weight: z.number().int('must be a whole number').min(1, 'must be at least 1').max(50, 'must be at most 50: a canary takes the minority of traffic'),
});

export const KiteclassValuesSchema = z.strictObject({
  /** Services made by `npm run new-service` (the platform's WebService pattern), by name. */
  webServices: WebServicesSchema,
  /** Namespace of every KiteClass object in this environment. */
  namespace: systemNamespace,
  /** Per-stage Spring settings (the document's "Environment Variables by Stage"). */
  spring: z.strictObject({
    /** `SPRING_PROFILES_ACTIVE`. */
    profile: z.enum(['local', 'staging', 'prod']),
    /** `LOGGING_LEVEL_ROOT`. */
    logLevelRoot: LogLevel,
    /** `LOGGING_LEVEL_COM_KITECLASS`; omitted: the root level applies. */
    logLevelKiteclass: LogLevel.optional(),
  }),
  ingress: z.strictObject({
    /** KiteHub API host (kitehub-backend). */
    apiHost: ingressHost,
    /** KiteClass instance host (wildcard: one sub-domain per school). */
    instancesHost: ingressHost,
    /** Host of kiteclass-core on the internal ALB, where the canary split happens. */
    coreHost: ingressHost,
  }),
  /** The `kiteclass-config` ConfigMap. */
  config: z.strictObject({
    redisHost: dnsHostName,
    rabbitmqHost: dnsHostName,
    s3Bucket: s3BucketName,
    cdnDomain: dnsHostName,
  }),
  /** The Velero backup schedule of the namespace. */
  backup: z.strictObject({
    /** Cron expression (five fields or a descriptor), as Velero parses it (robfig/cron). */
    schedule: cronSchedule,
    /** Retention in days. */
    retentionDays: z.number().int().min(1).max(365),
  }),
  services: z.strictObject({
    'kitehub-backend': ServiceValuesSchema,
    'kiteclass-gateway': ServiceValuesSchema,
    'kiteclass-core': ServiceValuesSchema.extend({ canary: CanarySchema.optional() }),
    // no IAM role: the static front end calls no AWS API, and its NetworkPolicy allows only DNS (issue 13 item 11)
    'kiteclass-frontend': ServiceValuesSchema.omit({ roleName: true }),
  }),
});

export type KiteclassValues = z.infer<typeof KiteclassValuesSchema>;
export type KiteclassServiceName = keyof KiteclassValues['services'];
