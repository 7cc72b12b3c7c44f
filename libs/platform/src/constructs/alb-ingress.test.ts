/**
 * AlbIngress writes what the AWS Load Balancer Controller reads: numeric servicePorts (a string is
 * a port NAME, pkg/ingress/config_types.go TargetGroupTuple.ServicePort), one action per split
 * (two paths never share a name with different splits), and no Ingress-wide health check.
 */
import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AlbIngress, type AlbRule } from './alb-ingress';

function render(rules: AlbRule[]): any {
  const chart = new Chart(new App(), 'test');
  new AlbIngress(chart, 'Ingress', { name: 'web', certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/x', rules });
  return chart.toJson()[0];
}
const split = (first: string, second: string, canary: number) => [
  { service: first, port: 8080, weight: 100 - canary },
  { service: second, port: 8080, weight: canary },
];

describe('AlbIngress', () => {
  it('writes weighted target groups with servicePort as a number', () => {
    const ingress = render([{ host: 'a.example.com', paths: [{ path: '/', weighted: split('core', 'core-canary', 10) }] }]);
    const action = JSON.parse(ingress.metadata.annotations['alb.ingress.kubernetes.io/actions.core-weighted']);
    expect(action.forwardConfig.targetGroups.map((t: any) => t.servicePort)).toEqual([8080, 8080]);
    expect(ingress.metadata.annotations).not.toHaveProperty('alb.ingress.kubernetes.io/healthcheck-path');
  });

  it('refuses two paths whose different splits would share one action name, and takes a name for each', () => {
    const twoPaths = (second?: string) => [{
      host: 'a.example.com',
      paths: [
        { path: '/a', weighted: split('core', 'core-canary', 10) },
        { path: '/b', weighted: split('core', 'core-next', 20), action: second },
      ],
    }];
    expect(() => render(twoPaths())).toThrow("AlbIngress web: path a.example.com/b: action 'core-weighted' is already another path's; give this path its own 'action' name");
    const ingress = render(twoPaths('core-next-weighted'));
    expect(ingress.spec.rules[0].http.paths.map((p: any) => p.backend.service.name)).toEqual(['core-weighted', 'core-next-weighted']);
    // the same split on two paths may share its action
    expect(() => render([{ host: 'a.example.com', paths: [{ path: '/a', weighted: split('core', 'c', 10) }, { path: '/b', weighted: split('core', 'c', 10) }] }])).not.toThrow();
  });

  it('answers a path at the load balancer with a fixed response', () => {
    const ingress = render([{ host: 'a.example.com', paths: [{ path: '/metrics', fixedResponse: { statusCode: 404 } }, { path: '/', service: 'web', port: 80 }] }]);
    expect(JSON.parse(ingress.metadata.annotations['alb.ingress.kubernetes.io/actions.fixed-response-404'])).toEqual({
      type: 'fixed-response', fixedResponseConfig: { contentType: 'text/plain', statusCode: '404' },
    });
    expect(ingress.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'fixed-response-404', port: { name: 'use-annotation' } } });
  });
});
