/**
 * Each dist/ folder is validated at the Kubernetes version of the clusters it is synced to
 * (environment.yaml), and `--kubernetes-version` asks what breaks at another version. DeviceClass
 * is served as resource.k8s.io/v1 from 1.34 on (pluto's versions.yaml, through the bundled kubeconform).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { systemClusters } from '@gitops/platform';
import { loadEnvironment } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { validate } from './validate';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A workspace of staging's environment file and one cluster-addons folder holding a DeviceClass; its clusters at `version`. */
function workspace(version: string): { root: string; folder: string } {
  const root = mkdtempSync(join(tmpdir(), 'validate-versions-'));
  roots.push(root);
  cpSync(join(WORKSPACE_ROOT, 'environments/staging/environment.yaml'), join(root, 'environments/staging/environment.yaml'));
  const file = join(root, 'environments/staging/environment.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const clusters = systemClusters(loadEnvironment('staging', WORKSPACE_ROOT), 'cluster-addons')!;
  const all = loadEnvironment('staging', WORKSPACE_ROOT).clusters;
  for (const c of clusters) doc.setIn(['clusters', all.findIndex((x) => x.name === c.name), 'kubernetesVersion'], version);
  writeFileSync(file, doc.toString());
  const folder = 'dist/staging/cluster-addons/device-classes';
  mkdirSync(join(root, folder), { recursive: true });
  writeFileSync(join(root, folder, 'DeviceClass.gpu.yaml'), 'apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: gpu\nspec: {}\n');
  return { root, folder };
}

describe('validate at each cluster\'s Kubernetes version', () => {
  it('refuses an apiVersion the clusters\' version does not serve yet, naming the version', async () => {
    const { root, folder } = workspace('1.32');
    const r = await validate(root, [folder]);
    expect(r.schemaFailures.map((f) => [f.kind, f.kubernetesVersion])).toEqual([['DeviceClass', '1.32']]);
  });

  it('accepts it once the clusters run a version that serves it', async () => {
    const { root, folder } = workspace('1.34');
    expect((await validate(root, [folder])).schemaFailures).toEqual([]);
  });

  it('--kubernetes-version answers what breaks at another version', async () => {
    const { root, folder } = workspace('1.34');
    const r = await validate(root, [folder], undefined, { kubernetesVersion: '1.33' });
    expect(r.schemaFailures.map((f) => [f.kind, f.kubernetesVersion])).toEqual([['DeviceClass', '1.33']]);
  });
});
