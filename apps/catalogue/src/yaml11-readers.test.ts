/**
 * Every reader of rendered YAML reads it as kubectl and Argo CD do (sigs.k8s.io/yaml on go-yaml
 * v2: YAML 1.1 scalars) and reports a plain scalar whose YAML 1.1 meaning differs from its YAML
 * 1.2 one (issue 12 item 1): validate's policy reader, the manifest diff and the Argo CD coverage
 * proof's readers of dist/ and argocd/. The fixture is the seed's case: a VPA with a plain
 * `updateMode: Off`, which the API server receives as the boolean false and rejects.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileProblemsError, formatFileProblem } from '@gitops/platform';
import { diffTrees } from '@gitops/manifest-diff';
import { readManifestFiles } from '@gitops/policy';
import { readArgoCd } from '../../argocd/src/coverage';
import { readDist } from '../../argocd/src/tree';

const VPA = 'dist/staging/shop/web/VerticalPodAutoscaler.web.yaml';
const vpa = (mode: string) => `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  updatePolicy:
    updateMode: ${mode}
`;
const APP_SET = 'argocd/shop/ApplicationSet.shop.yaml';
const APP_SET_TEXT = 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: shop\n  namespace: argocd\nspec:\n  goTemplate: yes\n';

/** The line each reader must give: file, line:col, field and the YAML 1.1 reading. */
const VPA_LINE = `${VPA}:12:17: spec.updatePolicy.updateMode: reads as boolean false under YAML 1.1 (kubectl, Argo CD) but as string "Off" under YAML 1.2: quote it, or write the value meant`;
const APP_SET_LINE = `${APP_SET}:7:15: spec.goTemplate: reads as boolean true under YAML 1.1 (kubectl, Argo CD) but as string "yes" under YAML 1.2: quote it, or write the value meant`;

const root = mkdtempSync(join(tmpdir(), 'yaml11-readers-'));
for (const [path, text] of [[VPA, vpa('Off')], [APP_SET, APP_SET_TEXT]]) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

const thrownLines = (read: () => unknown): string[] => {
  try {
    read();
  } catch (e) {
    if (e instanceof FileProblemsError) return e.problems.map(formatFileProblem);
    throw e;
  }
  return [];
};

describe('a plain scalar that YAML 1.1 reads as another type', () => {
  it('is reported by validate\'s policy reader, which checks the object as the cluster gets it', async () => {
    const { manifests, problems } = await readManifestFiles(root, ['dist', 'argocd']);
    expect(problems.map(formatFileProblem)).toEqual([APP_SET_LINE, VPA_LINE].sort());
    expect(manifests.find((m) => m.file === VPA)?.object.spec.updatePolicy.updateMode).toBe(false);
  });

  it('is reported by the manifest diff, which shows the value kubectl applies', () => {
    const file = VPA.replace(/^dist\//, '');
    const diff = diffTrees(new Map([[file, vpa('"Off"')]]), new Map([[file, vpa('Off')]]));
    expect(diff.changed.map((c) => c.fields.map((f) => [f.path, f.before, f.after]))).toEqual([[['spec.updatePolicy.updateMode', 'Off', false]]]);
    expect(diff.risks).toEqual([{ kind: 'yaml-1.1-meaning', where: 'staging/shop/web VerticalPodAutoscaler web', message: VPA_LINE.replace(/^dist\//, '') }]);
  });

  it('is reported by the Argo CD coverage proof\'s readers of dist/ and argocd/', () => {
    expect(thrownLines(() => readDist(root))).toEqual([VPA_LINE]);
    expect(thrownLines(() => readArgoCd(root))).toEqual([APP_SET_LINE]);
  });
});

describe('the manifest diff and per-cluster folders', () => {
  it('compares the objects of dist/<env>/<system>/<service>/<cluster>/ folders, per cluster', () => {
    const cm = (region: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  region: ${region}\n`;
    const base = new Map([['staging/shop/web/shop-sg/ConfigMap.web.yaml', cm('ap-southeast-1')], ['staging/shop/web/shop-us/ConfigMap.web.yaml', cm('us-east-1')]]);
    const head = new Map([['staging/shop/web/shop-sg/ConfigMap.web.yaml', cm('ap-southeast-2')], ['staging/shop/web/shop-us/ConfigMap.web.yaml', cm('us-east-1')]]);
    const diff = diffTrees(base, head);
    expect(diff.changed.map((c) => [c.leaf, c.fields.map((f) => [f.path, f.before, f.after])])).toEqual([
      ['staging/shop/web/shop-sg', [['data.region', 'ap-southeast-1', 'ap-southeast-2']]],
    ]);
    expect(diff.envs).toEqual([{ env: 'staging', before: 2, after: 2, added: 0, removed: 0, changed: 1 }]);
  });
});
