import { describe, expect, it } from 'vitest';
import { loadServices, renderServices, type RenderedObject } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { toWorkload, WORKLOAD_KINDS } from '@gitops/policy';

const leaves = renderServices((await loadServices(WORKSPACE_ROOT)).map((l) => l.service), { root: WORKSPACE_ROOT });
const all = leaves.flatMap((leaf) => leaf.objects.map((o) => ({ leaf: leaf.path, o })));
/** Every kind with a pod spec (a bare Pod included), as the policy checks see them. */
const WORKLOADS = new Set<string>(WORKLOAD_KINDS);

const workloadOf = (o: RenderedObject) => toWorkload({ file: '', object: o as any });
const podSpec = (o: RenderedObject): any => workloadOf(o).pod;
const podLabels = (o: RenderedObject): Record<string, string> => workloadOf(o).podLabels;

const workloads = all.filter(({ o }) => WORKLOADS.has(o.kind));

describe('secure defaults (DESIGN.md principle 5)', () => {
  it('covers some workloads', () => {
    expect(workloads.length).toBeGreaterThan(0);
  });

  it.each(workloads.map(({ leaf, o }) => [`${leaf} ${o.kind}/${o.metadata.name}`, o] as const))(
    '%s runs as non-root with a read-only root, no escalation, no capabilities and seccomp RuntimeDefault',
    (_name, o) => {
      const pod = podSpec(o);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      // Pod Security baseline: no host namespaces, hostPath volumes or host ports
      expect([pod.hostNetwork, pod.hostPID, pod.hostIPC].filter(Boolean)).toEqual([]);
      expect((pod.volumes ?? []).filter((v: any) => v.hostPath).map((v: any) => v.name)).toEqual([]);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(c.securityContext, c.name).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.resources.requests, c.name).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits, c.name).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.image, c.name).toMatch(/:[A-Za-z0-9_][A-Za-z0-9_.-]*$/);
        expect(c.image, c.name).not.toMatch(/:latest$/i);
        expect((c.ports ?? []).filter((p: any) => p.hostPort).map((p: any) => p.name), c.name).toEqual([]);
      }
    },
  );

  it.each(workloads.filter(({ o }) => workloadOf(o).longRunning).map(({ leaf, o }) => [`${leaf} ${o.kind}/${o.metadata.name}`, o] as const))(
    '%s has liveness and readiness probes and a NetworkPolicy selecting its pods',
    (_name, o) => {
      for (const c of podSpec(o).containers) {
        expect(c.livenessProbe, c.name).toBeDefined();
        expect(c.readinessProbe, c.name).toBeDefined();
      }
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
