import { describe, expect, it } from 'vitest';
import { loadValues, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { loadServices } from '@gitops/platform/render';
import { envVar, findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import orchestrator from './index';

// loaded as the renderer loads them: a service library never imports another one
const [{ service: redis }, { service: postgres }] = await loadServices(WORKSPACE_ROOT, ['libs/quizmentor/redis-cluster', 'libs/quizmentor/postgres-primary']);

/** The QuizMentor values of an environment: tags change with every release (set-image, promote), so tests read them, never pin them. */
const values = (env: EnvironmentName) => loadValues(systemValuesFile(WORKSPACE_ROOT, env, orchestrator.system.name), orchestrator.system.values, WORKSPACE_ROOT);
/** `<imageRepository>/<image>:<the learning-orchestrator tag>` of an environment. */
const image = (env: EnvironmentName, name: string) => `${values(env).imageRepository}/${name}:${values(env).services['learning-orchestrator'].tag}`;

const production = renderLeaf(orchestrator, 'production').objects;
const staging = renderLeaf(orchestrator, 'staging').objects;

/** True when every label of `selector` is on `labels`. */
function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('learning-orchestrator', () => {
  const deployment = findObject(production, 'Deployment', 'learning-orchestrator');
  const container = mainContainer(deployment);

  it('rolls out one extra pod at a time and never goes below the wanted count', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  it('has the documented liveness, readiness and startup probes on port 3000', () => {
    expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/health/live', port: 3000 }, initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health/ready', port: 3000 }, initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 });
    expect(container.startupProbe).toMatchObject({ httpGet: { path: '/health/startup', port: 3000 }, initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 30 });
  });

  it('runs the container orchestrator as UID 1000 with a read-only root and the tmp and cache emptyDirs', () => {
    expect(container.name).toBe('orchestrator');
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'cache', mountPath: '/app/.cache' }]);
    expect(deployment.spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, { name: 'cache', emptyDir: {} }]);
  });

  it('requests 250m and 512Mi and is limited to 500m and 1Gi', () => {
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '500m', memory: '1Gi' } });
  });

  describe('migrations: once per release, as a hook Job, never in the pods of v1 or v2 (issue 13 item 9)', () => {
    const jobs: any[] = production.filter((o) => o.kind === 'Job');
    const wave = (o: any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

    it('runs no init container in any Deployment of any environment (they ran on every scale-out and in the canary)', () => {
      for (const objects of [production, staging]) {
        for (const d of objects.filter((o) => o.kind === 'Deployment') as any[]) expect(d.spec.template.spec.initContainers, d.metadata.name).toBeUndefined();
      }
    });

    it('runs one migrations Job with the stable release tag and the database URL from its secret, without an Istio sidecar that would never exit', () => {
      expect(jobs).toHaveLength(1);
      const [job] = jobs;
      expect(job.metadata.name).toMatch(/^learning-orchestrator-migrations-[0-9a-f]{8}$/);
      const c = mainContainer(job);
      expect(c.image).toBe(image('production', 'migrations'));
      expect(c.command).toEqual(['npm', 'run', 'migrate:prod']);
      expect(envVar(c, 'DATABASE_URL').valueFrom).toEqual({ secretKeyRef: { name: 'database-credentials', key: 'url' } });
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
      // npm's cache in the writable /tmp emptyDir, not under the read-only $HOME (issue 22)
      expect(envVar(c, 'npm_config_cache').value).toBe('/tmp/.npm');
      expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(job.spec.template.spec.volumes).toContainEqual({ name: 'tmp', emptyDir: {} });
      expect(job.spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    });

    it('is a Sync-phase hook after its NetworkPolicy and before the Deployments, and its policy reaches PostgreSQL', () => {
      const [job] = jobs;
      expect(job.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
      const policy = findObject(production, 'NetworkPolicy', 'learning-orchestrator-migrations-netpol');
      expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'learning-orchestrator-migrations' } });
      expect(policy.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { app: 'postgres' } } }], ports: [{ port: 5432, protocol: 'TCP' }] });
      expect(wave(policy)).toBeLessThan(wave(job));
      for (const d of production.filter((o) => o.kind === 'Deployment')) expect(wave(job)).toBeLessThan(wave(d));
      // and PostgreSQL admits it
      const pgPolicy = findObject(renderLeaf(postgres, 'production').objects, 'NetworkPolicy', 'postgres-netpol');
      expect(pgPolicy.spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: { app: 'learning-orchestrator-migrations' } } });
    });
  });

  it('reads its database, Redis and JWT settings from the secrets External Secrets makes', () => {
    expect(envVar(container, 'DATABASE_URL').valueFrom).toEqual({ secretKeyRef: { name: 'database-credentials', key: 'url' } });
    expect(envVar(container, 'REDIS_URL').valueFrom).toEqual({ secretKeyRef: { name: 'redis-credentials', key: 'url' } });
    expect(envVar(container, 'JWT_SECRET').valueFrom).toEqual({ secretKeyRef: { name: 'jwt-secret', key: 'secret' } });
    expect(envVar(container, 'NODE_ENV').value).toBe('production');
    expect(envVar(container, 'PORT').value).toBe('3000');
  });

  it('pins its image per environment instead of latest', () => {
    expect(container.image).toBe(image('production', 'learning-orchestrator'));
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(mainContainer(findObject(staging, 'Deployment', 'learning-orchestrator')).image).toBe(image('staging', 'learning-orchestrator'));
  });

  it('exposes port 80 to 3000 and 9090 for metrics, each with a protocol Istio routes by (name or appProtocol)', () => {
    const service = findObject(production, 'Service', 'learning-orchestrator');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 3000, protocol: 'TCP' },
      { name: 'metrics', port: 9090, targetPort: 9090, protocol: 'TCP', appProtocol: 'http' },
    ]);
    expect(service.spec.selector).toEqual({ app: 'learning-orchestrator' });
  });

  it('is scaled by an HPA from 3 to 10 pods in production and carries no replica count', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    expect(findObject(production, 'HorizontalPodAutoscaler', 'learning-orchestrator-hpa').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    expect(findObject(production, 'PodDisruptionBudget', 'learning-orchestrator-pdb').spec.selector).toEqual({ matchLabels: { app: 'learning-orchestrator' } });
  });

  it('runs the v2 canary beside v1, and neither Deployment selects the other one\'s pods', () => {
    const canary = findObject(production, 'Deployment', 'learning-orchestrator-v2');
    expect(canary.spec.template.metadata.labels).toMatchObject({ app: 'learning-orchestrator', version: 'v2' });
    expect(canary.spec.replicas).toBe(2);
    expect(selects(deployment.spec.selector.matchLabels, canary.spec.template.metadata.labels)).toBe(false);
    expect(selects(canary.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(false);
  });

  it('routes the canary header to v2 and splits the rest 90/10 between v1 and v2', () => {
    const vs = findObject(production, 'VirtualService', 'learning-orchestrator');
    expect(vs.apiVersion).toBe('networking.istio.io/v1');
    expect(vs.spec.hosts).toEqual(['learning-orchestrator']);
    expect(vs.spec.http[0]).toEqual({
      match: [{ headers: { canary: { exact: 'true' } } }],
      route: [{ destination: { host: 'learning-orchestrator', subset: 'v2' }, weight: 100 }],
    });
    expect(vs.spec.http[1].route).toEqual([
      { destination: { host: 'learning-orchestrator', subset: 'v1' }, weight: 90 },
      { destination: { host: 'learning-orchestrator', subset: 'v2' }, weight: 10 },
    ]);
  });

  it('ejects failing hosts with consecutive5xxErrors, not the deprecated consecutiveErrors', () => {
    const dr = findObject(production, 'DestinationRule', 'learning-orchestrator');
    expect(dr.spec.trafficPolicy.outlierDetection).toEqual({ consecutive5xxErrors: 5, interval: '30s', baseEjectionTime: '30s', maxEjectionPercent: 50, minHealthPercent: 30 });
    expect(JSON.stringify(dr)).not.toContain('consecutiveErrors');
    expect(dr.spec.trafficPolicy.connectionPool).toEqual({
      tcp: { maxConnections: 100 },
      http: { http1MaxPendingRequests: 100, http2MaxRequests: 1000, maxRequestsPerConnection: 2 },
    });
    expect(dr.spec.trafficPolicy.loadBalancer).toEqual({ simple: 'LEAST_REQUEST' });
    expect(dr.spec.subsets).toEqual([{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }]);
  });

  it('has subsets whose version labels the rendered pods really carry', () => {
    const dr = findObject(production, 'DestinationRule', 'learning-orchestrator');
    const pods = [deployment, findObject(production, 'Deployment', 'learning-orchestrator-v2')].map((d) => d.spec.template.metadata.labels);
    for (const subset of dr.spec.subsets) expect(pods.some((labels) => selects(subset.labels, labels)), subset.name).toBe(true);
  });

  describe('learning-orchestrator-netpol', () => {
    const policy = findObject(production, 'NetworkPolicy', 'learning-orchestrator-netpol');
    const egressTo = (port: number, protocol = 'TCP') =>
      policy.spec.egress.filter((r: any) => r.ports.some((p: any) => p.port === port && p.protocol === protocol)).flatMap((r: any) => r.to);

    it('allows egress to the labels the rendered Redis pods carry (app: redis-cluster, not app: redis)', () => {
      const redisPods = findObject(renderLeaf(redis, 'production').objects, 'StatefulSet', 'redis-cluster').spec.template.metadata.labels;
      const peers = egressTo(6379);
      expect(peers.length).toBeGreaterThan(0);
      expect(peers.some((p: any) => p.podSelector && !p.namespaceSelector && selects(p.podSelector.matchLabels, redisPods))).toBe(true);
      expect(JSON.stringify(policy)).not.toContain('"app":"redis"');
    });

    it('allows egress to the labels the rendered PostgreSQL pods carry on 5432', () => {
      const pgPods = findObject(renderLeaf(postgres, 'production').objects, 'StatefulSet', 'postgres-primary').spec.template.metadata.labels;
      expect(egressTo(5432).some((p: any) => p.podSelector && selects(p.podSelector.matchLabels, pgPods))).toBe(true);
    });

    it('allows DNS to kube-dns on UDP and TCP 53', () => {
      for (const protocol of ['UDP', 'TCP']) {
        expect(egressTo(53, protocol), protocol).toContainEqual({
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        });
      }
    });

    it('admits port 3000 from its own namespace and from the ingress-nginx controller', () => {
      expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'learning-orchestrator' } });
      const rule = policy.spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 3000));
      expect(rule.from).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'quizmentor-prod' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } } },
      ]);
    });
  });

  it('keeps its VPA in updateMode Off, because the HPA scales the same Deployment on CPU and memory', () => {
    const vpa = findObject(production, 'VerticalPodAutoscaler', 'learning-orchestrator-vpa');
    const hpa = findObject(production, 'HorizontalPodAutoscaler', 'learning-orchestrator-hpa');
    expect(vpa.apiVersion).toBe('autoscaling.k8s.io/v1');
    expect(hpa.spec.scaleTargetRef.name).toBe(vpa.spec.targetRef.name);
    expect(hpa.spec.metrics.map((m: any) => m.resource.name)).toEqual(['cpu', 'memory']);
    expect(vpa.spec.updatePolicy).toEqual({ updateMode: 'Off' });
    expect(vpa.spec.resourcePolicy.containerPolicies).toEqual([
      { containerName: 'orchestrator', minAllowed: { cpu: '100m', memory: '128Mi' }, maxAllowed: { cpu: '2', memory: '2Gi' } },
    ]);
  });

  it('is scraped by a ServiceMonitor on its metrics port every 30 s', () => {
    expect(findObject(production, 'ServiceMonitor', 'learning-orchestrator').spec).toEqual({
      selector: { matchLabels: { app: 'learning-orchestrator' } },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s', scheme: 'http' }],
    });
  });

  it('runs as its IRSA service account', () => {
    expect(deployment.spec.template.spec.serviceAccountName).toBe('learning-orchestrator');
    expect(findObject(production, 'ServiceAccount', 'learning-orchestrator').metadata.annotations).toMatchObject({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::444455556666:role/QuizmentorServiceRole',
    });
  });
});
