import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { diffTrees } from './diff';
import { cidrContains } from './risk';

const file = (obj: Record<string, any>) => `# Rendered from test\n${stringify(obj)}`;
const risksOf = (path: string, before: Record<string, any>, after: Record<string, any>) =>
  diffTrees(new Map([[path, file(before)]]), new Map([[path, file(after)]])).risks.map((r) => `${r.kind} ${r.where}: ${r.message}`);

const netpol = (spec: Record<string, any>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-netpol' }, spec });
const NP = 'production/shop/web/NetworkPolicy.web-netpol.yaml';
const baseSpec = {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [{ from: [{ podSelector: { matchLabels: { app: 'gateway' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
  egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
};
const withSpec = (f: (s: any) => void) => {
  const s = structuredClone(baseSpec);
  f(s);
  return netpol(s);
};

describe('risky changes', () => {
  it('a deletion in production is risky; in staging it is not', () => {
    const obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } };
    const tree = (env: string) => new Map([[`${env}/shop/web/Service.web.yaml`, file(obj)], ...Array.from({ length: 9 }, (_, i) => [`${env}/shop/web/ConfigMap.c${i}.yaml`, file({ kind: 'ConfigMap' })] as [string, string])]);
    const drop = (t: Map<string, string>, env: string) => new Map([...t].filter(([p]) => p !== `${env}/shop/web/Service.web.yaml`));
    expect(diffTrees(tree('production'), drop(tree('production'), 'production')).risks.map((r) => `${r.kind} ${r.where}: ${r.message}`)).toEqual([
      'production-deletion production/shop/web Service web: deleted in production',
    ]);
    expect(diffTrees(tree('staging'), drop(tree('staging'), 'staging')).risks).toEqual([]);
  });

  it('an environment losing more than 20% of its objects is risky', () => {
    const base = new Map(Array.from({ length: 10 }, (_, i) => [`staging/shop/web/ConfigMap.c${i}.yaml`, file({ kind: 'ConfigMap' })] as [string, string]));
    const lose = (n: number) => new Map([...base].slice(n));
    expect(diffTrees(base, lose(2)).risks).toEqual([]);
    expect(diffTrees(base, lose(3)).risks.map((r) => `${r.kind} ${r.where}: ${r.message}`)).toEqual(['env-loss staging: loses 3 of 10 objects (30%, more than 20%)']);
  });

  it('lowered HPA minReplicas and Deployment replicas are risky; raised ones are not', () => {
    const hpa = (min: number) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web-hpa' }, spec: { minReplicas: min, maxReplicas: 10 } });
    const path = 'staging/shop/web/HorizontalPodAutoscaler.web-hpa.yaml';
    expect(risksOf(path, hpa(3), hpa(2))).toEqual(['replicas-lowered staging/shop/web HorizontalPodAutoscaler web-hpa: spec.minReplicas lowered 3 -> 2']);
    expect(risksOf(path, hpa(2), hpa(3))).toEqual([]);
    const dep = (replicas: number) => ({ kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas } });
    expect(risksOf('staging/shop/web/Deployment.web.yaml', dep(2), dep(1))).toEqual(['replicas-lowered staging/shop/web Deployment web: spec.replicas lowered 2 -> 1']);
  });

  it('a changed image is risky, naming the container and both images', () => {
    const dep = (image: string) => ({
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { initContainers: [{ name: 'migrate', image: 'r/migrate:1' }], containers: [{ name: 'web', image }] } } },
    });
    expect(risksOf('production/shop/web/Deployment.web.yaml', dep('r/web:1111aaaa'), dep('r/web:2222bbbb'))).toEqual([
      'image-changed production/shop/web Deployment web: image of web r/web:1111aaaa -> r/web:2222bbbb',
    ]);
    expect(risksOf('production/shop/web/Deployment.web.yaml', { ...dep('r/web:1'), metadata: { name: 'web', labels: { a: 'b' } } }, dep('r/web:1'))).toEqual([]);
  });

  it('a NetworkPolicy with an added rule, an added peer, a broader ipBlock or an emptied podSelector is widened', () => {
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => s.ingress.push({ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] })))).toEqual([
      'network-policy-widened production/shop/web NetworkPolicy web-netpol: ingress[1] rule added: {"from":[{"namespaceSelector":{"matchLabels":{"team":"ops"}}}]}',
    ]);
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => s.ingress[0].from.push({ podSelector: { matchLabels: { app: 'admin' } } })))).toEqual([
      'network-policy-widened production/shop/web NetworkPolicy web-netpol: ingress[0].from[1] peer added: {"podSelector":{"matchLabels":{"app":"admin"}}}',
    ]);
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => (s.egress[0].to[0].ipBlock.cidr = '10.0.0.0/8')))).toEqual([
      'network-policy-widened production/shop/web NetworkPolicy web-netpol: egress[0].to[0].ipBlock broadened {"cidr":"10.20.0.0/16"} -> {"cidr":"10.0.0.0/8"}',
    ]);
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => (s.ingress[0].from[0].podSelector = {})))).toEqual([
      'network-policy-widened production/shop/web NetworkPolicy web-netpol: ingress[0].from[0].podSelector emptied: allows every pod of the selected namespaces',
    ]);
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => (s.podSelector = {})))).toEqual([
      'network-policy-widened production/shop/web NetworkPolicy web-netpol: spec.podSelector emptied: the policy now applies to every pod of the namespace',
    ]);
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => delete s.ingress[0].ports))).toEqual([
      'network-policy-widened production/shop/web NetworkPolicy web-netpol: ingress[0].ports removed: allows every port',
    ]);
  });

  it('a NetworkPolicy narrowed or reordered is not widened', () => {
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => (s.egress[0].to[0].ipBlock.cidr = '10.20.1.0/24')))).toEqual([]);
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => (s.ingress[0].from[0].podSelector.matchLabels.tier = 'front')))).toEqual([]);
    expect(risksOf(NP, netpol(baseSpec), withSpec((s) => s.ingress.pop()))).toEqual([]);
    const two = withSpec((s) => s.ingress.push({ from: [{ podSelector: { matchLabels: { app: 'admin' } } }], ports: [{ port: 9090, protocol: 'TCP' }] }));
    const swapped = structuredClone(two);
    swapped.spec.ingress.reverse();
    expect(risksOf(NP, two, swapped)).toEqual([]);
  });

  it('a Role or ClusterRole granting more is widened; one granting the same or less is not', () => {
    const role = (rules: unknown[]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules });
    const read = { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] };
    const path = 'staging/shop/web/Role.reader.yaml';
    expect(risksOf(path, role([read]), role([read, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]))).toEqual([
      'rbac-widened staging/shop/web Role reader: rules[1] added: {"apiGroups":[""],"resources":["secrets"],"verbs":["get"]}',
    ]);
    expect(risksOf(path, role([read]), role([{ ...read, verbs: ['get', 'list', 'delete'] }]))).toEqual([
      'rbac-widened staging/shop/web Role reader: rules[0] widened: {"apiGroups":[""],"resources":["configmaps"],"verbs":["get","list","delete"]}',
    ]);
    expect(risksOf(path, role([read]), role([{ ...read, verbs: ['get'] }]))).toEqual([]);
    expect(risksOf(path, role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]), role([read]))).toEqual([]);
  });

  it('compares CIDRs by containment', () => {
    expect(cidrContains('10.0.0.0/8', '10.20.0.0/16')).toBe(true);
    expect(cidrContains('10.20.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(cidrContains('0.0.0.0/0', '192.168.1.0/24')).toBe(true);
    expect(cidrContains('10.20.0.0/16', '10.21.0.0/24')).toBe(false);
  });
});
