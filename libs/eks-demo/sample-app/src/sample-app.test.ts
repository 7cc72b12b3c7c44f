import { describe, expect, it } from 'vitest';
import { loadValues, systemClusters, systemValuesFile, type EnvironmentName } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { envVar, findObject, mainContainer, objectsOfKind, renderLeaf, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import sampleApp from './index';

const development = renderLeaf(sampleApp, 'development').objects;
const staging = renderLeaf(sampleApp, 'staging').objects;
const production = renderLeaf(sampleApp, 'production').objects;
const ALL = { development, staging, production } as const;

const deployment = (objects: typeof production) => findObject(objects, 'Deployment', 'sample-app');
/** An environment's tag: tags change with every release (set-image, promote), so tests read them, never pin them. */
const tagIn = (env: EnvironmentName) => loadValues(systemValuesFile(WORKSPACE_ROOT, env, sampleApp.system.name), sampleApp.system.values, WORKSPACE_ROOT).sampleApp.tag;

describe('sample-app replicas and autoscaling', () => {
  it('runs one pod in development, held by an HPA with equal bounds (no environment switches who owns spec.replicas, issue 13 item 22), and no PDB there', () => {
    expect(deployment(development).spec.replicas).toBeUndefined();
    expect(findObject(development, 'HorizontalPodAutoscaler', 'sample-app-hpa').spec).toMatchObject({ minReplicas: 1, maxReplicas: 1 });
    expect(objectsOfKind(development, 'PodDisruptionBudget')).toEqual([]);
  });

  it('scales between 2 and 6 replicas in staging and between 3 and 10 in production', () => {
    for (const [objects, min, max] of [[staging, 2, 6], [production, 3, 10]] as const) {
      const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'sample-app-hpa');
      expect(hpa.spec).toMatchObject({
        minReplicas: min,
        maxReplicas: max,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'sample-app' },
      });
      // the document scales on CPU and memory
      expect(hpa.spec.metrics.map((m: any) => m.resource.name)).toEqual(['cpu', 'memory']);
    }
  });

  it('leaves the replica count to the HPA in every environment', () => {
    expect(deployment(development).spec.replicas).toBeUndefined();
    expect(deployment(staging).spec.replicas).toBeUndefined();
    expect(deployment(production).spec.replicas).toBeUndefined();
  });

  it('keeps one pod up during node drains in staging and production', () => {
    for (const objects of [staging, production]) {
      expect(findObject(objects, 'PodDisruptionBudget', 'sample-app-pdb').spec).toEqual({
        minAvailable: 1,
        selector: { matchLabels: { app: 'sample-app' } },
      });
    }
  });
});

describe('sample-app container', () => {
  it('requests 250m CPU and 256Mi and is limited to 1000m and 1Gi in production', () => {
    expect(mainContainer(deployment(production)).resources).toEqual({
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { cpu: '1000m', memory: '1Gi' },
    });
  });

  it('is smaller in development than in production', () => {
    expect(mainContainer(deployment(development)).resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { cpu: '250m', memory: '256Mi' },
    });
  });

  it('runs as UID 1000 with a read-only root, no escalation and every capability dropped', () => {
    for (const objects of Object.values(ALL)) {
      const pod = deployment(objects).spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(mainContainer(deployment(objects)).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsGroup: 1000,
        runAsNonRoot: true,
        runAsUser: 1000,
      });
    }
  });

  it('listens on 8000 and is probed on /health, more often in development', () => {
    const periods = Object.fromEntries(Object.entries(ALL).map(([env, objects]) => {
      const c = mainContainer(deployment(objects));
      expect(c.ports).toEqual([{ containerPort: 8000, name: 'http' }]);
      expect(c.livenessProbe.httpGet).toMatchObject({ path: '/health', port: 8000 });
      expect(c.readinessProbe.httpGet).toMatchObject({ path: '/health', port: 8000 });
      return [env, c.livenessProbe.periodSeconds];
    }));
    expect(periods).toEqual({ development: 5, staging: 10, production: 10 });
  });

  it('logs at debug level in development, info in staging and warning in production', () => {
    expect(envVar(mainContainer(deployment(development)), 'LOG_LEVEL').value).toBe('DEBUG');
    expect(envVar(mainContainer(deployment(staging)), 'LOG_LEVEL').value).toBe('INFO');
    expect(envVar(mainContainer(deployment(production)), 'LOG_LEVEL').value).toBe('WARNING');
  });

  it('runs the pinned ECR image of each environment', () => {
    expect(mainContainer(deployment(development)).image).toBe(`777788889999.dkr.ecr.ap-southeast-1.amazonaws.com/sample-app:${tagIn('development')}`);
    expect(mainContainer(deployment(production)).image).toBe(`444455556666.dkr.ecr.ap-southeast-1.amazonaws.com/sample-app:${tagIn('production')}`);
    expect(mainContainer(deployment(production)).imagePullPolicy).toBe('IfNotPresent');
  });

  it('reads its API key from the Secret External Secrets makes', () => {
    expect(envVar(mainContainer(deployment(production)), 'API_KEY').valueFrom).toEqual({
      secretKeyRef: { name: 'sample-app-secrets', key: 'api-key' },
    });
  });
});

describe('sample-app around the workload', () => {
  it('gets its secrets from AWS Secrets Manager per environment, never from a plain Secret', () => {
    for (const [env, objects] of Object.entries(ALL)) {
      expect(objectsOfKind(objects, 'Secret')).toEqual([]);
      const es = findObject(objects, 'ExternalSecret', 'sample-app-secrets');
      expect(es.apiVersion).toBe('external-secrets.io/v1');
      expect(es.spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager' });
      expect(es.spec.data).toEqual([{ secretKey: 'api-key', remoteRef: { key: `eks-demo/${env}/sample-app`, property: 'api-key' } }]);
    }
  });

  it('exposes port 80 to the pods\' 8000 through a ClusterIP Service', () => {
    expect(findObject(production, 'Service', 'sample-app').spec).toMatchObject({
      type: 'ClusterIP',
      selector: { app: 'sample-app' },
      ports: [{ name: 'http', port: 80, targetPort: 8000, protocol: 'TCP' }],
    });
  });

  it('is scraped on /metrics through a ServiceMonitor on the http port', () => {
    const sm = findObject(production, 'ServiceMonitor', 'sample-app');
    expect(sm.spec).toEqual({
      selector: { matchLabels: { app: 'sample-app' } },
      endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scheme: 'http' }],
    });
    expect(sm.metadata.namespace).toBe('eks-demo-production');
  });

  it('is reached through an internet-facing ALB with TLS on each environment\'s host', () => {
    const hosts = { development: 'sample-app.dev.eks-demo.example.com', staging: 'sample-app.stage.eks-demo.example.com', production: 'sample-app.eks-demo.example.com' };
    for (const [env, objects] of Object.entries(ALL)) {
      const ingress = findObject(objects, 'Ingress', 'sample-app');
      expect(ingress.spec.ingressClassName).toBe('alb');
      expect(ingress.metadata.annotations).not.toHaveProperty('kubernetes.io/ingress.class');
      expect(ingress.metadata.annotations).toMatchObject({
        'alb.ingress.kubernetes.io/scheme': 'internet-facing',
        'alb.ingress.kubernetes.io/target-type': 'ip',
        'alb.ingress.kubernetes.io/certificate-arn': expect.stringMatching(/^arn:aws:acm:/),
        'alb.ingress.kubernetes.io/ssl-redirect': '443',
      });
      // the health check is the Service's, on the probes' path (issue 13 item 2)
      expect(ingress.metadata.annotations).not.toHaveProperty('alb.ingress.kubernetes.io/healthcheck-path');
      expect(findObject(objects, 'Service', 'sample-app').metadata.annotations).toEqual({ 'alb.ingress.kubernetes.io/healthcheck-path': '/health' });
      // /metrics is answered by the ALB (404), the longer Prefix winning over / (issue 13 item 4)
      expect(ingress.spec.rules).toEqual([{
        host: hosts[env as keyof typeof hosts],
        http: {
          paths: [
            { path: '/metrics', pathType: 'Prefix', backend: { service: { name: 'fixed-response-404', port: { name: 'use-annotation' } } } },
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'sample-app', port: { number: 80 } } } },
          ],
        },
      }]);
      expect(JSON.parse(ingress.metadata.annotations['alb.ingress.kubernetes.io/actions.fixed-response-404'])).toEqual({
        type: 'fixed-response', fixedResponseConfig: { contentType: 'text/plain', statusCode: '404' },
      });
    }
  });

  it('alerts on the document\'s error rate and latency thresholds, within its own namespace', () => {
    const rule = findObject(production, 'PrometheusRule', 'sample-app-alerts');
    expect(rule.spec.groups).toHaveLength(1);
    expect(rule.spec.groups[0].name).toBe('sample-app-alerts');
    expect(rule.spec.groups[0].rules.map((r: any) => [r.alert, r.expr, r.for])).toEqual([
      ['HighErrorRate', 'rate(http_requests_total{namespace="eks-demo-production",status=~"5.."}[5m]) > 0.05', '5m'],
      ['HighLatency', 'histogram_quantile(0.95, rate(http_request_duration_seconds_bucket{namespace="eks-demo-production"}[5m])) > 0.5', '5m'],
    ]);
  });

  it('renders its namespace per environment with Pod Security Admission and a default-deny policy', () => {
    for (const [env, objects] of Object.entries(ALL)) {
      const ns = findObject(objects, 'Namespace', `eks-demo-${env}`);
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
      expect(findObject(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(`eks-demo-${env}`);
    }
  });

  it('admits only the ALB (its cluster\'s load-balancer subnets, not the VPC) and Prometheus, on 8000, in every environment', () => {
    for (const env of ['development', 'staging', 'production'] as const) {
      const [cluster] = systemClusters(loadEnvironment(env, WORKSPACE_ROOT), 'eks-demo')!;
      const policy = findObject(ALL[env], 'NetworkPolicy', 'sample-app-netpol');
      expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'sample-app' } });
      expect(policy.spec.ingress).toEqual([
        { from: cluster.network.loadBalancerSubnets.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 8000, protocol: 'TCP' }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8000, protocol: 'TCP' }] },
      ]);
      // DNS only
      expect(policy.spec.egress.flatMap((r: any) => r.ports.map((p: any) => `${p.protocol}/${p.port}`))).toEqual(['UDP/53', 'TCP/53']);
    }
  });
});

describe('eks-demo values', () => {
  function renderWith(env: 'production' | 'staging', edit: (yaml: string) => string): () => void {
    const ws = scratchWorkspace();
    const file = join(ws.root, 'environments', env, 'eks-demo.yaml');
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return () => {
      try {
        renderLeaf(sampleApp, env, ws.root);
      } finally {
        ws.cleanup();
      }
    };
  }

  it('refuses a production HPA whose minimum is below 2', () => {
    expect(renderWith('production', (y) => y.replace('minReplicas: 3', 'minReplicas: 1'))).toThrow(
      'environments/production/eks-demo.yaml: sampleApp: production needs at least 2 pods (replicas or autoscaling.minReplicas), got 1',
    );
  });

  it('refuses both a fixed replica count and an HPA', () => {
    expect(renderWith('staging', (y) => y.replace('  autoscaling:', '  replicas: 2\n  autoscaling:'))).toThrow(
      "give exactly one of 'replicas' and 'autoscaling'",
    );
  });

  it('refuses the latest tag', () => {
    expect(renderWith('production', (y) => { const doc = parseDocument(y); doc.setIn(['sampleApp', 'tag'], 'latest'); return doc.toString(); })).toThrow('must be pinned: "latest" is not allowed');
  });
});
