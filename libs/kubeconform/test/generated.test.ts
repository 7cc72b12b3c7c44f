import { describe, expect, it } from 'vitest';
import { PACKAGES, generateBundle, readCommittedBundle, serializeBundle } from '../scripts/schema-bundle.js';

describe('generated schemas', () => {
  it('are current with the installed kubernetes-models packages (regenerate with npx tsx libs/kubeconform/scripts/generate-schemas.ts)', async () => {
    for (const spec of PACKAGES) {
      const fresh = serializeBundle(await generateBundle(spec));
      const committed = readCommittedBundle(spec);
      expect(committed, `schemas/generated/${spec.file}.json`).toBeDefined();
      expect(fresh === committed, `schemas/generated/${spec.file}.json is stale`).toBe(true);
    }
  });

  it('bundle only the Kubernetes API versions still served, not removed betas', async () => {
    const bundle = JSON.parse(readCommittedBundle(PACKAGES[0])!) as { kinds: Record<string, string> };
    const kinds = Object.keys(bundle.kinds);
    expect(kinds).toContain('apps/v1/Deployment');
    expect(kinds).toContain('networking.k8s.io/v1/Ingress');
    expect(kinds).not.toContain('extensions/v1beta1/Ingress');
    expect(kinds).not.toContain('policy/v1beta1/PodSecurityPolicy');
    expect(kinds).not.toContain('autoscaling/v2beta2/HorizontalPodAutoscaler');
  });
});
