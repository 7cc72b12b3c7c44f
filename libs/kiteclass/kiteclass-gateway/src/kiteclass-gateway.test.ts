/**
 * kiteclass-gateway: the instance API gateway (`*.kiteclass.com/api`), checking JWTs and routing
 * to kiteclass-core. The shared Spring Boot conventions, and what is its own.
 */
import { describe, expect, it } from 'vitest';
import { envVar, findObject, mainContainer, renderLeaf } from '@gitops/platform/testing';
import { itFollowsSpringServiceConventions, kiteclassValues } from '@gitops/kiteclass-system/testing';
import service from './index';

itFollowsSpringServiceConventions('kiteclass-gateway', service);

describe('kiteclass-gateway', () => {
  it.each(['staging', 'production'] as const)('calls kiteclass-core through the internal ALB host of environments/%s/kiteclass.yaml', (env) => {
    const container = mainContainer(findObject(renderLeaf(service, env).objects, 'Deployment', 'kiteclass-gateway'));
    expect(envVar(container, 'KITECLASS_CORE_URL').value).toBe(`https://${kiteclassValues(service, env).ingress.coreHost}`);
  });
});
