/**
 * injected-pod-security (checks/pod-security.ts): a pod meets its namespace's enforced Pod
 * Security level as Istio's injector mutates it. dist/ as rendered holds (istiod runs with Istio
 * CNI); the same dist/ with istiod as it was before the istio-cni add-on (commit 0e6a19d) fails for
 * every injected QuizMentor workload, as test:cluster's real admission found.
 */
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { injectedContainers } from './checks/pod-security';
import { readManifests, type Manifest } from './manifests';
import { checkPolicies } from './policy';
import { loadFleet } from './validate';

const fleet = loadFleet(WORKSPACE_ROOT);
const manifests = await readManifests(WORKSPACE_ROOT, ['dist']);
const found = (ms: Manifest[]) => checkPolicies(ms, fleet).violations.filter((v) => v.rule === 'injected-pod-security');

describe('injected-pod-security (issue 22)', () => {
  it('holds for dist/ as rendered, where istiod injects with Istio CNI', () => {
    expect(manifests.some((m) => m.object.kind === 'Application' && m.object.spec?.source?.chart === 'istiod' && m.object.spec.source.helm.valuesObject.pilot?.cni?.enabled === true)).toBe(true);
    expect(found(manifests)).toEqual([]);
  });

  it('refuses every injected pod of a restricted namespace when istiod injects istio-init (no Istio CNI)', () => {
    // GIVEN istiod's values without pilot.cni (before the istio-cni add-on)
    const copy = manifests.map((m) => (m.object.kind === 'Application' && m.object.spec?.source?.chart === 'istiod'
      ? { ...m, object: { ...m.object, spec: { ...m.object.spec, source: { ...m.object.spec.source, helm: { ...m.object.spec.source.helm, valuesObject: { pilot: { autoscaleMin: 2 } } } } } } }
      : m));
    // THEN
    const lines = found(copy);
    const deployment = 'dist/production/quizmentor/bloom-validator/Deployment.bloom-validator.yaml';
    expect(lines.map((v) => v.file)).toContain(deployment);
    expect(lines.find((v) => v.file === deployment)!.message).toBe(
      'quizmentor-prod enforces Pod Security restricted and is Istio-injected: istiod-quizmentor-prod (no Istio CNI) adds init container istio-init, which adds capabilities NET_ADMIN, NET_RAW; runs with runAsNonRoot false; runs as UID 0: the API server refuses every pod',
    );
    // only injected namespaces: nothing outside QuizMentor's
    expect(new Set(lines.map((v) => v.file.split('/')[2]))).toEqual(new Set(['quizmentor']));
  });

  it('leaves a pod opted out of injection alone', () => {
    const copy = manifests.map((m) => (m.object.kind === 'Application' && m.object.spec?.source?.chart === 'istiod'
      ? { ...m, object: { ...m.object, spec: { ...m.object.spec, source: { ...m.object.spec.source, helm: { ...m.object.spec.source.helm, valuesObject: {} } } } } }
      : m));
    const file = 'dist/production/quizmentor/bloom-validator/Deployment.bloom-validator.yaml';
    const optedOut = copy.map((m) => (m.file === file ? { ...m, object: structuredClone(m.object) } : m));
    const d = optedOut.find((m) => m.file === file)!;
    d.object.spec.template.metadata.labels['sidecar.istio.io/inject'] = 'false';
    expect(found(optedOut).map((v) => v.file)).not.toContain(file);
  });

  it('models the containers istiod 1.26.0 injects with and without CNI', () => {
    expect(injectedContainers({ cniEnabled: true }).map((c) => `${c.init ? 'init ' : ''}${c.name}`)).toEqual(['init istio-validation', 'istio-proxy']);
    expect(injectedContainers({ cniEnabled: false })[0].securityContext).toMatchObject({ runAsUser: 0, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } });
  });
});
