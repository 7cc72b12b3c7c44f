/**
 * The fleet rules over dist/ (checks/fleet.ts): regional ARNs in their clusters' region, stateful
 * singletons on one cluster, no NetworkPolicy admitting a whole VPC. Expected values come from
 * environments/ and dist/ as they are, never from today's clusters or ARNs.
 */
import { describe, expect, it } from 'vitest';
import { singletonReason, systemClusters, type Environment } from '@gitops/platform';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { readManifests, type Manifest } from './manifests';
import { checkPolicies, formatViolation } from './policy';
import { loadFleet } from './validate';

const FLEET_RULES = ['regional-arn', 'singleton-one-cluster', 'no-vpc-ingress', 'one-csi-installer', 'no-node-pod-ipblock', 'lb-subnets'];
const fleet = loadFleet(WORKSPACE_ROOT);
const manifests = await readManifests(WORKSPACE_ROOT, ['dist']);
const fleetViolations = (ms: Manifest[], f: ReadonlyMap<string, Environment> = fleet) =>
  checkPolicies(ms, f).violations.filter((v) => FLEET_RULES.includes(v.rule)).map(formatViolation);
const clone = (ms: Manifest[]) => ms.map((m) => ({ ...m, object: structuredClone(m.object) }));

describe('the fleet rules', () => {
  it('hold for dist/ as rendered, and had something to check', () => {
    expect(fleetViolations(manifests)).toEqual([]);
    expect(manifests.some((m) => JSON.stringify(m.object).includes('arn:aws:acm:'))).toBe(true);
    expect(manifests.some((m) => singletonReason(m.object))).toBe(true);
    expect(manifests.some((m) => m.object.kind === 'NetworkPolicy' && (m.object.spec?.ingress ?? []).some((r: any) => (r.from ?? []).some((p: any) => p.ipBlock)))).toBe(true);
  });

  it('refuse a NetworkPolicy that admits the whole VPC of its cluster', () => {
    const copy = clone(manifests);
    const m = copy.find((x) => x.object.kind === 'NetworkPolicy' && (x.object.spec?.ingress ?? []).some((r: any) => (r.from ?? []).some((p: any) => p.ipBlock)))!;
    const [, env, system] = m.file.split('/');
    const [cluster] = systemClusters(fleet.get(env)!, system)!;
    const rule = m.object.spec.ingress.findIndex((r: any) => (r.from ?? []).some((p: any) => p.ipBlock));
    m.object.spec.ingress[rule].from = [{ ipBlock: { cidr: cluster.network.vpcCidr } }];
    // (it contains the node subnets too: no-node-pod-ipblock, below)
    expect(fleetViolations(copy).filter((l) => l.includes('[no-vpc-ingress]'))).toEqual([
      `${m.file}: NetworkPolicy ${m.object.metadata.name}: [no-vpc-ingress] spec.ingress[${rule}].from[0].ipBlock.cidr ${cluster.network.vpcCidr} admits the whole VPC ${cluster.network.vpcCidr} of ${cluster.name} (every pod has a VPC address); admit its load-balancer subnets (${cluster.network.loadBalancerSubnets.join(', ')})`,
    ]);
  });

  it('refuse a regional ARN outside the region of the cluster its folder is synced to', () => {
    const copy = clone(manifests);
    const m = copy.find((x) => JSON.stringify(x.object).includes('arn:aws:acm:'))!;
    const [, env, system] = m.file.split('/');
    const [cluster] = systemClusters(fleet.get(env)!, system)!;
    const other = cluster.region === 'eu-west-1' ? 'eu-central-1' : 'eu-west-1';
    const moved = JSON.parse(JSON.stringify(m.object).replaceAll(`arn:aws:acm:${cluster.region}:`, `arn:aws:acm:${other}:`));
    m.object = moved;
    const lines = fleetViolations(copy);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${m.file}: ${m.object.kind} ${m.object.metadata.name}: [regional-arn] `);
    expect(lines[0]).toContain(`is in ${other}, but the folder is synced to ${cluster.name} (${cluster.region})`);
  });

  it('refuse a stateful singleton whose folder goes to two clusters of one environment', () => {
    // GIVEN a system with a singleton placed (by hand, past the schema) on two clusters with one folder for both
    const m = manifests.find((x) => singletonReason(x.object))!;
    const [, env, system] = m.file.split('/');
    const environment = fleet.get(env)!;
    const second = environment.clusters.find((c) => !environment.systems[system].clusters.includes(c.name))!;
    const widened: Environment = { ...environment, systems: { ...environment.systems, [system]: { clusters: [...environment.systems[system].clusters, second.name], singletons: { clusters: environment.systems[system].clusters } } } };
    const lines = fleetViolations(manifests, new Map([...fleet, [env, widened]]));
    expect(lines).toContain(`${m.file}: ${m.object.kind} ${m.object.metadata.name}: [singleton-one-cluster] ${singletonReason(m.object)} is synced to 2 clusters of ${env} (${[...environment.systems[system].clusters, second.name].sort().join(', ')}); place it on one (environment.yaml systems.${system}.singletons)`);
  });
});

describe('the fleet rules on accounts', () => {
  it('refuse an ARN of another account than the cluster its folder is synced to (an IRSA role ARN)', () => {
    const copy = clone(manifests);
    const m = copy.find((x) => JSON.stringify(x.object).includes('arn:aws:iam::'))!;
    const [, env, system] = m.file.split('/');
    const [cluster] = systemClusters(fleet.get(env)!, system)!;
    const other = cluster.accountId === '000000000000' ? '000000000001' : '000000000000';
    m.object = JSON.parse(JSON.stringify(m.object).replaceAll(`arn:aws:iam::${cluster.accountId}:`, `arn:aws:iam::${other}:`));
    const lines = fleetViolations(copy);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`is in account ${other}, but the folder is synced to ${cluster.name} (account ${cluster.accountId})`);
  });
});

describe('no NetworkPolicy ipBlock contains node or pod subnets (issue 22)', () => {
  const django = manifests.find((m) => m.file === 'dist/production/django/django-app/NetworkPolicy.django-app-netpol.yaml')!;
  const cluster = systemClusters(fleet.get('production')!, 'django')![0];

  it("refuses Django's NLB ingress as the document placed it: its load-balancer subnets were its node subnets", () => {
    const copy = clone([django]);
    copy[0].object.spec.ingress[0].from = cluster.network.nodeSubnets!.map((cidr) => ({ ipBlock: { cidr } }));
    expect(fleetViolations(copy)).toEqual(cluster.network.nodeSubnets!.map((cidr, j) =>
      `${django.file}: NetworkPolicy django-app-netpol: [no-node-pod-ipblock] spec.ingress[0].from[${j}].ipBlock.cidr ${cidr} contains node or pod subnets of ${cluster.name} (${cidr}): every pod there has such an address, so the block admits them past their own policies`));
  });

  it('refuses egress to the whole VPC, accepts it with the node and pod subnets excepted, and leaves 0.0.0.0/0 egress to the internet', () => {
    const copy = clone([django]);
    copy[0].object.spec.egress = [{ to: [{ ipBlock: { cidr: cluster.network.vpcCidr } }], ports: [{ port: 5432 }] }];
    expect(fleetViolations(copy)).toHaveLength(1);
    copy[0].object.spec.egress = [{ to: [{ ipBlock: { cidr: cluster.network.vpcCidr, except: cluster.network.nodeSubnets } }], ports: [{ port: 5432 }] }];
    expect(fleetViolations(copy)).toEqual([]);
    copy[0].object.spec.egress = [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }];
    expect(fleetViolations(copy)).toEqual([]);
  });
});

describe('every ALB and NLB has subnets of its cluster, which its pods admit (issue 22 minor: the internal ALB)', () => {
  const isLb = (m: Manifest) => (m.object.kind === 'Ingress' && m.object.spec?.ingressClassName === 'alb') || (m.object.kind === 'Service' && m.object.spec?.type === 'LoadBalancer');
  const core = (ms: Manifest[]) => ms.find((m) => m.file.startsWith('dist/production/kiteclass/kiteclass-core/') && m.object.kind === 'Ingress')!;

  it('checks every ALB and NLB of dist/, internal and internet-facing', () => {
    const schemes = manifests.filter(isLb).map((m) => m.object.metadata.annotations?.['alb.ingress.kubernetes.io/scheme'] ?? m.object.metadata.annotations?.['service.beta.kubernetes.io/aws-load-balancer-scheme']);
    expect(new Set(schemes)).toEqual(new Set(['internal', 'internet-facing']));
    expect(core(manifests).object.metadata.annotations?.['alb.ingress.kubernetes.io/scheme']).toBe('internal');
  });

  it("refuses kiteclass-core's internal ALB when its pods admit the internet-facing subnets (as rendered before)", () => {
    // GIVEN kiteclass-core's NetworkPolicies admitting the cluster's internet-facing load-balancer subnets
    const copy = clone(manifests);
    const cluster = fleet.get('production')!.clusters.find((c) => c.name === 'kiteclass-production')!;
    for (const np of copy.filter((m) => m.file.startsWith('dist/production/kiteclass/kiteclass-core/') && m.object.kind === 'NetworkPolicy')) {
      np.object.spec.ingress[0].from = cluster.network.loadBalancerSubnets.map((cidr) => ({ ipBlock: { cidr } }));
    }
    // THEN the internal ALB is refused for each of its two target groups
    const internal = cluster.network.internalLoadBalancerSubnets!.join(', ');
    expect(fleetViolations(copy)).toEqual(['kiteclass-core', 'kiteclass-core-canary'].map((service) =>
      `${core(copy).file}: Ingress kiteclass-core-ingress: [lb-subnets] a internal ALB on kiteclass-production sends to Service ${service} port 8081 from kiteclass-production's internalLoadBalancerSubnets (${internal}), but NetworkPolicy ${service}-netpol, default-deny of its pods does not admit ${internal}: admit loadBalancerIngress(cluster, ports, 'internal')`));
  });

  it('refuses an internal ALB on a cluster that names no internal load-balancer subnets', () => {
    // GIVEN production's fleet without kiteclass-production's internal subnets
    const env = fleet.get('production')!;
    const without = new Map(fleet).set('production', { ...env, clusters: env.clusters.map((c) => (c.name === 'kiteclass-production' ? { ...c, network: { ...c.network, internalLoadBalancerSubnets: undefined } } : c)) });
    expect(fleetViolations(manifests, without)).toEqual([
      `${core(manifests).file}: Ingress kiteclass-core-ingress: [lb-subnets] a internal ALB on kiteclass-production, which names no network.internalLoadBalancerSubnets (the subnets tagged kubernetes.io/role/internal-elb where the controller places it): name them in its environment.yaml`,
    ]);
  });
});

describe('one installer per CSI driver (issue 22 major 8)', () => {
  const ebsChart = manifests.find((m) => m.object.kind === 'Application' && m.object.spec?.source?.chart === 'aws-ebs-csi-driver')!;
  const [, env] = ebsChart.file.split('/');
  const environment = fleet.get(env)!;
  const cluster = environment.clusters.find((c) => c.server === ebsChart.object.spec.destination.server)!;

  it('refuses the chart on a cluster whose EKS-managed add-ons install the same driver (the document\'s Terraform)', () => {
    // GIVEN the fleet fact as QuizMentor's Terraform has it: cluster_addons with aws-ebs-csi-driver
    const terraform: Environment = { ...environment, clusters: environment.clusters.map((c) => (c === cluster ? { ...c, eksAddons: [...c.eksAddons, 'aws-ebs-csi-driver'] } : c)) };
    // THEN
    expect(fleetViolations(manifests, new Map([...fleet, [env, terraform]]))).toEqual([
      `${ebsChart.file}: Application ${ebsChart.object.metadata.name}: [one-csi-installer] chart aws-ebs-csi-driver installs ebs.csi.aws.com on ${cluster.name}, whose EKS-managed add-on aws-ebs-csi-driver installs it too (environments/${env}/environment.yaml clusters.${cluster.name}.eksAddons): one installer per driver`,
    ]);
  });

  it('refuses two chart installers of one driver on one cluster', () => {
    const second: Manifest = { ...ebsChart, file: ebsChart.file.replace('Application.', 'Application.second-'), object: { ...structuredClone(ebsChart.object), metadata: { ...ebsChart.object.metadata, name: 'second' } } };
    expect(fleetViolations([...manifests, second])).toEqual([
      `${second.file}: Application second: [one-csi-installer] installs ebs.csi.aws.com on ${cluster.name}, which ${ebsChart.file} installs too: one installer per driver`,
    ]);
  });
});

describe('ownership with per-cluster folders', () => {
  const cm = (file: string): Manifest => ({ file, env: 'staging', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'shop' }, data: {} } as any });
  const unique = (ms: Manifest[]) => checkPolicies(ms).violations.filter((v) => v.rule === 'unique-object').map((v) => v.file);

  it("counts a service's per-cluster copies of one object once (each goes to its own cluster)", () => {
    expect(unique([cm('dist/staging/shop/web/shop-sg/ConfigMap.web.yaml'), cm('dist/staging/shop/web/shop-us/ConfigMap.web.yaml')])).toEqual([]);
  });

  it('still refuses one object from two services', () => {
    expect(unique([cm('dist/staging/shop/web/ConfigMap.web.yaml'), cm('dist/staging/shop/api/ConfigMap.web.yaml')])).not.toEqual([]);
  });
});
