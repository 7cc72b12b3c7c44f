/** The NetworkPolicy rules built from cluster facts: Prometheus's namespace and the load balancers' subnets. */
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../values/environment';
import { loadBalancerIngress, prometheusIngress } from './network-policy';

const cluster = (monitoring?: Cluster['monitoring']): Cluster => ({
  name: 'c1', server: 'https://c1.example.com', accountId: '111122223333', region: 'us-east-1', kubernetesVersion: '1.32',
  network: { vpcId: 'vpc-0123456789abcdef0', vpcCidr: '10.1.0.0/16', loadBalancerSubnets: ['10.1.1.0/24', '10.1.2.0/24'] },
  ...(monitoring ? { monitoring } : {}),
}) as Cluster;

describe('rules from cluster facts', () => {
  it('admits Prometheus from the namespace the cluster says it runs in', () => {
    expect(prometheusIngress(cluster({ namespace: 'observability', selectorLabels: { release: 'prom' } }), [{ port: 9090 }]))
      .toEqual({ peers: [{ namespace: 'observability' }], ports: [{ port: 9090 }] });
  });

  it('admits load-balancer traffic from the load-balancer subnets only, never the whole VPC', () => {
    const rule = loadBalancerIngress(cluster(), [{ port: 8080 }]);
    expect(rule.peers).toEqual([{ cidr: '10.1.1.0/24' }, { cidr: '10.1.2.0/24' }]);
    expect(rule.peers).not.toContainEqual({ cidr: '10.1.0.0/16' });
  });
});
