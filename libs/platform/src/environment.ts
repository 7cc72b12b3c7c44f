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
    for (const key of ['name', 'server'] as const) {
      if (env.clusters.findIndex((c) => c[key] === cluster[key]) < i) {
        ctx.addIssue({ code: 'custom', path: ['clusters', i, key], message: `${key} is listed twice; each cluster appears once`, input: cluster[key] });
      }
    }
  });
});

export type Environment = z.infer<typeof EnvironmentSchema>;

/** The ECR registry host of an environment's account and region. */
export function ecrRegistry(env: Environment): string {
  return `${env.awsAccountId}.dkr.ecr.${env.awsRegion}.amazonaws.com`;
}
