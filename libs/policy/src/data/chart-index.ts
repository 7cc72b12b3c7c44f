/**
 * Which add-on chart versions their chart repositories published, as recorded by hand: this
 * machine (and CI) cannot reach chart repositories, so the evidence is data committed here, each
 * record with where it was checked (the repository's index.yaml, or the upstream release tag and
 * commit that published the chart, from ../shared/addons/SOURCES.md) and when. A pin in any
 * `environments/<env>/cluster-addons.yaml` without a record is refused by `npm run validate`
 * (rule `addon-chart-published`): an Argo CD Application pinned to a version its repository never
 * published never syncs ("chart not found"). Adding a pin means checking the index and adding
 * its record here, in the same pull request.
 *
 * Where ../shared/addons holds a chart's values.yaml (and values.schema.json), `sharedValues`
 * names its folder and the version those files are of, for the values check (`addon-values-known`).
 */

export interface ChartIndexRecord {
  /** The add-on, as `environments/<env>/cluster-addons.yaml` `addons:` names it. */
  readonly addon: string;
  /** Chart repository URL (the Application's `spec.source.repoURL`). */
  readonly repoURL: string;
  /** Chart name in that repository (`spec.source.chart`). */
  readonly chart: string;
  /** The published chart version. */
  readonly version: string;
  /** Where its publication was checked: the index URL, or the release tag and commit that published it. */
  readonly source: string;
  /** When it was checked (YYYY-MM-DD, or YYYY-MM where the survey gives only the month). */
  readonly checked: string;
  /**
   * The folder of ../shared/addons holding this chart's values.yaml, and the chart version those
   * files are of. Files of a neighbouring version count for this one when `sameExcept` lists the
   * top-level keys where the two values.yaml differ (from SOURCES.md's comparison); a value under
   * one of them is refused as unknowable. @default none
   */
  readonly sharedValues?: { readonly dir: string; readonly version: string; readonly sameExcept?: readonly string[] };
}

// ../shared/addons/SOURCES.md: the survey of August 2026 ("latest 3.3 patch means as of August 2026").
const SURVEY = '2026-08';

export const CHART_INDEX: readonly ChartIndexRecord[] = [
  {
    addon: 'external-secrets', repoURL: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '2.9.0',
    source: 'release tag helm-chart-2.9.0 of external-secrets/external-secrets (commit cc5bfbc2234ace9cb0caff4ea89c435cf517b27b, "chore: release helm chart for 2.9.0")',
    checked: SURVEY, sharedValues: { dir: 'external-secrets', version: '2.9.0' },
  },
  {
    addon: 'aws-load-balancer-controller', repoURL: 'https://aws.github.io/eks-charts', chart: 'aws-load-balancer-controller', version: '1.11.0',
    source: 'aws/eks-charts commit e60a7cbf53b803037985c72e7dc47786f7ea2afe ("aws-load-balancer-controller: v2.11.0 (#1188)", stable/aws-load-balancer-controller/Chart.yaml version 1.11.0), published to https://aws.github.io/eks-charts/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'aws-load-balancer-controller', version: '1.11.0' },
  },
  {
    addon: 'ingress-nginx', repoURL: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.12.1',
    source: 'release tag helm-chart-4.12.1 of kubernetes/ingress-nginx (commit 64780b1fed3af99f4eccbc3fdad7ad785e8a83b6), published by chart-releaser to https://kubernetes.github.io/ingress-nginx/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'ingress-nginx', version: '4.12.1' },
  },
  {
    addon: 'cert-manager', repoURL: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.17.2',
    source: 'release tag v1.17.2 of cert-manager/cert-manager (commit f3ffb86641f75d94d01e5a2606b9871ff89645ef), published to https://charts.jetstack.io/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'cert-manager', version: 'v1.17.2' },
  },
  {
    addon: 'istio-base', repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'base', version: '1.26.0',
    source: 'release tag 1.26.0 of istio/istio (commit c2e9871f340c0e0b114bcd1b73208284f1d17c9e), charts published to https://istio-release.storage.googleapis.com/charts/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'istio-base', version: '1.26.0' },
  },
  {
    addon: 'istiod', repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'istiod', version: '1.26.0',
    source: 'release tag 1.26.0 of istio/istio (commit c2e9871f340c0e0b114bcd1b73208284f1d17c9e), charts published to https://istio-release.storage.googleapis.com/charts/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'istiod', version: '1.26.0' },
  },
  {
    // ../shared/addons holds no values.yaml of the cni chart: its valuesObject must stay empty (addon-values-known).
    addon: 'istio-cni', repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'cni', version: '1.26.0',
    source: 'release tag 1.26.0 of istio/istio (commit c2e9871f340c0e0b114bcd1b73208284f1d17c9e; manifests/charts/istio-cni), charts published to https://istio-release.storage.googleapis.com/charts/index.yaml',
    checked: SURVEY,
  },
  {
    addon: 'kube-prometheus-stack', repoURL: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '67.8.0',
    source: 'release tag kube-prometheus-stack-67.8.0 of prometheus-community/helm-charts (commit c678ad741b298b8f274eb050a224835496dcaad7), published by chart-releaser to https://prometheus-community.github.io/helm-charts/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'kube-prometheus-stack', version: '67.8.0' },
  },
  {
    addon: 'velero', repoURL: 'https://vmware-tanzu.github.io/helm-charts', chart: 'velero', version: '10.0.8',
    source: 'release tag velero-10.0.8 of vmware-tanzu/helm-charts (commit bc57630f5dd96e194e3af4997ebd11471ad5f428), published by chart-releaser to https://vmware-tanzu.github.io/helm-charts/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'velero', version: '10.0.8' },
  },
  {
    addon: 'vertical-pod-autoscaler', repoURL: 'https://charts.fairwinds.com/stable', chart: 'vpa', version: '4.5.0',
    source: 'FairwindsOps/charts commit 624b5ecbfa7b432d77356b88809800e57beb1a23 (the only commit whose stable/vpa/Chart.yaml says 4.5.0; the repository has no tags), published to https://charts.fairwinds.com/stable/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'vpa', version: '4.5.0' },
  },
  {
    // 0.12.2 was never published: the index goes 0.12.1 (2025-03-27) -> 0.13.0 (2025-09-10), and
    // its only commit (0599ad2) is on an unmerged pull request. ../shared/addons/sloth holds that
    // commit's files, not 0.12.1's; SOURCES.md compares them: 0.12.1 lacks only the
    // global.imageRegistry / image.registry split (image.repository ghcr.io/slok/sloth), so the
    // file is 0.12.1's outside `global` and `image`.
    addon: 'sloth', repoURL: 'https://slok.github.io/sloth', chart: 'sloth', version: '0.12.1',
    source: 'https://slok.github.io/sloth/index.yaml (gh-pages of slok/sloth, last updated 2026-04-04): 0.12.1 published 2025-03-27',
    checked: SURVEY, sharedValues: { dir: 'sloth', version: '0.12.2', sameExcept: ['global', 'image'] },
  },
  {
    addon: 'metrics-server', repoURL: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.12.2',
    source: 'release tag metrics-server-helm-chart-3.12.2 of kubernetes-sigs/metrics-server (commit 65945d221ff1e269f11bf66f01846fe6133640b4), published by chart-releaser to https://kubernetes-sigs.github.io/metrics-server/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'metrics-server', version: '3.12.2' },
  },
  {
    addon: 'aws-ebs-csi-driver', repoURL: 'https://kubernetes-sigs.github.io/aws-ebs-csi-driver', chart: 'aws-ebs-csi-driver', version: '2.36.0',
    source: 'release tag helm-chart-aws-ebs-csi-driver-2.36.0 of kubernetes-sigs/aws-ebs-csi-driver (commit b31493388a11d385e83535c8b71025db7d5cafe8), published by chart-releaser to https://kubernetes-sigs.github.io/aws-ebs-csi-driver/index.yaml',
    checked: SURVEY, sharedValues: { dir: 'aws-ebs-csi-driver', version: '2.36.0' },
  },
];

/** The record of `addon` at `version`; undefined when none says its repository published it. */
export function chartRecord(addon: string, version: string, records: readonly ChartIndexRecord[] = CHART_INDEX): ChartIndexRecord | undefined {
  return records.find((r) => r.addon === addon && r.version === version);
}
