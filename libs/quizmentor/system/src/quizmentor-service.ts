import {
  AppService, IrsaServiceAccount, prometheusIngress, SecureDeployment, ServiceMonitor, WorkloadNetworkPolicy, WorkloadScaling,
  type EnvSource, type HttpProbe, type NetworkRule, type PodToleration, type RenderContext,
  type ScalingRules, type WritableVolume,
} from '@gitops/platform';
import { Construct } from 'constructs';
import { APPS, CANARY, METRICS_PORT, SERVICE_PORT, type AppName } from './names';
import { ISTIOD_EGRESS } from './network';
import type { AppValues, QuizmentorValues } from './values';

/** The probes of the document's orchestrator; the other services follow the same endpoints. */
export const NODE_PROBES: { liveness: HttpProbe; readiness: HttpProbe; startup: HttpProbe } = {
  liveness: { path: '/health/live', initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
  readiness: { path: '/health/ready', initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
  startup: { path: '/health/startup', initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 30 },
};

export interface QuizmentorServiceProps {
  readonly ctx: RenderContext<QuizmentorValues>;
  /** Which service (its values are `services.<name>`). */
  readonly name: AppName;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** The service's values. */
  readonly values: AppValues;
  /** The service's own environment variables, after PORT and LOG_LEVEL. @default - none */
  readonly env?: Readonly<Record<string, EnvSource>>;
  /** Who may call the service's port besides nobody. @default - nobody */
  readonly ingress?: readonly NetworkRule[];
  /** Where the service may connect besides DNS and istiod. @default - nowhere */
  readonly egress?: readonly NetworkRule[];
  /** @default [{ name: 'tmp', path: '/tmp' }] */
  readonly writableVolumes?: readonly WritableVolume[];
  /** IAM role for an IRSA service account named like the service. @default - no service account */
  readonly roleArn?: string;
  /** HPA scaling behaviour. @default - Kubernetes' defaults */
  readonly scaling?: { scaleUp: ScalingRules; scaleDown: ScalingRules };
  /** Run a `v2` canary beside the stable `v1` pods; Istio splits the traffic. @default - none */
  readonly canary?: { readonly tag: string; readonly replicas: number };
  /** @default - none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly tolerations?: readonly PodToleration[];
}

/**
 * One stateless QuizMentor service as the document deploys the orchestrator: a Deployment
 * (rolling update surge 1 / unavailable 0, three probes, Prometheus annotations), a ClusterIP
 * Service 80 → its port plus 9090 metrics, an HPA or a fixed count, a PodDisruptionBudget when it
 * runs two pods or more, a ServiceMonitor and its NetworkPolicy.
 */
export class QuizmentorService extends Construct {
  public readonly workload: SecureDeployment;
  public readonly port: number;

  constructor(scope: Construct, id: string, props: QuizmentorServiceProps) {
    super(scope, id);
    const { ctx, name, values } = props;
    const app = APPS[name];
    this.port = app.port;
    const serviceAccount = props.roleArn ? new IrsaServiceAccount(this, 'ServiceAccount', { name, roleArn: props.roleArn }) : undefined;

    const common = {
      system: ctx.system,
      component: props.component,
      app: name,
      containerName: app.container,
      repository: `${ctx.values.imageRepository}/${name}`,
      ports: [{ name: 'http', containerPort: app.port }, { name: 'metrics', containerPort: METRICS_PORT }],
      env: { PORT: String(app.port), LOG_LEVEL: ctx.values.logLevel, ...props.env },
      resources: values.resources,
      ...NODE_PROBES,
      serviceAccountName: serviceAccount?.name,
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(METRICS_PORT), 'prometheus.io/path': '/metrics' },
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      writableVolumes: props.writableVolumes ?? [{ name: 'tmp', path: '/tmp' }],
      // the document runs its Node.js image as UID 1000 (the `node` user of the official images)
      runAsUser: 1000,
      nodeSelector: props.nodeSelector,
      tolerations: props.tolerations,
      // with a canary, each Deployment selects its own version so neither claims the other's pods
      selectVersion: props.canary !== undefined,
    };
    // No replica count in any environment: an HPA owns it everywhere (a fixed count is equal
    // bounds), so staging's fixed adaptive-engine and production's autoscaled one never switch
    // who owns spec.replicas, which under ServerSideApply reset it to 1 (issue 13 item 22).
    this.workload = new SecureDeployment(this, 'Deployment', {
      ...common,
      name,
      tag: values.tag,
      version: CANARY.stable,
    });
    const canary = props.canary && new SecureDeployment(this, 'CanaryDeployment', {
      ...common,
      name: CANARY.deployment,
      tag: props.canary.tag,
      version: CANARY.canary,
      replicas: props.canary.replicas,
    });

    new AppService(this, 'Service', {
      name,
      target: this.workload,
      // Istio routes by the port's protocol: `http` names it, `metrics` does not (appProtocol)
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: app.port }, { name: 'metrics', port: METRICS_PORT, appProtocol: 'http' }],
    });
    new ServiceMonitor(this, 'ServiceMonitor', {
      name,
      // the document's Helm values: metrics.serviceMonitor interval 30s, scrapeTimeout 10s
      endpoints: [{ port: 'metrics', interval: '30s', scrapeTimeout: '10s' }],
      cluster: ctx.cluster,
      // what the shared alerts and SLOs read from every service's /metrics
      metrics: ['http_requests_total', 'http_request_duration_seconds'],
    });

    // the HPA over v1, and one budget over every pod of the app (v1 and the v2 canary)
    new WorkloadScaling(this, 'Scaling', {
      target: this.workload, replicas: values.replicas, autoscaling: values.autoscaling, ...props.scaling,
      alongside: canary ? [{ workload: canary, replicas: props.canary!.replicas }] : [],
    });

    new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      target: this.workload,
      ingress: [...(props.ingress ?? []), prometheusIngress(ctx.cluster, [{ port: METRICS_PORT }])],
      egress: [...(props.egress ?? []), ISTIOD_EGRESS],
    });
  }
}
