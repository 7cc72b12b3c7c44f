import { z } from 'zod';
import { acmCertificateArn, cidr, cidrWithin, dnsLabel, labelKey, labelValue } from './schemas';

/** The environments a system can run in, in promotion order. */
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

const awsRegion = z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'must be an AWS region such as ap-southeast-1');

/** A VPC id (`vpc-` and 8 or 17 hex digits); the message of a missing one says where it comes from. */
const vpcId = z
  .string({ error: (issue) => (issue.input === undefined ? "required, but missing: the cluster's VPC id (vpc-..., Terraform's vpc_id output), which the AWS Load Balancer Controller needs: its pods cannot read it from the instance metadata (IMDSv2 hop limit 1)" : undefined) })
  .regex(/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, 'must be a VPC id such as vpc-0a1b2c3d4e5f60718 (vpc- and 8 or 17 hex digits)');

/**
 * Kubernetes minor versions a cluster may declare: those `npm run validate` and the bundled
 * kubeconform can check a folder against (libs/kubeconform serves 1.20 to 1.36 from its schemas).
 */
export const VALIDATABLE_KUBERNETES_VERSIONS = { oldest: 20, newest: 36 } as const;

const kubernetesVersion = z.string().superRefine((v, ctx) => {
  const m = /^1\.(\d+)$/.exec(v);
  const { oldest, newest } = VALIDATABLE_KUBERNETES_VERSIONS;
  if (!m) ctx.addIssue({ code: 'custom', message: 'must be a Kubernetes minor version such as "1.32" (a string, quoted)', input: v });
  else if (Number(m[1]) < oldest || Number(m[1]) > newest) {
    ctx.addIssue({ code: 'custom', message: `${v} cannot be validated: the bundled schemas cover 1.${oldest} to 1.${newest}`, input: v });
  }
});

/** `arn:aws:<service>:<region>:<account>:...`: the region and account of a regional ARN. */
export function arnRegion(arn: string): { service: string; region: string; account: string } | undefined {
  const m = /^arn:aws:([a-z0-9-]+):([a-z]{2}-[a-z]+-\d):(\d{12}):/.exec(arn);
  return m ? { service: m[1], region: m[2], account: m[3] } : undefined;
}

/**
 * One EKS cluster, as Argo CD knows it and as its AWS account and VPC make it. Everything that
 * belongs to the cluster (region, account, network, region-bound ARNs) lives here, never in a
 * system's values.
 */
export const ClusterSchema = z.strictObject({
  /** Argo CD cluster name (`argocd cluster add --name`), the EKS cluster name. */
  name: dnsLabel,
  /** API server URL registered in Argo CD. */
  server: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
  /** AWS account of the cluster. */
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  /** AWS region of the EKS cluster. */
  region: awsRegion,
  /** Kubernetes minor version the control plane runs ("1.32"); folders synced here are validated at it. */
  kubernetesVersion,
  network: z.strictObject({
    /**
     * The VPC's id (Terraform's `vpc_id` output). The AWS Load Balancer Controller is given it (and
     * the region): it would read them from the instance metadata, which its pods cannot reach on
     * nodes with the IMDSv2 hop limit 1 of EKS managed node groups. No document gives one: the
     * platform team fills it per cluster (environment files hold a placeholder until then).
     */
    vpcId: vpcId,
    /** The cluster's VPC. With the VPC CNI pods get VPC addresses, so never admit it whole. */
    vpcCidr: cidr,
    /** Subnets the cluster's load balancers (ALB/NLB) live in: the only sources admitted for their traffic. */
    loadBalancerSubnets: z.array(cidr).min(1, 'at least one subnet is required'),
    /**
     * Subnets of the cluster's worker nodes. No NetworkPolicy ipBlock may admit them
     * (no-node-pod-ipblock). @default - not known: that check cannot judge the cluster (every
     * cluster of environments/ names them; apps/catalogue fleet-facts.test.ts)
     */
    nodeSubnets: z.array(cidr).min(1, 'at least one subnet is required').optional(),
    /**
     * Subnets pods get their addresses from. @default - the node subnets (the VPC CNI without custom
     * networking gives pods addresses of their node's subnet)
     */
    podSubnets: z.array(cidr).optional(),
    /**
     * Subnets the cluster's internal load balancers (`scheme: internal`) live in: the private
     * subnets tagged `kubernetes.io/role/internal-elb`, where the AWS Load Balancer Controller places
     * them. Required on a cluster that renders one (its pods admit traffic from these only). @default none
     */
    internalLoadBalancerSubnets: z.array(cidr).min(1, 'at least one subnet is required').optional(),
    /** Private subnets of the VPC's databases (RDS), where pods may open database ports. @default none */
    databaseSubnets: z.array(cidr).default([]),
  }),
  /**
   * EKS-managed add-ons installed on the cluster outside this repository (Terraform's
   * `cluster_addons`, `aws eks create-addon`), by their EKS names. A driver installed so must not
   * also be installed by a chart here (`CSI_DRIVER_INSTALLERS`): both write the same objects.
   * @default none
   */
  eksAddons: z.array(dnsLabel).default([]),
  /**
   * ACM certificates in the cluster's region, by system: the certificate a system's load balancers
   * terminate TLS with on this cluster (ACM certificates are regional; a load balancer can only use
   * one of its own region). @default none
   */
  certificates: z.record(dnsLabel, acmCertificateArn).default({}),
  /**
   * The cluster's Prometheus (prometheus-operator, installed by kube-prometheus-stack): the labels
   * its serviceMonitorSelector, podMonitorSelector and ruleSelector match. The chart selects
   * `release: <its release name>` by default (`*SelectorNilUsesHelmValues: true`) and silently
   * ignores objects without it, so every ServiceMonitor, PodMonitor and PrometheusRule carries these.
   * Read it with `prometheusSelectorLabels(cluster)` and `prometheusNamespace(cluster)`.
   * @default { selectorLabels: { release: 'kube-prometheus-stack' }, namespace: 'monitoring' } (the release the cluster add-ons install, and its namespace)
   */
  monitoring: z.strictObject({
    selectorLabels: z.record(labelKey, labelValue).refine((l) => Object.keys(l).length > 0, 'name at least one label: a Prometheus that selects by no label selects every object, so say so explicitly'),
    /** Namespace Prometheus runs in: NetworkPolicies of scraped pods admit it. @default 'monitoring' */
    namespace: dnsLabel.default('monitoring'),
  }).optional(),
});

export type Cluster = z.infer<typeof ClusterSchema>;

/**
 * Who can install each CSI driver on a cluster: its EKS-managed add-on and the Helm charts that
 * install the same driver (the same CSIDriver object, controller Deployment and node DaemonSet
 * names: kubernetes-sigs/aws-ebs-csi-driver charts/aws-ebs-csi-driver, the EKS add-on is built from
 * it). One cluster gets one of them.
 */
export const CSI_DRIVER_INSTALLERS: Readonly<Record<string, { readonly eksAddon: string; readonly charts: readonly string[] }>> = {
  'ebs.csi.aws.com': { eksAddon: 'aws-ebs-csi-driver', charts: ['aws-ebs-csi-driver'] },
  'efs.csi.aws.com': { eksAddon: 'aws-efs-csi-driver', charts: ['aws-efs-csi-driver'] },
};

/** Where the cluster's pods have their addresses (ClusterSchema `network.podSubnets`, else its node subnets). */
export function podSubnets(cluster: Cluster): readonly string[] {
  return cluster.network.podSubnets ?? cluster.network.nodeSubnets ?? [];
}

/** The release name kube-prometheus-stack is installed under, whose `release` label its Prometheus selects by default. */
export const DEFAULT_PROMETHEUS_SELECTOR_LABELS: Readonly<Record<string, string>> = { release: 'kube-prometheus-stack' };

/** Where kube-prometheus-stack runs its Prometheus unless the cluster says otherwise. */
export const DEFAULT_PROMETHEUS_NAMESPACE = 'monitoring';

/** The namespace `cluster`'s Prometheus scrapes from (ClusterSchema `monitoring.namespace`). */
export function prometheusNamespace(cluster: Cluster): string {
  return cluster.monitoring?.namespace ?? DEFAULT_PROMETHEUS_NAMESPACE;
}

/** The labels `cluster`'s Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules by (ClusterSchema `monitoring`). */
export function prometheusSelectorLabels(cluster: Cluster): Readonly<Record<string, string>> {
  return cluster.monitoring?.selectorLabels ?? DEFAULT_PROMETHEUS_SELECTOR_LABELS;
}

/** Where one system runs in an environment. */
export const PlacementSchema = z.strictObject({
  /** Clusters the system runs on (names from `clusters`). */
  clusters: z.array(dnsLabel).min(1, 'at least one cluster is required'),
  /**
   * Where the system's stateful singletons run (StatefulSets with volume claims, migration hooks,
   * backup schedules): one cluster, unless `replication` says how several copies stay one.
   * @default - the only cluster in `clusters` (required when there are several)
   */
  singletons: z.strictObject({
    clusters: z.array(dnsLabel).min(1, 'at least one cluster is required'),
    /** How the copies replicate (e.g. "PostgreSQL streaming replication, primary on X"). */
    replication: z.string().min(1).optional(),
  }).optional(),
});

export type Placement = z.infer<typeof PlacementSchema>;

/**
 * `environments/<env>/environment.yaml`: the environment's clusters and which systems run where.
 * Thin by design (Tanka's environments): where it runs, not how services are built.
 */
export const EnvironmentSchema = z.strictObject({
  /** Must equal the folder name, so a copied file cannot silently render as another environment. */
  name: z.enum(ENVIRONMENTS),
  /** AWS account of the environment's ECR registry and secrets. */
  awsAccountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  /** Region of the ECR registry and of AWS Secrets Manager. */
  awsRegion,
  /** The environment's clusters. */
  clusters: z.array(ClusterSchema).min(1, 'at least one cluster is required'),
  /** Each system's placement, by system name (every system rendered in the environment needs one). */
  systems: z.record(dnsLabel, PlacementSchema),
}).superRefine((env, ctx) => {
  env.clusters.forEach((cluster, i) => {
    if (env.clusters.findIndex((c) => c.name === cluster.name) < i) {
      ctx.addIssue({ code: 'custom', path: ['clusters', i, 'name'], message: 'name is listed twice; each cluster appears once', input: cluster.name });
    }
    const first = env.clusters.findIndex((c) => serverKey(c.server) === serverKey(cluster.server));
    if (first < i) {
      const same = env.clusters[first].server === cluster.server;
      ctx.addIssue({
        code: 'custom',
        path: ['clusters', i, 'server'],
        message: same
          ? 'server is listed twice; each cluster appears once'
          : `${cluster.server} is the same server as clusters[${first}] (${env.clusters[first].server}); each cluster appears once`,
        input: cluster.server,
      });
    }
    // Load balancers and databases live in the cluster's VPC: a subnet outside it is a typo that
    // would admit (or miss) traffic from somewhere else entirely.
    for (const key of ['loadBalancerSubnets', 'internalLoadBalancerSubnets', 'databaseSubnets', 'nodeSubnets', 'podSubnets'] as const) {
      (cluster.network[key] ?? []).forEach((subnet, j) => {
        if (cidr.safeParse(subnet).success && cidr.safeParse(cluster.network.vpcCidr).success && !cidrWithin(subnet, cluster.network.vpcCidr)) {
          ctx.addIssue({ code: 'custom', path: ['clusters', i, 'network', key, j], message: `${subnet} is not inside the cluster's VPC ${cluster.network.vpcCidr}`, input: subnet });
        }
      });
    }
    for (const [system, arn] of Object.entries(cluster.certificates)) {
      const at = arnRegion(arn);
      if (at && at.region !== cluster.region) {
        ctx.addIssue({ code: 'custom', path: ['clusters', i, 'certificates', system], message: `is in ${at.region}; the cluster is in ${cluster.region} (a load balancer uses certificates of its own region only)`, input: arn });
      } else if (at && at.account !== cluster.accountId) {
        ctx.addIssue({ code: 'custom', path: ['clusters', i, 'certificates', system], message: `is in account ${at.account}; the cluster is in ${cluster.accountId}`, input: arn });
      }
    }
  });
  const names = new Set(env.clusters.map((c) => c.name));
  for (const [system, placement] of Object.entries(env.systems)) {
    placement.clusters.forEach((name, j) => {
      if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['systems', system, 'clusters', j], message: `no cluster ${name} in clusters (${[...names].join(', ')})`, input: name });
      else if (placement.clusters.indexOf(name) < j) ctx.addIssue({ code: 'custom', path: ['systems', system, 'clusters', j], message: `${name} is listed twice`, input: name });
    });
    const singletons = placement.singletons;
    if (!singletons && placement.clusters.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['systems', system, 'singletons'], message: 'the system runs on several clusters: say which one runs its stateful singletons (databases, migration hooks, backup schedules)' });
    }
    singletons?.clusters.forEach((name, j) => {
      if (!placement.clusters.includes(name)) ctx.addIssue({ code: 'custom', path: ['systems', system, 'singletons', 'clusters', j], message: `${name} is not one of the system's clusters (${placement.clusters.join(', ')})`, input: name });
    });
    if (singletons && singletons.clusters.length > 1 && !singletons.replication) {
      ctx.addIssue({ code: 'custom', path: ['systems', system, 'singletons', 'clusters'], message: 'a stateful singleton placed on several clusters makes independent copies (two writers, two migrations, two backups): name one cluster, or say how they replicate in singletons.replication' });
    }
  }
});

/** The clusters a system runs on in an environment; undefined when the environment does not place it. */
export function systemClusters(env: Environment, system: string): Cluster[] | undefined {
  const placement = env.systems[system];
  return placement?.clusters.map((name) => env.clusters.find((c) => c.name === name)!);
}

/** The clusters that run a system's stateful singletons in an environment. */
export function singletonClusters(env: Environment, system: string): string[] {
  const placement = env.systems[system];
  if (!placement) return [];
  return placement.singletons?.clusters ?? placement.clusters.slice(0, 1);
}

/**
 * What identifies an API server: its URL normalized as the WHATWG URL parser does (lower-case
 * scheme and host, default port dropped) and without a trailing slash. Argo CD matches a cluster
 * by its server string, so two spellings of one server would register (and deploy to) it twice.
 */
export function serverKey(server: string): string {
  try {
    return new URL(server).href.replace(/\/+$/, '');
  } catch {
    return server;
  }
}

export type Environment = z.infer<typeof EnvironmentSchema>;

/** The ECR registry host of an environment's account and region. */
export function ecrRegistry(env: Environment): string {
  return `${env.awsAccountId}.dkr.ecr.${env.awsRegion}.amazonaws.com`;
}

/** The ARN of IAM role `roleName` in the account of `cluster` (IRSA roles trust that cluster's OIDC provider). */
export function clusterRoleArn(cluster: Cluster, roleName: string): string {
  return `arn:aws:iam::${cluster.accountId}:role/${roleName}`;
}

/**
 * The ACM certificate of `system`'s load balancers on `cluster` (from the cluster, which holds the
 * certificates of its region). A system whose load balancer terminates TLS needs one on each of its clusters.
 */
export function clusterCertificate(env: Environment, cluster: Cluster, system: string): string {
  const arn = cluster.certificates[system];
  if (!arn) {
    throw new Error(`environments/${env.name}/environment.yaml: clusters.${cluster.name}.certificates.${system}: missing; ${system} terminates TLS on its load balancer there, so the cluster must name an ACM certificate of its region (${cluster.region})`);
  }
  return arn;
}
