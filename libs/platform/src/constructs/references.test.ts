/**
 * References between objects are constructs (issue 15 item 3): a budget, a network policy and a
 * Service take the workload they point at, an Ingress path the Service, so a wrong reference
 * fails when the code runs, not after rendering.
 */
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AlbIngress } from './alb-ingress';
import { AppService } from './app-service';
import { DisruptionBudget } from './disruption-budget';
import { WorkloadNetworkPolicy } from './network-policy';
import { SecureDeployment } from './secure-deployment';

const deployment = (chart: any, name: string, app = name) => new SecureDeployment(chart, name, {
  name, app, repository: 'r/web', tag: '1', component: 'backend', system: 'shop', ports: [{ name: 'http', containerPort: 8080 }],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
});
const kind = (objects: any[], k: string) => objects.filter((o) => o.kind === k);

describe('references as constructs', () => {
  it('select the pods of the workload they are given, by its app label', () => {
    const chart = Testing.chart();
    const web = deployment(chart, 'web');
    const canary = deployment(chart, 'web-v2', 'web');
    const service = new AppService(chart, 'Service', { name: 'web', target: web, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    new DisruptionBudget(chart, 'Budget', { targets: [web, canary], minPods: 3 });
    new WorkloadNetworkPolicy(chart, 'Policy', { target: web });
    new AlbIngress(chart, 'Ingress', { name: 'web', certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/x', rules: [{ host: 'web.example.com', paths: [{ path: '/', service, port: 80 }] }] });
    const objects = Testing.synth(chart);
    expect(kind(objects, 'Service')[0].spec.selector).toEqual({ app: 'web' });
    expect(kind(objects, 'PodDisruptionBudget')[0]).toMatchObject({ metadata: { name: 'web-pdb' }, spec: { selector: { matchLabels: { app: 'web' } } } });
    expect(kind(objects, 'NetworkPolicy')[0]).toMatchObject({ metadata: { name: 'web-netpol' }, spec: { podSelector: { matchLabels: { app: 'web' } } } });
    expect(kind(objects, 'Ingress')[0].spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'web', port: { number: 80 } } });
  });

  it('refuse a budget over workloads of different apps, or none', () => {
    const chart = Testing.chart();
    const [a, b] = [deployment(chart, 'a'), deployment(chart, 'b')];
    expect(() => new DisruptionBudget(chart, 'AB', { targets: [a, b], minPods: 2 })).toThrow("DisruptionBudget : 'targets' must be workloads of one app label (got a, b)");
    expect(() => new DisruptionBudget(chart, 'None', { targets: [], minPods: 2 })).toThrow("'targets' must be workloads of one app label (got none)");
  });

  it('take a label only for pods another library renders, never both or neither', () => {
    const chart = Testing.chart();
    const web = deployment(chart, 'web');
    expect(() => new WorkloadNetworkPolicy(chart, 'Both', { target: web, app: 'web' })).toThrow("WorkloadNetworkPolicy Both: give exactly one of 'target' and 'app'");
    expect(() => new WorkloadNetworkPolicy(chart, 'Neither', {})).toThrow("WorkloadNetworkPolicy Neither: give exactly one of 'target' and 'app'");
    expect(() => new AppService(chart, 'S', { name: 's', ports: [] })).toThrow("AppService s: give exactly one of 'target' and 'app'");
  });

  it('refuse an Ingress path to a port the Service does not have', () => {
    const chart = Testing.chart();
    const service = new AppService(chart, 'Service', { name: 'web', target: deployment(chart, 'web'), ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    expect(() => new AlbIngress(chart, 'Ingress', { name: 'web', certificateArn: 'arn:x', rules: [{ host: 'h', paths: [{ path: '/', service, port: 8080 }] }] }))
      .toThrow('AlbIngress web: path / sends traffic to port 8080 of Service web, which listens on 80');
    expect(() => new AlbIngress(chart, 'Weighted', { name: 'split', certificateArn: 'arn:x', rules: [{ host: 'h', paths: [{ path: '/', weighted: [{ service, port: 81, weight: 1 }] }] }] }))
      .toThrow('AlbIngress split: path / sends traffic to port 81 of Service web, which listens on 80');
  });
});
