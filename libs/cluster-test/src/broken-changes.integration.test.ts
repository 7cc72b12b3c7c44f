/**
 * Five broken changes that every check of ours passes (strict schema validation and the policy
 * rules of `npm run validate`) and that the real API server refuses: each makes test:cluster fail
 * with the server's own message. They need the built components (npm run k8s:build) and the
 * add-ons' CRDs (../shared/addons); CI builds the components before this tier runs.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { validate } from '@gitops/policy';
import { resolveComponents } from './build';
import type { Binaries } from './control-plane';
import { runClusterTest } from './run';

const SHARED = resolve(process.env.GITOPS_SHARED_DIR ?? join(WORKSPACE_ROOT, '../shared'));
const components = (() => {
  try {
    return resolveComponents(WORKSPACE_ROOT, ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
  } catch {
    return []; // no Go: nothing is built
  }
})();
const built = components.length === 5 && components.every((c) => existsSync(c.binary));
const missing = !built ? 'the components are not built (npm run k8s:build)' : !existsSync(join(SHARED, 'addons')) ? `${SHARED}/addons is absent` : undefined;
if (missing) console.warn(`broken-changes: skipped: ${missing}`);
const binaries = Object.fromEntries(components.map((c) => [c.name, c.binary])) as unknown as Binaries;

/** A copy of the workspace with its dist/ copied (the change is made there) and the rest linked. */
function changedTree(file: string, edit: (text: string) => string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'broken-change-'));
  for (const linked of ['libs', 'apps', 'node_modules', 'package.json', 'tsconfig.base.json', 'nx.json', 'argocd', 'environments']) {
    symlinkSync(join(WORKSPACE_ROOT, linked), join(root, linked));
  }
  cpSync(join(WORKSPACE_ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  const before = readFileSync(join(root, file), 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the broken change does not apply to ${file}`);
  writeFileSync(join(root, file), after);
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const SAMPLE_APP = 'dist/development/eks-demo/sample-app';

const CASES: { name: string; cluster: string; file: string; edit: (t: string) => string; object: string; message: RegExp; fromBase?: boolean }[] = [
  {
    name: 'an immutable field: the Deployment selector of a running app gains a label',
    cluster: 'demo-eks-dev',
    file: `${SAMPLE_APP}/Deployment.sample-app.yaml`,
    edit: (t) => t.replace(/(  selector:\n    matchLabels:\n)/, '$1      tier: web\n').replace(/(  template:\n    metadata:\n      labels:\n)/, '$1        tier: web\n'),
    object: 'Deployment eks-demo-development/sample-app',
    message: /spec\.selector: Invalid value: .*field is immutable/,
    fromBase: true,
  },
  {
    name: "a CRD's CEL rule: an Istio route timeout of 0s (duration(self) >= duration('1ms'))",
    cluster: 'quizmentor-staging',
    file: 'dist/staging/quizmentor/learning-orchestrator/VirtualService.learning-orchestrator.yaml',
    edit: (t) => t.replace('          weight: 100\n    - route:', '          weight: 100\n      timeout: 0s\n    - route:'),
    object: 'VirtualService quizmentor-staging/learning-orchestrator',
    // the rule's own message (networking.istio.io_virtualservices CRD at 1.26.0)
    message: /VirtualService\.networking\.istio\.io "learning-orchestrator" is invalid: spec\.http\[0\]\.timeout: Invalid value: "string": must be a valid duration greater than 1ms/,
  },
  {
    name: 'Pod Security: an unconfined AppArmor profile in a restricted namespace',
    cluster: 'demo-eks-dev',
    file: `${SAMPLE_APP}/Deployment.sample-app.yaml`,
    edit: (t) => t.replace(/(\n  template:\n    metadata:\n)/, '$1      annotations:\n        container.apparmor.security.beta.kubernetes.io/sample-app: unconfined\n'),
    object: 'Deployment eks-demo-development/sample-app',
    message: /violates PodSecurity "restricted:latest": forbidden AppArmor profile/,
  },
  {
    name: 'a service account that nothing renders',
    cluster: 'demo-eks-dev',
    file: `${SAMPLE_APP}/Deployment.sample-app.yaml`,
    edit: (t) => t.replace('      automountServiceAccountToken: false\n', '      automountServiceAccountToken: false\n      serviceAccountName: sample-app-runner\n'),
    object: 'Deployment eks-demo-development/sample-app',
    message: /error looking up service account eks-demo-development\/sample-app-runner: serviceaccount "sample-app-runner" not found/,
  },
  {
    name: 'a nodePort on a ClusterIP Service',
    cluster: 'demo-eks-dev',
    file: `${SAMPLE_APP}/Service.sample-app.yaml`,
    edit: (t) => t.replace(/(- name: http\n)/, '$1      nodePort: 30080\n'),
    object: 'Service eks-demo-development/sample-app',
    message: /spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/,
  },
];

describe.skipIf(missing)('broken changes that our checks pass and the real API server refuses', () => {
  it.each(CASES)('$name', async ({ cluster, file, edit, object, message, fromBase }) => {
    // GIVEN the change in a copy of the workspace, which npm run validate passes
    const tree = changedTree(file, edit);
    try {
      const checks = await validate(tree.root, ['dist', 'argocd']);
      expect(checks.schemaFailures).toEqual([]);
      expect(checks.policy.violations).toEqual([]);
      // WHEN test:cluster applies it (on top of the committed catalogue for a change to live objects)
      const result = await runClusterTest({
        root: tree.root,
        baseRoot: fromBase ? WORKSPACE_ROOT : undefined,
        sharedDir: SHARED,
        binaries,
        clusters: [cluster],
        waveTimeoutMs: 20_000,
        log: () => undefined,
      });
      // THEN it fails, naming the object, with the API server's message
      const failure = result.failures.find((f) => f.object === object && !f.app.endsWith('(base)'));
      expect(failure, JSON.stringify(result.failures, null, 2)).toBeDefined();
      expect(failure!.message).toMatch(message);
      expect(result.folders.ready).toBeLessThan(result.folders.total);
    } finally {
      tree.cleanup();
    }
  });
});
