/**
 * The policy checks on a deliberately broken copy of the KiteClass production render. Every
 * expected value (namespace, hosts, labels, indexes) is read from the values file or from the
 * render itself, never written out, so promote, set-image and new-service never turn this red.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KiteclassValuesSchema } from '@gitops/kiteclass-system';
import { loadValues } from '@gitops/platform';
import { loadServices, renderServices } from '@gitops/platform/render';
import { checkPolicies, formatViolation, readManifests, type Manifest } from '@gitops/policy';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';

/** The production KiteClass values: what the render below was made from. */
const VALUES = loadValues(join(WORKSPACE_ROOT, 'environments/production/kiteclass.yaml'), KiteclassValuesSchema, WORKSPACE_ROOT);
const NS = VALUES.namespace;

/** The production KiteClass render, as the validate target reads it back from dist/. */
const services = (await loadServices(WORKSPACE_ROOT)).filter((l) => l.service.system.name === 'kiteclass').map((l) => l.service);
const BASE: Manifest[] = renderServices(services, { root: WORKSPACE_ROOT, environments: ['production'] }).flatMap((leaf) =>
  leaf.objects.map((object) => ({ file: `dist/${leaf.path}/${object.kind}.${object.metadata.name}.yaml`, env: 'production', object: object as any })));

const CORE = 'dist/production/kiteclass/kiteclass-core/Deployment.kiteclass-core.yaml: Deployment kiteclass-core';

/** A deliberately broken copy of the render: `fn` breaks the named object. */
function broken(kind: string, name: string, fn: (o: any) => void): string[] {
  const copy: Manifest[] = structuredClone(BASE);
  const target = copy.find((m) => m.object.kind === kind && m.object.metadata.name === name);
  if (!target) throw new Error(`test setup: no ${kind} ${name}`);
  fn(target.object);
  return checkPolicies(copy).violations.map(formatViolation);
}

const container = (o: any) => o.spec.template.spec.containers[0];
/** An object of the unbroken render. */
const original = (kind: string, name: string): any => {
  const found = BASE.find((m) => m.object.kind === kind && m.object.metadata.name === name);
  if (!found) throw new Error(`test setup: no ${kind} ${name}`);
  return found.object;
};
/** Labels as the checks print them. */
const labelText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');

describe('policy checks', () => {
  it('pass on the committed render of every system', async () => {
    const report = checkPolicies(await readManifests(WORKSPACE_ROOT, ['dist']));
    expect(report.violations.map(formatViolation)).toEqual([]);
  });

  it('pass on the unbroken KiteClass production render (the baseline of the tests below)', () => {
    expect(checkPolicies(BASE).violations).toEqual([]);
  });

  it('catch a container that may run as root', () => {
    expect(broken('Deployment', 'kiteclass-core', (o) => {
      delete o.spec.template.spec.securityContext.runAsNonRoot;
      delete container(o).securityContext.runAsNonRoot;
    })).toEqual([`${CORE}: [run-as-non-root] spec.template.spec.containers[0] (kiteclass-core): set securityContext.runAsNonRoot: true (and a non-zero runAsUser)`]);
  });

  it('catch a writable root filesystem, privilege escalation, kept capabilities and no seccomp', () => {
    expect(broken('Deployment', 'kiteclass-core', (o) => {
      container(o).securityContext.readOnlyRootFilesystem = false;
      container(o).securityContext.allowPrivilegeEscalation = true;
      container(o).securityContext.capabilities.drop = ['NET_RAW'];
      delete o.spec.template.spec.securityContext.seccompProfile;
    })).toEqual([
      `${CORE}: [drop-all-capabilities] spec.template.spec.containers[0] (kiteclass-core): set securityContext.capabilities.drop: [ALL]`,
      `${CORE}: [no-privilege-escalation] spec.template.spec.containers[0] (kiteclass-core): set securityContext.allowPrivilegeEscalation: false and do not run privileged`,
      `${CORE}: [read-only-root-filesystem] spec.template.spec.containers[0] (kiteclass-core): set securityContext.readOnlyRootFilesystem: true`,
      `${CORE}: [seccomp-runtime-default] spec.template.spec.containers[0] (kiteclass-core): set seccompProfile.type: RuntimeDefault (pod or container)`,
    ]);
  });

  it('catch missing limits and probes', () => {
    expect(broken('Deployment', 'kiteclass-core', (o) => {
      delete container(o).resources.limits;
      delete container(o).readinessProbe;
    })).toEqual([
      `${CORE}: [probes] spec.template.spec.containers[0] (kiteclass-core): add readinessProbe`,
      `${CORE}: [resources] spec.template.spec.containers[0] (kiteclass-core): set resources limits.cpu, limits.memory`,
      // the ALB checks kiteclass-core on its readiness path, which no probe requests any more (traffic rule, issue 13 item 2)
      'dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml: Ingress kiteclass-core-ingress: [alb-health-check] target group kiteclass-core:8081: health check path /readyz on port 8081 is not a path kiteclass-core (kiteclass-core) answers: its HTTP probes there are /livez; set alb.ingress.kubernetes.io/healthcheck-path on Service kiteclass-core',
    ]);
  });

  it('catch a workload no NetworkPolicy selects, and the policy that now selects nothing', () => {
    const podLabels = { ...original('Deployment', 'kiteclass-frontend').spec.template.metadata.labels, app: 'frontend' };
    expect(broken('Deployment', 'kiteclass-frontend', (o) => {
      o.spec.template.metadata.labels.app = 'frontend';
      o.spec.selector.matchLabels.app = 'frontend';
    })).toEqual(expect.arrayContaining([
      `dist/production/kiteclass/kiteclass-frontend/Deployment.kiteclass-frontend.yaml: Deployment kiteclass-frontend: [network-policy] no NetworkPolicy in ${NS} selects its pods (${labelText(podLabels)}); add one that states what it may talk to`,
      `dist/production/kiteclass/kiteclass-frontend/NetworkPolicy.kiteclass-frontend-netpol.yaml: NetworkPolicy kiteclass-frontend-netpol: [network-policy-selects] spec.podSelector app=kiteclass-frontend matches no pods rendered in ${NS}: the policy protects nothing`,
      `dist/production/kiteclass/kiteclass-frontend/Service.kiteclass-frontend.yaml: Service kiteclass-frontend: [service-selects-workload] selector app=kiteclass-frontend matches no pods rendered in ${NS}`,
      `dist/production/kiteclass/kiteclass-frontend/PodDisruptionBudget.kiteclass-frontend-pdb.yaml: PodDisruptionBudget kiteclass-frontend-pdb: [pdb-target] selector app=kiteclass-frontend matches no pods rendered in ${NS}`,
    ]));
  });

  it('catch a NetworkPolicy peer naming labels no pod carries, and a namespace that does not exist', () => {
    const egress = original('NetworkPolicy', 'kiteclass-core-netpol').spec.egress.length;
    expect(broken('NetworkPolicy', 'kiteclass-core-netpol', (o) => {
      o.spec.egress.push({ to: [{ podSelector: { matchLabels: { app: 'redis' } } }], ports: [{ port: 6379, protocol: 'TCP' }] });
      o.spec.ingress[1].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] = 'monitoringg';
    })).toEqual([
      'dist/production/kiteclass/kiteclass-core/NetworkPolicy.kiteclass-core-netpol.yaml: NetworkPolicy kiteclass-core-netpol: [network-policy-selects] spec.ingress[1].from[0]: namespace monitoringg is neither rendered nor one the cluster provides',
      `dist/production/kiteclass/kiteclass-core/NetworkPolicy.kiteclass-core-netpol.yaml: NetworkPolicy kiteclass-core-netpol: [network-policy-selects] spec.egress[${egress}].to[0]: podSelector app=redis matches no pods rendered in ${NS}`,
    ]);
  });

  it('catch a production workload with one replica and no PodDisruptionBudget', () => {
    const hpa = 'dist/production/kiteclass/kiteclass-core/Deployment.kiteclass-core.yaml: Deployment kiteclass-core';
    const copy: Manifest[] = structuredClone(BASE).filter((m: Manifest) => m.object.metadata.name !== 'kiteclass-core-pdb');
    copy.find((m) => m.object.metadata.name === 'kiteclass-core-hpa')!.object.spec.minReplicas = 1;
    expect(checkPolicies(copy).violations.map(formatViolation)).toEqual([
      `${hpa}: [production-pdb] no PodDisruptionBudget selects its pods`,
      `${hpa}: [production-replicas] HPA kiteclass-core-hpa has minReplicas 1; production needs at least 2`,
    ]);
  });

  it('catch an unpinned production image and an ingress without TLS', () => {
    for (const image of ['kiteclass-gateway:latest', 'kiteclass-gateway:LATEST', 'kiteclass-gateway']) {
      expect(broken('Deployment', 'kiteclass-gateway', (o) => {
        container(o).image = image;
      })).toEqual([
        `dist/production/kiteclass/kiteclass-gateway/Deployment.kiteclass-gateway.yaml: Deployment kiteclass-gateway: [production-pinned-image] spec.template.spec.containers[0].image ${image}: pin a tag or digest (not latest)`,
      ]);
    }
    expect(broken('Ingress', 'kiteclass-ingress', (o) => {
      delete o.metadata.annotations['alb.ingress.kubernetes.io/certificate-arn'];
    })).toEqual([
      'dist/production/kiteclass/kiteclass-shared/Ingress.kiteclass-ingress.yaml: Ingress kiteclass-ingress: [production-ingress-tls] no TLS: set spec.tls (with a certificate) or, for an ALB, certificate-arn and an HTTPS listen port',
    ]);
  });

  it('catch a plaintext Secret and credentials in env values and ConfigMaps', () => {
    const copy: Manifest[] = structuredClone(BASE);
    copy.push({ file: 'dist/production/kiteclass/kiteclass-shared/Secret.db.yaml', env: 'production', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS }, data: { password: 'aHVudGVyMg==' } } as any });
    const config = copy.find((m) => m.object.kind === 'ConfigMap' && m.object.metadata.name === 'kiteclass-config')!;
    config.object.data!['db-url'] = 'postgres://app:hunter2@db.internal:5432/app';
    const env = container(copy.find((m) => m.object.metadata.name === 'kiteclass-core' && m.object.kind === 'Deployment')!.object).env;
    env.push({ name: 'JWT_SECRET', value: 'not-so-secret' });
    expect(checkPolicies(copy).violations.map(formatViolation)).toEqual([
      `${CORE}: [no-credentials] spec.template.spec.containers[0].env[${env.length - 1}] (JWT_SECRET) is named like a secret but holds a literal value: use secretKeyRef to an ExternalSecret`,
      'dist/production/kiteclass/kiteclass-shared/ConfigMap.kiteclass-config.yaml: ConfigMap kiteclass-config: [no-credentials] data.db-url looks like a URL with a password in it: read it from a secret',
      'dist/production/kiteclass/kiteclass-shared/Secret.db.yaml: Secret db: [no-plaintext-secret] a Secret in git is plaintext (base64 is not encryption): render an ExternalSecret instead',
    ]);
  });

  it('catch a Service targetPort no container has, and an Ingress backend that does not exist', () => {
    expect(broken('Service', 'kiteclass-core', (o) => {
      o.spec.ports[0].targetPort = 8080;
    })).toEqual(['dist/production/kiteclass/kiteclass-core/Service.kiteclass-core.yaml: Service kiteclass-core: [service-target-port] port http: targetPort 8080 is not a container port of kiteclass-core']);
    expect(broken('Ingress', 'kiteclass-ingress', (o) => {
      o.spec.rules[0].http.paths[0].backend.service.name = 'kitehub-api';
      o.spec.rules[1].http.paths[0].backend.service.port.number = 9999; // not 9090: the Spring services' management port exists
    })).toEqual([
      `dist/production/kiteclass/kiteclass-shared/Ingress.kiteclass-ingress.yaml: Ingress kiteclass-ingress: [ingress-backend] spec.rules[0].http.paths[0] (${VALUES.ingress.apiHost}/): no Service kitehub-api in ${NS}`,
      `dist/production/kiteclass/kiteclass-shared/Ingress.kiteclass-ingress.yaml: Ingress kiteclass-ingress: [ingress-backend] spec.rules[1].http.paths[0] (${VALUES.ingress.instancesHost}/api): Service kiteclass-gateway has no port 9999`,
    ]);
  });

  it('reads the real backends of an ALB weighted action', () => {
    expect(broken('Ingress', 'kiteclass-core-ingress', (o) => {
      const key = 'alb.ingress.kubernetes.io/actions.kiteclass-core-weighted';
      o.metadata.annotations[key] = o.metadata.annotations[key].replace('"kiteclass-core-canary"', '"kiteclass-canary"');
    })).toEqual([
      // ALB actions are read by the traffic rules, by type (checks/traffic.ts)
      `dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml: Ingress kiteclass-core-ingress: [alb-action-backend] spec.rules[0].http.paths[0] (${VALUES.ingress.coreHost}/): action kiteclass-core-weighted forwards to Service kiteclass-canary, which is not rendered in ${NS}`,
    ]);
  });

  it('catch an HPA whose target is not rendered and a namespace without Pod Security labels', () => {
    expect(broken('HorizontalPodAutoscaler', 'kiteclass-gateway-hpa', (o) => {
      o.spec.scaleTargetRef.name = 'gateway';
    })).toEqual(expect.arrayContaining([
      `dist/production/kiteclass/kiteclass-gateway/HorizontalPodAutoscaler.kiteclass-gateway-hpa.yaml: HorizontalPodAutoscaler kiteclass-gateway-hpa: [hpa-target] scaleTargetRef Deployment/gateway is not rendered in ${NS}`,
    ]));
    expect(broken('Namespace', NS, (o) => {
      delete o.metadata.labels['pod-security.kubernetes.io/enforce'];
    })).toEqual([
      `dist/production/kiteclass/kiteclass-shared/Namespace.${NS}.yaml: Namespace ${NS}: [namespace-pod-security] add the label pod-security.kubernetes.io/enforce (restricted, or baseline with a reason)`,
    ]);
  });

  it('honour a waiver given in code, and report it with its reason', () => {
    const copy: Manifest[] = structuredClone(BASE);
    const core = copy.find((m) => m.object.kind === 'Deployment' && m.object.metadata.name === 'kiteclass-core')!.object;
    container(core).securityContext.readOnlyRootFilesystem = false;
    core.metadata.annotations = { 'policy.gitops-manifests/waive-read-only-root-filesystem': 'the JVM agent rewrites its jar at start' };
    const report = checkPolicies(copy);
    expect(report.violations).toEqual([]);
    expect(report.waived.map((w) => [w.rule, w.reason])).toEqual([['read-only-root-filesystem', 'the JVM agent rewrites its jar at start']]);
  });
});
