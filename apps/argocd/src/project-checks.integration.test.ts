/**
 * The coverage proof's AppProject, role and ApplicationSet rules, each over a scratch copy of the
 * repository broken in one way (every rule reported the committed argocd/ before this change:
 * 1690 problems). Expected values come from the tree itself, not from today's names or tags.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ARGOCD_IN_CLUSTER, DELETION_APPROVED_ANNOTATION, SYNC_WAVE_ANNOTATION, systemClusters } from '@gitops/platform';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { checkCoverage, generatedApplications, readArgoCd } from './coverage';
import { applicationName } from './generate';
import { applicationsProjectName, isApplicationsLeaf } from './project-rules';
import { flatten, loadEnvironments, renderArgoCd } from './render';
import { readDist } from './tree';

const scratch: string[] = [];
afterEach(() => scratch.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A copy of what the check reads: dist/, argocd/ and environments/. */
function scratchTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'argocd-project-checks-'));
  for (const d of ['dist', 'argocd', 'environments']) cpSync(join(WORKSPACE_ROOT, d), join(root, d), { recursive: true });
  scratch.push(root);
  return root;
}

/** Rewrites one YAML file of the tree (its generated header goes; the checks do not read it). */
function edit(root: string, file: string, change: (o: any) => void): void {
  const o = parse(readFileSync(join(root, file), 'utf8'));
  change(o);
  writeFileSync(join(root, file), stringify(o));
}

function regenerate(root: string): void {
  rmSync(join(root, 'argocd'), { recursive: true });
  for (const [file, text] of flatten(renderArgoCd(root))) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}

const leaves = readDist(WORKSPACE_ROOT);
const addonLeaf = leaves.find(isApplicationsLeaf)!;
const addonCluster = addonLeaf.path.split('/')[4];
const addonSystem = addonLeaf.system;
const addonSetFile = `argocd/applicationsets/${addonLeaf.env}-${applicationsProjectName(addonSystem)}.yaml`;
const django = leaves.find((l) => l.system === 'django' && l.objects.some((o) => o.kind === 'Deployment'))!;
const djangoCluster = systemClusters(loadEnvironments(WORKSPACE_ROOT).get(django.env)!, 'django')![0];
const djangoApp = applicationName('django', django.service, djangoCluster.name);
const djangoSet = `argocd/applicationsets/${django.env}-django.yaml`;

describe('add-on Applications reach the management cluster', () => {
  it('the committed tree has at least one folder of Applications, and each goes to the management cluster once', () => {
    const apps = generatedApplications(WORKSPACE_ROOT).filter(({ app }) => app.spec.source.path === addonLeaf.path);
    expect(apps.map(({ app }) => [app.spec.destination, app.spec.project])).toEqual([[{ server: ARGOCD_IN_CLUSTER, namespace: 'argocd' }, applicationsProjectName(addonSystem)]]);
  });

  it('reports a folder of Applications sent to the workload cluster instead', () => {
    const root = scratchTree();
    const cluster = loadEnvironments(root).get(addonLeaf.env)!.clusters.find((c) => c.name === addonCluster)!;
    edit(root, addonSetFile, (s) => { s.spec.template.spec.destination.server = cluster.server; });
    expect(checkCoverage(root)).toContain(`${addonLeaf.path}: Application ${applicationName(addonSystem, addonLeaf.service, addonCluster)} goes to ${cluster.server}, not the management cluster (${ARGOCD_IN_CLUSTER}), where Argo CD reads Applications`);
  });

  it('reports a project of Applications that may create more than Applications, and an add-on its project does not permit', () => {
    const root = scratchTree();
    edit(root, `argocd/projects/${applicationsProjectName(addonSystem)}.yaml`, (p) => { p.spec.clusterResourceWhitelist = [{ group: '', kind: 'Namespace' }]; });
    const file = readdirSync(join(root, addonLeaf.path))[0];
    edit(root, `${addonLeaf.path}/${file}`, (a) => { a.spec.destination.namespace = 'rogue'; a.spec.source.repoURL = 'https://charts.example.com'; });
    const problems = checkCoverage(root);
    expect(problems).toContain(`AppProject ${applicationsProjectName(addonSystem)}: must permit no cluster-scoped kind`);
    const app = parse(readFileSync(join(root, addonLeaf.path, file), 'utf8'));
    expect(problems).toContain(`${addonLeaf.path}/${file}: Application ${app.metadata.name}: project ${addonSystem} does not permit namespace rogue on ${app.spec.destination.server}`);
    expect(problems).toContain(`${addonLeaf.path}/${file}: Application ${app.metadata.name}: project ${addonSystem} does not permit repository https://charts.example.com`);
  });

  it('reports an Application in a folder of Applications that names another project than its system\'s (issue 22 minor)', () => {
    // GIVEN one add-on Application naming the project of another system, which its AppProject cannot forbid
    const root = scratchTree();
    const file = readdirSync(join(root, addonLeaf.path))[0];
    const other = leaves.find((l) => !isApplicationsLeaf(l) && l.system !== addonSystem)!.system;
    edit(root, `${addonLeaf.path}/${file}`, (a) => { a.spec.project = other; });
    const app = parse(readFileSync(join(root, addonLeaf.path, file), 'utf8'));
    // THEN the coverage proof names it
    expect(checkCoverage(root)).toContain(`${addonLeaf.path}/${file}: Application ${app.metadata.name}: project ${other}, but the Applications of ${addonLeaf.path} (synced through project ${applicationsProjectName(addonSystem)}) may name only project ${addonSystem}`);
  });

  it('reports an add-on project that cannot install what charts install (CRDs, webhooks) or create the add-on namespace', () => {
    const root = scratchTree();
    edit(root, `argocd/projects/${addonSystem}.yaml`, (p) => {
      p.spec.clusterResourceWhitelist = p.spec.clusterResourceWhitelist.filter((e: any) => e.kind !== 'CustomResourceDefinition' && e.kind !== 'Namespace');
    });
    const problems = checkCoverage(root);
    const app = parse(readFileSync(join(root, addonLeaf.path, readdirSync(join(root, addonLeaf.path))[0]), 'utf8'));
    expect(problems.some((p) => p.endsWith(`project ${addonSystem} does not permit cluster-scoped apiextensions.k8s.io/CustomResourceDefinition, which add-on charts install`))).toBe(true);
    expect(problems.some((p) => p.endsWith(`project ${addonSystem} does not permit creating Namespace ${app.spec.destination.namespace} (CreateNamespace=true)`))).toBe(true);
  });
});

describe('convergence: sync policy of every generated Application', () => {
  it('reports a retry limit, an uncapped backoff, no SkipDryRunOnMissingResource and FailOnSharedResource', () => {
    const root = scratchTree();
    edit(root, djangoSet, (s) => {
      const policy = s.spec.template.spec.syncPolicy;
      policy.retry = { limit: 5, backoff: { duration: '5s', factor: 2, maxDuration: '1h' } };
      policy.syncOptions = [...policy.syncOptions.filter((o: string) => o !== 'SkipDryRunOnMissingResource=true'), 'FailOnSharedResource=true'];
    });
    const where = `Application ${djangoApp} (ApplicationSet ${django.env}-django)`;
    expect(checkCoverage(root)).toEqual(expect.arrayContaining([
      `${where}: syncPolicy.retry.limit must be -1 (retry until it converges; got 5)`,
      `${where}: syncPolicy.retry.backoff must be a duration, a factor >= 1 and a maxDuration of at most 300s (got {"duration":"5s","factor":2,"maxDuration":"1h"})`,
      `${where}: syncOptions must include SkipDryRunOnMissingResource=true, so a kind whose add-on is not installed yet does not stop the rest`,
      `${where}: FailOnSharedResource=true makes a renamed service's new Application fail for good (its objects keep the old Application's tracking id); dist/ is checked for objects rendered twice instead`,
    ]));
  });

  it('reports AppProjects that are not in an earlier bootstrap wave than the ApplicationSets', () => {
    const root = scratchTree();
    edit(root, 'argocd/projects/django.yaml', (p) => { delete p.metadata.annotations[SYNC_WAVE_ANNOTATION]; });
    expect(checkCoverage(root)).toContain(`AppProject django: ${SYNC_WAVE_ANNOTATION} 0 is not before the ApplicationSets' (0); an ApplicationSet could be reconciled before its project exists`);
  });
});

describe('Prune=confirm, roles and logs (issue 13 items 17-18)', () => {
  it('reports an ApplicationSet that does not preserve the deletion approval', () => {
    const root = scratchTree();
    edit(root, djangoSet, (s) => { delete s.spec.preservedFields; });
    expect(checkCoverage(root)).toContain(`ApplicationSet ${django.env}-django: spec.preservedFields.annotations must include ${DELETION_APPROVED_ANNOTATION}, or the controller removes a Prune=confirm approval before the sync reads it`);
  });

  it('reports Applications with Prune=confirm objects no role may confirm, reads without logs, and a description that says more than the policies', () => {
    const root = scratchTree();
    edit(root, 'argocd/projects/django.yaml', (p) => {
      for (const r of p.spec.roles) r.policies = r.policies.filter((x: string) => !x.includes(', update,') && !x.includes(', logs,'));
      p.spec.roles[0].description = 'Reads every environment (development: get; production: get; staging: get)';
    });
    const problems = checkCoverage(root);
    const shared = leaves.find((l) => l.system === 'django' && l.env === django.env && l.objects.some((o) => o.kind === 'Namespace'))!;
    expect(problems).toContain(`AppProject django: no role may confirm the Prune=confirm deletions of Application ${applicationName('django', shared.service, djangoCluster.name)} (applications, update)`);
    expect(problems.some((p) => p.startsWith('AppProject django: role ') && p.includes(`reads Application ${djangoApp} but may not read its logs (logs, get; enforced since Argo CD 3.0)`))).toBe(true);
    expect(problems.some((p) => p.startsWith('AppProject django: role ') && p.includes('description "Reads every environment (development: get; production: get; staging: get)" does not end with what its policies grant'))).toBe(true);
  });

  it('keeps what the cluster creates below a rendered object in the resource tree (Pods, ReplicaSets, EndpointSlices, Secrets)', () => {
    const root = scratchTree();
    edit(root, 'argocd/projects/django.yaml', (p) => {
      p.spec.namespaceResourceWhitelist = p.spec.namespaceResourceWhitelist.filter((e: any) => !['Pod', 'ReplicaSet'].includes(e.kind));
    });
    const problems = checkCoverage(root);
    expect(problems).toContain(`AppProject django: does not permit core/Pod, which the cluster creates for ${django.path}; Argo CD leaves it out of the resource tree (and logs cannot find pods)`);
    expect(problems).toContain(`AppProject django: does not permit apps/ReplicaSet, which the cluster creates for ${django.path}; Argo CD leaves it out of the resource tree (and logs cannot find pods)`);
  });
});

describe('project whitelists (issue 13 item 21)', () => {
  it('reports a Namespace permitted without a name, by a pattern, or to two projects', () => {
    const root = scratchTree();
    const kiteclassNamespace = leaves.find((l) => l.system === 'kiteclass')!.objects.find((o) => o.kind === 'Namespace')?.name
      ?? readArgoCd(root).find((o) => o.kind === 'AppProject' && o.metadata.name === 'kiteclass').spec.clusterResourceWhitelist.find((e: any) => e.kind === 'Namespace').name;
    edit(root, 'argocd/projects/django.yaml', (p) => { p.spec.clusterResourceWhitelist.push({ group: '', kind: 'Namespace', name: kiteclassNamespace }); });
    edit(root, 'argocd/projects/eks-demo.yaml', (p) => { p.spec.clusterResourceWhitelist.push({ group: '', kind: 'Namespace' }, { group: '*', kind: 'Namespace', name: 'eks-*' }); });
    const problems = checkCoverage(root);
    expect(problems).toContain(`AppProjects django and kiteclass both permit Namespace ${kiteclassNamespace}: a namespace belongs to one system`);
    expect(problems).toContain('AppProject eks-demo: permits Namespace without a name; name each of its own namespaces, or it may create or take any');
    expect(problems).toContain('AppProject eks-demo: permits Namespace by the pattern eks-*; name each of its own namespaces, or it may create or take any');
  });

  it('reports a Namespace object its project does not permit by name', () => {
    const root = scratchTree();
    const ns = leaves.find((l) => l.system === 'django' && l.objects.some((o) => o.kind === 'Namespace'))!.objects.find((o) => o.kind === 'Namespace')!;
    edit(root, 'argocd/projects/django.yaml', (p) => {
      p.spec.clusterResourceWhitelist = p.spec.clusterResourceWhitelist.filter((e: any) => e.name !== ns.name);
    });
    expect(checkCoverage(root).some((p) => p.endsWith(`project django does not permit cluster-scoped core/Namespace (${ns.file})`))).toBe(true);
  });

  it('reports an empty or absent namespaced whitelist (absent permits all; [] becomes absent after an API round trip)', () => {
    const root = scratchTree();
    edit(root, 'argocd/projects/django.yaml', (p) => { p.spec.namespaceResourceWhitelist = []; });
    edit(root, `argocd/projects/${applicationsProjectName(addonSystem)}.yaml`, (p) => { delete p.spec.namespaceResourceWhitelist; });
    const problems = checkCoverage(root);
    expect(problems).toContain('AppProject django: namespaceResourceWhitelist is [], which Argo CD stores as absent (permit all) after one API round trip; use nothing.invalid/NoNamespacedObject to permit none');
    expect(problems).toContain(`AppProject ${applicationsProjectName(addonSystem)}: namespaceResourceWhitelist absent, which permits every namespaced kind; use nothing.invalid/NoNamespacedObject to permit none`);
  });

  it('reports orphan warnings on objects every namespace has', () => {
    const root = scratchTree();
    edit(root, 'argocd/projects/django.yaml', (p) => { p.spec.orphanedResources = { warn: true }; });
    const problems = checkCoverage(root);
    expect(problems).toContain('AppProject django: orphanedResources warns on ConfigMap istio-ca-root-cert, which every namespace has; add it to orphanedResources.ignore');
    // Argo CD skips the default ServiceAccount and kube-root-ca.crt by itself
    expect(problems.filter((p) => p.includes('orphanedResources warns'))).toHaveLength(1);
  });
});

describe('renaming a service (issue 13 item 19)', () => {
  it('an object rendered by two folders for one cluster is reported (what FailOnSharedResource guarded)', () => {
    const root = scratchTree();
    const file = django.objects.find((o) => o.kind === 'Service')!;
    const other = leaves.find((l) => l.system === 'django' && l.env === django.env && l.path !== django.path)!;
    cpSync(join(root, file.file), join(root, other.path, 'Service.copy.yaml'));
    expect(checkCoverage(root)).toContain(`core/Service ${file.namespace}/${file.name} on ${djangoCluster.server}: rendered by both ${django.path} and ${other.path}`);
  });

  it('a renamed service folder: argocd/ is unchanged, the new Application is generated and may adopt the old objects, the old one is left for a person to delete', () => {
    // GIVEN the Django app's folder renamed (same objects, same namespace)
    const root = scratchTree();
    const renamed = `${django.path}-renamed`;
    renameSync(join(root, django.path), join(root, renamed));
    const before = new Map([...flatten(renderArgoCd(WORKSPACE_ROOT))]);
    // WHEN argocd/ is regenerated
    regenerate(root);
    // THEN the git directory generator finds the new folder: nothing in argocd/ changes
    expect(new Map([...flatten(renderArgoCd(root))])).toEqual(before);
    expect(checkCoverage(root)).toEqual([]);
    const apps = generatedApplications(root).map(({ app }) => app);
    const renamedApp = apps.find((a) => a.spec.source.path === renamed)!;
    expect(renamedApp.metadata.name).toBe(applicationName('django', `${django.service}-renamed`, djangoCluster.name));
    expect(apps.some((a) => a.metadata.name === djangoApp)).toBe(false);
    // The live objects still carry the old Application's tracking id; Argo CD marks them shared
    // (controller/state.go) and would refuse the sync only with FailOnSharedResource=true, which
    // no generated Application sets: the new one applies the same objects and takes them over.
    expect(renamedApp.spec.syncPolicy.syncOptions).not.toContain('FailOnSharedResource=true');
    // create-update never deletes the old Application (and so never its objects): it stays, with
    // a "path does not exist" comparison error, until a person runs
    // `argocd app delete <old> --cascade=false` once the new one is Synced and Healthy.
    const set = readArgoCd(root).find((o) => o.kind === 'ApplicationSet' && o.metadata.name === `${django.env}-django`);
    expect(set.spec.syncPolicy).toEqual({ applicationsSync: 'create-update', preserveResourcesOnDeletion: true });
    expect(set.spec.template.metadata.finalizers).toBeUndefined();
  });
});
