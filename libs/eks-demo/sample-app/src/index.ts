import {
  AlbIngress, albHealthCheck, AppService, clusterCertificate, defineService, ecrRegistry, ExternalSecret, loadBalancerIngress, PrometheusAlerts, WorkloadScaling, minPods,
  prometheusIngress, secretsManagerKey, SecureDeployment, SecureNamespace, ServiceMonitor, waivePolicy, WorkloadNetworkPolicy,
} from '@gitops/platform';
import {
  ALERTS, CONTAINER_PORT, eksDemo, HEALTH_PATH, METRICS_PATH, RUN_AS_USER, SAMPLE_APP,
  SECRET, SERVICE_PORT,
} from '@gitops/eks-demo-system';

/**
 * The EKS DevOps demo's FastAPI `sample-app` in one environment: its namespace, the Deployment
 * with the document's security context, a fixed replica count (development) or an HPA (staging,
 * production), Service, ALB Ingress, ServiceMonitor for `/metrics`, the document's alert rules,
 * its secrets through External Secrets, and NetworkPolicies.
 */
export default defineService({
  system: eksDemo,
  name: 'sample-app', // equals SAMPLE_APP; a literal, so Nx reads it without running the code
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['sampleApp.tag'],
  render(chart, ctx) {
    const v = ctx.values;
    const app = v.sampleApp;
    // one service, so it renders its own namespace (PSA restricted + default-deny)
    new SecureNamespace(chart, 'Namespace', { name: ctx.namespace });

    if (ctx.env.name === 'production' && minPods(app) < 2) {
      // DESIGN.md principle 6: one pod in production is an outage on every node drain
      throw new Error(`environments/production/eks-demo.yaml: sampleApp: production needs at least 2 pods (replicas or autoscaling.minReplicas), got ${minPods(app)}`);
    }

    // the document keeps credentials in base64 Kubernetes Secrets; they come from AWS Secrets Manager instead
    new ExternalSecret(chart, 'Secret', {
      name: SECRET.name,
      remoteKey: secretsManagerKey(ctx, SECRET.remote),
      properties: SECRET.properties,
    });

    const probe = { path: HEALTH_PATH, periodSeconds: app.probePeriodSeconds, timeoutSeconds: 3, failureThreshold: 3 };
    const workload = new SecureDeployment(chart, 'Deployment', {
      name: SAMPLE_APP,
      system: ctx.system,
      component: 'api',
      repository: `${ecrRegistry(ctx.env)}/${SAMPLE_APP}`,
      // the document's Helm chart ran a tag per environment; `latest` is refused by the schema
      tag: app.tag,
      // no count: an HPA owns it in every environment (issue 13 item 22, podCount)
      ports: [{ name: 'http', containerPort: CONTAINER_PORT }],
      env: {
        ENVIRONMENT: ctx.env.name,
        LOG_LEVEL: v.logLevel,
        API_KEY: { secret: SECRET.name, key: 'api-key' },
      },
      resources: app.resources,
      liveness: { ...probe, initialDelaySeconds: 10 },
      readiness: { ...probe, initialDelaySeconds: 5 },
      runAsUser: RUN_AS_USER,
      // Python writes temporary files (uploads, tempfile) to /tmp under the read-only root
      writableDirs: ['/tmp'],
    });

    // the document scales on CPU and memory; development's fixed pod is an HPA with equal bounds,
    // so no environment switches who owns spec.replicas (a switch resets it to 1 under SSA)
    // a PDB over a single pod could only allow its eviction; from 2 pods it keeps one serving
    new WorkloadScaling(chart, 'Scaling', { target: workload, replicas: app.replicas, autoscaling: app.autoscaling });

    const service = new AppService(chart, 'Service', {
      name: SAMPLE_APP,
      target: workload,
      ports: [{ name: 'http', port: SERVICE_PORT, targetPort: CONTAINER_PORT }],
      // the target group's health check, on the probes' path (a Service's check, not the Ingress's: issue 13 item 2)
      annotations: albHealthCheck(HEALTH_PATH),
    });

    // The document turns NetworkPolicies on in staging and production only; secure by default,
    // development gets the same policy (the ALB and Prometheus are the only callers).
    new WorkloadNetworkPolicy(chart, 'NetworkPolicy', {
      target: workload,
      ingress: [
        // target-type ip: the ALB sends traffic from its own addresses, in the cluster's load-balancer subnets
        loadBalancerIngress(ctx.cluster, [{ port: CONTAINER_PORT }]),
        prometheusIngress(ctx.cluster, [{ port: CONTAINER_PORT }]),
      ],
      // no egress besides DNS: the demo has no database or downstream service ("application-only")
    });

    new ServiceMonitor(chart, 'ServiceMonitor', {
      name: SAMPLE_APP,
      endpoints: [{ port: 'http', path: METRICS_PATH, interval: '30s' }],
      cluster: ctx.cluster,
      // what the alerts below read (the FastAPI app's request counter and latency histogram)
      metrics: ['http_requests_total', 'http_request_duration_seconds'],
    });

    const ingress = new AlbIngress(chart, 'Ingress', {
      name: SAMPLE_APP,
      certificateArn: clusterCertificate(ctx.env, ctx.cluster, ctx.system),
      rules: [{
        host: v.ingress.host,
        paths: [
          // the app serves its metrics on the API port; the ALB answers /metrics itself (the longest
          // Prefix wins), so only Prometheus, inside the cluster, reads them (issue 13 item 4)
          { path: METRICS_PATH, fixedResponse: { statusCode: 404 } },
          { path: '/', service, port: SERVICE_PORT },
        ],
      }],
    });
    if (v.ingress.placeholderHostReason) waivePolicy(ingress, 'production-real-host', v.ingress.placeholderHostReason);

    // The document's two rules; they are scoped to this namespace, because as written they matched
    // every app's series in the cluster. Severities and descriptions are not in the document.
    const scope = `namespace="${ctx.namespace}"`;
    new PrometheusAlerts(chart, 'Alerts', {
      name: ALERTS,
      cluster: ctx.cluster,
      rules: [
        {
          alert: 'HighErrorRate',
          expr: `rate(http_requests_total{${scope},status=~"5.."}[5m]) > 0.05`,
          for: '5m',
          severity: 'critical',
          summary: 'High error rate detected',
          description: '{{ $labels.pod }} answers {{ $value }} 5xx responses per second (> 0.05)',
        },
        {
          alert: 'HighLatency',
          expr: `histogram_quantile(0.95, rate(http_request_duration_seconds_bucket{${scope}}[5m])) > 0.5`,
          for: '5m',
          severity: 'warning',
          summary: 'High latency detected',
          description: 'P95 latency of {{ $labels.pod }} is {{ $value }}s (> 0.5s)',
        },
      ],
    });
  },
});
