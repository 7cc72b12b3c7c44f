/**
 * The secure pod template and the three workloads built on it, each rendered on its own
 * (cdk8s `Testing`): the secure defaults, every documented default, bad props refused, and an
 * opt-out that reaches the policy as a waiver with its reason.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { WAIVER_PREFIX } from './policy-waiver';
import { DEFAULT_UID, SecurePodTemplate, type SecureWorkloadProps } from './pod-template';
import { SecureDeployment } from './secure-deployment';
import { SecureJob, MigrationHook } from './secure-job';
import { SecureStatefulSet } from './secure-stateful-set';

const BASE: SecureWorkloadProps = {
  name: 'web', repository: 'registry.example.com/web', tag: '1.2.3', component: 'backend', system: 'shop',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
};
const PORTS = [{ name: 'http', containerPort: 8080 }];
const probe = { command: ['true'] };

function synth(build: (chart: ReturnType<typeof Testing.chart>) => void): any[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart);
}
const only = (objects: any[], kind: string) => objects.filter((o) => o.kind === kind);

/** What DESIGN.md principle 5 asks of every pod, as the policy's workload rules check it. */
function expectSecure(pod: any, uid = DEFAULT_UID) {
  expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' }, ...(pod.spec.securityContext.fsGroupChangePolicy ? { fsGroupChangePolicy: 'Always' } : {}) });
  expect(pod.spec.automountServiceAccountToken).toBe(false);
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    expect(c.securityContext, c.name).toEqual({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } });
    expect(c.resources, c.name).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  }
}

describe('SecurePodTemplate', () => {
  it('resolves its defaults once: app and container named after the workload, uid 10001, /tmp writable, spread over nodes', () => {
    const t = new SecurePodTemplate(BASE);
    expect([t.app, t.containerName, t.runAsUser, t.readOnlyRoot]).toEqual(['web', 'web', DEFAULT_UID, true]);
    expect(t.writable).toEqual([{ name: 'tmp', path: '/tmp' }]);
    expect(t.labels).toEqual({ app: 'web', version: 'v1', 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': '1.2.3', 'app.kubernetes.io/component': 'backend', 'app.kubernetes.io/part-of': 'shop' });
    expect(t.spec.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]).toMatchObject({ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } });
  });

  it('puts field variables before the others, in the order given, and secrets by reference', () => {
    const t = new SecurePodTemplate({ ...BASE, fieldEnv: { POD_IP: 'status.podIP' }, env: { A: 'x', B: { secret: 's', key: 'k' }, C: { configMap: 'c', key: 'k' } } });
    expect(t.spec.spec!.containers[0].env).toEqual([
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'A', value: 'x' },
      { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'C', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
    ]);
  });

  it('refuses to run as root', () => {
    expect(() => new SecurePodTemplate({ ...BASE, runAsUser: 0 })).toThrow("web: 'runAsUser' must not be 0 (root)");
  });
});

describe('SecureDeployment', () => {
  it('renders the secure defaults, no replicas (an HPA owns them), a 25% rolling update and the API defaults written out', () => {
    const [d] = only(synth((c) => new SecureDeployment(c, 'D', { ...BASE, ports: PORTS, liveness: { path: '/livez' } })), 'Deployment');
    expectSecure(d.spec.template);
    expect(d.spec.replicas).toBeUndefined();
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(d.spec.template.spec).toMatchObject({ dnsPolicy: 'ClusterFirst', hostNetwork: false, restartPolicy: 'Always', setHostnameAsFQDN: false, terminationGracePeriodSeconds: 30 });
    const [c] = d.spec.template.spec.containers;
    expect(c.ports).toEqual([{ containerPort: 8080, name: 'http' }]);
    // probe defaults: the first port, no delay, every 10 s, 3 failures, 1 s timeout
    expect(c.livenessProbe).toEqual({ httpGet: { path: '/livez', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1 });
    expect(c.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(d.spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  it('selects by version when asked (a canary beside its stable Deployment) and takes explicit rolling-update bounds', () => {
    const [d] = only(synth((c) => new SecureDeployment(c, 'D', { ...BASE, ports: PORTS, version: 'canary', selectVersion: true, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } })), 'Deployment');
    expect(d.spec.selector.matchLabels).toEqual({ app: 'web', version: 'canary' });
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it('refuses no ports and a rolling-update bound that is neither a number nor a percentage', () => {
    expect(() => synth((c) => new SecureDeployment(c, 'D', { ...BASE, ports: [] }))).toThrow("SecureDeployment web: 'ports' must name at least one port");
    expect(() => synth((c) => new SecureDeployment(c, 'D', { ...BASE, ports: PORTS, rollingUpdate: { maxSurge: 'lots', maxUnavailable: 0 } }))).toThrow("rolling update value 'lots' must be a number or a percentage such as 25%");
  });
});

describe('SecureStatefulSet', () => {
  it('renders the secure defaults with the image\'s uid, its claims, and no writable directory unless asked', () => {
    const [s] = only(synth((c) => new SecureStatefulSet(c, 'S', {
      ...BASE, name: 'db', runAsUser: 70, serviceName: 'db', replicas: 1, ports: [{ name: 'pg', containerPort: 5432 }], liveness: probe, readiness: probe,
      selectorLabels: { role: 'primary' }, claims: [{ name: 'data', storage: '10Gi', mountPath: '/data' }],
    })), 'StatefulSet');
    expectSecure(s.spec.template, 70);
    expect(s.spec.selector.matchLabels).toEqual({ app: 'db', role: 'primary' });
    expect(s.spec.podManagementPolicy).toBeUndefined(); // OrderedReady, the API default
    expect(s.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 5432, name: 'pg', protocol: 'TCP' }]);
    expect(s.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(s.spec.template.spec.volumes).toBeUndefined();
    expect(s.spec.volumeClaimTemplates).toEqual([{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }]);
  });
});

describe('SecureJob', () => {
  it('renders the secure defaults, never restarts in place, retries once, stops after 10 minutes, and does not spread', () => {
    const [j] = only(synth((c) => new SecureJob(c, 'J', { ...BASE, name: 'report' })), 'Job');
    expectSecure(j.spec.template);
    expect(j.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 600 });
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    expect(j.spec.template.spec.affinity).toBeUndefined();
    expect(j.metadata.annotations).toBeUndefined();
  });

  it('as a hook, is named after its pod template and cleaned up after a week', () => {
    const [a] = only(synth((c) => new SecureJob(c, 'J', { ...BASE, name: 'migrate', argoHook: { phase: 'Sync' } })), 'Job');
    const [b] = only(synth((c) => new SecureJob(c, 'J', { ...BASE, name: 'migrate', tag: '1.2.4', argoHook: { phase: 'Sync' } })), 'Job');
    expect(a.metadata.name).toMatch(/^migrate-[0-9a-f]{8}$/);
    expect(b.metadata.name).not.toBe(a.metadata.name);
    expect(a.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(a.spec.ttlSecondsAfterFinished).toBe(7 * 24 * 3600);
  });

  it('refuses a negative backoff and a non-positive deadline', () => {
    expect(() => synth((c) => new SecureJob(c, 'J', { ...BASE, backoffLimit: -1 }))).toThrow("SecureJob web: 'backoffLimit' (-1) must not be negative");
    expect(() => synth((c) => new SecureJob(c, 'J', { ...BASE, activeDeadlineSeconds: 0 }))).toThrow("SecureJob web: 'activeDeadlineSeconds' (0) must be positive");
  });

  it('MigrationHook: the Job in wave -1 after its NetworkPolicy in wave -2', () => {
    const objects = synth((c) => new MigrationHook(c, 'M', { ...BASE, name: 'migrate', egress: [{ peers: [{ cidr: '10.0.4.0/24' }], ports: [{ port: 5432 }] }] }));
    expect(only(objects, 'NetworkPolicy')[0].metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
    expect(only(objects, 'Job')[0].metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    expect(only(objects, 'NetworkPolicy')[0].spec.podSelector.matchLabels).toEqual({ app: 'migrate' });
  });
});

describe('an opt-out of a secure default', () => {
  const reason = 'the vendor image writes its PID file under /var/run';
  it.each([
    ['SecureDeployment', (c: any) => new SecureDeployment(c, 'W', { ...BASE, ports: PORTS, writableRootFilesystem: { reason } }), 'Deployment'],
    ['SecureStatefulSet', (c: any) => new SecureStatefulSet(c, 'W', { ...BASE, runAsUser: 999, serviceName: 'web', replicas: 1, ports: PORTS, liveness: probe, readiness: probe, writableRootFilesystem: { reason } }), 'StatefulSet'],
    ['SecureJob', (c: any) => new SecureJob(c, 'W', { ...BASE, writableRootFilesystem: { reason } }), 'Job'],
  ] as const)('%s: lifts it and records the reason as the policy waiver', (_, build, kind) => {
    const [w] = only(synth(build), kind);
    expect(w.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(w.metadata.annotations[`${WAIVER_PREFIX}read-only-root-filesystem`]).toBe(reason);
  });
});
