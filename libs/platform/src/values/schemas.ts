/**
 * Value types shared by every system's values schema. Each check mirrors what the API server
 * (or the tool consuming the value) would reject, so a bad value fails at render time, with
 * its file and field, instead of at sync time.
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * Namespaces every cluster has, or that a cluster add-on owns: systems may place objects there
 * (a Velero Schedule in `velero`) and NetworkPolicies may name them without this repository
 * rendering them.
 */
export const CLUSTER_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system', 'kube-public', 'default', 'monitoring', 'velero', 'external-secrets', 'argocd',
  'istio-system', 'ingress-nginx', 'cert-manager',
]);

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label, as Kubernetes names of namespaces, services and ports must be. */
export const dnsLabel = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(DNS_LABEL, 'must be a DNS-1123 label (lower-case letters, digits and -)');

/**
 * The namespace a system renders for itself: a DNS-1123 label, and never one the cluster or its
 * add-ons provide (`default`, `velero`, ...) nor the `kube-` prefix Kubernetes reserves
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/): Argo CD would
 * then manage, and could prune, a namespace that is not the system's.
 */
export const systemNamespace = dnsLabel.refine(
  (ns) => !ns.startsWith('kube-') && !CLUSTER_NAMESPACES.has(ns),
  'is a namespace the cluster or its add-ons provide (or reserved kube-): a system renders a namespace of its own',
);

/** IPv4 in any spelling Go's net.ParseIP (sloppy: leading zeros) reads, or IPv6. */
function isIpAddress(s: string): boolean {
  return /^[0-9.]+$/.test(s) ? /^\d+(\.\d+){3}$/.test(s) && s.split('.').every((o) => Number(o) <= 255) : s.includes(':') && ipaddr.isValid(s);
}

/**
 * A DNS-1123 subdomain as k8s.io/apimachinery/pkg/util/validation IsDNS1123Subdomain checks it
 * (at most 253 characters, lower-case alphanumeric labels joined by dots), with each label at
 * most 63 characters (RFC 1123; a Route 53 or ALB host with a longer label never resolves).
 * @param wildcard accept one leading `*.` label (IsWildcardDNS1123Subdomain)
 */
function dnsName(wildcard: boolean) {
  return z.string().superRefine((host, ctx) => {
    const add = (message: string) => ctx.addIssue({ code: 'custom', message, input: host });
    // The Ingress API refuses an IP as a rule host: "must be a DNS name, not an IP address"
    // (ValidateIngressRules, k8s.io/kubernetes/pkg/apis/networking/validation).
    if (isIpAddress(host)) return add('must be a DNS name, not an IP address');
    if (host.length > 253) return add('must be at most 253 characters');
    const labels = (wildcard && host.startsWith('*.') ? host.slice(2) : host).split('.');
    const long = labels.find((l) => l.length > 63);
    if (long) return add(`must have labels of at most 63 characters (${long.slice(0, 12)}... has ${long.length})`);
    if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) {
      add(`must be a DNS host name such as api.example.com (${wildcard ? 'a leading *. is allowed' : 'lower-case letters, digits, - and .; no wildcard'})`);
    }
  });
}

/**
 * The host of an Ingress rule: a DNS-1123 subdomain, or one with a leading `*.` wildcard label,
 * never an IP (https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards).
 */
export const ingressHost = dnsName(true);

/** A host name where an Ingress rule could take it (a leading `*.` allowed, never an IP). */
export const hostName = ingressHost;

/** A host one connects to (a Redis endpoint, a database, a CDN): no wildcard, not an IP address. */
export const dnsHostName = dnsName(false);

/**
 * Kubernetes resource.Quantity grammar (`250m`, `1Gi`, `0.5`, `1e3`), as
 * k8s.io/apimachinery/pkg/api/resource ParseQuantity reads it.
 */
const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$/;

/**
 * A quantity written as a string or as a YAML number. The API server accepts both (a Quantity
 * is int-or-string in JSON); a number becomes its canonical string (`0.25` -> `250m`, `512` ->
 * `512`), so dist/ reads the same whichever way the values file spelled it.
 */
function quantity(what: string, example: string) {
  const hint = `must be a Kubernetes ${what} quantity such as ${example}`;
  return z
    .union([z.string(), z.number()], { error: hint })
    .superRefine((q, ctx) => {
      const add = (message: string) => ctx.addIssue({ code: 'custom', message, input: q });
      if (typeof q === 'string') {
        if (!QUANTITY.test(q)) add(hint);
      } else if (q < 0) add('must not be negative');
      else if (q > Number.MAX_SAFE_INTEGER) add('is too large for a number: write it with a suffix such as 1Ei');
      else if (Math.abs(Math.round(q * 1000) - q * 1000) > 1e-6) add(`is finer than 1m: write it as a string quantity such as ${example}`);
    })
    .transform((q) => (typeof q === 'string' ? q : Number.isInteger(q) ? String(q) : `${Math.round(q * 1000)}m`));
}
export const cpuQuantity = quantity('CPU', '250m or 1');
export const memoryQuantity = quantity('memory', '512Mi or 1Gi');

/**
 * An image tag that can be pinned: the OCI distribution spec's tag grammar
 * (`[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`), and never `latest` in any case, which would make the
 * rendered YAML lie about what runs (the documents' `:latest` + `Always` pull is replaced by this).
 */
export const imageTag = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be an OCI image tag (letters, digits, _ . -; at most 128)')
  .refine((tag) => tag.toLowerCase() !== 'latest', 'must be pinned: "latest" is not allowed');

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
      if (typeof r.limits[res] !== 'string' || typeof r.requests[res] !== 'string' || !QUANTITY.test(r.limits[res]) || !QUANTITY.test(r.requests[res])) continue;
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

/**
 * How many pods a workload runs: a fixed count or HPA bounds, never both (Argo CD would reset
 * what the HPA scaled). The fields of every values schema that sizes a workload; check them
 * with `refinePodCount`, size the workload with `WorkloadScaling` (constructs/autoscaler.ts).
 */
export const PodCountFields = {
  /** Fixed pod count, where there is no HPA; give this or `autoscaling`. */
  replicas: replicas.min(1, 'must be at least 1').optional(),
  /** HPA bounds: the HPA owns the pod count; give this or `replicas`. */
  autoscaling: AutoscalingSchema.optional(),
};
export interface PodCount {
  readonly replicas?: number;
  readonly autoscaling?: Autoscaling;
}

/** The one "exactly one of replicas and autoscaling" rule, for a schema's `superRefine`. */
export function refinePodCount(v: PodCount, ctx: z.RefinementCtx): void {
  if ((v.replicas === undefined) === (v.autoscaling === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['replicas'], message: "give exactly one of 'replicas' and 'autoscaling'" });
  }
}

/** The fewest pods a workload runs: its HPA's minimum, or its fixed count. */
export function minPods(v: PodCount): number {
  return v.autoscaling?.minReplicas ?? v.replicas ?? 0;
}

export const iamRoleArn = z
  .string()
  .regex(/^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)');

/** An IAM role's name; its ARN takes the account of the cluster it is used on (clusterRoleArn). */
export const iamRoleName = z
  .string()
  .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (letters, digits and +=,.@_-, at most 64; not an ARN: the account is the cluster\'s)');

export const acmCertificateArn = z
  .string()
  .regex(/^arn:aws:acm:[a-z]{2}-[a-z]+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/, 'must be an ACM certificate ARN');

/**
 * An IPv4 CIDR as a NetworkPolicy ipBlock takes it (four decimal octets, prefix 0-32), written as
 * its network address: the API server warns on host bits (KEP-4858), and a reader misreads them.
 */
export const cidr = z.string().superRefine((value, ctx) => {
  const [address, prefix, ...rest] = value.split('/');
  const wellFormed = rest.length === 0 && /^\d+(\.\d+){3}$/.test(address) && /^\d{1,2}$/.test(prefix ?? '') && ipaddr.IPv4.isValidCIDR(value);
  if (!wellFormed) {
    ctx.addIssue({ code: 'custom', message: 'must be an IPv4 CIDR such as 10.0.0.0/16 (octets 0-255, prefix 0-32)', input: value });
    return;
  }
  const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
  if (network !== address) {
    ctx.addIssue({ code: 'custom', message: `must be written with its network address: the network address of ${value} is ${network}`, input: value });
  }
});

/** Whether the IPv4 CIDR `inner` lies wholly inside `outer` (both well-formed, as `cidr` checks). */
export function cidrWithin(inner: string, outer: string): boolean {
  const [innerAddress, innerPrefix] = ipaddr.IPv4.parseCIDR(inner);
  const [outerAddress, outerPrefix] = ipaddr.IPv4.parseCIDR(outer);
  return innerPrefix >= outerPrefix && innerAddress.match(outerAddress, outerPrefix);
}

/** Descriptors robfig/cron v3's ParseStandard accepts besides five fields. */
const CRON_DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** The five fields' bounds and names, as robfig/cron v3.0.1 spec.go has them (`minutes`, `hours`, `dom`, `months`, `dow`). */
const CRON_FIELDS: readonly { name: string; min: number; max: number; names?: readonly string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['', 'jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // Sunday is 0 (or SUN); 7 is out of range, unlike in cron-parser or Vixie cron
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/**
 * Why robfig/cron v3.0.1 refuses one comma-separated range of a field, in its own words, or
 * undefined: its parser.go `getRange`, for the grammar `cronSchedule` lets through (numbers and
 * names, `*` or `?`, one `-`, one `/`). `N/step` means N to the field's maximum.
 */
function cronRangeProblem(expr: string, field: (typeof CRON_FIELDS)[number]): string | undefined {
  const [range, stepText] = expr.split('/');
  const [low, high] = range.split('-');
  const value = (text: string) => {
    const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
    return named >= 0 ? named : /^[0-9]+$/.test(text) ? Number(text) : undefined;
  };
  const star = low === '*' || low === '?';
  const start = star ? field.min : value(low);
  let end = star ? field.max : high === undefined ? start : value(high);
  const bad = [low, high].find((t) => !star && t !== undefined && value(t) === undefined);
  if (start === undefined || end === undefined) return `failed to parse int from ${bad}: not a number or a ${field.name} name`;
  if (stepText !== undefined && high === undefined) end = field.max;
  if (start < field.min) return `beginning of range (${start}) below minimum (${field.min}): ${expr}`;
  if (end > field.max) return `end of range (${end}) above maximum (${field.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (stepText !== undefined && Number(stepText) === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

/**
 * A cron schedule as its consumers read it: Kubernetes CronJob, Velero Schedule and Argo CD sync
 * windows all parse with robfig/cron v3's standard parser (cron.ParseStandard: five fields
 * minute hour day-of-month month day-of-week, with * ? , - / and month/day names, plus the
 * descriptors @yearly ... @hourly and `@every <duration>`). No seconds field, and none of the
 * Quartz extensions (L, W, #) robfig does not parse. Ranges are checked as robfig's parser.go
 * checks them (cronRangeProblem); the cron-schedule integration test holds this to the real parser.
 */
export const cronSchedule = z.string().superRefine((value, ctx) => {
  const add = (message: string) => ctx.addIssue({ code: 'custom', message, input: value });
  const s = value.trim();
  if (s.startsWith('@')) {
    // Go's duration units; µ written as \u00b5 so the bundled renderer stays ASCII (tools/nx-synth/renderer.mjs)
    if (CRON_DESCRIPTORS.has(s) || /^@every ((\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+)$/.test(s)) return;
    return add('must be a cron expression such as "0 2 * * *" or a descriptor such as @daily (robfig/cron standard parser)');
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return add(`must be a cron expression of five fields (minute hour day-of-month month day-of-week), such as "0 2 * * *"; got ${fields.length}`);
  // robfig's field grammar: comma-separated ranges `start[-end][/step]` of numbers, 3-letter names, * or ?.
  const RANGE = /^(\*|\?|[0-9]+|[A-Za-z]{3})(-([0-9]+|[A-Za-z]{3}))?(\/[0-9]+)?$/;
  if (!fields.every((f) => f.split(',').every((r) => RANGE.test(r)))) {
    return add('must be a cron expression of the standard parser: numbers, month or day names, * ? , - / only (no L, W, # or H)');
  }
  for (const [i, f] of fields.entries()) {
    for (const r of f.split(',')) {
      const problem = cronRangeProblem(r, CRON_FIELDS[i]);
      if (!problem) continue;
      const { name, min, max, names } = CRON_FIELDS[i];
      const allowed = `${min}-${max}${names ? ` or ${names[min].toUpperCase()}-${names[max].toUpperCase()}` : ''}`;
      return add(`must be a valid cron expression: its ${name} field (${allowed}): ${problem} (robfig/cron)`);
    }
  }
});

/**
 * A Kubernetes label key (k8s.io/apimachinery IsQualifiedName): an optional DNS-1123 subdomain
 * prefix of at most 253 characters and `/`, then a name of at most 63 characters of
 * [A-Za-z0-9._-], beginning and ending with an alphanumeric character.
 */
export const labelKey = z.string().refine((key) => {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  const prefix = parts.length === 2 ? parts[0] : undefined;
  const nameOk = name.length >= 1 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
  const prefixOk = prefix === undefined || (prefix.length <= 253 && prefix.split('.').every((l) => l.length <= 63 && DNS_LABEL.test(l)));
  return nameOk && prefixOk;
}, 'must be a Kubernetes label key: an optional DNS subdomain prefix and /, then at most 63 of A-Z a-z 0-9 - _ . beginning and ending alphanumeric');

/** A Kubernetes label value (IsValidLabelValue): empty, or at most 63 of [A-Za-z0-9._-] beginning and ending alphanumeric. */
export const labelValue = z
  .string()
  .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, 'must be a Kubernetes label value: at most 63 of A-Z a-z 0-9 - _ . beginning and ending alphanumeric')
  .max(63, 'must be a Kubernetes label value of at most 63 characters');

/** A pod's nodeSelector: node labels, at least one. */
export const nodeSelector = z.record(z.string(), labelValue).superRefine((r, ctx) => {
  if (Object.keys(r).length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one node label', input: r });
  // Keys checked here (not by z.record's key schema) so the problem names the key and the rule.
  for (const key of Object.keys(r)) {
    const bad = labelKey.safeParse(key);
    if (!bad.success) ctx.addIssue({ code: 'custom', path: [key], message: `${bad.error.issues[0].message} (key ${JSON.stringify(key)})`, input: key });
  }
});

/**
 * An S3 general purpose bucket name, by AWS's bucket naming rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 3-63 characters
 * of lower-case letters, digits, . and -, beginning and ending with a letter or digit, no two
 * adjacent periods, not an IP address, none of the reserved prefixes and suffixes.
 */
export const s3BucketName = z.string().superRefine((name, ctx) => {
  const why =
    name.length < 3 || name.length > 63 ? 'must be 3 to 63 characters'
    : !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) ? 'must be lower-case letters, digits, . and -, beginning and ending with a letter or digit'
    : name.includes('..') ? 'must not have two adjacent periods'
    : /^\d+\.\d+\.\d+\.\d+$/.test(name) ? 'must not be formatted as an IP address'
    : /^(xn--|sthree-|amzn-s3-demo-)/.test(name) ? 'must not begin with the reserved prefixes xn--, sthree- or amzn-s3-demo-'
    : /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name) ? 'must not end with the reserved suffixes -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3'
    : undefined;
  if (why) ctx.addIssue({ code: 'custom', message: `must be an S3 bucket name: ${why}`, input: name });
});

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
