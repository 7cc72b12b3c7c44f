/**
 * The rules of issue 13 items 5-10 and 20 (and issue 12's hook order) on fixtures of their own:
 * each rule catches its whole class, in the forms the consuming program reads, and passes the
 * correct forms. Today's dist/ broke each of them (see the commit message).
 */
import { describe, expect, it } from 'vitest';
import { hookJobName } from '@gitops/platform';
import type { Manifest } from './manifests';
import { checkPolicies } from './policy';

const NS = 'shop';
const at = (file: string, object: any): Manifest => ({ file: `dist/staging/shop/${file}`, env: 'staging', object: { ...object, metadata: { namespace: NS, ...object.metadata } } });

const secure = { runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const resources = (memory = '256Mi') => ({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory } });
const container = (name: string, extra: any = {}) => ({
  name, image: `registry.example.com/${name}:1.0.0`, securityContext: secure, resources: resources(),
  livenessProbe: { httpGet: { path: '/', port: 8080 } }, readinessProbe: { httpGet: { path: '/', port: 8080 } }, ...extra,
});
function deployment(app: string, opts: { replicas?: number; pod?: any; kind?: string; folder?: string } = {}): Manifest {
  const kind = opts.kind ?? 'Deployment';
  return at(`${opts.folder ?? app}/${kind}.${app}.yaml`, {
    apiVersion: 'apps/v1', kind, metadata: { name: app },
    spec: {
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container(app)], ...opts.pod } },
    },
  });
}
const pdb = (app: string, spec: any, name = `${app}-pdb`) =>
  at(`${app}/PodDisruptionBudget.${name}.yaml`, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: { app } }, ...spec } });
const hpa = (app: string, minReplicas: number | undefined) =>
  at(`${app}/HorizontalPodAutoscaler.${app}-hpa.yaml`, {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: `${app}-hpa` },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app }, ...(minReplicas !== undefined ? { minReplicas } : {}), maxReplicas: 5 },
  });

/** The messages of `rule` only. */
const found = (rule: string, manifests: Manifest[]) => checkPolicies(manifests).violations.filter((v) => v.rule === rule).map((v) => `${v.kind} ${v.name}: ${v.message}`);

describe('budget-allows-eviction: a budget never blocks every drain (issue 13 item 10)', () => {
  it('refuses minAvailable equal to the fixed replicas, or to the HPA minimum (minReplicas defaults to 1)', () => {
    expect(found('budget-allows-eviction', [deployment('db', { replicas: 1 }), pdb('db', { minAvailable: 1 })])).toEqual([
      "PodDisruptionBudget db-pdb: minAvailable 1 leaves 0 disruptions allowed at the workloads' minimum size of 1 pod(s) (Deployment db: replicas 1): every node drain waits forever; use maxUnavailable: 1 or a minAvailable below the minimum",
    ]);
    expect(found('budget-allows-eviction', [deployment('web'), hpa('web', undefined), pdb('web', { minAvailable: 1 })])).toHaveLength(1);
    expect(found('budget-allows-eviction', [deployment('web'), hpa('web', 3), pdb('web', { minAvailable: 3 })])).toHaveLength(1);
    // replicas unset: the API server defaults 1
    expect(found('budget-allows-eviction', [deployment('web'), pdb('web', { minAvailable: 1 })])).toHaveLength(1);
  });

  it('reads percentages and maxUnavailable as the disruption controller does (rounded up)', () => {
    expect(found('budget-allows-eviction', [deployment('web', { replicas: 3 }), pdb('web', { minAvailable: '100%' })])).toHaveLength(1);
    expect(found('budget-allows-eviction', [deployment('web', { replicas: 3 }), pdb('web', { minAvailable: '67%' })])).toHaveLength(1);
    expect(found('budget-allows-eviction', [deployment('web', { replicas: 3 }), pdb('web', { minAvailable: '66%' })])).toEqual([]);
    expect(found('budget-allows-eviction', [deployment('web', { replicas: 3 }), pdb('web', { maxUnavailable: 0 })])).toHaveLength(1);
    expect(found('budget-allows-eviction', [deployment('web', { replicas: 3 }), pdb('web', { maxUnavailable: '0%' })])).toHaveLength(1);
    expect(found('budget-allows-eviction', [deployment('web', { replicas: 3 }), pdb('web', { maxUnavailable: '10%' })])).toEqual([]);
  });

  it('accepts budgets that allow an eviction, summing every workload a budget selects (v1 and a canary)', () => {
    expect(found('budget-allows-eviction', [deployment('db', { replicas: 1, kind: 'StatefulSet' }), pdb('db', { maxUnavailable: 1 })])).toEqual([]);
    expect(found('budget-allows-eviction', [deployment('web'), hpa('web', 2), pdb('web', { minAvailable: 1 })])).toEqual([]);
    const canary = deployment('web', { replicas: 1, folder: 'web-v2' });
    canary.object.metadata.name = 'web-v2';
    expect(found('budget-allows-eviction', [deployment('web', { replicas: 1 }), canary, pdb('web', { minAvailable: 1 })])).toEqual([]);
  });

  it('refuses two budgets over one pod: the eviction API cannot evict it at all', () => {
    const both = found('budget-allows-eviction', [deployment('web', { replicas: 4 }), pdb('web', { minAvailable: 1 }), pdb('web', { maxUnavailable: 1 }, 'web-extra')]);
    expect(both).toEqual([
      'PodDisruptionBudget web-extra: the pods of Deployment web are also selected by PodDisruptionBudget web-pdb: the eviction API refuses a pod with more than one budget, so drains never evict them',
      'PodDisruptionBudget web-pdb: the pods of Deployment web are also selected by PodDisruptionBudget web-extra: the eviction API refuses a pod with more than one budget, so drains never evict them',
    ]);
  });
});

describe('lb-health-check: AWS Load Balancer Controller health-check annotations and what they depend on (issue 13 item 5)', () => {
  const svc = (annotations: Record<string, string>) =>
    at('web/Service.web.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', annotations }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] } });
  const P = 'service.beta.kubernetes.io/aws-load-balancer-';

  it('refuses a path or success codes without an HTTP(S) health check (the default is TCP, which ignores them)', () => {
    expect(found('lb-health-check', [svc({ [`${P}healthcheck-path`]: '/health/' })])).toEqual([
      `Service web: annotation ${P}healthcheck-path is ignored while ${P}healthcheck-protocol is unset (TCP): set it to http or https`,
    ]);
    expect(found('lb-health-check', [svc({ [`${P}healthcheck-success-codes`]: '200', [`${P}healthcheck-protocol`]: 'TCP' })])).toHaveLength(1);
  });

  it('accepts them with protocol http or HTTPS, and refuses a timeout not below the interval', () => {
    expect(found('lb-health-check', [svc({ [`${P}healthcheck-path`]: '/health/', [`${P}healthcheck-protocol`]: 'HTTP' })])).toEqual([]);
    expect(found('lb-health-check', [svc({ [`${P}healthcheck-path`]: '/health/', [`${P}healthcheck-protocol`]: 'https' })])).toEqual([]);
    expect(found('lb-health-check', [svc({ [`${P}healthcheck-timeout`]: '10', [`${P}healthcheck-interval`]: '10' })])).toHaveLength(1);
    expect(found('lb-health-check', [svc({ [`${P}healthcheck-timeout`]: '5', [`${P}healthcheck-interval`]: '10' })])).toEqual([]);
  });
});

describe('subpath-ownership: a non-root process never gets a kubelet-made subPath directory of a data volume (issue 13 item 6)', () => {
  const withMount = (mount: any, volumes: any[], uid = 70, kind = 'Deployment') => {
    const m = deployment('db', { replicas: 1, kind, pod: { volumes } });
    const c = m.object.spec.template.spec.containers[0];
    c.securityContext = { ...secure, runAsUser: uid };
    c.volumeMounts = [mount];
    return m;
  };

  it('refuses a writable subPath of a claim, a claim template or an emptyDir', () => {
    expect(found('subpath-ownership', [withMount({ name: 'data', mountPath: '/var/lib/postgresql/data', subPath: 'postgres' }, [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }])])).toHaveLength(1);
    expect(found('subpath-ownership', [withMount({ name: 'scratch', mountPath: '/work', subPath: 'x' }, [{ name: 'scratch', emptyDir: {} }])])).toHaveLength(1);
    const sts = withMount({ name: 'data', mountPath: '/data', subPathExpr: '$(POD_NAME)' }, [], 999, 'StatefulSet');
    sts.object.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: {} }];
    expect(found('subpath-ownership', [sts])).toEqual([
      'StatefulSet db: spec.template.spec.containers[0] (db): volume data is mounted at /data with subPath $(POD_NAME); the kubelet creates that directory as root, so UID 999 cannot own it: mount the volume and point the process at a directory inside it',
    ]);
  });

  it('accepts a whole-volume mount, a read-only subPath and a ConfigMap key', () => {
    expect(found('subpath-ownership', [withMount({ name: 'data', mountPath: '/var/lib/postgresql/data' }, [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }])])).toEqual([]);
    expect(found('subpath-ownership', [withMount({ name: 'data', mountPath: '/seed', subPath: 'seed', readOnly: true }, [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }])])).toEqual([]);
    expect(found('subpath-ownership', [withMount({ name: 'conf', mountPath: '/etc/app.conf', subPath: 'app.conf' }, [{ name: 'conf', configMap: { name: 'conf' } }])])).toEqual([]);
  });
});

describe('redis-maxmemory and redis-cluster-readiness: Redis as it reads its config (issue 13 item 7)', () => {
  const redis = (opts: { conf?: string; args?: string[]; limit?: string; readiness?: any }) => {
    const m = deployment('cache', { replicas: 3, kind: 'StatefulSet', pod: { volumes: [{ name: 'config', configMap: { name: 'cache-config' } }] } });
    m.object.spec.template.spec.containers[0] = container('redis', {
      image: 'redis:7.2.7-alpine', command: ['redis-server'], args: ['/etc/redis/redis.conf', ...(opts.args ?? [])],
      resources: resources(opts.limit ?? '2Gi'), volumeMounts: [{ name: 'config', mountPath: '/etc/redis', readOnly: true }],
      readinessProbe: opts.readiness ?? { exec: { command: ['redis-cli', 'ping'] } },
    });
    const config = at('cache/ConfigMap.cache-config.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cache-config' }, data: { 'redis.conf': opts.conf ?? '' } });
    return [m, config];
  };

  it('refuses maxmemory at or near the memory limit, or none at all, in redis.conf or on the command line (which wins)', () => {
    expect(found('redis-maxmemory', redis({ conf: 'maxmemory 2gb\nmaxmemory-policy allkeys-lru\n' }))).toEqual([
      "StatefulSet cache: spec.template.spec.containers[0] (redis): maxmemory 2gb is more than 75% of the 2Gi memory limit (1536mb): buffers, fragmentation and a background save's copy-on-write come on top, past the limit the OOM killer ends the pod",
    ]);
    // 2g is 2·10^9 bytes, still above 75% of 2Gi
    expect(found('redis-maxmemory', redis({ conf: 'maxmemory 2G\n' }))).toHaveLength(1);
    expect(found('redis-maxmemory', redis({ conf: '# maxmemory 1gb\n' }))).toHaveLength(1);
    expect(found('redis-maxmemory', redis({ conf: 'maxmemory 1gb\n', args: ['--maxmemory', '2gb'] }))).toHaveLength(1);
  });

  it('accepts maxmemory within 75% of the limit', () => {
    expect(found('redis-maxmemory', redis({ conf: 'maxmemory 1536mb\n' }))).toEqual([]);
    expect(found('redis-maxmemory', redis({ conf: 'maxmemory 768mb\n', limit: '1Gi' }))).toEqual([]);
  });

  it('refuses a cluster-enabled Redis whose readiness is a ping, and accepts one that checks cluster_state:ok', () => {
    expect(found('redis-cluster-readiness', redis({ conf: 'maxmemory 1gb\n', args: ['--cluster-enabled', 'yes'] }))).toHaveLength(1);
    expect(found('redis-cluster-readiness', redis({ conf: 'maxmemory 1gb\ncluster-enabled yes\n' }))).toHaveLength(1);
    const ready = { exec: { command: ['sh', '-c', "redis-cli cluster info | grep -q '^cluster_state:ok'"] } };
    expect(found('redis-cluster-readiness', redis({ conf: 'maxmemory 1gb\n', args: ['--cluster-enabled', 'yes'], readiness: ready }))).toEqual([]);
    expect(found('redis-cluster-readiness', redis({ conf: 'maxmemory 1gb\n' }))).toEqual([]);
  });
});

describe('no-init-migrations: migrations never run in the pods of a workload that scales (issue 13 item 9)', () => {
  const withInit = (command: string[], kind = 'Deployment', name = 'setup') =>
    deployment('api', { replicas: 2, kind, pod: { initContainers: [container(name, { command, livenessProbe: undefined, readinessProbe: undefined })] } });

  it('refuses the usual migration commands in init containers of Deployments and StatefulSets', () => {
    for (const command of [['npm', 'run', 'migrate:prod'], ['python', 'manage.py', 'migrate'], ['alembic', 'upgrade', 'head'], ['flyway', 'migrate'], ['bundle', 'exec', 'rake', 'db:migrate'], ['sh', '-c', 'goose postgres "$DSN" up']]) {
      expect(found('no-init-migrations', [withInit(command)]), command.join(' ')).toHaveLength(1);
    }
    expect(found('no-init-migrations', [withInit(['npm', 'run', 'migrate'], 'StatefulSet')])).toHaveLength(1);
  });

  it('accepts other init containers, and a migration Job', () => {
    expect(found('no-init-migrations', [withInit(['sh', '-c', 'until nc -z db 5432; do sleep 1; done'])])).toEqual([]);
    const job = at('api/Job.migrate.yaml', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { template: { metadata: { labels: { app: 'migrate' } }, spec: { containers: [container('migrate', { command: ['npm', 'run', 'migrate'] })] } } } });
    expect(found('no-init-migrations', [job])).toEqual([]);
  });
});

describe('hook-egress-order and hook-job-per-template: Argo CD hooks as Argo CD runs them (issue 12 Sync order, issue 13 item 20)', () => {
  const denyAll = at('shop-shared/NetworkPolicy.default-deny.yaml', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  const template = { metadata: { labels: { app: 'migrate' } }, spec: { restartPolicy: 'Never', containers: [container('migrate', { command: ['python', 'manage.py', 'migrate'] })] } };
  const job = (annotations: Record<string, string>, name = hookJobName('migrate', template)) =>
    at(`api/Job.${name}.yaml`, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, annotations }, spec: { template } });
  const policy = (annotations: Record<string, string> = {}, folder = 'api') =>
    at(`${folder}/NetworkPolicy.migrate-netpol.yaml`, {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'migrate-netpol', annotations },
      spec: { podSelector: { matchLabels: { app: 'migrate' } }, policyTypes: ['Ingress', 'Egress'], egress: [{ ports: [{ port: 5432 }] }] },
    });
  const wave = (n: number) => ({ 'argocd.argoproj.io/sync-wave': String(n) });

  it('refuses a PreSync hook whose egress policy is an ordinary (Sync-phase) object, as django-migrate was', () => {
    expect(found('hook-egress-order', [denyAll, job({ 'argocd.argoproj.io/hook': 'PreSync' }), policy(wave(-1))])).toEqual([
      `Job ${hookJobName('migrate', template)}: hook phase PreSync, wave 0: its NetworkPolicy migrate-netpol (phase Sync, wave -1) is not applied before it; its pod cannot reach DNS or its database, the hook fails and the sync stops: give it an egress NetworkPolicy in its own Application, in an earlier phase or wave`,
    ]);
  });

  it('refuses a policy in the same wave, in another Application, or none at all', () => {
    expect(found('hook-egress-order', [denyAll, job({ 'argocd.argoproj.io/hook': 'Sync', ...wave(-1) }), policy(wave(-1))])).toHaveLength(1);
    expect(found('hook-egress-order', [denyAll, job({ 'argocd.argoproj.io/hook': 'Sync', ...wave(-1) }), policy(wave(-2), 'shop-shared')])).toHaveLength(1);
    expect(found('hook-egress-order', [denyAll, job({ 'argocd.argoproj.io/hook': 'PostSync' })])).toHaveLength(1);
  });

  it('accepts a policy of an earlier wave or phase, and any hook where nothing denies egress', () => {
    expect(found('hook-egress-order', [denyAll, job({ 'argocd.argoproj.io/hook': 'Sync', ...wave(-1) }), policy(wave(-2))])).toEqual([]);
    expect(found('hook-egress-order', [denyAll, job({ 'argocd.argoproj.io/hook': 'PostSync' }), policy()])).toEqual([]);
    expect(found('hook-egress-order', [denyAll, job({ 'argocd.argoproj.io/hook': 'PreSync', ...wave(1) }), policy({ 'argocd.argoproj.io/hook': 'PreSync', ...wave(0) })])).toEqual([]);
    expect(found('hook-egress-order', [job({ 'argocd.argoproj.io/hook': 'PreSync' })])).toEqual([]);
  });

  it('refuses a hook Job whose name does not follow its pod template, and accepts one that does', () => {
    const hook = { 'argocd.argoproj.io/hook': 'Sync' };
    expect(found('hook-job-per-template', [job(hook, 'django-migrate')])).toHaveLength(1);
    // a name hashed from another template: the image changed, the name did not
    expect(found('hook-job-per-template', [job(hook, 'migrate-0123abcd')])).toHaveLength(1);
    expect(found('hook-job-per-template', [job(hook)])).toEqual([]);
    // an ordinary Job is not a hook: Argo CD applies it like everything else
    expect(found('hook-job-per-template', [job({}, 'migrate')])).toEqual([]);
  });
});

describe('redis rules read a server started by a script (`sh -c "... exec redis-server ..."`)', () => {
  it('finds the config file and the flags in the script words', () => {
    const m = deployment('cache', { replicas: 3, kind: 'StatefulSet', pod: { volumes: [{ name: 'config', configMap: { name: 'cache-config' } }] } });
    m.object.spec.template.spec.containers[0] = container('redis', {
      image: 'redis:7.2.7-alpine', command: ['sh', '-c'], args: ['(redis-cli ping) &\nexec redis-server /etc/redis/redis.conf --cluster-enabled yes\n'],
      resources: resources('1Gi'), volumeMounts: [{ name: 'config', mountPath: '/etc/redis', readOnly: true }],
      readinessProbe: { exec: { command: ['redis-cli', 'ping'] } },
    });
    const config = at('cache/ConfigMap.cache-config.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cache-config' }, data: { 'redis.conf': 'maxmemory 1gb\n' } });
    expect(found('redis-maxmemory', [m, config])).toHaveLength(1);
    expect(found('redis-cluster-readiness', [m, config])).toHaveLength(1);
  });
});

describe('replicas-one-owner: spec.replicas has one owner in every environment (issue 13 item 22)', () => {
  const inEnv = (env: string, m: Manifest): Manifest => ({ ...m, env, file: m.file.replace('dist/staging/', `dist/${env}/`) });

  it('refuses a Deployment fixed in one environment and autoscaled in another, as adaptive-engine was', () => {
    const manifests = [
      inEnv('staging', deployment('engine', { replicas: 1 })),
      inEnv('production', deployment('engine')), inEnv('production', hpa('engine', 2)),
    ];
    expect(found('replicas-one-owner', manifests)).toEqual([
      'Deployment engine: spec.replicas is 1 here, but an HPA owns it in production: switching an environment drops or restores the field, which the API server resets to 1 or the HPA fights; hold the count by an HPA everywhere (equal bounds for a fixed count: podCount)',
    ]);
  });

  it('accepts an HPA everywhere (equal bounds for a fixed count), or a fixed count everywhere', () => {
    expect(found('replicas-one-owner', [
      inEnv('staging', deployment('engine')), inEnv('staging', hpa('engine', 1)),
      inEnv('production', deployment('engine')), inEnv('production', hpa('engine', 2)),
    ])).toEqual([]);
    expect(found('replicas-one-owner', [inEnv('staging', deployment('db', { replicas: 1 })), inEnv('production', deployment('db', { replicas: 1 }))])).toEqual([]);
  });
});
