import * as kplus from 'cdk8s-plus-27';
import {
  albHealthCheck, AppService, clusterRoleArn, DisruptionBudget, ecrRegistry, IrsaServiceAccount, loadBalancerIngress, prometheusIngress, SecureDeployment, ServiceMonitor, vpcOutsidePods, WorkloadNetworkPolicy, WorkloadScaling,
  type Cluster, type EnvSource, type HttpProbe, type LoadBalancerScheme, type NetworkRule, type RenderContext, type ScalingRules,
} from '@gitops/platform';
import { Construct } from 'constructs';
import { MANAGEMENT_PORT, PORTS, SECRETS } from './names';
import type { KiteclassServiceName, KiteclassValues } from './values';

/** Scaling behaviour of the document's HPA: scale up fast, scale down slowly. */
export const HPA_BEHAVIOUR: { scaleUp: ScalingRules; scaleDown: ScalingRules } = {
  scaleUp: { stabilizationWindowSeconds: 0, policies: [{ percent: 100, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, policies: [{ percent: 10, periodSeconds: 60 }] },
};

/**
 * Spring Boot Actuator probes, with the document's timings. Not the document's
 * /actuator/health/{liveness,readiness}: Actuator moved to the management port (which the
 * internet never reaches, issue 13 item 4), and the health groups stay on the main port as
 * /livez and /readyz (`management.endpoint.health.probes.add-additional-paths`), so a probe
 * still fails when the main server does (Spring Boot reference, "Kubernetes Probes").
 */
export const ACTUATOR_PROBES: { liveness: HttpProbe; readiness: HttpProbe } = {
  liveness: { path: '/livez', initialDelaySeconds: 60, periodSeconds: 10, failureThreshold: 3 },
  readiness: { path: '/readyz', initialDelaySeconds: 30, periodSeconds: 5, failureThreshold: 3 },
};

export interface KiteclassServiceProps {
  /** The environment being rendered. */
  readonly ctx: RenderContext<KiteclassValues>;
  /** Which service (its values are `services.<name>` in the values file). */
  readonly name: KiteclassServiceName;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /**
   * A Spring Boot service: the per-stage Spring variables, Actuator probes and Prometheus
   * scraping of `/actuator/prometheus`. @default true
   */
  readonly springBoot?: boolean;
  /** Probes when not Spring Boot. @default - Actuator probes */
  readonly probes?: { liveness: HttpProbe; readiness: HttpProbe };
  /** The service's own environment variables, after the per-stage ones. @default - none */
  readonly env?: Readonly<Record<string, EnvSource>>;
  /** Outgoing traffic the service needs besides DNS. @default - none */
  readonly egress?: readonly NetworkRule[];
  /** Directories that must be writable. @default ['/tmp'] */
  readonly writableDirs?: readonly string[];
  /**
   * A canary beside the stable workload: `<name>-canary` Deployment, Service, PDB and
   * NetworkPolicy, same container but its own image tag, labelled `app: <name>-canary` so
   * neither the stable Deployment's selector nor the stable Service ever takes its pods.
   * @default - no canary
   */
  readonly canary?: { readonly tag: string; readonly replicas: number };
  /**
   * The scheme of the ALB that sends the service traffic: its pods admit that ALB's subnets
   * (internal ALBs live in the cluster's `internalLoadBalancerSubnets`). @default 'internet-facing'
   */
  readonly loadBalancerScheme?: LoadBalancerScheme;
}

/**
 * One KiteClass service as the document deploys it: an IRSA service account, the Deployment,
 * a ClusterIP Service, an HPA with the document's behaviour, a PodDisruptionBudget and a
 * NetworkPolicy admitting the ALB (from the VPC) and Prometheus.
 */
export class KiteclassService extends Construct {
  public readonly workload: SecureDeployment;
  public readonly port: number;
  /** The service's Service. */
  public readonly service: AppService;
  /** The canary's Service, when it runs one. */
  public readonly canaryService?: AppService;

  constructor(scope: Construct, id: string, props: KiteclassServiceProps) {
    super(scope, id);
    const { ctx, name } = props;
    const values = ctx.values.services[name];
    const springBoot = props.springBoot ?? true;
    this.port = PORTS[name];

    // a role only where the values give one (and the pods can reach STS: policy rule irsa-egress)
    const roleName = 'roleName' in values ? values.roleName : undefined;
    if (roleName) new IrsaServiceAccount(this, 'ServiceAccount', { name, roleArn: clusterRoleArn(ctx.cluster, roleName) });
    else new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name }, automountToken: false });

    const container = {
      system: ctx.system,
      component: props.component,
      repository: `${ecrRegistry(ctx.env)}/${name}`,
      ports: [{ name: 'http', containerPort: this.port }, ...(springBoot ? [{ name: 'management', containerPort: MANAGEMENT_PORT }] : [])],
      env: { ...(springBoot ? springEnv(ctx.values, this.port) : {}), ...props.env },
      resources: values.resources,
      ...(springBoot ? ACTUATOR_PROBES : props.probes),
      preStopSleepSeconds: 10,
      serviceAccountName: name,
      // the document's annotations, on the management port where /actuator/prometheus now is
      podAnnotations: springBoot
        ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(MANAGEMENT_PORT), 'prometheus.io/path': '/actuator/prometheus' }
        : undefined,
      writableDirs: props.writableDirs,
    };
    // no replicas: the HPA owns the count (the document's `replicas: 2` equals its minReplicas)
    this.workload = new SecureDeployment(this, 'Deployment', { ...container, name, tag: values.tag });
    // a budget from one pod up (staging's single pods too), so it is there before the HPA scales
    new WorkloadScaling(this, 'Scaling', { target: this.workload, autoscaling: values.autoscaling, ...HPA_BEHAVIOUR, budget: 'always' });

    const workloads: SecureDeployment[] = [this.workload];
    if (props.canary) {
      workloads.push(new SecureDeployment(this, 'CanaryDeployment', { ...container, name: `${name}-canary`, tag: props.canary.tag, version: 'canary', replicas: props.canary.replicas }));
    }
    const services: AppService[] = [];
    for (const workload of workloads) {
      const app = workload.app;
      const id = app === name ? '' : 'Canary';
      const service = new AppService(this, `${id}Service`, {
        name: app,
        target: workload,
        ports: [
          { name: 'http', port: this.port, targetPort: this.port },
          ...(springBoot ? [{ name: 'management', port: MANAGEMENT_PORT }] : []),
        ],
        // the ALB checks each target group on the path its pods' readiness probe uses (issue 13 item 2)
        annotations: albHealthCheck((springBoot ? ACTUATOR_PROBES : props.probes!).readiness.path),
      });
      services.push(service);
      // the canary's own app label, a fixed count: its own budget
      if (workload !== this.workload) new DisruptionBudget(this, `${id}DisruptionBudget`, { targets: [workload], minPods: props.canary!.replicas });
      if (springBoot) {
        // The document's prometheus.io/* annotations stay (it shows them), but prometheus-operator
        // ignores them: a ServiceMonitor is what makes Prometheus scrape /actuator/prometheus.
        new ServiceMonitor(this, `${id}ServiceMonitor`, {
          name: app,
          // the management port: Actuator is not on the port the ALB sends to (issue 13 item 4)
          endpoints: [{ port: 'management', path: '/actuator/prometheus' }],
          cluster: ctx.cluster,
          // Micrometer's request timer, and HikariCP's pool gauges where the service has a database
          metrics: ['http_server_requests_seconds', ...(props.env?.SPRING_DATASOURCE_URL ? ['hikaricp_connections_'] : [])],
        });
      }
      new WorkloadNetworkPolicy(this, `${id}NetworkPolicy`, {
        target: workload,
        ingress: [
          // target-type ip: the ALB sends traffic from its own addresses, in the cluster's load-balancer subnets of its scheme
          loadBalancerIngress(ctx.cluster, [{ port: this.port }], props.loadBalancerScheme),
          ...(springBoot ? [prometheusIngress(ctx.cluster, [{ port: MANAGEMENT_PORT }])] : []),
        ],
        egress: props.egress,
      });
    }
    [this.service, this.canaryService] = services;
  }
}

/** The document's "Environment Variables by Stage". */
function springEnv(values: KiteclassValues, port: number): Record<string, EnvSource> {
  return {
    SPRING_PROFILES_ACTIVE: values.spring.profile,
    // the document's base sets 8080; kiteclass-core listens on 8081, so each service sets its own
    SERVER_PORT: String(port),
    // Actuator (prometheus, metrics) on a port of its own, never routed by an Ingress; the probes'
    // health groups stay on the main port as /livez and /readyz (Spring Boot reference,
    // "Customizing the Management Server Port", "Kubernetes Probes")
    MANAGEMENT_SERVER_PORT: String(MANAGEMENT_PORT),
    MANAGEMENT_ENDPOINT_HEALTH_PROBES_ADDADDITIONALPATHS: 'true',
    LOGGING_LEVEL_ROOT: values.spring.logLevelRoot,
    // management.metrics.distribution.percentiles-histogram[http.server.requests]=true: without it Micrometer
    // publishes no http_server_requests_seconds_bucket series, and the HighLatency alert's histogram_quantile has
    // nothing to read (Spring Boot reference, "Metrics: Customizing individual meters" and "Binding Maps from
    // environment variables": underscores of the map key become dots)
    MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS: 'true',
    ...(values.spring.logLevelKiteclass ? { LOGGING_LEVEL_COM_KITECLASS: values.spring.logLevelKiteclass } : {}),
  };
}

/** The database connection every KiteClass Spring service reads from `kiteclass-db-secret`. */
export const DATASOURCE_ENV: Readonly<Record<string, EnvSource>> = {
  SPRING_DATASOURCE_URL: { secret: SECRETS.database.name, key: 'url' },
  SPRING_DATASOURCE_USERNAME: { secret: SECRETS.database.name, key: 'username' },
  SPRING_DATASOURCE_PASSWORD: { secret: SECRETS.database.name, key: 'password' },
};

/** Egress to the data layer in the VPC (RDS PostgreSQL, ElastiCache Redis, Amazon MQ AMQPS), never to its pods. */
export function dataLayerEgress(cluster: Cluster): NetworkRule {
  return { peers: [vpcOutsidePods(cluster)], ports: [{ port: 5432 }, { port: 6379 }, { port: 5671 }] };
}

/** HTTPS to AWS APIs (STS for IRSA, S3) and third parties, which have no fixed addresses. */
export const HTTPS_EGRESS: NetworkRule = { peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }] };
