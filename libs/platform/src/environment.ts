import { z } from 'zod';
import { dnsLabel } from './schemas';

/** The environments a system can run in, in promotion order. */
export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** One Kubernetes cluster an environment deploys to, as Argo CD knows it. */
export const ClusterSchema = z.strictObject({
  /** Argo CD cluster name (`argocd cluster add --name`). */
  name: dnsLabel,
  /** API server URL registered in Argo CD. */
  server: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
  /** AWS region of the EKS cluster. */
  region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'must be an AWS region such as ap-southeast-1'),
});

/**
 * `environments/<env>/environment.yaml`: what every system in that environment shares.
 * Thin by design (Tanka's environments): where it runs, not how services are built.
 */
export const EnvironmentSchema = z.strictObject({
  /** Must equal the folder name, so a copied file cannot silently render as another environment. */
  name: z.enum(ENVIRONMENTS),
  /** AWS account that owns the clusters, the ECR registry and the secrets. */
  awsAccountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  /** Region of the ECR registry and of AWS Secrets Manager. */
  awsRegion: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'must be an AWS region such as ap-southeast-1'),
  /**
   * Clusters this environment deploys to; production lists several (one per region). Every
   * cluster gets every service of the environment (an Argo CD Application per service and cluster).
   */
  clusters: z.array(ClusterSchema).min(1, 'at least one cluster is required'),
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
  });
});

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
