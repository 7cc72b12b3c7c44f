import * as kplus from 'cdk8s-plus-27';
import {
  AppService, clusterCertificate, defineService, ecrRegistry, loadBalancerIngress, MigrationHook, SecureDeployment, WorkloadNetworkPolicy, WorkloadScaling, minPods,
  type EnvSource, type NetworkRule,
} from '@gitops/platform';
import {
  APP, CONFIG_KEYS, CONFIG_MAP, django, GUNICORN_PORT, HEALTH_PATH, HTTP_PORT, HTTPS_PORT, MIGRATE, SECRETS,
} from '@gitops/django-system';

/**
 * The Django app (Gunicorn on 8000): the migration hook Job, the Deployment, the LoadBalancer
 * Service (80 and 443 → 8000), an HPA (2-6 at 70% CPU, or the fixed count as equal bounds), a
 * PodDisruptionBudget and NetworkPolicies for the app and the migration.
 */
export default defineService({
  system: django,
  name: 'django-app', // equals APP; a literal, so Nx reads it without running the code
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['app.tag'],
  render(chart, ctx) {
    const v = ctx.values;
    const app = v.app;
    if (ctx.env.name === 'production' && minPods(app) < 2) {
      // DESIGN.md principle 6: one pod in production is an outage on every node drain
      throw new Error(`environments/production/django.yaml: app: production needs at least 2 pods (replicas or autoscaling.minReplicas), got ${minPods(app)}`);
    }

    const repository = `${ecrRegistry(ctx.env)}/${APP}`;
    const fromConfig = (key: string): EnvSource => ({ configMap: CONFIG_MAP, key });
    // What Django's settings read at import time, for the app and for manage.py alike.
    const settingsEnv: Record<string, EnvSource> = {
      [CONFIG_KEYS.debug]: fromConfig(CONFIG_KEYS.debug),
      [CONFIG_KEYS.allowedHosts]: fromConfig(CONFIG_KEYS.allowedHosts),
      [CONFIG_KEYS.databaseHost]: fromConfig(CONFIG_KEYS.databaseHost),
      [CONFIG_KEYS.databasePort]: fromConfig(CONFIG_KEYS.databasePort),
      [CONFIG_KEYS.databaseName]: fromConfig(CONFIG_KEYS.databaseName),
      DATABASE_USER: { secret: SECRETS.database.name, key: 'username' },
      DATABASE_PASSWORD: { secret: SECRETS.database.name, key: 'password' },
      DJANGO_SECRET_KEY: { secret: SECRETS.app.name, key: 'secret-key' },
    };

    // Migrations as an Argo CD hook rather than an init container: the hook runs once per sync
    // and Argo CD applies the new Deployment only after it succeeded, so no pod of the new
    // version serves an unmigrated schema; init containers would run `migrate` in every pod at
    // once (racing each other on every scale-up) and let old pods keep serving mid-migration.
    // A failed migration fails the sync and leaves the running version untouched. It is a
    // Sync-phase hook after its NetworkPolicy's wave (was PreSync, which ran before the policy
    // existed: under default-deny it could not reach RDS, issue 12 "Sync order").
    new MigrationHook(chart, 'Migrate', {
      name: MIGRATE,
      system: ctx.system,
      repository,
      tag: app.tag,
      command: ['python', 'manage.py', 'migrate', '--noinput'],
      env: settingsEnv,
      resources: app.resources,
      egress: [databaseEgress(ctx.cluster.network.databaseSubnets, v.database.port)],
    });

    const workload = new SecureDeployment(chart, 'Deployment', {
      name: APP,
      system: ctx.system,
      component: 'backend',
      repository,
      tag: app.tag,
      // the HPA owns the count in every environment (the document's 2 replicas are its equal bounds)
      replicas: undefined,
      // one extra pod at a time and none taken away before its replacement is ready
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
      ports: [{ name: 'http', containerPort: GUNICORN_PORT }],
      // the pod's IP, first, so that DJANGO_ALLOWED_HOSTS (after it) can refer to it
      fieldEnv: { [POD_IP]: 'status.podIP' },
      env: {
        // Kubelet probes send `Host: <pod IP>:8000` (kubernetes pkg/probe/http/request.go: the
        // URL's host is the pod IP unless httpGet.host is set), and so do the NLB's HTTP health
        // checks to IP targets; Django answers a Host outside ALLOWED_HOSTS with 400, so the pod
        // was never Ready. The pod's own IP joins the configured names ($(VAR) is expanded by
        // the kubelet from variables defined before it: POD_IP is the container's first).
        [ALLOWED_HOST_NAMES]: fromConfig(CONFIG_KEYS.allowedHosts),
        [CONFIG_KEYS.allowedHosts]: `$(${ALLOWED_HOST_NAMES}),$(${POD_IP})`,
        ...withoutKey(settingsEnv, CONFIG_KEYS.allowedHosts),
        DJANGO_API_KEY: { secret: SECRETS.app.name, key: 'api-key' },
        // Gunicorn reads its flags from this variable; heartbeat files go to the writable /tmp
        GUNICORN_CMD_ARGS: `--bind=0.0.0.0:${GUNICORN_PORT} --workers=${app.gunicornWorkers} --worker-tmp-dir=/tmp --access-logfile=-`,
      },
      resources: app.resources,
      liveness: { path: HEALTH_PATH, initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
      readiness: { path: HEALTH_PATH, initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
      // let the load balancer deregister the pod before Gunicorn stops taking requests
      preStopSleepSeconds: 10,
      writableDirs: ['/tmp'],
    });

    new WorkloadScaling(chart, 'Scaling', { target: workload, replicas: app.replicas, autoscaling: app.autoscaling });

    new AppService(chart, 'Service', {
      name: APP,
      target: workload,
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [
        { name: 'http', port: HTTP_PORT, targetPort: GUNICORN_PORT },
        // the document's Service is plain HTTP on 80; TLS on 443 is added (its "Encryption in transit")
        { name: 'https', port: HTTPS_PORT, targetPort: GUNICORN_PORT },
      ],
      annotations: {
        // AWS Load Balancer Controller NLB targeting pod IPs, instead of the in-tree Classic ELB
        'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
        'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
        'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
        // ACM certificates are regional: the one of this cluster's region
        'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': clusterCertificate(ctx.env, ctx.cluster, ctx.system),
        'service.beta.kubernetes.io/aws-load-balancer-ssl-ports': 'https',
        // the path applies only to an HTTP(S) health check; the controller's default is TCP, which
        // ignored it (AWS Load Balancer Controller docs, service annotations, "Health check")
        'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
        'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': HEALTH_PATH,
      },
    });

    new WorkloadNetworkPolicy(chart, 'NetworkPolicy', {
      target: workload,
      ingress: [
        // NLB with IP targets and no client-IP preservation: traffic arrives from the NLB's own
        // addresses, in the cluster's load-balancer subnets (never the whole VPC: pods have VPC addresses)
        loadBalancerIngress(ctx.cluster, [{ port: GUNICORN_PORT }]),
      ],
      egress: [
        databaseEgress(ctx.cluster.network.databaseSubnets, v.database.port),
        // the API keys are for third-party HTTPS APIs, which have no fixed addresses
        { peers: [{ cidr: '0.0.0.0/0' }], ports: [{ port: 443 }] },
      ],
    });
  },
});

/** PostgreSQL on RDS, in the cluster's database subnets only (the document's private subnets). */
function databaseEgress(subnets: readonly string[], port: number): NetworkRule {
  if (subnets.length === 0) throw new Error('the cluster names no network.databaseSubnets; django-app reaches RDS there');
  return { peers: subnets.map((cidr) => ({ cidr })), ports: [{ port }] };
}

/** The pod's IP (downward API), for ALLOWED_HOSTS. */
const POD_IP = 'POD_IP';
/** The configured host names, from django-config, that DJANGO_ALLOWED_HOSTS extends. */
const ALLOWED_HOST_NAMES = 'DJANGO_ALLOWED_HOST_NAMES';

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}
