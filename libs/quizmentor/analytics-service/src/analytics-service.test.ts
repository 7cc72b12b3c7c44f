import { describe, expect, it } from 'vitest';
import { envVar, findObject, mainContainer, renderLeaf } from '@gitops/platform/testing';
import { itFollowsServiceConventions } from '@gitops/quizmentor-system/testing';
import analyticsService from './index';

describe.each([['analytics-service', analyticsService]] as const)('%s', (name, service) => {
  const production = renderLeaf(service, 'production').objects;
  const deployment = findObject(production, 'Deployment', name);
  const container = mainContainer(deployment);

  itFollowsServiceConventions(name, service);

  it('only admits the orchestrator on its port', () => {
    const from = findObject(production, 'NetworkPolicy', `${name}-netpol`).spec.ingress
      .filter((r: any) => r.ports.some((p: any) => p.port === 3000)).flatMap((r: any) => r.from);
    expect(from).toContainEqual({ podSelector: { matchLabels: { app: 'learning-orchestrator' } } });
    // not on the Ingress
    expect(from.some((p: any) => p.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'ingress-nginx')).toBe(false);
  });

  it('reads its Elasticsearch address from the environment values', () => {
    expect(envVar(container, 'ELASTICSEARCH_URL').value).toBe('https://vpc-quizmentor-prod.us-east-1.es.amazonaws.com');
  });
});
