import {
  AppService, defineService, ExternalSecret, prometheusIngress, secretsManagerKey, SecureDeployment, ServiceMonitor, waivePolicy, WorkloadNetworkPolicy,
} from '@gitops/platform';
import { ISTIOD_EGRESS, POSTGRES, quizmentor } from '@gitops/quizmentor-system';

/** prometheus-community/postgres_exporter: its image and the port it serves /metrics on (README, "Quick Start": 9187). */
export const POSTGRES_EXPORTER = {
  name: 'postgres-exporter',
  repository: 'quay.io/prometheuscommunity/postgres-exporter',
  // pinned here, not in values: the exporter is the platform's choice, not one of the document's services
  tag: 'v0.17.1',
  port: 9187,
  /** The login it scrapes with: a role granted `pg_monitor`, from `quizmentor/<env>/postgres-exporter`. */
  secret: 'postgres-exporter-credentials',
  /** The image's user (`nobody`, USER 65534 in its Dockerfile). */
  uid: 65534,
} as const;

/**
 * The PostgreSQL exporter the QuizMentor alerts read `pg_*` from (the document's
 * DatabaseConnectionPoolExhausted alert had no exporter behind it): one Deployment connecting to
 * `postgres-primary`, its Service, a ServiceMonitor, the ExternalSecret of its login, and the
 * NetworkPolicies from Prometheus to it and from it to PostgreSQL.
 */
export default defineService({
  system: quizmentor,
  name: 'postgres-exporter',
  render(chart, ctx) {
    const e = POSTGRES_EXPORTER;
    new ExternalSecret(chart, 'Credentials', {
      name: e.secret,
      remoteKey: secretsManagerKey(ctx, e.name),
      properties: ['username', 'password'],
    });

    const workload = new SecureDeployment(chart, 'Deployment', {
      name: e.name,
      system: ctx.system,
      component: 'monitoring',
      repository: e.repository,
      tag: e.tag,
      replicas: 1,
      ports: [{ name: 'metrics', containerPort: e.port }],
      env: {
        // the exporter's documented variables (README, "Environment Variables")
        DATA_SOURCE_URI: `${POSTGRES.primaryService}.${ctx.namespace}.svc:${POSTGRES.port}/${POSTGRES.database}?sslmode=disable`,
        DATA_SOURCE_USER: { secret: e.secret, key: 'username' },
        DATA_SOURCE_PASS: { secret: e.secret, key: 'password' },
      },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
      // its landing page answers on / without touching the database, so a slow database does not restart it
      liveness: { path: '/', port: e.port, periodSeconds: 20 },
      readiness: { path: '/', port: e.port, periodSeconds: 10 },
      runAsUser: e.uid,
    });
    // Why one replica in production too: each exporter opens its own connections and doubles every
    // pg_* series; a scrape missed while it restarts delays an alert by one interval.
    waivePolicy(workload, 'production-replicas', 'one exporter per database: a second one doubles every pg_* series and the connections it takes from postgres');
    waivePolicy(workload, 'production-pdb', 'a single stateless exporter: a budget would block every node drain, and a missed scrape while it moves is acceptable');

    // Istio routes by the port's protocol; `metrics` names none
    new AppService(chart, 'Service', { name: e.name, target: workload, ports: [{ name: 'metrics', port: e.port, appProtocol: 'http' }] });
    new ServiceMonitor(chart, 'ServiceMonitor', {
      name: e.name,
      endpoints: [{ port: 'metrics' }],
      cluster: ctx.cluster,
      // every collector's metrics are named pg_<collector>_... (collector/*.go)
      metrics: ['pg_'],
    });

    new WorkloadNetworkPolicy(chart, 'NetworkPolicy', {
      target: workload,
      ingress: [prometheusIngress(ctx.cluster, [{ port: e.port }])],
      egress: [{ peers: [{ app: POSTGRES.app }], ports: [{ port: POSTGRES.port }] }, ISTIOD_EGRESS],
    });
    // NetworkPolicies add up: this one admits the exporter to the database pods beside postgres-netpol
    new WorkloadNetworkPolicy(chart, 'PostgresIngress', {
      // the database's pods are postgres-primary's (another library): by label, checked by validate
      app: POSTGRES.app,
      name: 'postgres-from-exporter',
      ingress: [{ peers: [{ app: e.name }], ports: [{ port: POSTGRES.port }] }],
      allowDns: false,
    });
  },
});
