/**
 * Value types shared by every system's values schema. Each check mirrors what the API server
 * (or the tool consuming the value) would reject, so a bad value fails at render time, with
 * its file and field, instead of at sync time.
 */
import { z } from 'zod';

/** RFC 1123 label, as Kubernetes names of namespaces, services and ports must be. */
export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lower-case letters, digits and -)');

/** RFC 1123 host name; a leading `*.` wildcard is allowed where an Ingress accepts one. */
export const hostName = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/,
    'must be a DNS host name such as api.example.com (a leading *. is allowed)',
  );

/** Kubernetes resource.Quantity grammar (`250m`, `1Gi`, `0.5`, `1e3`). */
const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$/;
export const cpuQuantity = z
  .string()
  .regex(QUANTITY, 'must be a Kubernetes CPU quantity such as 250m or 1');
export const memoryQuantity = z
  .string()
  .regex(QUANTITY, 'must be a Kubernetes memory quantity such as 512Mi or 1Gi');

/**
 * An image tag that can be pinned: OCI tag grammar, and never `latest`, which would make the
 * rendered YAML lie about what runs (the documents' `:latest` + `Always` pull is replaced by this).
 */
export const imageTag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be an OCI image tag (letters, digits, _ . -; at most 128)')
  .refine((tag) => tag !== 'latest', 'must be pinned: "latest" is not allowed');

export const replicas = z.number().int('must be a whole number').min(0, 'must not be negative').max(100, 'must be at most 100');

/** Requests and limits of one container; limits must not be below requests (the API server says so too). */
export const ResourcesSchema = z
  .strictObject({
    requests: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }),
    limits: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }),
  })
  .superRefine((r, ctx) => {
    for (const res of ['cpu', 'memory'] as const) {
      // a malformed quantity is reported by its own check; there is nothing to compare
      if (!QUANTITY.test(r.limits[res]) || !QUANTITY.test(r.requests[res])) continue;
      if (parseQuantity(r.limits[res]) < parseQuantity(r.requests[res])) {
        ctx.addIssue({
          code: 'custom',
          path: ['limits', res],
          message: `must not be below requests.${res} (${r.requests[res]})`,
        });
      }
    }
  });
export type Resources = z.infer<typeof ResourcesSchema>;

/** HPA bounds and targets; `minReplicas` above `maxReplicas` is refused like the API server does. */
export const AutoscalingSchema = z
  .strictObject({
    minReplicas: replicas.min(1, 'must be at least 1'),
    maxReplicas: replicas.min(1, 'must be at least 1'),
    /** Target average CPU utilisation, percent of requests. */
    cpuUtilization: z.number().int().min(1).max(100),
    /** Target average memory utilisation, percent of requests; omitted: CPU only. */
    memoryUtilization: z.number().int().min(1).max(100).optional(),
  })
  .refine((a) => a.minReplicas <= a.maxReplicas, {
    path: ['minReplicas'],
    message: 'must not be above maxReplicas',
  });
export type Autoscaling = z.infer<typeof AutoscalingSchema>;

export const iamRoleArn = z
  .string()
  .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)');

export const acmCertificateArn = z
  .string()
  .regex(/^arn:aws:acm:[a-z]{2}-[a-z]+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/, 'must be an ACM certificate ARN');

export const cidr = z
  .string()
  .regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.0.0.0/16');

const SUFFIX: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a quantity, for comparisons (not for output: output keeps the text). */
export function parseQuantity(q: string): number {
  const m = /^\+?([0-9.]+)([a-zA-Z]*|[eE][+-]?\d+)$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const [, num, suffix] = m;
  if (/^[eE]/.test(suffix)) return Number(num + suffix);
  return Number(num) * (SUFFIX[suffix] ?? NaN);
}
