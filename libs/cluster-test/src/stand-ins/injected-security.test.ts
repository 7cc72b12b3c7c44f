/**
 * validate's fast model of what istiod injects (libs/policy checks/pod-security.ts, rule
 * injected-pod-security) against this stand-in's whole model of istiod 1.26.0, whose output the
 * real PodSecurity admission judges in test:cluster: the injected containers' names, order and
 * security contexts agree, with and without Istio CNI and with privileged proxies.
 */
import type { IPod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { injectedContainers } from '@gitops/policy';
import { DEFAULT_PROXY_IMAGE, injectSidecar } from './istio-injection';

const pod: IPod = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'r/web:1', ports: [{ containerPort: 8080 }] }] },
};

describe("validate's model of the injected containers agrees with the istiod stand-in", () => {
  for (const cniEnabled of [true, false]) {
    for (const privileged of [false, true]) {
      it(`with${cniEnabled ? '' : 'out'} Istio CNI${privileged ? ', privileged proxies' : ''}`, () => {
        const { injected } = injectSidecar(pod, { cniEnabled, privileged, proxyImage: DEFAULT_PROXY_IMAGE });
        const added = [
          ...(injected.spec!.initContainers ?? []).map((c) => ({ name: c.name, init: true, securityContext: c.securityContext })),
          ...injected.spec!.containers.filter((c) => c.name !== 'web').map((c) => ({ name: c.name, init: false, securityContext: c.securityContext })),
        ];
        expect(injectedContainers({ cniEnabled, privileged })).toEqual(added);
      });
    }
  }
});
