import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadEnvironment } from '@gitops/platform/render';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { ADDON_NAMES, ADDONS, addonsForCluster, addonSyncWave, type ProvidedCrd } from './catalog';

const allCrds: (ProvidedCrd & { addon: string })[] = Object.values(ADDONS).flatMap((a) => a.provides.crds.map((c) => ({ ...c, addon: a.name })));
const find = (group: string, kind: string) => allCrds.filter((c) => c.group === group && c.kind === kind);

/**
 * Upstream CRDs copied byte for byte (../shared/conformance/crds/SOURCES.md: External Secrets at
 * helm-chart-2.9.0, Istio, prometheus-operator): the catalog must state their group, kind, scope
 * and served versions exactly, since the coverage proof refuses what a CRD does not serve.
 */
const UPSTREAM = process.env.GITOPS_UPSTREAM_CRDS ?? join(WORKSPACE_ROOT, '..', 'shared', 'conformance', 'crds');
// The corpus lives beside the repository, never in it; a clone without it (a CI machine) says so and
// skips these cases, and the model-package test below still checks the kinds.
const HAVE_UPSTREAM = existsSync(UPSTREAM);
if (!HAVE_UPSTREAM) console.warn(`catalog.test: ${UPSTREAM} (the upstream CRDs) is missing; set GITOPS_UPSTREAM_CRDS to check against them`);

describe('the catalog states the CRDs as the charts install them', () => {
  const files = (HAVE_UPSTREAM ? ['external-secrets', 'istio', 'prometheus-operator'] : []).flatMap((d) =>
    readdirSync(join(UPSTREAM, d)).filter((f) => f.endsWith('.yaml')).map((f) => join(d, f)));

  it.runIf(HAVE_UPSTREAM)('reads the upstream CRDs', () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.runIf(HAVE_UPSTREAM).each(files)('%s: group, kind, scope and served versions', (file) => {
    const crd = parse(readFileSync(join(UPSTREAM, file), 'utf8'));
    const served = crd.spec.versions.filter((v: { served: boolean }) => v.served).map((v: { name: string }) => v.name).sort();
    const stated = find(crd.spec.group, crd.spec.names.kind);
    expect(stated, `${crd.spec.group} ${crd.spec.names.kind}`).toHaveLength(1);
    expect({ scope: stated[0].scope, versions: [...stated[0].versions].sort() }).toEqual({ scope: crd.spec.scope, versions: served });
  });

  it('lists every kind of the model packages of External Secrets and prometheus-operator (a chart installs all its CRDs)', () => {
    // Each top-level kind of @kubernetes-models/<pkg>/<group>/<version> has a `<Kind>List`.
    const kinds = (pkg: string, group: string, version: string) =>
      readdirSync(join(WORKSPACE_ROOT, 'node_modules/@kubernetes-models', pkg, group, version)).filter((f) => f.endsWith('List.js')).map((f) => f.slice(0, -'List.js'.length));
    const expected = [
      ...kinds('external-secrets', 'external-secrets.io', 'v1').map((k) => ['external-secrets.io', k]),
      ...kinds('external-secrets', 'external-secrets.io', 'v1alpha1').map((k) => ['external-secrets.io', k]),
      ...kinds('external-secrets', 'generators.external-secrets.io', 'v1alpha1').map((k) => ['generators.external-secrets.io', k]),
      ...kinds('prometheus-operator', 'monitoring.coreos.com', 'v1').map((k) => ['monitoring.coreos.com', k]),
      ...kinds('prometheus-operator', 'monitoring.coreos.com', 'v1alpha1').map((k) => ['monitoring.coreos.com', k]),
    ];
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.filter(([g, k]) => find(g, k).length !== 1)).toEqual([]);
  });

  it('states the kinds whose schemas the workspace writes by hand (libs/kubeconform/schemas)', () => {
    const dir = join(WORKSPACE_ROOT, 'libs/kubeconform/schemas');
    const handWritten = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => {
      const props = JSON.parse(readFileSync(join(dir, f), 'utf8')).properties;
      const [group, version] = props.apiVersion.enum[0].split('/');
      return { group, version, kind: props.kind.enum[0] };
    });
    expect(handWritten.length).toBeGreaterThanOrEqual(3);
    for (const { group, version, kind } of handWritten) {
      expect(find(group, kind).flatMap((c) => c.versions), `${group} ${kind}`).toContain(version);
    }
  });

  it('names each kind once across add-ons (two charts installing one CRD would fight over it)', () => {
    const seen = allCrds.map((c) => `${c.group}/${c.kind}`);
    expect(seen.filter((k, i) => seen.indexOf(k) !== i)).toEqual([]);
  });
});

describe('dependencies and order', () => {
  it('every dependency is an add-on, with no cycle, and comes in an earlier wave', () => {
    for (const name of ADDON_NAMES) {
      for (const dep of ADDONS[name].dependsOn) {
        expect(ADDON_NAMES).toContain(dep);
        expect(addonSyncWave(dep), `${dep} before ${name}`).toBeLessThan(addonSyncWave(name));
      }
    }
  });

  it("addonsForCluster includes an add-on's dependencies and sorts by wave", () => {
    const env = loadEnvironment('production', WORKSPACE_ROOT);
    for (const cluster of env.clusters) {
      const names = addonsForCluster(env, cluster.name).map((a) => a.name);
      for (const name of names) for (const dep of ADDONS[name].dependsOn) expect(names.indexOf(dep), `${cluster.name}: ${dep} before ${name}`).toBeGreaterThanOrEqual(0);
      const waves = names.map(addonSyncWave);
      expect(waves).toEqual([...waves].sort((a, b) => a - b));
    }
    expect(() => addonsForCluster(env, 'no-such-cluster')).toThrow('environments/production/environment.yaml: no cluster no-such-cluster');
  });

  it('refuses to install a CSI driver by chart where the cluster runs its EKS-managed add-on (issue 22 major 8)', () => {
    // GIVEN quizmentor-prod with the document's Terraform cluster_addons (aws-ebs-csi-driver among them)
    const env = loadEnvironment('production', WORKSPACE_ROOT);
    const terraform = { ...env, clusters: env.clusters.map((c) => (c.name === 'quizmentor-prod' ? { ...c, eksAddons: [...c.eksAddons, 'aws-ebs-csi-driver'] } : c)) };
    // THEN
    expect(() => addonsForCluster(terraform, 'quizmentor-prod')).toThrow(
      'environments/production/environment.yaml: clusters.quizmentor-prod.eksAddons: aws-ebs-csi-driver installs ebs.csi.aws.com, which add-on aws-ebs-csi-driver (needed by kube-prometheus-stack (dependency), quizmentor) installs too; one installer per driver: remove it from the cluster\'s EKS add-ons (and Terraform\'s cluster_addons)',
    );
    expect(addonsForCluster(env, 'quizmentor-prod').map((a) => a.name)).toContain('aws-ebs-csi-driver');
  });
});

describe('add-on values as the pinned charts read them (production review, issue 22)', () => {
  const production = loadEnvironment('production', WORKSPACE_ROOT);
  const quizmentor = production.clusters.find((c) => c.name === 'quizmentor-prod')!;
  const values = parse(readFileSync(join(WORKSPACE_ROOT, 'environments/production/cluster-addons.yaml'), 'utf8'));
  const ctx = { env: production, cluster: quizmentor, values };

  it("gives cert-manager's extraObjects as YAML text, which the chart's tpl takes (a map it cannot render)", () => {
    const { extraObjects } = ADDONS['cert-manager'].values(ctx) as { extraObjects: unknown[] };
    expect(extraObjects.every((o) => typeof o === 'string')).toBe(true);
    expect(parse(extraObjects[0] as string)).toMatchObject({ kind: 'ClusterIssuer', metadata: { name: 'letsencrypt-prod' }, spec: { acme: { email: 'platform-team@quizmentor.com' } } });
  });

  it("sets kube-prometheus-stack's admission webhooks to Ignore: their CA arrives in a PostSync hook, after the chart's own rules", () => {
    expect(ADDONS['kube-prometheus-stack'].values(ctx)).toMatchObject({ prometheusOperator: { admissionWebhooks: { failurePolicy: 'Ignore' } } });
    expect(ADDONS['kube-prometheus-stack'].provides.webhooks.map((w) => w.failurePolicy)).toEqual(['Ignore', 'Ignore']);
  });

  it("turns off Velero's CRD-upgrade hook, whose docker.io/bitnami/kubectl image can no longer be pulled", () => {
    expect(ADDONS.velero.values(ctx)).toMatchObject({ upgradeCRDs: false });
    expect(JSON.stringify(ADDONS.velero.values(ctx))).not.toContain('bitnami');
  });

  it('pins sloth to a chart version its repository published (0.12.2 never was)', () => {
    for (const env of ['staging', 'production']) {
      const pinned = parse(readFileSync(join(WORKSPACE_ROOT, `environments/${env}/cluster-addons.yaml`), 'utf8')).addons.sloth;
      expect(pinned, env).toBe('0.12.1');
    }
    expect(ADDONS.sloth.verifiedAt).toBe('0.12.1');
  });

  it("labels Sloth's own PodMonitor for the cluster's Prometheus (issue 22 minor)", () => {
    // kube-prometheus-stack's podMonitorSelector on quizmentor-prod (environments/production/environment.yaml)
    expect(ADDONS.sloth.values(ctx).metrics).toEqual({ prometheusLabels: { release: 'kube-prometheus-stack' } });
    expect((ADDONS['kube-prometheus-stack'].values(ctx) as any).prometheus.prometheusSpec.podMonitorSelector).toEqual({ matchLabels: { release: 'kube-prometheus-stack' } });
  });

  it("turns off Sloth's common-plugins git-sync sidecar, and no SLO of dist/ names a plugin (issue 22 minor)", () => {
    // the chart's default (commonPlugins.enabled: true) fetches plugins from GitHub at run time
    expect(ADDONS.sloth.values(ctx).commonPlugins).toEqual({ enabled: false });
    const slos: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.startsWith('PrometheusServiceLevel.')) slos.push(join(dir, entry.name));
      }
    };
    walk(join(WORKSPACE_ROOT, 'dist'));
    expect(slos.length).toBeGreaterThan(0);
    for (const file of slos) {
      const slo = parse(readFileSync(file, 'utf8'));
      expect(slo.spec.slos.filter((s: { sli: Record<string, unknown> }) => 'plugin' in s.sli), file).toEqual([]);
    }
  });

  it("gives the load-balancer controller its cluster's region and VPC id, which it cannot read from IMDSv2 with hop limit 1 (issue 22 minor)", () => {
    for (const env of ['development', 'staging', 'production'] as const) {
      const fleet = loadEnvironment(env, WORKSPACE_ROOT);
      for (const cluster of fleet.clusters) {
        expect(ADDONS['aws-load-balancer-controller'].values({ env: fleet, cluster, values }), cluster.name).toMatchObject({
          clusterName: cluster.name, region: cluster.region, vpcId: cluster.network.vpcId,
        });
        expect(cluster.network.vpcId, cluster.name).toMatch(/^vpc-[0-9a-f]{17}$/);
      }
    }
  });
});
