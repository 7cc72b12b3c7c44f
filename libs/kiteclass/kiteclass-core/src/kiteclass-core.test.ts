import { describe, expect, it } from 'vitest';
import { loadValues, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { envVar, findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import kiteclassCore from './index';

/** The KiteClass values of an environment: tags change with every release (set-image, promote), so tests read them, never pin them. */
const values = (env: EnvironmentName) => loadValues(systemValuesFile(WORKSPACE_ROOT, env, kiteclassCore.system.name), kiteclassCore.system.values, WORKSPACE_ROOT);

const production = renderLeaf(kiteclassCore, 'production').objects;
const staging = renderLeaf(kiteclassCore, 'staging').objects;

describe('kiteclass-core', () => {
  const deployment = findObject(production, 'Deployment', 'kiteclass-core');
  const container = mainContainer(deployment);

  // the document's /actuator/health/* moved with Actuator to the management port; the health groups stay on 8081 (issue 13 item 4)
  it('liveness probe follows the documented timings, on the main port\'s /livez', () => {
    expect(container.livenessProbe).toMatchObject({
      httpGet: { path: '/livez', port: 8081 },
      initialDelaySeconds: 60,
      periodSeconds: 10,
      failureThreshold: 3,
    });
  });

  it('readiness probe follows the documented timings, on the main port\'s /readyz', () => {
    expect(container.readinessProbe).toMatchObject({
      httpGet: { path: '/readyz', port: 8081 },
      initialDelaySeconds: 30,
      periodSeconds: 5,
      failureThreshold: 3,
    });
  });

  it('requests 250m CPU and 512Mi memory and is limited to 1000m and 1Gi', () => {
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi' },
      limits: { cpu: '1000m', memory: '1Gi' },
    });
  });

  it('reads the database and JWT settings from their secrets and Redis from kiteclass-config', () => {
    for (const [name, key] of [['SPRING_DATASOURCE_URL', 'url'], ['SPRING_DATASOURCE_USERNAME', 'username'], ['SPRING_DATASOURCE_PASSWORD', 'password']]) {
      expect(envVar(container, name).valueFrom).toEqual({ secretKeyRef: { name: 'kiteclass-db-secret', key } });
    }
    expect(envVar(container, 'JWT_SECRET').valueFrom).toEqual({ secretKeyRef: { name: 'kiteclass-jwt-secret', key: 'secret' } });
    expect(envVar(container, 'SPRING_REDIS_HOST').valueFrom).toEqual({ configMapKeyRef: { name: 'kiteclass-config', key: 'redis-host' } });
  });

  it('sets the per-stage Spring profile and log levels', () => {
    expect(envVar(container, 'SPRING_PROFILES_ACTIVE').value).toBe('prod');
    expect(envVar(container, 'LOGGING_LEVEL_ROOT').value).toBe('WARN');
    expect(envVar(container, 'LOGGING_LEVEL_COM_KITECLASS').value).toBe('INFO');
    const stagingContainer = mainContainer(findObject(staging, 'Deployment', 'kiteclass-core'));
    expect(envVar(stagingContainer, 'SPRING_PROFILES_ACTIVE').value).toBe('staging');
    expect(envVar(stagingContainer, 'LOGGING_LEVEL_ROOT').value).toBe('INFO');
    expect(stagingContainer.env.map((e: any) => e.name)).not.toContain('LOGGING_LEVEL_COM_KITECLASS');
  });

  it('runs the ECR image with the tag from environments/', () => {
    expect(container.image).toBe(`444455556666.dkr.ecr.ap-southeast-1.amazonaws.com/kiteclass-core:${values('production').services['kiteclass-core'].tag}`);
    expect(mainContainer(findObject(staging, 'Deployment', 'kiteclass-core')).image).toBe(
      `111122223333.dkr.ecr.ap-southeast-1.amazonaws.com/kiteclass-core:${values('staging').services['kiteclass-core'].tag}`,
    );
  });

  it('sleeps 10 s before stopping, spreads over nodes and is scraped by Prometheus on the management port', () => {
    expect(container.lifecycle.preStop.exec.command).toEqual(['sh', '-c', 'sleep 10']);
    expect(deployment.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'kiteclass-core' } }, topologyKey: 'kubernetes.io/hostname' } },
    ]);
    expect(deployment.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9090',
      'prometheus.io/path': '/actuator/prometheus',
    });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ app: 'kiteclass-core', version: 'v1' });
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'kiteclass-core' } });
    expect(envVar(container, 'MANAGEMENT_SERVER_PORT').value).toBe('9090');
    expect(envVar(container, 'MANAGEMENT_ENDPOINT_HEALTH_PROBES_ADDADDITIONALPATHS').value).toBe('true');
    expect(findObject(production, 'ServiceMonitor', 'kiteclass-core').spec.endpoints).toEqual([
      expect.objectContaining({ port: 'management', path: '/actuator/prometheus' }),
    ]);
  });

  it('runs as its own service account, bound to its IAM role per environment', () => {
    expect(deployment.spec.template.spec.serviceAccountName).toBe('kiteclass-core');
    expect(findObject(production, 'ServiceAccount', 'kiteclass-core').metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::444455556666:role/kiteclass-production-kiteclass-core',
      'argocd.argoproj.io/sync-wave': '-2', // the platform applies service accounts before workloads
    });
    expect(findObject(staging, 'ServiceAccount', 'kiteclass-core').metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      'arn:aws:iam::111122223333:role/kiteclass-staging-kiteclass-core',
    );
  });

  it('is exposed by a ClusterIP Service on 8081 (and 9090 for Prometheus), health-checked by the ALB on its readiness path', () => {
    const service = findObject(production, 'Service', 'kiteclass-core');
    expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'kiteclass-core' } });
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 8081, targetPort: 8081, protocol: 'TCP' },
      { name: 'management', port: 9090, targetPort: 9090, protocol: 'TCP' },
    ]);
    expect(service.metadata.annotations).toEqual({ 'alb.ingress.kubernetes.io/healthcheck-path': '/readyz' });
  });

  it('scales between 2 and 10 pods on 70% CPU and 80% memory, up fast and down slowly', () => {
    const hpa = findObject(production, 'HorizontalPodAutoscaler', 'kiteclass-core-hpa');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'kiteclass-core' });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.spec.behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 300, policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] });
    expect(hpa.spec.behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
  });

  it('leaves the replica count to the HPA, so Argo CD does not undo its scaling', () => {
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it("admits its internal ALB from the cluster's internal load-balancer subnets, not the internet-facing ones (issue 22 minor)", () => {
    for (const [env, objects] of [['staging', staging], ['production', production]] as const) {
      const cluster = loadEnvironment(env, WORKSPACE_ROOT).clusters.find((c) => c.name === `kiteclass-${env}`)!;
      expect(findObject(objects, 'Ingress', 'kiteclass-core-ingress').metadata.annotations['alb.ingress.kubernetes.io/scheme']).toBe('internal');
      const policy = findObject(objects, 'NetworkPolicy', 'kiteclass-core-netpol');
      expect(policy.spec.ingress[0]).toEqual({
        from: cluster.network.internalLoadBalancerSubnets!.map((cidr) => ({ ipBlock: { cidr } })),
        ports: [{ port: 8081, protocol: 'TCP' }],
      });
      expect(cluster.network.internalLoadBalancerSubnets!.some((s) => cluster.network.loadBalancerSubnets.includes(s)), env).toBe(false);
    }
  });
});

describe('kiteclass-core canary', () => {
  it('takes 10% of the core traffic in production through weighted ALB target groups', () => {
    const ingress = findObject(production, 'Ingress', 'kiteclass-core-ingress');
    const action = JSON.parse(ingress.metadata.annotations['alb.ingress.kubernetes.io/actions.kiteclass-core-weighted']);
    expect(action).toEqual({
      type: 'forward',
      forwardConfig: {
        targetGroups: [
          // numbers: a string servicePort is a port NAME to the controller (issue 13 item 1)
          { serviceName: 'kiteclass-core', servicePort: 8081, weight: 90 },
          { serviceName: 'kiteclass-core-canary', servicePort: 8081, weight: 10 },
        ],
      },
    });
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'kiteclass-core-weighted', port: { name: 'use-annotation' } } });
    expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/scheme']).toBe('internal');
    expect(ingress.metadata.annotations).not.toHaveProperty('alb.ingress.kubernetes.io/healthcheck-path');
    expect(findObject(production, 'Service', 'kiteclass-core-canary').metadata.annotations).toEqual({ 'alb.ingress.kubernetes.io/healthcheck-path': '/readyz' });
  });

  it('runs its own image with pods the stable Service and Deployment never select', () => {
    const canary = findObject(production, 'Deployment', 'kiteclass-core-canary');
    expect(mainContainer(canary).image).toBe(`444455556666.dkr.ecr.ap-southeast-1.amazonaws.com/kiteclass-core:${values('production').services['kiteclass-core'].canary?.tag}`);
    expect(canary.spec.replicas).toBe(2);
    expect(canary.spec.template.metadata.labels).toMatchObject({ app: 'kiteclass-core-canary', version: 'canary' });
    expect(findObject(production, 'Service', 'kiteclass-core-canary').spec.selector).toEqual({ app: 'kiteclass-core-canary' });
  });

  it('does not exist in staging, where the core takes all traffic', () => {
    expect(staging.some((o) => o.metadata.name === 'kiteclass-core-canary')).toBe(false);
    const ingress = findObject(staging, 'Ingress', 'kiteclass-core-ingress');
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'kiteclass-core', port: { number: 8081 } } });
  });
});
