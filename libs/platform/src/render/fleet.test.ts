/**
 * More than one cluster per environment (issue 11 item 3), shown with a fixture rather than by
 * copying production: a system on two clusters of different regions gets per-cluster values
 * where its objects differ, one folder where they do not, and its stateful singletons once.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject } from 'cdk8s';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clusterCertificate } from '../values/environment';
import { renderServices } from './render';
import { defineService, defineSystem } from '../constructs/service';

const shop = defineSystem({ name: 'shop', environments: ['staging'], values: z.strictObject({ namespace: z.string() }), namespace: (v) => v.namespace });

/** Uses cluster facts: its objects differ per cluster. */
const web = defineService({
  system: shop, name: 'web',
  render(chart, ctx) {
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { region: ctx.cluster.region, certificate: clusterCertificate(ctx.env, ctx.cluster, ctx.system) } });
  },
});
/** The same objects on every cluster: one folder for all. */
const docs = defineService({
  system: shop, name: 'docs',
  render(chart) {
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'docs' }, data: { a: 'b' } });
  },
});
/** A database (a StatefulSet claiming a volume) and a backup schedule: singletons. */
const db = defineService({
  system: shop, name: 'db',
  render(chart) {
    new ApiObject(chart, 'sts', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } });
    new ApiObject(chart, 'schedule', { apiVersion: 'velero.io/v1', kind: 'Schedule', metadata: { name: 'db-daily' }, spec: { schedule: '0 2 * * *' } });
    new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { ports: [{ port: 5432 }] } });
  },
});

const ENVIRONMENT = `name: staging
awsAccountId: "111122223333"
awsRegion: ap-southeast-1
clusters:
  - name: shop-sg
    server: https://sg.example.com
    accountId: "111122223333"
    region: ap-southeast-1
    kubernetesVersion: "1.32"
    network: { vpcId: vpc-0123456789abcdef0, vpcCidr: 10.1.0.0/16, loadBalancerSubnets: [10.1.1.0/24] }
    certificates: { shop: "arn:aws:acm:ap-southeast-1:111122223333:certificate/00000000-0000-4000-8000-000000000001" }
  - name: shop-us
    server: https://us.example.com
    accountId: "111122223333"
    region: us-east-1
    kubernetesVersion: "1.33"
    network: { vpcId: vpc-0123456789abcdef0, vpcCidr: 10.2.0.0/16, loadBalancerSubnets: [10.2.1.0/24] }
    certificates: { shop: "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-4000-8000-000000000002" }
systems:
  shop:
    clusters: [shop-sg, shop-us]
    singletons: { clusters: [shop-us] }
`;

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));
function workspace(environment: string): string {
  const root = mkdtempSync(join(tmpdir(), 'fleet-'));
  roots.push(root);
  mkdirSync(join(root, 'environments/staging'), { recursive: true });
  writeFileSync(join(root, 'environments/staging/environment.yaml'), environment);
  writeFileSync(join(root, 'environments/staging/shop.yaml'), 'namespace: shop\n');
  return root;
}

describe('a system on two clusters of different regions', () => {
  it('renders a folder per cluster where objects differ, one folder where they do not, and its singletons on one cluster', () => {
    const leaves = renderServices([web, docs, db], { root: workspace(ENVIRONMENT) });
    const summary = leaves.map((l) => ({ path: l.path, clusters: l.clusters, objects: l.objects.map((o) => `${o.kind}/${o.metadata.name}`) }));
    expect(summary).toEqual([
      { path: 'staging/shop/web/shop-sg', clusters: ['shop-sg'], objects: ['ConfigMap/web'] },
      { path: 'staging/shop/web/shop-us', clusters: ['shop-us'], objects: ['ConfigMap/web'] },
      { path: 'staging/shop/docs', clusters: ['shop-sg', 'shop-us'], objects: ['ConfigMap/docs'] },
      // the Service is everywhere; the database and its backups only on the singleton cluster
      { path: 'staging/shop/db/shop-sg', clusters: ['shop-sg'], objects: ['Service/db'] },
      { path: 'staging/shop/db/shop-us', clusters: ['shop-us'], objects: ['StatefulSet/db', 'Schedule/db-daily', 'Service/db'] },
    ]);
    // per-cluster values: each cluster's region and its own region's certificate
    const data = (path: string) => leaves.find((l) => l.path === path)!.objects[0].data as Record<string, string>;
    expect(data('staging/shop/web/shop-sg')).toEqual({ region: 'ap-southeast-1', certificate: expect.stringMatching(/^arn:aws:acm:ap-southeast-1:/) });
    expect(data('staging/shop/web/shop-us')).toEqual({ region: 'us-east-1', certificate: expect.stringMatching(/^arn:aws:acm:us-east-1:/) });
  });

  it('places the singletons on the first cluster when the system runs on one only', () => {
    const one = ENVIRONMENT.replace('clusters: [shop-sg, shop-us]\n    singletons: { clusters: [shop-us] }', 'clusters: [shop-us]');
    const leaves = renderServices([db], { root: workspace(one) });
    expect(leaves.map((l) => [l.path, l.clusters, l.objects.length])).toEqual([['staging/shop/db', ['shop-us'], 3]]);
  });

  it('replicated singletons (the system says how) render on each of their clusters', () => {
    const replicated = ENVIRONMENT.replace('singletons: { clusters: [shop-us] }', 'singletons: { clusters: [shop-sg, shop-us], replication: "PostgreSQL logical replication, both writable by shard" }');
    const leaves = renderServices([db], { root: workspace(replicated) });
    expect(leaves.map((l) => [l.path, l.clusters, l.objects.length])).toEqual([['staging/shop/db', ['shop-sg', 'shop-us'], 3]]);
  });

  it('stops with a clear line when a cluster lacks the certificate a system needs there', () => {
    const missing = ENVIRONMENT.replace('    certificates: { shop: "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-4000-8000-000000000002" }\n', '');
    expect(() => renderServices([web], { root: workspace(missing) })).toThrow('environments/staging/environment.yaml: clusters.shop-us.certificates.shop: missing; shop terminates TLS on its load balancer there, so the cluster must name an ACM certificate of its region (us-east-1)');
  });
});
