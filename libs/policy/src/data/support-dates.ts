/**
 * When upstream stops supporting each pinned add-on chart version and each cluster's Kubernetes
 * version, from the upstream page cited in each record. `npm run validate` (rule `support-window`)
 * warns from 90 days before the end and fails after it, unless `environments/<env>/cluster-addons.yaml`
 * `supportWaivers` records a dated, reasoned, unexpired exception for that exact version.
 * A pin without a record here fails: adding a version means reading its support page.
 *
 * Dates are the last day of support. Where a page gives only a month (ingress-nginx's retirement,
 * "March 2026"), the record takes the month's first day: the conservative reading.
 */

export interface AddonSupportRecord {
  /** The add-on, as `environments/<env>/cluster-addons.yaml` `addons:` names it. */
  readonly addon: string;
  /** The exact pinned chart version. */
  readonly version: string;
  /** The upstream release line the chart version installs (what the support page speaks of). */
  readonly release: string;
  /** Last day of support; undefined where upstream publishes no date (validate warns and names the policy). */
  readonly endOfSupport?: string;
  /** What upstream says about support of this line, in a sentence. */
  readonly policy: string;
  /** The upstream page the date or policy comes from. */
  readonly source: string;
}

export interface KubernetesSupportRecord {
  /** Kubernetes minor, as `kubernetesVersion` in environment.yaml. */
  readonly version: string;
  /** Last day of EKS standard support (extended support, at extra cost per cluster hour, follows). */
  readonly standardSupportEnds: string;
  /** Last day of EKS extended support: after it EKS upgrades the cluster itself. */
  readonly endOfSupport: string;
  readonly source: string;
}

const EKS_CALENDAR = 'https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (Amazon EKS Kubernetes release calendar)';
const ISTIO = 'https://istio.io/latest/docs/releases/supported-releases/ (support status of Istio releases: 1.26 end of life Dec 22, 2025)';
const ISTIO_POLICY = 'a minor release is supported until six weeks after the release of minor N+2';

export const KUBERNETES_SUPPORT: readonly KubernetesSupportRecord[] = [
  { version: '1.31', standardSupportEnds: '2025-11-26', endOfSupport: '2026-11-26', source: EKS_CALENDAR },
  { version: '1.32', standardSupportEnds: '2026-03-23', endOfSupport: '2027-03-23', source: EKS_CALENDAR },
  { version: '1.33', standardSupportEnds: '2026-07-29', endOfSupport: '2027-07-29', source: EKS_CALENDAR },
  { version: '1.34', standardSupportEnds: '2026-12-02', endOfSupport: '2027-12-02', source: EKS_CALENDAR },
  { version: '1.35', standardSupportEnds: '2027-03-27', endOfSupport: '2028-03-27', source: EKS_CALENDAR },
];

export const ADDON_SUPPORT: readonly AddonSupportRecord[] = [
  {
    addon: 'external-secrets', version: '2.9.0', release: 'External Secrets Operator 2.9',
    policy: 'only the newest minor is supported: 2.9 ends at the release of 2.10, whose date this record does not have',
    source: 'https://external-secrets.io/latest/introduction/stability-support/',
  },
  {
    addon: 'aws-load-balancer-controller', version: '1.11.0', release: 'AWS Load Balancer Controller v2.11',
    policy: 'no support window is published; fixes ship in new minor releases only',
    source: 'https://github.com/kubernetes-sigs/aws-load-balancer-controller/releases',
  },
  {
    addon: 'ingress-nginx', version: '4.12.1', release: 'ingress-nginx controller 1.12',
    endOfSupport: '2026-03-01',
    policy: 'the project is retired: best-effort maintenance until March 2026, then no releases, bug fixes or security fixes',
    source: 'https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/',
  },
  {
    addon: 'cert-manager', version: 'v1.17.2', release: 'cert-manager 1.17',
    endOfSupport: '2025-10-07',
    policy: 'a release is supported until the release of minor N+2 (1.19, Oct 07, 2025)',
    source: 'https://cert-manager.io/docs/releases/ (supported releases; 1.19 released Oct 07, 2025)',
  },
  { addon: 'istio-base', version: '1.26.0', release: 'Istio 1.26', endOfSupport: '2025-12-22', policy: ISTIO_POLICY, source: ISTIO },
  { addon: 'istiod', version: '1.26.0', release: 'Istio 1.26', endOfSupport: '2025-12-22', policy: ISTIO_POLICY, source: ISTIO },
  { addon: 'istio-cni', version: '1.26.0', release: 'Istio 1.26', endOfSupport: '2025-12-22', policy: ISTIO_POLICY, source: ISTIO },
  {
    addon: 'kube-prometheus-stack', version: '67.8.0', release: 'kube-prometheus-stack 67 (prometheus-operator v0.79)',
    policy: 'no support window is published; the chart repository fixes only its newest chart version',
    source: 'https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack',
  },
  {
    addon: 'velero', version: '10.0.8', release: 'Velero 1.16',
    policy: 'no end-of-support date is published; the compatibility matrix lists the Kubernetes versions each release is tested on',
    source: 'https://github.com/vmware-tanzu/velero#velero-compatibility-matrix',
  },
  {
    addon: 'vertical-pod-autoscaler', version: '4.5.0', release: 'Vertical Pod Autoscaler 1.0 (FairwindsOps vpa chart)',
    policy: 'no support window is published by the chart or by kubernetes/autoscaler',
    source: 'https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#compatibility',
  },
  {
    addon: 'sloth', version: '0.12.1', release: 'Sloth 0.12',
    policy: 'no support window is published; 0.13.0 followed on 2025-09-10',
    source: 'https://github.com/slok/sloth/releases',
  },
  {
    addon: 'metrics-server', version: '3.12.2', release: 'metrics-server 0.7',
    policy: 'no end-of-support date is published; the compatibility matrix names the Kubernetes versions each release supports',
    source: 'https://github.com/kubernetes-sigs/metrics-server#compatibility-matrix',
  },
  {
    addon: 'aws-ebs-csi-driver', version: '2.36.0', release: 'Amazon EBS CSI driver 1.36',
    policy: 'no support window is published; fixes ship in new releases only',
    source: 'https://github.com/kubernetes-sigs/aws-ebs-csi-driver/releases',
  },
];

/** Days before the end of support from which validate warns. */
export const SUPPORT_WARNING_DAYS = 90;
