/**
 * The pattern behind `npm run new-service`: a plain HTTP service. Its values live in its system's
 * values file under `webServices.<name>`, which every system schema accepts.
 */
import { z } from 'zod';
import { Construct } from 'constructs';
import { AppService } from './app-service';
import { WorkloadScaling } from './autoscaler';
import { IrsaServiceAccount } from './irsa-service-account';
import { WorkloadNetworkPolicy } from './network-policy';
import { SecureDeployment } from './secure-deployment';
import { ecrRegistry } from '../values/environment';
import { dnsLabel, iamRoleArn, imageTag, PodCountFields, refinePodCount, ResourcesSchema } from '../values/schemas';
import type { RenderContext } from './service';

export const WebServiceValuesSchema = z
  .strictObject({
    /** Image tag in the environment's ECR registry (`<registry>/<name>:<tag>`). */
    tag: imageTag,
    /** Port the container listens on. */
    port: z.number().int().min(1024, 'must be 1024 or above (the pod runs as non-root)').max(65535),
    resources: ResourcesSchema,
    ...PodCountFields,
    /** IAM role of its service account (IRSA). @default - no AWS access */
    roleArn: iamRoleArn.optional(),
    /** Liveness probe path. */
    livenessPath: z.string().startsWith('/', 'must start with /'),
    /** Readiness probe path. */
    readinessPath: z.string().startsWith('/', 'must start with /'),
  })
  .superRefine(refinePodCount);
export type WebServiceValues = z.infer<typeof WebServiceValuesSchema>;

/** `webServices:` of a system's values file: generated services by name. */
export const WebServicesSchema = z.record(dnsLabel, WebServiceValuesSchema).optional();

export interface WebServiceProps {
  /** The environment being rendered (its values must have `webServices`). */
  readonly ctx: RenderContext<{ webServices?: Record<string, WebServiceValues> }>;
  /** The service's name: Deployment, Service and `app` label. */
  readonly name: string;
  /** `app.kubernetes.io/component`. @default 'backend' */
  readonly component?: string;
}

/**
 * Service account, secure Deployment, ClusterIP Service on port 80, an HPA (a fixed count as equal bounds), PDB,
 * and a NetworkPolicy admitting pods of its own namespace on its port (and DNS out).
 */
export class WebService extends Construct {
  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const { ctx, name } = props;
    const v = ctx.values.webServices?.[name];
    if (!v) throw new Error(`${ctx.env.name}: no webServices.${name} in environments/${ctx.env.name}/${ctx.system}.yaml`);
    if (v.roleArn) new IrsaServiceAccount(this, 'ServiceAccount', { name, roleArn: v.roleArn });
    const workload = new SecureDeployment(this, 'Deployment', {
      name,
      system: ctx.system,
      component: props.component ?? 'backend',
      repository: `${ecrRegistry(ctx.env)}/${name}`,
      tag: v.tag,
      // no count: an HPA owns it in every environment, a fixed count as equal bounds (podCount)
      ports: [{ name: 'http', containerPort: v.port }],
      resources: v.resources,
      liveness: { path: v.livenessPath, initialDelaySeconds: 10 },
      readiness: { path: v.readinessPath, periodSeconds: 5 },
      serviceAccountName: v.roleArn ? name : undefined,
    });
    new AppService(this, 'Service', { name, target: workload, ports: [{ name: 'http', port: 80, targetPort: v.port }] });
    new WorkloadScaling(this, 'Scaling', { target: workload, replicas: v.replicas, autoscaling: v.autoscaling, budget: 'always' });
    new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      target: workload,
      ingress: [{ peers: [{ namespace: ctx.namespace }], ports: [{ port: v.port }] }],
    });
  }
}
