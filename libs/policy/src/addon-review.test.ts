/**
 * The production review of the add-ons (issue 22): chart versions their repositories published,
 * Helm values their charts read, images still served, and support windows, each on fixtures of
 * its own and on today's repository (environments/, dist/, and the charts' files in ../shared/addons).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEnvironment } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { loadEnvironmentAddons, type EnvironmentAddons } from './addon-pins';
import { checkAddonValues, coalesce, sharedChartFiles, valuesProblems, type ChartFiles } from './checks/addon-values';
import { checkChartPins } from './checks/chart-index';
import { checkImages } from './checks/images';
import { checkSupport } from './checks/support';
import { PolicyContext } from './context';
import { CHART_INDEX } from './data/chart-index';
import { parseImage, refusedSourceOf, REFUSED_IMAGE_SOURCES } from './data/refused-images';
import { ADDON_SUPPORT, KUBERNETES_SUPPORT } from './data/support-dates';
import { readManifests, type Manifest } from './manifests';
import { formatValidateResult, validate } from './validate';
import { checkPolicies } from './policy';

const SHARED = process.env.GITOPS_SHARED_DIR ?? join(WORKSPACE_ROOT, '..', 'shared');
// the charts' files live beside the repository, never in it; a clone without them says so and skips those cases
const HAVE_SHARED = existsSync(join(SHARED, 'addons'));
if (!HAVE_SHARED) console.warn(`addon-review.test: ${SHARED}/addons (the charts' values.yaml) is missing; set GITOPS_SHARED_DIR to check against them`);

const pins = (env: string, addons: Record<string, string>, waivers: EnvironmentAddons['waivers'] = {}): EnvironmentAddons =>
  ({ env, file: `environments/${env}/cluster-addons.yaml`, addons, waivers });
const today = loadEnvironmentAddons(WORKSPACE_ROOT);
const fleet = new Map(['development', 'staging', 'production'].map((env) => [env, loadEnvironment(env as never, WORKSPACE_ROOT)]));

describe('addon-chart-published: every pinned chart version is recorded as published', () => {
  it('refuses sloth 0.12.2, which its index never listed (0.12.1 -> 0.13.0), naming add-on, version and environment', () => {
    expect(checkChartPins([pins('staging', { sloth: '0.12.2' })]).map((v) => `${v.file}: ${v.name}: ${v.message}`)).toEqual([
      'environments/staging/cluster-addons.yaml: sloth: sloth 0.12.2 (environment staging): no record that https://slok.github.io/sloth (chart sloth) published this version; recorded versions: 0.12.1; check the repository\'s index.yaml and add its record to libs/policy/src/data/chart-index.ts, or pin a published version',
    ]);
    expect(checkChartPins([pins('staging', { sloth: '0.12.1' })])).toEqual([]);
  });

  it('refuses an add-on with no record at all', () => {
    expect(checkChartPins([pins('production', { 'new-addon': '1.0.0' })])[0].message).toBe(
      "new-addon 1.0.0 (environment production): no record that its chart repository published this version; check the repository's index.yaml and add its record to libs/policy/src/data/chart-index.ts, or pin a published version",
    );
  });

  it("finds a record for every pin of every environment today", () => {
    expect(today.map((e) => e.env).sort()).toEqual(['development', 'production', 'staging']);
    expect(checkChartPins(today)).toEqual([]);
  });

  it('each record says where and when it was checked', () => {
    for (const r of CHART_INDEX) {
      expect(r.source, `${r.addon} ${r.version}`).toMatch(/index\.yaml|commit [0-9a-f]{40}/);
      expect(r.checked, `${r.addon} ${r.version}`).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
    }
  });

  it("refuses a rendered Application whose chart version has no record", () => {
    const app = application('sloth', { repoURL: 'https://slok.github.io/sloth', chart: 'sloth', targetRevision: '0.12.2', helm: { valuesObject: {} } });
    expect(checkAddonValues(new PolicyContext([app]), undefined).map((v) => `${v.rule}: ${v.message}`)).toEqual([
      'addon-chart-published: chart sloth 0.12.2 of https://slok.github.io/sloth: no record that the repository published it (libs/policy/src/data/chart-index.ts)',
    ]);
  });
});

function application(name: string, source: Record<string, unknown>): Manifest {
  return { file: `dist/staging/cluster-addons/addons/c1/Application.${name}-c1.yaml`, env: 'staging', object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: `${name}-c1`, namespace: 'argocd' }, spec: { source } } };
}

describe('addon-values-known: valuesObject against the chart version it renders', () => {
  const chart: ChartFiles = {
    values: { controller: { replicas: 1, podLabels: {}, service: { annotations: {}, type: 'LoadBalancer' }, args: [] }, extraObjects: [] },
  };

  it("refuses a key the chart's values.yaml does not have, a value of another kind, and accepts free-form maps", () => {
    expect(valuesProblems('some-chart', { controller: { replica: 2, podLabels: { team: 'a' }, service: { annotations: { x: 'y' }, type: { name: 'LB' } }, args: 'x' } }, chart)).toEqual([
      'controller.replica: not a value of the chart (not in its values.yaml); Helm would ignore it',
      "controller.service.type: a map, but the chart's values.yaml has a scalar there",
      "controller.args: a scalar, but the chart's values.yaml has a list there",
    ]);
  });

  it.runIf(HAVE_SHARED)("refuses cert-manager's extraObjects given as a map: templates/extras-objects.yaml at v1.17.2 renders each item with tpl, which takes a string", () => {
    const files = sharedChartFiles(SHARED)('cert-manager')!;
    const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-prod' } };
    expect(valuesProblems('cert-manager', { crds: { enabled: true }, extraObjects: [issuer] }, files)).toEqual([
      'extraObjects[0]: a map, but the chart renders each item with tpl, which takes a string (deploy/charts/cert-manager/templates/extras-objects.yaml at v1.17.2: {{ tpl . $ }} for each item): give the object as YAML text',
    ]);
    expect(valuesProblems('cert-manager', { crds: { enabled: true }, extraObjects: ['apiVersion: v1\nkind: ConfigMap\n'] }, files)).toEqual([]);
  });

  it.runIf(HAVE_SHARED)("checks values against the chart's values.schema.json as Helm would (defaults coalesced with the given values)", () => {
    const files = sharedChartFiles(SHARED)('velero')!;
    expect(files.schema).toBeDefined();
    expect(valuesProblems('velero', { upgradeCRDs: 'no' }, files)).toEqual(['upgradeCRDs: must be boolean (values.schema.json)']);
    expect(valuesProblems('velero', { upgradeCRDs: false }, files)).toEqual([]);
  });

  it.runIf(HAVE_SHARED)("reads Istio's charts as their templates do: defaults under _internal_defaults_do_not_set, istiod's legacy pilot. prefix", () => {
    const load = sharedChartFiles(SHARED);
    expect(valuesProblems('istio-base', { defaultRevision: 'default' }, load('istio-base')!)).toEqual([]);
    expect(valuesProblems('istiod', { pilot: { autoscaleMin: 2, cni: { enabled: true } } }, load('istiod')!)).toEqual([]);
    expect(valuesProblems('istiod', { pilot: { autoscaleMinimum: 2 } }, load('istiod')!)).toEqual(['pilot.autoscaleMinimum: not a value of the chart (not in its values.yaml); Helm would ignore it']);
  });

  it('coalesces as Helm does: maps merge, lists are replaced', () => {
    expect(coalesce({ a: { b: 1, c: [1, 2] }, d: 2 }, { a: { c: [3] } })).toEqual({ a: { b: 1, c: [3] }, d: 2 });
  });

  it('refuses a valuesObject it cannot check (no values.yaml of that chart version in ../shared/addons)', () => {
    const app = application('sloth', { repoURL: 'https://slok.github.io/sloth', chart: 'sloth', targetRevision: '0.12.1', helm: { valuesObject: { replicas: 2 } } });
    expect(checkAddonValues(new PolicyContext([app]), () => undefined).map((v) => v.message)).toEqual([
      "sloth 0.12.1: its values.yaml is not in ../shared/addons/sloth at this version (it holds 0.12.2), so its valuesObject cannot be checked; keep the valuesObject empty or add the chart's files",
    ]);
  });

  it.runIf(HAVE_SHARED)("checks sloth 0.12.1's values against 0.12.2's values.yaml outside the keys where they differ (global, image)", () => {
    const sloth = (valuesObject: Record<string, unknown>) => checkAddonValues(new PolicyContext([
      application('sloth', { repoURL: 'https://slok.github.io/sloth', chart: 'sloth', targetRevision: '0.12.1', helm: { valuesObject } }),
    ]), sharedChartFiles(SHARED)).map((v) => v.message);
    expect(sloth({ commonPlugins: { enabled: false } })).toEqual([]);
    expect(sloth({ commonPlugin: { enabled: false } })).toEqual(['sloth 0.12.1: spec.source.helm.valuesObject.commonPlugin: not a value of the chart (not in its values.yaml); Helm would ignore it']);
    expect(sloth({ image: { tag: 'v0.12.0' } })).toEqual(["sloth 0.12.1: spec.source.helm.valuesObject.image: ../shared/addons/sloth holds 0.12.2, whose image differs from 0.12.1's, so a value there cannot be checked"]);
  });

  it.runIf(HAVE_SHARED)("passes every add-on Application rendered today (cert-manager's ClusterIssuer is YAML text)", async () => {
    const manifests = await readManifests(WORKSPACE_ROOT, ['development', 'staging', 'production'].map((e) => `dist/${e}/cluster-addons/addons`));
    const apps = manifests.filter((m) => m.object.kind === 'Application');
    expect(apps.length).toBeGreaterThan(30);
    expect(checkAddonValues(new PolicyContext(apps), sharedChartFiles(SHARED))).toEqual([]);
  });
});

describe('image-source: images from registries still served, pinned', () => {
  const pod = (image: string, init?: string): Manifest => ({
    file: 'dist/staging/shop/api/Deployment.api.yaml', env: 'staging',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec: { template: { spec: { containers: [{ name: 'api', image }], ...(init ? { initContainers: [{ name: 'init', image: init }] } : {}) } } } },
  });
  const found = (manifests: Manifest[]) => checkPolicies(manifests).violations.filter((v) => v.rule === 'image-source').map((v) => v.message);
  const bitnami = REFUSED_IMAGE_SOURCES[0];

  it('resolves short names to docker.io as a container runtime does', () => {
    expect(parseImage('bitnami/kubectl:1.32')).toEqual({ registry: 'docker.io', repository: 'bitnami/kubectl', tag: '1.32' });
    expect(parseImage('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx' });
    expect(parseImage('localhost:5000/app@sha256:abc')).toEqual({ registry: 'localhost:5000', repository: 'app', digest: 'sha256:abc' });
    expect(parseImage('index.docker.io/bitnami/redis:7')).toMatchObject({ registry: 'docker.io', repository: 'bitnami/redis' });
  });

  it('refuses docker.io/bitnami in any spelling, in containers and init containers', () => {
    for (const image of ['bitnami/kubectl:1.32', 'docker.io/bitnami/kubectl:1.32', 'index.docker.io/bitnami/kubectl:1.32']) expect(refusedSourceOf(image), image).toBe(bitnami);
    expect(found([pod('registry.example.com/api:1.0.0', 'bitnami/kubectl:1.32')])).toEqual([
      `spec.template.spec.initContainers[0].image bitnami/kubectl:1.32: docker.io/bitnami/* is no longer served: ${bitnami.reason} (${bitnami.source})`,
    ]);
    expect(refusedSourceOf('docker.io/bitnamisecure/kubectl:latest')).toBeUndefined();
  });

  it('refuses an image without a tag or tagged latest, and takes a digest', () => {
    expect(found([pod('registry.example.com/api')])).toEqual(['spec.template.spec.containers[0].image registry.example.com/api has no tag (a pull takes latest): pin a tag or digest']);
    expect(found([pod('registry.example.com/api:Latest')])).toEqual(['spec.template.spec.containers[0].image registry.example.com/api:Latest is tagged Latest, which moves: pin a tag or digest']);
    expect(found([pod('registry.example.com/api@sha256:0123')])).toEqual([]);
  });

  it('in production reports the source, and leaves the pin to production-pinned-image (one finding each)', () => {
    const prod = { ...pod('bitnami/kubectl:latest'), file: 'dist/production/shop/api/Deployment.api.yaml', env: 'production' };
    const rules = checkPolicies([prod]).violations.filter((v) => v.rule === 'image-source' || v.rule === 'production-pinned-image').map((v) => v.rule);
    expect(rules.sort()).toEqual(['image-source', 'production-pinned-image']);
  });

  it("refuses images set in an add-on Application's Helm values (an image string, a repository map)", () => {
    const app = application('velero', {
      repoURL: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', targetRevision: '10.0.8',
      helm: { valuesObject: { initContainers: [{ name: 'plugin', image: 'velero/velero-plugin-for-aws' }], kubectl: { image: { repository: 'docker.io/bitnami/kubectl', tag: '1.32' } } } },
    });
    expect(found([app])).toEqual([
      'spec.source.helm.valuesObject.initContainers[0].image velero/velero-plugin-for-aws has no tag (a pull takes latest): pin a tag or digest',
      `spec.source.helm.valuesObject.kubectl.image.repository docker.io/bitnami/kubectl:1.32: docker.io/bitnami/* is no longer served: ${bitnami.reason} (${bitnami.source})`,
    ]);
  });

  it.runIf(HAVE_SHARED)("refuses a chart's default image from a refused source while the component that runs it is on: velero's kubectl before upgradeCRDs: false (the state before 49ba362)", () => {
    const velero = (valuesObject: Record<string, unknown>) => application('velero', { repoURL: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', targetRevision: '10.0.8', helm: { valuesObject } });
    const messages = (valuesObject: Record<string, unknown>) => checkImages(new PolicyContext([velero(valuesObject)]), sharedChartFiles(SHARED)).map((v) => v.message);
    expect(messages({ credentials: { useSecret: false } })).toEqual([
      `velero 10.0.8: the chart's default kubectl.image.repository docker.io/bitnami/kubectl (not set by the valuesObject) is no longer served: ${bitnami.reason} (${bitnami.source}); set another image, or switch off the component that runs it`,
    ]);
    expect(messages({ upgradeCRDs: false })).toEqual([]);
    expect(messages({ upgradeCRDs: false, cleanUpCRDs: true })).toHaveLength(1);
  });

  it.runIf(HAVE_SHARED)('passes every image rendered today, the add-ons\' values and their charts\' defaults included', async () => {
    const manifests = await readManifests(WORKSPACE_ROOT, ['dist']);
    expect(checkPolicies(manifests, undefined, { chartFiles: sharedChartFiles(SHARED) }).violations.filter((v) => v.rule === 'image-source')).toEqual([]);
  });
});

describe('support-window: ends of support judged on a given day', () => {
  const record = ADDON_SUPPORT.find((r) => r.addon === 'cert-manager')!;
  const k8s = KUBERNETES_SUPPORT.find((r) => r.version === '1.32')!;
  const oneCluster = (version: string) => new Map([['staging', { ...fleet.get('staging')!, clusters: [{ ...fleet.get('staging')!.clusters[0], kubernetesVersion: version }] }]]);
  const waiver = { version: 'v1.17.2', reason: 'no newer chart data to test the upgrade against', decidedBy: 'platform-team', recorded: '2026-12-07', expires: '2027-01-31' };
  const run = (on: string, waivers = {}) => checkSupport([pins('staging', { 'cert-manager': 'v1.17.2' }, waivers)], new Map(), on);

  it('warns within 90 days of the end, fails after it', () => {
    expect(run('2025-07-08').warnings).toEqual([]);
    expect(run('2025-07-09').warnings.map((w) => w.message)).toEqual([`cert-manager v1.17.2 (environment staging): cert-manager 1.17 reaches its end of support on 2025-10-07, in 90 days (${record.source}): upgrade before then`]);
    expect(run('2025-10-07').violations).toEqual([]);
    expect(run('2025-10-08').violations.map((v) => v.message)).toEqual([
      `cert-manager v1.17.2 (environment staging): cert-manager 1.17 is past its end of support since 2025-10-07 (${record.policy}; ${record.source}): upgrade it, or record a dated, reasoned exception with an expiry under supportWaivers.cert-manager in environments/staging/cluster-addons.yaml`,
    ]);
  });

  it('lists a past-support version under an unexpired waiver for that version as waived, with its reason and expiry', () => {
    const r = run('2026-12-07', { 'cert-manager': waiver });
    expect(r.violations).toEqual([]);
    expect(r.waived.map((w) => w.reason)).toEqual(['no newer chart data to test the upgrade against (decided by platform-team on 2026-12-07; expires 2027-01-31, in 55 days)']);
  });

  it('fails again after the waiver expires, and for a waiver of another version', () => {
    expect(run('2027-02-01', { 'cert-manager': waiver }).violations[0].message).toMatch(/: the waiver in environments\/staging\/cluster-addons.yaml expired on 2027-01-31$/);
    const other = checkSupport([pins('staging', { 'cert-manager': 'v1.17.2' }, { 'cert-manager': { ...waiver, version: 'v1.16.0' } })], new Map(), '2026-12-07');
    expect(other.violations[0].message).toMatch(/the waiver in environments\/staging\/cluster-addons.yaml is for version v1.16.0, not v1.17.2$/);
    expect(other.warnings.map((w) => w.message)).toEqual(['supportWaivers.cert-manager is for version v1.16.0, but v1.17.2 is pinned: remove it']);
  });

  it('fails a version with no support record, and warns where upstream publishes no date', () => {
    expect(checkSupport([pins('staging', { 'cert-manager': 'v1.18.0' })], new Map(), '2026-12-07').violations[0].message).toBe(
      'cert-manager v1.18.0 (environment staging): no support record; read its upstream support page and add the end of support (or the policy, where none is published) to libs/policy/src/data/support-dates.ts',
    );
    expect(checkSupport([pins('staging', { sloth: '0.12.1' })], new Map(), '2026-12-07').warnings[0].message).toMatch(/^sloth 0.12.1 \(environment staging\): Sloth 0.12: upstream publishes no end-of-support date/);
  });

  it('judges each Kubernetes version of the fleet by the EKS calendar: extended support warned, its last 90 days warned, after it failed', () => {
    const msgs = (on: string, version = '1.32') => { const r = checkSupport([], oneCluster(version), on); return { v: r.violations.map((x) => x.message), w: r.warnings.map((x) => x.message) }; };
    expect(msgs('2026-01-10')).toEqual({ v: [], w: [] });
    expect(msgs('2026-12-07').w).toEqual([`Kubernetes 1.32 (environment staging): in EKS extended support (extra cost per cluster hour) since 2026-03-23; it ends on 2027-03-23, in 106 days (${k8s.source})`]);
    expect(msgs('2026-12-23').w).toEqual([`Kubernetes 1.32 (environment staging): EKS extended support ends on 2027-03-23, in 90 days (${k8s.source}): upgrade before then`]);
    expect(msgs('2027-03-24').v).toEqual([`Kubernetes 1.32 (environment staging): past the end of EKS extended support since 2027-03-23 (${k8s.source}): EKS upgrades the clusters itself; upgrade them first`]);
    expect(msgs('2026-12-07', '1.28').v).toEqual(['Kubernetes 1.28 (environment staging): no support record; add its EKS end of standard and extended support to libs/policy/src/data/support-dates.ts']);
  });

  it("finds the review's finding 11 in today's pins: ingress-nginx 4.12.1, Istio 1.26 and cert-manager 1.17 past support at the environment files' date, and nothing else", () => {
    // environment.yaml: "1.31 leaves extended support on 2026-11-26, days from now": a day before it
    const past = checkSupport(today.map((e) => ({ ...e, waivers: {} })), fleet, '2026-11-20').violations.map((v) => `${v.file.split('/')[1]} ${v.name}`);
    expect(past).toEqual(['staging', 'production'].flatMap((env) => ['cert-manager', 'ingress-nginx', 'istio-base', 'istio-cni', 'istiod'].map((a) => `${env} ${a}`)));
  });

  it("today (2026-12-07) every past-support pin is under a recorded waiver, so validate lists them as waived and passes", () => {
    const r = checkSupport(today, fleet, '2026-12-07');
    expect(r.violations).toEqual([]);
    expect(r.waived.map((w) => `${w.file.split('/')[1]} ${w.name}`)).toEqual(['staging', 'production'].flatMap((env) => ['cert-manager', 'ingress-nginx', 'istio-base', 'istio-cni', 'istiod'].map((a) => `${env} ${a}`)));
    for (const w of r.waived) expect(w.reason).toMatch(/expires 2027-01-31/);
  });
});

describe('validate reports the support windows of environments/ on the day it is given (--on)', () => {
  const root = mkdtempSync(join(tmpdir(), 'addon-review-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const put = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  put('dist/staging/shop/api/ConfigMap.settings.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop-staging\ndata:\n  mode: fast\n');
  const values = (waiver: string) => `addons:\n  cert-manager: v1.17.2\nsupportWaivers:\n  cert-manager:\n    version: v1.17.2\n    reason: ${waiver}\n    decidedBy: platform-team\n    recorded: "2026-12-07"\n    expires: "2027-01-31"\n`;
  const run = async (on: string) => formatValidateResult(await validate(root, ['dist'], undefined, { on, sharedDir: SHARED }), root);

  it('lists a waived end of support with its reason and expiry, and the day it was judged on; fails once the waiver expired', async () => {
    put('environments/staging/cluster-addons.yaml', values('no newer chart data here to test the upgrade against'));
    const out = await run('2026-12-07');
    expect(out).toContain('waived: environments/staging/cluster-addons.yaml: add-on cert-manager: [support-window] cert-manager v1.17.2 (environment staging): cert-manager 1.17 is past its end of support since 2025-10-07');
    expect(out).toContain('(reason: no newer chart data here to test the upgrade against (decided by platform-team on 2026-12-07; expires 2027-01-31, in 55 days))');
    expect(out).toContain('support windows judged on 2026-12-07 (validate --on YYYY-MM-DD judges another day)');
    // without ../shared/addons (a clone on its own) validate says once that the add-on values went unchecked
    const unchecked = `warning: environments: add-on values: [addon-values-known] ${SHARED}/addons (the charts' values.yaml) is missing: the add-ons' valuesObject was not checked (set GITOPS_SHARED_DIR)`;
    expect(out.includes(unchecked)).toBe(!HAVE_SHARED);
    const warnings = HAVE_SHARED ? 0 : 1;
    expect(out).toMatch(new RegExp(`policy: 0 violations, 1 waived, ${warnings} warnings$`));
    expect(await run('2027-02-01')).toMatch(new RegExp(`policy: 1 violations, 0 waived, ${warnings} warnings$`));
  });

  it('refuses a waiver without a reason a reviewer can judge, and a day that is not a date', async () => {
    put('environments/staging/cluster-addons.yaml', values('short'));
    await expect(run('2026-12-07')).rejects.toThrow('environments/staging/cluster-addons.yaml: supportWaivers.cert-manager.reason: give a reason a reviewer can judge (at least 20 characters)');
    await expect(run('07/12/2026')).rejects.toThrow('--on 07/12/2026: give a date YYYY-MM-DD');
  });
});

describe("a project's validate (nx run <service>:validate) reports the findings about the environments/ files it is rendered from", () => {
  const root = mkdtempSync(join(tmpdir(), 'validate-inputs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'dist/staging/shop/api'), { recursive: true });
  writeFileSync(join(root, 'dist/staging/shop/api/ConfigMap.settings.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop-staging\ndata:\n  mode: fast\n');
  const finding = (file: string) => ({ rule: 'support-window' as const, file, kind: 'clusters', name: 'c', message: `about ${file}` });
  const report = {
    violations: ['environments/staging/environment.yaml', 'environments/production/environment.yaml', 'environments/staging/shop.yaml', 'environments/staging/shopping.yaml', 'environments/staging/cluster-addons.yaml', 'dist/staging/other/x/ConfigMap.x.yaml'].map(finding),
    waived: [],
    warnings: [],
    supportJudgedOn: '2026-12-07',
  };

  it("reports its environment's environment.yaml (a cluster's Kubernetes version past support) and its system's values file, not another environment's or system's", async () => {
    const r = await validate(root, ['dist/staging/shop/api'], report);
    expect(r.policy.violations.map((v) => v.file)).toEqual(['environments/staging/environment.yaml', 'environments/staging/shop.yaml']);
    expect(r.policy.supportJudgedOn).toBe('2026-12-07');
  });

  it('the whole render gets every finding', async () => {
    const r = await validate(root, ['dist'], report);
    expect(r.policy.violations).toHaveLength(6);
  });
});
