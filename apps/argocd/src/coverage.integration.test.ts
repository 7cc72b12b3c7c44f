import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ARGOCD_IN_CLUSTER, systemClusters } from '@gitops/platform';
import { isApplicationsLeaf } from './project-rules';
import { readTree, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { applicationName } from './generate';
import { checkCoverage, generatedApplications, readArgoCd } from './coverage';
import { flatten, loadEnvironments, renderArgoCd } from './render';
import { readDist } from './tree';

/** A copy of what the check reads: dist/, argocd/ and environments/. */
function scratchTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'argocd-coverage-'));
  for (const d of ['dist', 'argocd', 'environments']) cpSync(join(WORKSPACE_ROOT, d), join(root, d), { recursive: true });
  scratch.push(root);
  return root;
}
const scratch: string[] = [];
/** The cluster KiteClass runs on in staging, as environments/staging/environment.yaml places it. */
const KITECLASS_STAGING = systemClusters(loadEnvironments(WORKSPACE_ROOT).get('staging')!, 'kiteclass')![0].name;
afterEach(() => scratch.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

function writeObject(root: string, folder: string, file: string, yaml: string): void {
  mkdirSync(join(root, folder), { recursive: true });
  writeFileSync(join(root, folder, file), yaml);
}

const CONFIG_MAP = (ns: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hand-made\n  namespace: ${ns}\ndata:\n  a: b\n`;

describe('argocd/ covers dist/', () => {
  it('is exactly what apps/argocd generates from this repository (run npm run synth and commit if this fails)', () => {
    const generated = flatten(renderArgoCd(WORKSPACE_ROOT));
    const committed = readTree(join(WORKSPACE_ROOT, 'argocd'));
    const onDisk = new Map([...committed].map(([f, c]) => [join('argocd', f), c]));
    const differing = [...new Set([...generated.keys(), ...onDisk.keys()])].filter((f) => generated.get(f) !== onDisk.get(f));
    expect(differing).toEqual([]);
  });

  it('has no coverage problem: every leaf once per cluster, right namespace, a project that permits it, safe policies', () => {
    expect(checkCoverage(WORKSPACE_ROOT)).toEqual([]);
  });

  it('generates one Application per dist leaf folder and cluster its system runs on, each from one ApplicationSet', () => {
    // GIVEN
    const leaves = readDist(WORKSPACE_ROOT);
    const envs = loadEnvironments(WORKSPACE_ROOT);
    // WHEN
    const apps = generatedApplications(WORKSPACE_ROOT);
    // THEN
    // a per-cluster folder goes to its own cluster; a folder of Applications (add-ons) to the management cluster, where Argo CD reads them
    const targets = (l: (typeof leaves)[number]) => systemClusters(envs.get(l.env)!, l.system)!.filter((c) => !l.path.split('/')[4] || c.name === l.path.split('/')[4]);
    const expected = leaves.flatMap((l) => targets(l).map((c) => `${l.path} -> ${isApplicationsLeaf(l) ? ARGOCD_IN_CLUSTER : c.server}`)).sort();
    expect(apps.map(({ app }) => `${app.spec.source.path} -> ${app.spec.destination.server}`).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(leaves.length);
  });

  it('deploys each service to exactly its system clusters (environment.yaml), under names that tell system, service and cluster', () => {
    const envs = loadEnvironments(WORKSPACE_ROOT);
    const apps = generatedApplications(WORKSPACE_ROOT);
    expect(apps.length).toBeGreaterThan(0);
    const leaves = readDist(WORKSPACE_ROOT);
    for (const { app } of apps) {
      const leaf = leaves.find((l) => l.path === app.spec.source.path)!;
      const placed = systemClusters(envs.get(leaf.env)!, leaf.system)!;
      // a folder of Applications is named after the cluster its Applications deploy to, and goes to the management cluster
      const cluster = isApplicationsLeaf(leaf)
        ? placed.find((c) => c.name === leaf.path.split('/')[4] && app.spec.destination.server === ARGOCD_IN_CLUSTER)
        : placed.find((c) => c.server === app.spec.destination.server);
      expect(cluster, `${app.metadata.name} -> ${app.spec.destination.server}`).toBeDefined();
      expect(app.metadata.name).toBe(applicationName(leaf.system, leaf.service, cluster!.name));
      expect(app.metadata.name.length, app.metadata.name).toBeLessThanOrEqual(63);
    }
  });

  it('never syncs an empty or deleted folder as an empty app: allowEmpty false, only folders git has, Applications kept', () => {
    const objects = readArgoCd(WORKSPACE_ROOT);
    const sets = objects.filter((o) => o.kind === 'ApplicationSet');
    expect(sets.length).toBeGreaterThan(0);
    for (const s of sets) {
      expect(s.spec.syncPolicy).toEqual({ applicationsSync: 'create-update', preserveResourcesOnDeletion: true });
      expect(s.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
      expect(s.spec.template.spec.syncPolicy.retry).toEqual({ limit: -1, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
      expect(s.spec.template.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['PrunePropagationPolicy=foreground', 'ServerSideApply=true']));
      expect(s.spec.template.spec.syncPolicy.syncOptions).not.toContain('CreateNamespace=true');
      expect(s.spec.template.metadata.finalizers).toBeUndefined(); // deleting an Application never cascades to its resources
    }
    // An emptied folder disappears from git, so the generator does not see it.
    const root = scratchTree();
    const before = generatedApplications(root).length;
    rmSync(join(root, 'dist/staging/kiteclass/kiteclass-frontend'), { recursive: true });
    mkdirSync(join(root, 'dist/staging/kiteclass/kiteclass-frontend')); // an empty folder is not in git
    const after = generatedApplications(root);
    expect(after.length).toBe(before - 1);
    expect(after.map(({ app }) => app.spec.source.path)).not.toContain('dist/staging/kiteclass/kiteclass-frontend');
  });

  it('covers per-cluster folders: a system placed on two clusters gets each folder once, on its own cluster only', () => {
    // GIVEN django placed on a second cluster of staging, its app rendered per cluster
    const root = scratchTree();
    const envFile = join(root, 'environments/staging/environment.yaml');
    const doc = parseDocument(readFileSync(envFile, 'utf8'));
    const [own] = systemClusters(loadEnvironments(root).get('staging')!, 'django')!;
    const other = loadEnvironments(root).get('staging')!.clusters.find((c) => c.name !== own.name)!;
    doc.setIn(['systems', 'django'], doc.createNode({ clusters: [own.name, other.name], singletons: { clusters: [own.name] } }));
    writeFileSync(envFile, doc.toString());
    const app = join(root, 'dist/staging/django/django-app');
    for (const c of [own.name, other.name]) cpSync(app, join(root, 'tmp-per-cluster', c), { recursive: true });
    rmSync(app, { recursive: true });
    cpSync(join(root, 'tmp-per-cluster'), app, { recursive: true });
    rmSync(join(root, 'tmp-per-cluster'), { recursive: true });
    // WHEN argocd/ is regenerated
    rmSync(join(root, 'argocd'), { recursive: true });
    for (const [file, text] of flatten(renderArgoCd(root))) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    // THEN every folder is covered once per cluster it goes to, and the per-cluster ones by their cluster only
    expect(checkCoverage(root)).toEqual([]);
    const apps = generatedApplications(root).map(({ app }) => `${app.spec.source.path} -> ${app.spec.destination.server}`);
    expect(apps).toContain(`dist/staging/django/django-app/${own.name} -> ${own.server}`);
    expect(apps).toContain(`dist/staging/django/django-app/${other.name} -> ${other.server}`);
    expect(apps.filter((a) => a.startsWith('dist/staging/django/django-app'))).toHaveLength(2);
    expect(apps).toContain(`dist/staging/django/django-shared -> ${other.server}`);
  });

  it('reports a service folder added by hand in a new system, without its Argo CD side', () => {
    // GIVEN a scratch copy with a leaf no ApplicationSet or project knows
    const root = scratchTree();
    writeObject(root, 'dist/staging/payments/payments-api', 'ConfigMap.hand-made.yaml', CONFIG_MAP('payments-staging'));
    // WHEN / THEN
    expect(checkCoverage(root)).toEqual([
      'dist/staging/payments/payments-api: environments/staging/environment.yaml places payments on no cluster',
      'dist/staging/payments/payments-api: no ApplicationSet generates an Application for it',
    ]);
  });

  it('reports a folder of an existing system whose kinds or namespace its project does not permit', () => {
    // GIVEN a new KiteClass service rendering a CronJob into another namespace, argocd/ not regenerated
    const root = scratchTree();
    writeObject(root, 'dist/staging/kiteclass/kiteclass-reports', 'CronJob.reports.yaml',
      'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: reports\n  namespace: reports\nspec: {}\n');
    // THEN
    const problems = checkCoverage(root);
    expect(problems).toContain(`Application kiteclass-reports-${KITECLASS_STAGING} (ApplicationSet staging-kiteclass): destination namespace kiteclass-staging, but the objects of dist/staging/kiteclass/kiteclass-reports are in reports`);
    expect(problems).toContain(`Application kiteclass-reports-${KITECLASS_STAGING} (ApplicationSet staging-kiteclass): project kiteclass does not permit namespace reports on ${KITECLASS_STAGING}`);
    expect(problems).toContain(`Application kiteclass-reports-${KITECLASS_STAGING} (ApplicationSet staging-kiteclass): project kiteclass does not permit namespaced batch/CronJob (dist/staging/kiteclass/kiteclass-reports/CronJob.reports.yaml)`);
  });

  it('reports a folder that two ApplicationSets cover, and files outside a service folder', () => {
    const root = scratchTree();
    // GIVEN a second ApplicationSet over the same folders
    const file = join(root, 'argocd/applicationsets/staging-kiteclass.yaml');
    writeFileSync(join(root, 'argocd/applicationsets/staging-kiteclass-copy.yaml'), readFileSync(file, 'utf8').replace('name: staging-kiteclass', 'name: staging-kiteclass-copy'));
    // and a file two levels too deep
    writeObject(root, 'dist/staging/kiteclass/kiteclass-core/extra', 'ConfigMap.hand-made.yaml', CONFIG_MAP('kiteclass-staging'));
    // THEN
    const problems = checkCoverage(root);
    expect(problems).toContain('dist/staging/kiteclass/kiteclass-core: covered by several ApplicationSets (staging-kiteclass, staging-kiteclass-copy)');
    expect(problems).toContain(`dist/staging/kiteclass/kiteclass-core: 2 Applications for cluster ${KITECLASS_STAGING}; exactly one expected`);
    expect(problems).toContain('dist/staging/kiteclass/kiteclass-core/extra: no ApplicationSet generates an Application for it');
  });

  it('reports a project that permits more than its system renders, and a namespace without prune confirmation', () => {
    const root = scratchTree();
    const file = join(root, 'argocd/projects/kiteclass.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  namespaceResourceWhitelist:\n', '  namespaceResourceWhitelist:\n    - group: ""\n      kind: PersistentVolumeClaim\n'));
    const ns = join(root, 'dist/staging/kiteclass/kiteclass-shared/Namespace.kiteclass-staging.yaml');
    writeFileSync(ns, readFileSync(ns, 'utf8').replace(/\n\s+argocd.argoproj.io\/sync-options: Prune=confirm/, ''));
    const problems = checkCoverage(root);
    // a claim is a StatefulSet's child; KiteClass renders none
    expect(problems).toContain('AppProject kiteclass: permits core/PersistentVolumeClaim, which kiteclass does not render');
    expect(problems).toContain('dist/staging/kiteclass/kiteclass-shared/Namespace.kiteclass-staging.yaml: Namespace kiteclass-staging must carry argocd.argoproj.io/sync-options: Prune=confirm');
  });

  it('reports an ApplicationSet that could delete Applications or sync an empty folder', () => {
    const root = scratchTree();
    const file = join(root, 'argocd/applicationsets/staging-kiteclass.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('applicationsSync: create-update', 'applicationsSync: sync').replace('allowEmpty: false', 'allowEmpty: true'));
    const problems = checkCoverage(root);
    expect(problems).toContain('ApplicationSet staging-kiteclass: syncPolicy.applicationsSync must be create-update (got sync)');
    expect(problems).toContain(`Application kiteclass-core-${KITECLASS_STAGING} (ApplicationSet staging-kiteclass): syncPolicy.automated.allowEmpty must be false, so an empty folder is never synced`);
  });

  it('reads .json files under argocd/ (the bootstrap Application applies them too) and reports a namespace two projects permit', () => {
    const root = scratchTree();
    // GIVEN a hand-made AppProject, as JSON, that grants itself KiteClass's staging namespace
    const kiteclass = readArgoCd(root).find((o) => o.kind === 'AppProject' && o.metadata.name === 'kiteclass');
    const destination = kiteclass.spec.destinations[0];
    writeObject(root, 'argocd/projects', 'intruder.json', JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'intruder', namespace: 'argocd' },
      spec: { sourceRepos: ['*'], destinations: [destination], clusterResourceWhitelist: [], namespaceResourceWhitelist: [{ group: '', kind: 'Pod' }] },
    }));
    // THEN
    const problems = checkCoverage(root);
    expect(problems).toContain(`AppProjects intruder and kiteclass both permit namespace ${destination.namespace} on ${destination.server}: a namespace belongs to one system`);
    expect(problems).toContain('AppProject intruder: permits core/Pod, which is not a kind a system may own (SYSTEM_KINDS in apps/argocd/src/generate.ts)');
  });

  it('reports a project that permits a kind no system may own', () => {
    const root = scratchTree();
    const file = join(root, 'argocd/projects/kiteclass.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  namespaceResourceWhitelist:\n', '  namespaceResourceWhitelist:\n    - group: rbac.authorization.k8s.io\n      kind: RoleBinding\n'));
    // (a Pod is permitted, as the child of a Deployment, so that it stays in the resource tree)
    expect(checkCoverage(root)).toContain('AppProject kiteclass: permits rbac.authorization.k8s.io/RoleBinding, which is not a kind a system may own (SYSTEM_KINDS in apps/argocd/src/generate.ts)');
  });
});
