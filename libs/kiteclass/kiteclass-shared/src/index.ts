import * as kplus from 'cdk8s-plus-27';
import { AlbIngress, clusterCertificate, defineService, externalSecretsFor, PrometheusAlerts, SecureNamespace, VeleroSchedule } from '@gitops/platform';
import { CONFIG_MAP, INGRESS, kiteclass, PORTS, SECRETS } from '@gitops/kiteclass-system';

/**
 * What the KiteClass services share in an environment: the namespace, `kiteclass-config`, the
 * public ALB Ingress, the ExternalSecrets, the alerts and the Velero backup schedule.
 */
export default defineService({
  system: kiteclass,
  name: 'kiteclass-shared',
  render(chart, ctx) {
    const v = ctx.values;
    new SecureNamespace(chart, 'Namespace', { name: ctx.namespace });

    new kplus.ConfigMap(chart, 'Config', {
      metadata: { name: CONFIG_MAP },
      data: {
        'redis-host': v.config.redisHost,
        'rabbitmq-host': v.config.rabbitmqHost,
        's3-bucket': v.config.s3Bucket,
        'cdn-domain': v.config.cdnDomain,
      },
    });

    new AlbIngress(chart, 'Ingress', {
      name: INGRESS,
      certificateArn: clusterCertificate(ctx.env, ctx.cluster, ctx.system),
      // no Ingress-wide health check: each backend Service carries its own (issue 13 item 2)
      rules: [
        // KiteHub API
        { host: v.ingress.apiHost, paths: [{ path: '/', service: 'kitehub-backend', port: PORTS['kitehub-backend'] }] },
        // KiteClass instance API (wildcard), and the pages CloudFront fetches from this origin:
        // the document's Ingress routed nothing to the frontend it deploys.
        {
          host: v.ingress.instancesHost,
          paths: [
            { path: '/api', service: 'kiteclass-gateway', port: PORTS['kiteclass-gateway'] },
            { path: '/', service: 'kiteclass-frontend', port: PORTS['kiteclass-frontend'] },
          ],
        },
      ],
    });

    externalSecretsFor(chart, ctx, SECRETS);

    new PrometheusAlerts(chart, 'Alerts', {
      name: 'kiteclass-alerts',
      cluster: ctx.cluster,
      rules: [
        {
          alert: 'HighErrorRate',
          expr: 'sum(rate(http_server_requests_seconds_count{status=~"5.."}[5m]))\n/ sum(rate(http_server_requests_seconds_count[5m])) > 0.01\n',
          for: '5m',
          severity: 'critical',
          summary: 'High error rate detected',
          description: 'Error rate is {{ $value | humanizePercentage }} (> 1%)',
        },
        {
          alert: 'HighLatency',
          expr: 'histogram_quantile(0.99, sum(rate(http_server_requests_seconds_bucket[5m])) by (le)) > 2\n',
          for: '5m',
          severity: 'warning',
          summary: 'High latency detected',
          description: 'P99 latency is {{ $value }}s (> 2s)',
        },
        {
          alert: 'PodNotReady',
          expr: 'kube_pod_status_ready{condition="true", namespace=~"kiteclass-.*"} == 0\n',
          for: '5m',
          severity: 'critical',
          summary: 'Pod not ready',
          description: 'Pod {{ $labels.pod }} is not ready',
        },
        {
          alert: 'DBConnectionPoolExhausted',
          expr: 'hikaricp_connections_active / hikaricp_connections_max > 0.9\n',
          for: '5m',
          severity: 'warning',
          summary: 'Database connection pool nearly exhausted',
          description: '{{ $value | humanizePercentage }} of connections in use',
        },
      ],
    });

    new VeleroSchedule(chart, 'Backup', {
      name: 'kiteclass-backup-daily',
      schedule: v.backup.schedule,
      includedNamespaces: [ctx.namespace],
      ttl: `${v.backup.retentionDays * 24}h0m0s`,
    });
  },
});
