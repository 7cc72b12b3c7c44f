/**
 * Every schema failure of validate names the Kubernetes version it was checked at and the
 * cluster(s) that run it, in every path: a folder synced to all its system's clusters, a
 * per-cluster folder, `--kubernetes-version`, and files no environment's cluster takes (argocd/,
 * checked at kubeconform's default). DeviceClass is served as resource.k8s.io/v1 from 1.34 on
 * (pluto's versions.yaml, through the bundled kubeconform); a CRD kind nobody bundles has no
 * schema at any version. Expected cluster names and versions are read from the environment file.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { BUNDLED_KUBERNETES_VERSION } from '@gitops/kubeconform';
import { POLICY_RULES, systemClusters, type Cluster } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { formatValidateResult, validate } from './validate';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

const DEVICE_CLASS = 'apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: gpu\nspec: {}\n';
const WIDGET = 'apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata:\n  name: w\n';

/** Staging's environment file with cluster-addons' clusters at `version`; `files` written under the root. */
function workspace(version: string, files: Record<string, string>): { root: string; clusters: Cluster[] } {
  const root = mkdtempSync(join(tmpdir(), 'validate-version-message-'));
  roots.push(root);
  const file = join(root, 'environments/staging/environment.yaml');
  cpSync(join(WORKSPACE_ROOT, 'environments/staging/environment.yaml'), file);
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const all = loadEnvironment('staging', WORKSPACE_ROOT).clusters;
  const placed = systemClusters(loadEnvironment('staging', WORKSPACE_ROOT), 'cluster-addons')!;
  for (const c of placed) doc.setIn(['clusters', all.findIndex((x) => x.name === c.name), 'kubernetesVersion'], version);
  writeFileSync(file, doc.toString());
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, clusters: systemClusters(loadEnvironment('staging', root), 'cluster-addons')! };
}

async function lines(root: string, targets: string[], kubernetesVersion?: string): Promise<string[]> {
  const result = await validate(root, targets, { violations: [], waived: [] }, { kubernetesVersion });
  return formatValidateResult(result, root).split('\n').slice(0, -2); // the last two: the rules that ran, the summary
}

const names = (clusters: readonly Cluster[]) => clusters.map((c) => c.name).join(', ');

describe('the report', () => {
  it('ends with every policy rule that ran (POLICY_RULES), then the summary', async () => {
    const { root } = workspace('1.32', { 'argocd/Widget.w.yaml': WIDGET });
    const out = formatValidateResult(await validate(root, ['argocd'], { violations: [], waived: [] }), root).split('\n');
    const rules = Object.keys(POLICY_RULES);
    expect(out.at(-2)).toBe(`policy rules (${rules.length}): ${rules.join(', ')}`);
    for (const rule of ['alb-action-backend', 'budget-allows-eviction', 'promql-vector-matching', 'argocd-sync-converges']) expect(out.at(-2)).toContain(rule);
    expect(out.at(-1)).toMatch(/^validate argocd: \d+ resources; schema \(strict\): 1 failing; policy: 0 violations, 0 waived, 0 warnings$/);
  });
});

describe('a schema failure names the version and the clusters', () => {
  it('a folder synced to its system\'s clusters: the version they run and their names', async () => {
    const folder = 'dist/staging/cluster-addons/device-classes';
    const { root, clusters } = workspace('1.32', { [`${folder}/DeviceClass.gpu.yaml`]: DEVICE_CLASS, [`${folder}/Widget.w.yaml`]: WIDGET });
    const where = `at Kubernetes 1.32 on ${clusters.length > 1 ? 'clusters' : 'cluster'} ${names(clusters)}:`;
    const out = await lines(root, [folder]);
    expect(out).toHaveLength(2);
    expect(out[0]).toContain(`${folder}/DeviceClass.gpu.yaml - DeviceClass gpu failed validation ${where}`);
    expect(out[1]).toContain(`${folder}/Widget.w.yaml - Widget w failed validation ${where}`);
  });

  it('a per-cluster folder: that cluster only', async () => {
    const { root, clusters } = workspace('1.32', {});
    const folder = `dist/staging/cluster-addons/device-classes/${clusters[0].name}`;
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(join(root, folder, 'DeviceClass.gpu.yaml'), DEVICE_CLASS);
    expect(await lines(root, [folder])).toEqual([expect.stringContaining(`DeviceClass gpu failed validation at Kubernetes 1.32 on cluster ${clusters[0].name}:`)]);
  });

  it('--kubernetes-version: the version asked for, and what each cluster runs today', async () => {
    const folder = 'dist/staging/cluster-addons/device-classes';
    const { root, clusters } = workspace('1.34', { [`${folder}/DeviceClass.gpu.yaml`]: DEVICE_CLASS });
    expect(await lines(root, [folder], '1.33')).toEqual([
      expect.stringContaining(`DeviceClass gpu failed validation at Kubernetes 1.33 (asked with --kubernetes-version; ${clusters.map((c) => `${c.name} runs 1.34`).join(', ')}):`),
    ]);
  });

  it('a file no cluster of environments/ takes (argocd/): kubeconform\'s default version, and why', async () => {
    const { root } = workspace('1.32', { 'argocd/Widget.w.yaml': WIDGET });
    const version = BUNDLED_KUBERNETES_VERSION.replace(/\.0$/, '');
    expect(await lines(root, ['argocd'])).toEqual([
      expect.stringContaining(`Widget w failed validation at Kubernetes ${version} (kubeconform's default: it goes to the Argo CD cluster, which environments/ does not list):`),
    ]);
  });
});

describe('--kubernetes-version outside the bundled schemas (issue 23 item 9)', () => {
  it('is one line naming the versions there are, not a schema failure per object', async () => {
    const { root } = workspace('1.32', { 'dist/staging/x/y/DeviceClass.gpu.yaml': DEVICE_CLASS });
    await expect(validate(root, ['dist'], undefined, { kubernetesVersion: '1.99' })).rejects.toThrow(
      /^--kubernetes-version 1\.99: the bundled schemas cover 1\.20 to 1\.36$/,
    );
  });
});
