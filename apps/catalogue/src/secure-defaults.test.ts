/**
 * The secure defaults (DESIGN.md principle 5), derived from the policy: the rules `validate`
 * holds every workload to (`SECURE_DEFAULT_RULES`, libs/policy checks/workloads.ts) are run over
 * each platform workload construct on its own, with only its required props, and over every
 * workload the catalogue renders; an opt-out passes only as a waiver with its reason.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import {
  MigrationHook, SecureDeployment, SecureJob, SecureStatefulSet, WAIVER_PREFIX, type PolicyRule, type SecureWorkloadProps,
} from '@gitops/platform';
import { loadServices, renderServices, type RenderedObject } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { checkPolicies, SECURE_DEFAULT_RULES, toWorkload, WORKLOAD_KINDS, type Manifest } from '@gitops/policy';

const leaves = renderServices((await loadServices(WORKSPACE_ROOT)).map((l) => l.service), { root: WORKSPACE_ROOT });
const all = leaves.flatMap((leaf) => leaf.objects.map((o) => ({ leaf: leaf.path, o })));
/** Every kind with a pod spec (a bare Pod included), as the policy checks see them. */
const WORKLOADS = new Set<string>(WORKLOAD_KINDS);

const workloadOf = (o: RenderedObject) => toWorkload({ file: '', object: o as any });
const podLabels = (o: RenderedObject): Record<string, string> => workloadOf(o).podLabels;

const workloads = all.filter(({ o }) => WORKLOADS.has(o.kind));

const SECURE = new Set<PolicyRule>(SECURE_DEFAULT_RULES);
/** Objects as validate reads them from one folder of dist/. */
const asManifests = (objects: readonly any[], folder = 'dist/staging/shop/web'): Manifest[] =>
  objects.map((object) => ({ file: `${folder}/${object.kind}.${object.metadata.name}.yaml`, env: folder.split('/')[1], object }));
const secureDefaultReport = (manifests: Manifest[]) => {
  const report = checkPolicies(manifests);
  return { violations: report.violations.filter((v) => SECURE.has(v.rule)), waived: report.waived.filter((v) => SECURE.has(v.rule)) };
};

const REQUIRED: SecureWorkloadProps = {
  name: 'web', repository: 'registry.example.com/web', tag: '1.2.3', component: 'backend', system: 'shop',
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
};
const probe = { command: ['true'] };
/** Each workload construct with only its required props (and the probes a long-running pod must have). */
const CONSTRUCTS: Record<string, (chart: any, extra?: Partial<SecureWorkloadProps>) => void> = {
  SecureDeployment: (c, extra) => new SecureDeployment(c, 'W', { ...REQUIRED, ...extra, ports: [{ name: 'http', containerPort: 8080 }], liveness: { path: '/livez' }, readiness: { path: '/readyz' } }),
  SecureStatefulSet: (c, extra) => new SecureStatefulSet(c, 'W', { ...REQUIRED, ...extra, runAsUser: 999, serviceName: 'web', replicas: 1, ports: [{ name: 'db', containerPort: 5432 }], liveness: probe, readiness: probe }),
  SecureJob: (c, extra) => new SecureJob(c, 'W', { ...REQUIRED, ...extra }),
  MigrationHook: (c, extra) => new MigrationHook(c, 'W', { ...REQUIRED, ...extra, egress: [] }),
};
const render = (build: (chart: any) => void) => {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart);
};

describe('each workload construct passes the policy\'s secure-default rules', () => {
  it('runs the rules the policy defines', () => {
    expect(SECURE_DEFAULT_RULES.length).toBeGreaterThan(0);
    // the check is not blind: a bare pod spec breaks most of them
    const bare = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'bare', namespace: 'shop' }, spec: { template: { metadata: { labels: { app: 'bare' } }, spec: { containers: [{ name: 'bare', image: 'x:1' }] } } } };
    const rules = new Set(secureDefaultReport(asManifests([bare])).violations.map((v) => v.rule));
    expect([...rules].sort()).toEqual(SECURE_DEFAULT_RULES.filter((r) => r !== 'no-host-access').sort());
  });

  it.each(Object.entries(CONSTRUCTS))('%s with its defaults: no violation', (_, build) => {
    expect(secureDefaultReport(asManifests(render((c) => build(c)))).violations).toEqual([]);
  });

  it.each(Object.entries(CONSTRUCTS))('%s with a writable root filesystem: waived, with its reason', (_, build) => {
    const reason = 'the vendor image writes its PID file under /var/run';
    const report = secureDefaultReport(asManifests(render((c) => build(c, { writableRootFilesystem: { reason } }))));
    expect(report.violations).toEqual([]);
    expect(report.waived.map((w) => [w.rule, w.reason])).toEqual([['read-only-root-filesystem', reason]]);
  });
});

describe('every workload the catalogue renders', () => {
  it('breaks none of the secure-default rules unless waived with a reason', () => {
    const byFolder = leaves.flatMap((leaf) => asManifests(leaf.objects, `dist/${leaf.path}`));
    const report = secureDefaultReport(byFolder);
    expect(report.violations.map((v) => `${v.file} [${v.rule}] ${v.message}`)).toEqual([]);
    for (const w of report.waived) expect(w.reason.length, `${w.file} [${w.rule}]`).toBeGreaterThanOrEqual(10);
    // and each waiver is in the object for a reviewer to read
    for (const w of report.waived) expect(byFolder.find((m) => m.file === w.file)?.object.metadata.annotations?.[`${WAIVER_PREFIX}${w.rule}`]).toBe(w.reason);
  });
});

describe('secure defaults (DESIGN.md principle 5)', () => {
  it('covers some workloads', () => {
    expect(workloads.length).toBeGreaterThan(0);
  });

  it.each(workloads.filter(({ o }) => workloadOf(o).longRunning).map(({ leaf, o }) => [`${leaf} ${o.kind}/${o.metadata.name}`, o] as const))(
    '%s has a NetworkPolicy selecting its pods',
    (_name, o) => {
      const labels = podLabels(o);
      const policies = all.filter(({ o: p }) =>
        p.kind === 'NetworkPolicy' && p.metadata.namespace === o.metadata.namespace &&
        Object.keys((p.spec as any).podSelector.matchLabels ?? {}).length > 0 &&
        Object.entries((p.spec as any).podSelector.matchLabels).every(([k, v]) => labels[k] === v));
      expect(policies.length).toBeGreaterThan(0);
    },
  );

  it('labels every namespace for Pod Security Admission', () => {
    const namespaces = all.filter(({ o }) => o.kind === 'Namespace');
    expect(namespaces.length).toBeGreaterThan(0);
    for (const { o } of namespaces) {
      expect(o.metadata.labels?.['pod-security.kubernetes.io/enforce'], o.metadata.name).toMatch(/^(restricted|baseline)$/);
    }
  });

  it('renders no plaintext Secret', () => {
    expect(all.filter(({ o }) => o.kind === 'Secret').map(({ o }) => o.metadata.name)).toEqual([]);
  });

  it('keeps names human: no generated hash suffix, no cdk8s address label', () => {
    for (const { leaf, o } of all) {
      expect(o.metadata.name, `${leaf} ${o.kind}`).not.toMatch(/-c8[0-9a-f]{6}$/);
      expect(JSON.stringify(o), `${leaf} ${o.kind}/${o.metadata.name}`).not.toContain('cdk8s.io/metadata.addr');
    }
  });
});
