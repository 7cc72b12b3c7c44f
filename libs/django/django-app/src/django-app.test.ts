import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadValues, systemClusters, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { envVar, findObject, mainContainer, objectsOfKind, renderLeaf, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import djangoApp from './index';

const ALL = {
  development: renderLeaf(djangoApp, 'development').objects,
  staging: renderLeaf(djangoApp, 'staging').objects,
  production: renderLeaf(djangoApp, 'production').objects,
} as const;
const { development, staging, production } = ALL;
const deployment = (objects: typeof production) => findObject(objects, 'Deployment', 'django-app');
/** An environment's tag: tags change with every release (set-image, promote), so tests read them, never pin them. */
const tagIn = (env: EnvironmentName) => loadValues(systemValuesFile(WORKSPACE_ROOT, env, djangoApp.system.name), djangoApp.system.values, WORKSPACE_ROOT).app.tag;

describe('django-app replicas and autoscaling', () => {
  it('runs the document\'s 2 replicas in development as an HPA with equal bounds, so no environment switches who owns spec.replicas (issue 13 item 22)', () => {
    const { replicas } = loadValues(systemValuesFile(WORKSPACE_ROOT, 'development', 'django'), djangoApp.system.values, WORKSPACE_ROOT).app;
    expect(replicas).toBeDefined();
    expect(findObject(development, 'HorizontalPodAutoscaler', 'django-app-hpa').spec).toMatchObject({ minReplicas: replicas, maxReplicas: replicas });
    // under ServerSideApply, a manifest that stops carrying spec.replicas resets it to 1
    for (const objects of Object.values(ALL)) expect(deployment(objects).spec.replicas).toBeUndefined();
  });

  it('scales between 2 and 6 replicas at 70% CPU in staging and production, leaving replicas to the HPA', () => {
    for (const objects of [staging, production]) {
      expect(deployment(objects).spec.replicas).toBeUndefined();
      expect(findObject(objects, 'HorizontalPodAutoscaler', 'django-app-hpa').spec).toMatchObject({
        minReplicas: 2,
        maxReplicas: 6,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'django-app' },
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      });
    }
  });

  it('keeps one pod serving during node drains in every environment', () => {
    for (const objects of Object.values(ALL)) {
      expect(findObject(objects, 'PodDisruptionBudget', 'django-app-pdb').spec).toEqual({
        minAvailable: 1,
        selector: { matchLabels: { app: 'django-app' } },
      });
    }
  });

  it('rolls out one extra pod at a time without taking a serving pod away', () => {
    expect(deployment(production).spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });
});

describe('django-app container', () => {
  const container = mainContainer(deployment(production));

  it('runs Gunicorn on 8000 as a non-root user with a read-only root', () => {
    expect(container.ports).toEqual([{ containerPort: 8000, name: 'http' }]);
    expect(envVar(container, 'GUNICORN_CMD_ARGS').value).toBe('--bind=0.0.0.0:8000 --workers=3 --worker-tmp-dir=/tmp --access-logfile=-');
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] },
    });
    expect(container.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
  });

  it('is health-checked on /health/ by liveness and readiness probes', () => {
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health/', port: 8000 }, initialDelaySeconds: 15, periodSeconds: 10 });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health/', port: 8000 }, initialDelaySeconds: 5, periodSeconds: 5 });
  });

  it('has requests and limits per environment', () => {
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1000m', memory: '512Mi' } });
    expect(mainContainer(deployment(development)).resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' },
    });
  });

  it('reads settings and the RDS endpoint from django-config and credentials from the external secrets', () => {
    expect(envVar(container, 'DJANGO_ALLOWED_HOST_NAMES').valueFrom).toEqual({ configMapKeyRef: { name: 'django-config', key: 'DJANGO_ALLOWED_HOSTS' } });
    for (const key of ['DJANGO_DEBUG', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME']) {
      expect(envVar(container, key).valueFrom).toEqual({ configMapKeyRef: { name: 'django-config', key } });
    }
    expect(envVar(container, 'DATABASE_USER').valueFrom).toEqual({ secretKeyRef: { name: 'django-db-secret', key: 'username' } });
    expect(envVar(container, 'DATABASE_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'django-db-secret', key: 'password' } });
    expect(envVar(container, 'DJANGO_SECRET_KEY').valueFrom).toEqual({ secretKeyRef: { name: 'django-app-secret', key: 'secret-key' } });
    expect(envVar(container, 'DJANGO_API_KEY').valueFrom).toEqual({ secretKeyRef: { name: 'django-app-secret', key: 'api-key' } });
    // no credential is ever a literal value
    expect(container.env.filter((e: any) => /PASSWORD|SECRET|KEY/.test(e.name) && e.value !== undefined)).toEqual([]);
  });

  it('runs the pinned ECR image of each environment', () => {
    expect(container.image).toBe(`444455556666.dkr.ecr.ap-southeast-1.amazonaws.com/django-app:${tagIn('production')}`);
    expect(mainContainer(deployment(staging)).image).toBe(`111122223333.dkr.ecr.ap-southeast-1.amazonaws.com/django-app:${tagIn('staging')}`);
  });
});

describe('django-app migrations', () => {
  const migrateJob = (objects: typeof production) => {
    const jobs = objectsOfKind(objects, 'Job');
    expect(jobs).toHaveLength(1);
    return jobs[0];
  };
  const job = migrateJob(production);
  const wave = (o: any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

  it('runs manage.py migrate as a Sync-phase Argo CD hook after its NetworkPolicy and before the Deployment (issue 12, Sync order)', () => {
    expect(job.metadata.annotations).toMatchObject({
      'argocd.argoproj.io/hook': 'Sync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    });
    // Argo CD applies a phase wave by wave and waits for each wave to be healthy (sync-waves docs)
    const policy = findObject(production, 'NetworkPolicy', 'django-migrate-netpol');
    expect(policy.metadata.annotations?.['argocd.argoproj.io/hook']).toBeUndefined();
    expect(wave(policy)).toBeLessThan(wave(job));
    expect(wave(job)).toBeLessThan(wave(deployment(production)));
    expect(mainContainer(job).command).toEqual(['python', 'manage.py', 'migrate', '--noinput']);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('names the Job after its pod template, so a new image makes a new Job instead of updating an immutable one (issue 13 item 20)', () => {
    expect(job.metadata.name).toMatch(/^django-migrate-[0-9a-f]{8}$/);
    // the same inputs, the same name: a re-sync of one release reuses the Job
    expect(migrateJob(renderLeaf(djangoApp, 'production').objects).metadata.name).toBe(job.metadata.name);
    const ws = scratchWorkspace();
    try {
      const file = join(ws.root, 'environments/production/django.yaml');
      const tag = tagIn('production');
      writeFileSync(file, readFileSync(file, 'utf8').replace(`tag: ${tag}`, `tag: ${tag}-next`));
      const next = migrateJob(renderLeaf(djangoApp, 'production', ws.root).objects);
      expect(mainContainer(next).image).toBe(`${mainContainer(job).image}-next`);
      expect(next.metadata.name).toMatch(/^django-migrate-[0-9a-f]{8}$/);
      expect(next.metadata.name).not.toBe(job.metadata.name);
    } finally {
      ws.cleanup();
    }
    // finished Jobs of earlier releases are deleted by the TTL controller, not left forever
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  it('migrates with the same image and database settings as the app it precedes', () => {
    const app = mainContainer(deployment(production));
    expect(mainContainer(job).image).toBe(app.image);
    for (const name of ['DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DJANGO_SECRET_KEY', 'DJANGO_DEBUG']) {
      expect(envVar(mainContainer(job), name), name).toEqual(envVar(app, name));
    }
  });

  it('runs with the secure defaults and may reach only DNS and the RDS subnets', () => {
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(mainContainer(job).securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const policy = findObject(production, 'NetworkPolicy', 'django-migrate-netpol');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'django-migrate' } });
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress[1]).toEqual({
      to: ['10.0.4.0/24', '10.0.5.0/24', '10.0.6.0/24'].map((cidr) => ({ ipBlock: { cidr } })),
      ports: [{ port: 5432, protocol: 'TCP' }],
    });
  });
});

describe('django-app is Ready: the Host its probes send is one Django allows (issue 13 item 8)', () => {
  /**
   * The container's environment as the kubelet builds it (kubernetes pkg/kubelet/kubelet_pods.go
   * makeEnvironmentVariables): in order, each `value` with $(VAR) expanded from the variables
   * before it ($$ escapes; an undefined reference stays as written), valueFrom resolved.
   */
  function containerEnv(c: any, podIP: string, config: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of c.env ?? []) {
      if (e.value !== undefined) env[e.name] = String(e.value).replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, n) => (m === '$$' ? '$' : n in env ? env[n] : m));
      else if (e.valueFrom?.fieldRef?.fieldPath === 'status.podIP') env[e.name] = podIP;
      else if (e.valueFrom?.configMapKeyRef) env[e.name] = config[e.valueFrom.configMapKeyRef.key];
      else env[e.name] = '<secret>';
    }
    return env;
  }

  /** The Host header of an httpGet probe (kubernetes pkg/probe/http/request.go): a Host header, else httpGet.host or the pod IP, with the port. */
  function probeHost(probe: any, podIP: string): string {
    const header = (probe.httpGet.httpHeaders ?? []).find((h: any) => h.name.toLowerCase() === 'host');
    return header?.value ?? `${probe.httpGet.host ?? podIP}:${probe.httpGet.port}`;
  }

  /** django.http.request.validate_host: the host without its port against each pattern ('*', '.domain', exact), case-insensitively. */
  function djangoAllows(host: string, allowed: string[]): boolean {
    const domain = host.toLowerCase().replace(/:\d+$/, '');
    return allowed.some((p) => p === '*' || (p.startsWith('.') && (domain.endsWith(p.toLowerCase()) || domain === p.slice(1).toLowerCase())) || domain === p.toLowerCase());
  }

  for (const env of ['development', 'staging', 'production'] as const) {
    it(`in ${env}, every probe's Host is in ALLOWED_HOSTS, and so are the configured host names`, () => {
      const values = loadValues(systemValuesFile(WORKSPACE_ROOT, env, 'django'), djangoApp.system.values, WORKSPACE_ROOT);
      const podIP = '10.0.5.23';
      const c = mainContainer(deployment(ALL[env]));
      // what django-shared renders into django-config
      const allowed = containerEnv(c, podIP, { DJANGO_ALLOWED_HOSTS: values.settings.allowedHosts.join(',') }).DJANGO_ALLOWED_HOSTS.split(',');
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe].filter(Boolean)) {
        expect(djangoAllows(probeHost(probe, podIP), allowed), `${probeHost(probe, podIP)} in ${allowed.join(',')}`).toBe(true);
      }
      for (const host of values.settings.allowedHosts) expect(djangoAllows(host, allowed)).toBe(true);
    });
  }
});

describe('django-app Service and network', () => {
  it('is a LoadBalancer Service from 80, and 443 with TLS, to Gunicorn\'s 8000', () => {
    const service = findObject(production, 'Service', 'django-app');
    expect(service.spec).toMatchObject({
      type: 'LoadBalancer',
      selector: { app: 'django-app' },
      ports: [
        { name: 'http', port: 80, targetPort: 8000, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8000, protocol: 'TCP' },
      ],
    });
    expect(service.metadata.annotations).toMatchObject({
      // the health-check path applies only with an HTTP(S) health check (AWS LBC service annotations)
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol': 'http',
      'service.beta.kubernetes.io/aws-load-balancer-healthcheck-path': '/health/',
      'service.beta.kubernetes.io/aws-load-balancer-ssl-cert': 'arn:aws:acm:ap-southeast-1:444455556666:certificate/9b0c1d2e-3f4a-4b5c-8d6e-7f8a9b0c1d2e',
      'service.beta.kubernetes.io/aws-load-balancer-ssl-ports': 'https',
    });
  });

  it('admits the load balancer from its cluster\'s load-balancer subnets (not the VPC) on 8000 and lets the app reach RDS and HTTPS APIs', () => {
    const policy = findObject(production, 'NetworkPolicy', 'django-app-netpol');
    const [cluster] = systemClusters(loadEnvironment('production', WORKSPACE_ROOT), 'django')!;
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'django-app' } });
    expect(policy.spec.ingress).toEqual([{ from: cluster.network.loadBalancerSubnets.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 8000, protocol: 'TCP' }] }]);
    expect(policy.spec.egress[1].to).toEqual(cluster.network.databaseSubnets.map((cidr) => ({ ipBlock: { cidr } })));
    expect(policy.spec.egress.map((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`).join(' '))).toEqual([
      'UDP/53 TCP/53', 'TCP/5432', 'TCP/443',
    ]);
  });

  it('puts every object in the environment\'s django namespace', () => {
    for (const [env, objects] of Object.entries(ALL)) {
      for (const o of objects) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(`django-${env}`);
    }
  });
});

describe('django values', () => {
  it('refuses a production HPA whose minimum is below 2', () => {
    const ws = scratchWorkspace();
    try {
      const file = join(ws.root, 'environments/production/django.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('minReplicas: 2', 'minReplicas: 1'));
      expect(() => renderLeaf(djangoApp, 'production', ws.root)).toThrow(
        'environments/production/django.yaml: app: production needs at least 2 pods (replicas or autoscaling.minReplicas), got 1',
      );
    } finally {
      ws.cleanup();
    }
  });
});
