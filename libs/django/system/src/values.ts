/**
 * Schema of `environments/<env>/django.yaml`: what differs between the Django environments.
 * The VPC, its subnets and the load balancer's certificate belong to the cluster (environment.yaml).
 */
import {
  dnsHostName, hostName, imageTag, PodCountFields, refinePodCount, ResourcesSchema, systemNamespace, WebServicesSchema,
} from '@gitops/platform';
import { z } from 'zod';

/** `django-app` in one environment: a fixed replica count or an HPA, never both. */
export const AppValuesSchema = z
  .strictObject({
    /** Image tag in ECR (mutable tags are for development builds only; `latest` is refused). */
    tag: imageTag,
    resources: ResourcesSchema,
    ...PodCountFields,
    /** Gunicorn worker processes per pod. */
    gunicornWorkers: z.number().int().min(1).max(32),
  })
  .superRefine(refinePodCount);

export const DjangoValuesSchema = z.strictObject({
  /** Services made by `npm run new-service` (the platform's WebService pattern), by name. */
  webServices: WebServicesSchema,
  /** Namespace of every Django object in this environment. */
  namespace: systemNamespace,
  /** Non-secret settings, rendered into the `django-config` ConfigMap. */
  settings: z.strictObject({
    debug: z.boolean(),
    /** Host names Django answers to (`ALLOWED_HOSTS`). */
    allowedHosts: z.array(hostName).min(1, 'at least one host is required'),
    /**
     * Why `allowedHosts` are RFC 2606 placeholders (example.com, .test, ...) where they are kept by
     * decision: validate's production-real-host is then waived on django-config with this reason.
     * @default - none (real hosts)
     */
    placeholderHostReason: z.string().min(10, 'give a reason a reviewer can judge').optional(),
  }),
  /** The RDS PostgreSQL instance. */
  database: z.strictObject({
    /** RDS endpoint. */
    host: dnsHostName,
    port: z.number().int().min(1).max(65535),
    name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a PostgreSQL database name'),
  }),
  app: AppValuesSchema,
});

export type DjangoValues = z.infer<typeof DjangoValuesSchema>;
