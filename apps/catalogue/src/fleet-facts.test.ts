/**
 * The fleet as the documents describe it (issue 11, Must show): environments/ names every cluster
 * the documents name, with region, network and version; no system value repeats a cluster fact.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENTS, type Cluster } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';

const fleet = ENVIRONMENTS.map((env) => loadEnvironment(env, WORKSPACE_ROOT));
const clusters = fleet.flatMap((e) => e.clusters.map((c) => ({ env: e.name, ...c })));

/** What the seed documents say about their clusters (../shared/seeds; DESIGN.md "The fleet"). */
const DOCUMENTED: { name: string; region: string; env: string }[] = [
  { name: 'kiteclass-staging', region: 'ap-southeast-1', env: 'staging' }, // 000: aws eks update-kubeconfig --name kiteclass-staging --region ap-southeast-1
  { name: 'kiteclass-production', region: 'ap-southeast-1', env: 'production' }, // 000
  { name: 'quizmentor-prod', region: 'us-east-1', env: 'production' }, // 001: Terraform cluster_name, provider region
  { name: 'demo-eks-dev', region: 'us-west-2', env: 'development' }, // 002: aws eks update-kubeconfig --region us-west-2 --name demo-eks-dev
];

describe('environments/ as the documents describe the clusters', () => {
  it.each(DOCUMENTED)('names $name in $region ($env)', ({ name, region, env }) => {
    const c = clusters.find((x) => x.name === name);
    expect(c, name).toBeDefined();
    expect([c!.env, c!.region]).toEqual([env, region]);
    expect(c!.network.loadBalancerSubnets.length).toBeGreaterThan(0);
    expect(c!.kubernetesVersion).toMatch(/^1\.\d+$/);
  });

  it("gives Django's clusters the document's VPC, node subnets (its public subnets) and RDS subnets (seed 003), and its NLB subnets of its own", () => {
    const django = fleet.flatMap((e) => e.systems.django?.clusters.map((n) => e.clusters.find((c) => c.name === n)!) ?? []);
    expect(django.length).toBe(fleet.filter((e) => e.systems.django).length);
    for (const c of django) {
      // the NLB beside the nodes made the NetworkPolicy admit every pod (issue 22): its own subnets, in the VPC
      expect(c.network).toEqual({
        vpcId: c.network.vpcId, vpcCidr: '10.0.0.0/16', nodeSubnets: ['10.0.1.0/24', '10.0.2.0/24', '10.0.3.0/24'],
        loadBalancerSubnets: ['10.0.7.0/28', '10.0.7.16/28', '10.0.7.32/28'], databaseSubnets: ['10.0.4.0/24', '10.0.5.0/24', '10.0.6.0/24'],
      });
    }
  });

  it('names the node subnets of every cluster, apart from its load-balancer subnets (no-node-pod-ipblock judges every cluster)', () => {
    for (const c of clusters) {
      expect(c.network.nodeSubnets?.length, c.name).toBeGreaterThan(0);
      expect(c.network.loadBalancerSubnets.filter((s) => c.network.nodeSubnets!.includes(s)), c.name).toEqual([]);
    }
  });

  it('runs QuizMentor beside its documented cluster (staging in the same region) and the demo beside demo-eks-dev', () => {
    const regionOf = (env: string, system: string) => fleet.find((e) => e.name === env)!.systems[system].clusters.map((n) => clusters.find((c) => c.env === env && c.name === n)!.region);
    expect(regionOf('staging', 'quizmentor')).toEqual(['us-east-1']);
    expect(regionOf('staging', 'eks-demo')).toEqual(['us-west-2']);
    expect(regionOf('production', 'eks-demo')).toEqual(['us-west-2']);
  });
});

describe('system values', () => {
  /** Every cluster fact, as text: account, VPC and subnets, certificates, server. */
  const facts = (c: Cluster) => [c.accountId, c.server, c.network.vpcCidr, ...c.network.loadBalancerSubnets, ...c.network.databaseSubnets, ...Object.values(c.certificates)];

  it('repeat no cluster fact (account ids, VPC and subnet CIDRs, certificate ARNs, servers)', () => {
    const found: string[] = [];
    for (const env of fleet) {
      const dir = join(WORKSPACE_ROOT, 'environments', env.name);
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'environment.yaml')) {
        const strings: string[] = [];
        const walk = (v: unknown): void => {
          if (typeof v === 'string' || typeof v === 'number') strings.push(String(v));
          else if (v && typeof v === 'object') Object.values(v).forEach(walk);
        };
        walk(parse(readFileSync(join(dir, file), 'utf8')));
        for (const fact of env.clusters.flatMap(facts)) {
          for (const s of strings) if (s.includes(fact)) found.push(`environments/${env.name}/${file}: ${s} repeats ${fact}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});
