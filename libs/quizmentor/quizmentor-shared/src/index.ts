import {
  AcmeSolverNetworkPolicy, defineService, externalSecretsFor, NamespaceQuota, NginxIngress, PrometheusAlerts, SecureNamespace, SlothServiceLevel,
} from '@gitops/platform';
import { INGRESS, INGRESS_NGINX, quizmentor, SECRETS, SERVICE_PORT, TLS_SECRET } from '@gitops/quizmentor-system';

/** The Ingress of /api/learning, which goes through the mesh to learning-orchestrator's VirtualService. */
const LEARNING_INGRESS = 'learning-orchestrator-ingress';

/**
 * What the QuizMentor services share in an environment: the namespace (Istio injection, Pod
 * Security Admission), its ResourceQuota, the ExternalSecrets, the public NGINX Ingress, the
 * alerts and the SLOs.
 */
export default defineService({
  system: quizmentor,
  name: 'quizmentor-shared',
  render(chart, ctx) {
    const v = ctx.values;

    // The document secured pods with a PodSecurityPolicy (policy/v1beta1), removed in Kubernetes
    // 1.25: Pod Security Admission labels enforce `restricted` instead. Restricted pods cannot
    // run istio-init (NET_ADMIN, root): the clusters run Istio's CNI node agent (add-on istio-cni,
    // istiod with pilot.cni.enabled), so injected pods get the non-root istio-validation instead.
    new SecureNamespace(chart, 'Namespace', {
      name: ctx.namespace,
      // `name` is the document's label (its NetworkPolicy selected the namespace by it)
      labels: { name: ctx.namespace, 'istio-injection': 'enabled' },
    });
    new NamespaceQuota(chart, 'Quota', {
      name: 'compute-quota',
      requestsCpu: v.quota.requestsCpu,
      requestsMemory: v.quota.requestsMemory,
      limitsCpu: v.quota.limitsCpu,
      limitsMemory: v.quota.limitsMemory,
      persistentVolumeClaims: v.quota.persistentVolumeClaims,
    });

    // The document's SealedSecret carried ciphertext in git; External Secrets reads AWS Secrets Manager instead.
    externalSecretsFor(chart, ctx, SECRETS);

    // the document chose the class with the deprecated kubernetes.io/ingress.class annotation
    const ingress = {
      host: v.ingress.host,
      tlsSecretName: TLS_SECRET,
      // the document's `rate-limit: '100'` is no ingress-nginx annotation; its per-minute form is limit-rpm
      limitRpm: v.ingress.limitRpm,
      limitRps: v.ingress.limitRps,
      proxyBodySize: v.ingress.proxyBodySize,
      proxyTimeoutSeconds: v.ingress.proxyTimeoutSeconds,
      cors: { allowOrigin: v.ingress.corsAllowOrigin, allowMethods: 'GET, POST, PUT, DELETE, OPTIONS' },
    };
    new NginxIngress(chart, 'Ingress', {
      ...ingress,
      name: INGRESS,
      clusterIssuer: v.ingress.clusterIssuer,
      paths: [
        { path: '/api/validate', service: 'bloom-validator', port: SERVICE_PORT },
        { path: '/api/adaptive', service: 'adaptive-engine', port: SERVICE_PORT },
      ],
    });
    // cert-manager answers Let's Encrypt's HTTP-01 challenge from a solver pod in this namespace;
    // default-deny would drop nginx's request to it (the ClusterIssuer keeps it out of the mesh)
    new AcmeSolverNetworkPolicy(chart, 'AcmeSolverPolicy', { controller: INGRESS_NGINX });
    // The document's /api/learning path, in an Ingress of its own through the mesh: NGINX sent to
    // the pods directly, so the canary took its share of pods (2 of 5), not the VirtualService's
    // 10% (issue 13 item 3); upstream-vhost is one Host per Ingress, hence the second Ingress.
    new NginxIngress(chart, 'LearningIngress', {
      ...ingress,
      name: LEARNING_INGRESS,
      paths: [{ path: '/api/learning', service: 'learning-orchestrator', port: SERVICE_PORT }],
      mesh: { namespace: ctx.namespace },
    });

    // The document's alerts were a ConfigMap for a hand-run Prometheus in `monitoring`;
    // prometheus-operator reads a PrometheusRule. Cluster-wide metrics are scoped to this namespace.
    const ns = `namespace="${ctx.namespace}"`;
    const team = 'platform';
    new PrometheusAlerts(chart, 'Alerts', {
      name: 'prometheus-alerts',
      cluster: ctx.cluster,
      group: 'quizmentor',
      interval: '30s',
      labels: { team },
      rules: [
        {
          alert: 'HighErrorRate',
          expr: 'sum(rate(http_requests_total{code=~"5.."}[5m])) by (service)\n/ sum(rate(http_requests_total[5m])) by (service) > 0.01\n',
          for: '5m',
          severity: 'critical',
          summary: 'High error rate on {{ $labels.service }}',
          description: 'Error rate is {{ $value | humanizePercentage }} for {{ $labels.service }}',
        },
        {
          alert: 'HighLatency',
          expr: 'histogram_quantile(0.95,\n  sum(rate(http_request_duration_seconds_bucket[5m])) by (le, service)\n) > 0.5\n',
          for: '5m',
          severity: 'warning',
          summary: 'High latency on {{ $labels.service }}',
          description: 'P95 latency is {{ $value }}s for {{ $labels.service }}',
        },
        {
          alert: 'PodCrashLooping',
          // increase(), not the document's rate(): the description counts restarts, and a rate is per second
          expr: `increase(kube_pod_container_status_restarts_total{${ns}}[15m]) > 0\n`,
          for: '5m',
          severity: 'critical',
          summary: 'Pod {{ $labels.pod }} is crash looping',
          description: 'Pod {{ $labels.pod }} has restarted {{ $value | humanize }} times in the last 15 minutes',
        },
        {
          alert: 'HighMemoryUsage',
          // working set, not the document's container_memory_usage_bytes (which counts page cache: postgres and
          // redis would always alarm); container!="" drops cAdvisor's pod-level cgroup series, which would count twice
          expr: `sum(container_memory_working_set_bytes{${ns},container!=""}) by (pod)\n/ sum(container_spec_memory_limit_bytes{${ns},container!=""}) by (pod) > 0.9\n`,
          for: '5m',
          severity: 'warning',
          summary: 'High memory usage on {{ $labels.pod }}',
          description: 'Memory usage is {{ $value | humanizePercentage }} for {{ $labels.pod }}',
        },
        {
          alert: 'DatabaseConnectionPoolExhausted',
          // The document divided numbackends{datname} by max_connections, whose label sets differ, so it never
          // matched; connections of every database count against max_connections: both sides per exporter instance.
          expr: 'sum by (instance) (pg_stat_database_numbackends)\n/ on(instance) max by (instance) (pg_settings_max_connections) > 0.9\n',
          for: '5m',
          severity: 'critical',
          summary: 'Database connection pool almost exhausted',
          description: '{{ $value | humanizePercentage }} of connections are in use',
        },
      ],
    });

    // The document wrote the Sloth file format (error_query, page_alert); the CRD is camelCase.
    new SlothServiceLevel(chart, 'Slos', {
      name: 'quizmentor-slos',
      cluster: ctx.cluster,
      service: 'quizmentor',
      labels: { team },
      slos: [
        {
          name: 'requests-availability',
          objective: 99.9,
          description: '99.9% of requests should be successful',
          // {{.window}}, not the document's [5m]: Sloth fills in each burn-rate window (and refuses a query without it)
          errorQuery: 'sum(rate(http_requests_total{job="learning-orchestrator",code=~"5.."}[{{.window}}]))\n',
          totalQuery: 'sum(rate(http_requests_total{job="learning-orchestrator"}[{{.window}}]))\n',
          // not the document's HighErrorRate: the PrometheusRule above has an alert of that name, and
          // Alertmanager knows alerts by name
          alertName: 'LearningOrchestratorErrorBudgetBurn',
          pageAlertLabels: { severity: 'critical', team },
          ticketAlertLabels: { severity: 'warning', team },
        },
        {
          name: 'requests-latency',
          objective: 99,
          description: '99% of requests should be faster than 200ms',
          // the document counted requests faster than 200ms (le="0.2") as errors: bad events are all minus those
          errorQuery:
            'sum(rate(http_request_duration_seconds_count{job="learning-orchestrator"}[{{.window}}]))\n- sum(rate(http_request_duration_seconds_bucket{job="learning-orchestrator",le="0.2"}[{{.window}}]))\n',
          totalQuery: 'sum(rate(http_request_duration_seconds_count{job="learning-orchestrator"}[{{.window}}]))\n',
          // not the document's HighLatency (the PrometheusRule's alert of that name)
          alertName: 'LearningOrchestratorLatencyBudgetBurn',
          pageAlertLabels: { severity: 'critical' },
          ticketAlertLabels: { severity: 'warning' },
        },
      ],
    });
  },
});
