/**
 * Schema of `environments/<env>/eks-demo.yaml`: what differs between the demo's environments
 * (the document's `values-dev.yaml`, `values-stage.yaml`, `values-prod.yaml`).
 */
import {
  imageTag, ingressHost, PodCountFields, refinePodCount, ResourcesSchema, systemNamespace, WebServicesSchema,
} from '@gitops/platform';
import { z } from 'zod';

/** Python `logging` level names, as the FastAPI app reads `LOG_LEVEL`. */
export const LogLevel = z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR']);

/** `sample-app` in one environment: a fixed replica count or an HPA, never both. */
export const SampleAppValuesSchema = z
  .strictObject({
    /** Image tag in ECR: a commit for dev and stage, a release tag for prod. */
    tag: imageTag,
    resources: ResourcesSchema,
    /** A fixed count in development, HPA bounds in staging and production. */
    ...PodCountFields,
    /** Seconds between probes: the document wants frequent health checks in development. */
    probePeriodSeconds: z.number().int().min(1).max(300),
  })
  .superRefine(refinePodCount);

export const EksDemoValuesSchema = z.strictObject({
  /** Services made by `npm run new-service` (the platform's WebService pattern), by name. */
  webServices: WebServicesSchema,
  /** Namespace of every EKS demo object in this environment. */
  namespace: systemNamespace,
  /** `LOG_LEVEL` of the app: debug in development, minimal in production. */
  logLevel: LogLevel,
  ingress: z.strictObject({
    /** Public host of the API. */
    host: ingressHost,
    /**
     * Why `host` is an RFC 2606 placeholder (example.com, .test, ...) where one is kept by decision:
     * validate's production-real-host is then waived on the Ingress with this reason. @default - none (a real host)
     */
    placeholderHostReason: z.string().min(10, 'give a reason a reviewer can judge').optional(),
  }),
  sampleApp: SampleAppValuesSchema,
});

export type EksDemoValues = z.infer<typeof EksDemoValuesSchema>;
export type SampleAppValues = z.infer<typeof SampleAppValuesSchema>;
