import { describe, expect, it } from 'vitest';
import { envVar, findObject, mainContainer, renderLeaf } from '@gitops/platform/testing';
import { itFollowsServiceConventions } from '@gitops/quizmentor-system/testing';
import adaptiveEngine from './index';

describe.each([['adaptive-engine', adaptiveEngine]] as const)('%s', (name, service) => {
  const production = renderLeaf(service, 'production').objects;
  const deployment = findObject(production, 'Deployment', name);
  const container = mainContainer(deployment);

  itFollowsServiceConventions(name, service);

  it('admits the orchestrator and the NGINX controller on its port', () => {
    const from = findObject(production, 'NetworkPolicy', `${name}-netpol`).spec.ingress
      .filter((r: any) => r.ports.some((p: any) => p.port === 3000)).flatMap((r: any) => r.from);
    expect(from).toContainEqual({ podSelector: { matchLabels: { app: 'learning-orchestrator' } } });
    // the Ingress routes /api/adaptive here
    expect(from.some((p: any) => p.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'ingress-nginx')).toBe(true);
  });

  it('reads its Redis URL from redis-credentials', () => {
    expect(envVar(container, 'REDIS_URL').valueFrom).toEqual({ secretKeyRef: { name: 'redis-credentials', key: 'url' } });
  });
});
