/**
 * The per-cluster layout end to end (issue 11 item 3), through what really writes dist/: the Nx
 * executor (tools/nx-synth/synth.cjs, the bundled renderer), the platform's transactional writer
 * (libs/platform/src/render/writer.ts) and the prune of `synth --all` (prune.ts). A fixture system runs on
 * two clusters of one environment in different regions, so its services render a folder per
 * cluster; then it moves to one cluster (one folder per service) and back. Each switch leaves
 * nothing stale, loses nothing foreign, and a second run renders the same bytes.
 *
 * The fixture is a workspace of its own (its services are not the catalogue's): the platform
 * library and node_modules are linked from this checkout, everything else is written here.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandOutput, readTree, runCommand, WORKSPACE_ROOT } from '@gitops/platform/testing';

const NX = join(WORKSPACE_ROOT, 'node_modules/.bin/nx');
const TSX = join(WORKSPACE_ROOT, 'node_modules/.bin/tsx');
const SYNTH_CLI = join(WORKSPACE_ROOT, 'libs/platform/src/cli/synth.ts');
const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' };

/** The fleet: one environment, two clusters in two regions (the test reads every expected value from here). */
const CLUSTERS = {
  'shop-sg': { region: 'ap-southeast-1', certificate: 'arn:aws:acm:ap-southeast-1:111122223333:certificate/00000000-0000-4000-8000-000000000001' },
  'shop-us': { region: 'us-east-1', certificate: 'arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-4000-8000-000000000002' },
} as const;
type ClusterName = keyof typeof CLUSTERS;

const TWO_CLUSTERS = 'clusters: [shop-sg, shop-us]\n    singletons: { clusters: [shop-us] }';
const ONE_CLUSTER = 'clusters: [shop-us]';

const environmentYaml = (placement: string) => `name: staging
awsAccountId: "111122223333"
awsRegion: ap-southeast-1
clusters:
${Object.entries(CLUSTERS).map(([name, c], i) => `  - name: ${name}
    server: https://${name}.example.com
    accountId: "111122223333"
    region: ${c.region}
    kubernetesVersion: "1.32"
    network: { vpcId: vpc-0123456789abcdef0, vpcCidr: 10.${i + 1}.0.0/16, loadBalancerSubnets: [10.${i + 1}.1.0/24] }
    certificates: { shop: "${c.certificate}" }
`).join('')}systems:
  shop:
    ${placement}
`;

const SYSTEM = `import { z } from 'zod';
import { defineSystem } from '@gitops/platform';
export const shop = defineSystem({ name: 'shop', environments: ['staging'], values: z.strictObject({ namespace: z.string() }), namespace: (v) => v.namespace });
`;
/** Reads cluster facts: its objects differ per cluster. */
const WEB = `import { ApiObject } from 'cdk8s';
import { clusterCertificate, defineService } from '@gitops/platform';
import { shop } from '../../system/src/index';
export default defineService({
  system: shop, name: 'web',
  render(chart, ctx) {
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { region: ctx.cluster.region, certificate: clusterCertificate(ctx.env, ctx.cluster, ctx.system) } });
  },
});
`;
/** A database (a StatefulSet claiming a volume, a stateful singleton) and its Service. */
const DB = `import { ApiObject } from 'cdk8s';
import { defineService } from '@gitops/platform';
import { shop } from '../../system/src/index';
export default defineService({
  system: shop, name: 'db',
  render(chart) {
    new ApiObject(chart, 'sts', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } });
    new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { ports: [{ port: 5432 }] } });
  },
});
`;
/** Things in dist/ that no render wrote: every switch must leave them as they are. */
const FOREIGN: Record<string, string> = {
  'staging/shop/NOTES.md': 'notes a person keeps beside the folders\n',
  'staging/shop/hand-made/Secret.x.yaml': 'kind: Secret\n',
  'staging/other/api/Service.api.yaml': 'kind: Service\n',
};

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'per-cluster-layout-'));
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(root, 'node_modules'));
  mkdirSync(join(root, 'libs'));
  symlinkSync(join(WORKSPACE_ROOT, 'libs/platform'), join(root, 'libs/platform'));
  cpSync(join(WORKSPACE_ROOT, 'nx.json'), join(root, 'nx.json'));
  cpSync(join(WORKSPACE_ROOT, 'tsconfig.base.json'), join(root, 'tsconfig.base.json'));
  // the workspace's package.json (module type, the dependencies Nx hashes as external inputs) and lock file
  const { workspaces: _workspaces, ...pkg } = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package.json'), 'utf8'));
  cpSync(join(WORKSPACE_ROOT, 'package-lock.json'), join(root, 'package-lock.json'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify(pkg),
    'tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json', include: ['libs/**/*.ts'] }),
    '.gitignore': 'node_modules\ntmp\n.nx\n',
    'libs/shop/system/src/index.ts': SYSTEM,
    'libs/shop/web/src/index.ts': WEB,
    'libs/shop/db/src/index.ts': DB,
    'environments/staging/environment.yaml': environmentYaml(TWO_CLUSTERS),
    'environments/staging/shop.yaml': 'namespace: shop\n',
    ...Object.fromEntries(Object.entries(FOREIGN).map(([path, text]) => [`dist/${path}`, text])),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  // Nx hashes files through git when it can: a repository like a clone's
  execFileSync('git', ['init', '-q'], { cwd: root });
  execFileSync('git', ['add', '-A'], { cwd: root });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'fixture'], { cwd: root });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const nxSynth = () => commandOutput(NX, ['run-many', '-t', 'synth'], { cwd: root, env: nxEnv });
/** `synth --all` (the renderer with its prune), as `npm run synth` runs it (without argocd/: the fixture has no generator). */
const synthAll = () => runCommand(TSX, [SYNTH_CLI, '--all', '--root', root], { cwd: root });
const place = (placement: string) => writeFileSync(join(root, 'environments/staging/environment.yaml'), environmentYaml(placement));
const dist = () => readTree(join(root, 'dist'));
const read = (path: string) => parse(readFileSync(join(root, 'dist', path), 'utf8'));

/** What dist/ must hold with the system on `clusters`: per-cluster values where they differ, the singleton once. */
function expectLayout(clusters: ClusterName[], singletonOn: ClusterName): void {
  const files = [...dist().keys()].filter((f) => !(f in FOREIGN));
  const perCluster = clusters.length > 1;
  const folder = (service: string, cluster: ClusterName) => `staging/shop/${service}${perCluster ? `/${cluster}` : ''}`;
  const expected = clusters.flatMap((c) => [
    `${folder('db', c)}/Service.db.yaml`,
    ...(c === singletonOn ? [`${folder('db', c)}/StatefulSet.db.yaml`] : []),
    `${folder('web', c)}/ConfigMap.web.yaml`,
  ]);
  expect(files.sort()).toEqual(expected.sort());
  for (const c of clusters) {
    // each cluster's own region and its region's certificate
    expect(read(`${folder('web', c)}/ConfigMap.web.yaml`).data).toEqual({ region: CLUSTERS[c].region, certificate: CLUSTERS[c].certificate });
  }
  // the database once, whatever the layout
  expect(files.filter((f) => f.endsWith('/StatefulSet.db.yaml'))).toEqual([`${folder('db', singletonOn)}/StatefulSet.db.yaml`]);
  // nothing foreign lost or changed, no transaction left
  for (const [path, text] of Object.entries(FOREIGN)) expect(readFileSync(join(root, 'dist', path), 'utf8')).toBe(text);
  expect(readdirSync(root).filter((e) => e.startsWith('.dist.synth-'))).toEqual([]);
}

describe('a system switching between per-cluster folders and one folder', () => {
  it('through Nx: renders per cluster, the same bytes again on a second run, one folder when the placement changes', async () => {
    const first = await nxSynth();
    expect(first).toMatch(/synth web: 2 folders/);
    expect(first).toMatch(/synth db: 2 folders/);
    expectLayout(['shop-sg', 'shop-us'], 'shop-us');
    const perCluster = dist();

    const second = await nxSynth();
    expect(second).toMatch(/synth web: 2 folders/);
    expect(dist()).toEqual(perCluster);

    // WHEN the system moves to one cluster: one folder per service, the per-cluster ones gone
    place(ONE_CLUSTER);
    const moved = await nxSynth();
    expect(moved).toMatch(/synth web: 1 folders/);
    expectLayout(['shop-us'], 'shop-us');

    // AND back to two clusters: byte for byte the first render
    place(TWO_CLUSTERS);
    await nxSynth();
    expectLayout(['shop-sg', 'shop-us'], 'shop-us');
    expect(dist()).toEqual(perCluster);
  });

  it('through synth --all: switches both ways, prunes no folder it keeps, reports only what is foreign', async () => {
    const foreignLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('synth: ')).sort();
    const expectedForeign = [
      expect.stringMatching(/^synth: staging\/shop\/NOTES\.md: not a rendered folder \(a file\); left alone$/),
      expect.stringMatching(/^synth: staging\/shop\/hand-made: no service renders it, but it is not provably the renderer's \(Secret\.x\.yaml has no renderer header\); left alone$/),
    ];
    for (const [placement, clusters] of [[ONE_CLUSTER, ['shop-us']], [TWO_CLUSTERS, ['shop-sg', 'shop-us']], [ONE_CLUSTER, ['shop-us']]] as const) {
      place(placement);
      const run = await synthAll();
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).not.toContain('removed');
      expect(foreignLines(run.stderr)).toEqual(expectedForeign);
      expectLayout([...clusters], 'shop-us');
    }
  });

  it('stops, changing nothing, where a switch would lose a file the renderer did not write', async () => {
    place(TWO_CLUSTERS);
    expect((await synthAll()).status).toBe(0);
    writeFileSync(join(root, 'dist/staging/shop/web/README.md'), 'written by a person\n');
    const before = dist();
    place(ONE_CLUSTER);
    const run = await synthAll();
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'synth failed; dist/ is unchanged.',
      'staging/shop/web/README.md has no renderer header: not written by the renderer, and the render replaces staging/shop/web as a whole; move it out of the output folder',
    ]);
    expect(dist()).toEqual(before);
    // once it is moved away, the switch goes through
    rmSync(join(root, 'dist/staging/shop/web/README.md'));
    expect((await synthAll()).status).toBe(0);
    expectLayout(['shop-us'], 'shop-us');
    expect(existsSync(join(root, 'dist/staging/shop/web/shop-sg'))).toBe(false);
  });
});
