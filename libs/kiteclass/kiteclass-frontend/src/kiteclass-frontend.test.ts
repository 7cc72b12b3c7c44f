import { describe, expect, it } from 'vitest';
import { findObject, mainContainer, renderLeaf } from '@gitops/platform/testing';
import kiteclassFrontend from './index';

describe.each(['staging', 'production'] as const)('kiteclass-frontend in %s', (env) => {
  const objects = renderLeaf(kiteclassFrontend, env).objects;
  const deployment = findObject(objects, 'Deployment', 'kiteclass-frontend');

  it('is health-checked by the ALB on the path its readiness probe uses, which the Next.js static export serves (issue 13 item 2)', () => {
    const readiness = mainContainer(deployment).readinessProbe.httpGet;
    expect(readiness).toEqual({ path: '/', port: 3000, scheme: 'HTTP' });
    expect(findObject(objects, 'Service', 'kiteclass-frontend').metadata.annotations).toEqual({ 'alb.ingress.kubernetes.io/healthcheck-path': readiness.path });
  });

  it('assumes no IAM role: it calls no AWS API and may reach nothing but DNS (issue 13 item 11)', () => {
    const sa = findObject(objects, 'ServiceAccount', 'kiteclass-frontend');
    expect(sa.metadata.annotations ?? {}).not.toHaveProperty('eks.amazonaws.com/role-arn');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(deployment.spec.template.spec.serviceAccountName).toBe('kiteclass-frontend');
    const egress = findObject(objects, 'NetworkPolicy', 'kiteclass-frontend-netpol').spec.egress;
    expect(egress.flatMap((r: any) => r.ports.map((p: any) => p.port))).toEqual([53, 53]);
  });
});
