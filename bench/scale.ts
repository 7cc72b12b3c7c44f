/**
 * Renders a generated catalogue of N synthetic services × 3 environments in one process, then
 * generates argocd/ from the render (what `npm run synth` does, the files written remembered:
 * apps/argocd/src/dist-memo.ts), and prints one JSON line: {services, environments, objects, files,
 * ms, argocdMs, maxRssMiB}. Run by run.ts in a fresh process per size, so the memory figure is that
 * size's own peak. (The incremental path at scale, through Nx itself: nx-scale.ts.)
 *
 *   tsx bench/scale.ts <services> <work dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AppService, Autoscaler, defineService, defineSystem, DisruptionBudget, ENVIRONMENTS, IrsaServiceAccount, ResourcesSchema, SecureDeployment, WorkloadNetworkPolicy, imageTag } from '@gitops/platform';
import { renderServices, writeLeaves } from '@gitops/platform/render';
import { DIST_MEMO_FILE, DistMemo } from '../apps/argocd/src/dist-memo';
import { generateArgoCd } from '../apps/argocd/src/main';
import { distLeavesOf, type FileObject } from '../apps/argocd/src/tree';

const count = Number(process.argv[2]);
const work = process.argv[3];
if (!Number.isInteger(count) || count < 1 || !work) throw new Error('usage: tsx bench/scale.ts <services> <work dir>');

// A values file per environment, as a real system has: one entry per service.
const ServiceValues = z.strictObject({ tag: imageTag, replicas: z.number().int().min(1), resources: ResourcesSchema });
const system = defineSystem({
  name: 'synthetic',
  environments: ENVIRONMENTS,
  values: z.strictObject({ namespace: z.string(), services: z.record(z.string(), ServiceValues) }),
  namespace: (v) => v.namespace,
});
for (const env of ENVIRONMENTS) {
  mkdirSync(join(work, 'environments', env), { recursive: true });
  writeFileSync(join(work, 'environments', env, 'environment.yaml'),
    [`name: ${env}`, 'awsAccountId: "111122223333"', 'awsRegion: ap-southeast-1', 'clusters:',
      `  - name: ${env}-apse1`, '    server: https://example.gr7.ap-southeast-1.eks.amazonaws.com', '    accountId: "111122223333"',
      '    region: ap-southeast-1', '    kubernetesVersion: "1.32"',
      '    network: { vpcId: vpc-0123456789abcdef0, vpcCidr: 10.90.0.0/16, loadBalancerSubnets: [10.90.1.0/24] }',
      'systems:', `  synthetic: { clusters: [${env}-apse1] }`, ''].join('\n'));
  const lines = [`namespace: synthetic-${env}`, 'services:'];
  for (let i = 0; i < count; i++) {
    lines.push(`  svc-${i}:`, `    tag: 1.${i}.0`, `    replicas: ${env === 'production' ? 3 : 1}`,
      '    resources: { requests: { cpu: 100m, memory: 128Mi }, limits: { cpu: 500m, memory: 256Mi } }');
  }
  writeFileSync(join(work, 'environments', env, 'synthetic.yaml'), lines.join('\n') + '\n');
}
writeFileSync(join(work, 'environments/argocd.yaml'), 'repoURL: https://example.com/synthetic.git\ntargetRevision: main\n');

// Each service: what a typical service renders (6 objects), through the same constructs.
const services = Array.from({ length: count }, (_, i) => defineService({
  system,
  name: `svc-${i}`,
  render(chart, ctx) {
    const v = ctx.values.services[`svc-${i}`];
    const sa = new IrsaServiceAccount(chart, 'Sa', { name: `svc-${i}`, roleArn: `arn:aws:iam::111122223333:role/svc-${i}` });
    const d = new SecureDeployment(chart, 'Deployment', {
      name: `svc-${i}`, system: 'synthetic', component: 'backend', repository: `registry.example/svc-${i}`, tag: v.tag,
      ports: [{ name: 'http', containerPort: 8080 }], resources: v.resources, serviceAccountName: sa.name,
      liveness: { path: '/healthz' }, readiness: { path: '/ready' }, env: { LOG_LEVEL: 'info' },
    });
    new AppService(chart, 'Service', { name: `svc-${i}`, target: d, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    new Autoscaler(chart, 'Hpa', { target: d, minReplicas: v.replicas, maxReplicas: v.replicas * 3, cpuUtilization: 70 });
    new DisruptionBudget(chart, 'Pdb', { targets: [d], minPods: v.replicas });
    new WorkloadNetworkPolicy(chart, 'Netpol', { target: d, ingress: [{ peers: [{ namespace: 'ingress-nginx' }], ports: [{ port: 8080 }] }] });
  },
}));

const started = performance.now();
const leaves = renderServices(services, { root: work });
await writeLeaves(join(work, 'dist'), leaves);
const argocdStarted = performance.now();
// the bundled renderer names its memo by its code; this process's code is this script's
const memo = DistMemo.open<FileObject>(join(work, DIST_MEMO_FILE), 'bench/scale.ts');
await generateArgoCd(work, distLeavesOf(leaves, memo), memo);
const ms = performance.now() - started;
const objects = leaves.reduce((n, l) => n + l.objects.length, 0);
console.log(JSON.stringify({
  services: count, environments: ENVIRONMENTS.length, objects, files: objects, ms: Math.round(ms),
  argocdMs: Math.round(performance.now() - argocdStarted),
  maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
}));
