/**
 * The cluster add-ons as a model: which upstream Helm chart installs each controller, and what a
 * cluster has once that add-on is installed and healthy (CRDs with their served versions, ingress
 * classes, storage classes, admission webhooks, API services). The addons service renders one
 * Argo CD Application per add-on and cluster from it; the coverage test proves with it that every
 * object in dist/ finds what it needs on its cluster.
 *
 * Chart versions are not here: they are values (`environments/<env>/cluster-addons.yaml` `addons:`),
 * promoted like image tags. The CRD facts below are those of the charts at the versions pinned in
 * the values files today (`VERIFIED_AT`); an upgrade that changes them updates this table too.
 */
import { stringify as stringifyYaml } from 'yaml';
import { type AddonName, type ClusterAddonsValues } from '@gitops/cluster-addons-system';
import { AWS_SECRETS_MANAGER_STORE, clusterRoleArn, CSI_DRIVER_INSTALLERS, ISTIO_INJECT_ANNOTATION, prometheusSelectorLabels, SYNC_OPTION, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, type Cluster, type Environment } from '@gitops/platform';

export { ADDON_NAMES, type AddonName } from '@gitops/cluster-addons-system';

/** One CustomResourceDefinition an add-on's chart installs. */
export interface ProvidedCrd {
  readonly group: string;
  readonly kind: string;
  /** Versions the CRD serves (`served: true`); the API server refuses the others. */
  readonly versions: readonly string[];
  readonly scope: 'Namespaced' | 'Cluster';
}

/**
 * An admission webhook an add-on registers. Until its backing pods are ready the API server
 * cannot call it: with `failurePolicy: Fail` every matching request is refused
 * (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy).
 */
export interface ProvidedWebhook {
  /** The webhook configuration object's name as the chart renders it. */
  readonly configuration: string;
  readonly type: 'Mutating' | 'Validating';
  /** `group/resource` it intercepts (`''` is the core group, `*` every resource of the group), e.g. `networking.k8s.io/ingresses`. */
  readonly resources: readonly string[];
  readonly failurePolicy: 'Fail' | 'Ignore';
  /** Only objects in namespaces with this label reach it. @default every namespace */
  readonly namespaceLabel?: { readonly key: string; readonly value: string };
}

/** What a cluster has once an add-on is installed and healthy. */
export interface AddonProvides {
  readonly crds: readonly ProvidedCrd[];
  /** IngressClass objects, by name (`spec.ingressClassName`). */
  readonly ingressClasses: readonly string[];
  /** StorageClass objects, by name (`storageClassName`). */
  readonly storageClasses: readonly string[];
  /** The StorageClass marked default (used by claims that name none). @default none */
  readonly defaultStorageClass?: string;
  /** Service annotations whose load balancer this add-on's controller provisions: key -> values. */
  readonly loadBalancerAnnotations: Readonly<Record<string, readonly string[]>>;
  /** Aggregated APIs (`APIService` names), e.g. `v1beta1.metrics.k8s.io`. */
  readonly apiServices: readonly string[];
  /** cert-manager ClusterIssuers, by name (`cert-manager.io/cluster-issuer`). */
  readonly clusterIssuers: readonly string[];
  /** Namespace labels that make the add-on inject sidecars (`istio-injection: enabled`). */
  readonly sidecarInjectionLabels: readonly { readonly key: string; readonly value: string }[];
  readonly webhooks: readonly ProvidedWebhook[];
}

/** What one add-on's Helm values are computed from: the cluster's facts, never copied into values. */
export interface AddonContext {
  readonly env: Environment;
  readonly cluster: Cluster;
  readonly values: ClusterAddonsValues;
}

export interface AddonDefinition {
  readonly name: AddonName;
  /** Helm chart repository URL (`spec.source.repoURL`). */
  readonly repoURL: string;
  /** Chart name in that repository (`spec.source.chart`). */
  readonly chart: string;
  /** Namespace the release is installed in (`spec.destination.namespace`). */
  readonly namespace: string;
  /** Helm release name (`spec.source.helm.releaseName`); charts name their objects after it. */
  readonly releaseName: string;
  /** Add-ons that must be installed and healthy first (their CRDs, webhooks or load balancers). */
  readonly dependsOn: readonly AddonName[];
  readonly provides: AddonProvides;
  /** The chart version the facts in `provides` were taken from. */
  readonly verifiedAt: string;
  /** Helm values (`spec.source.helm.valuesObject`) on one cluster. */
  readonly values: (ctx: AddonContext) => Record<string, unknown>;
  /**
   * Fields of live objects a controller of the add-on rewrites, which Argo CD must not revert
   * (`spec.ignoreDifferences`). @default none
   */
  readonly ignoreDifferences?: readonly Record<string, unknown>[];
}

/** kube-prometheus-stack's Helm release: its Prometheus selects ServiceMonitors and rules labelled `release: <this>`. */
export const KUBE_PROMETHEUS_STACK_RELEASE = 'kube-prometheus-stack';
/** Namespace kube-prometheus-stack (Prometheus, the operator) is installed in. */
export const KUBE_PROMETHEUS_STACK_NAMESPACE = 'monitoring';
/** The EBS StorageClass every volume claim in this repository names; the EBS CSI driver's chart creates it. */
export const GP3_ENCRYPTED_STORAGE_CLASS = 'gp3-encrypted';
/** cert-manager's ClusterIssuer for public certificates (QuizMentor's Ingress names it). */
export const LETSENCRYPT_CLUSTER_ISSUER = 'letsencrypt-prod';
/** Sync wave of the add-on Applications that depend on nothing; each dependency level adds one. */
export const ADDON_BASE_SYNC_WAVE = -10;

/** The IRSA role an add-on's service account assumes on a cluster: `<cluster>-<addon>`, in the cluster's account. */
export function addonRoleArn(cluster: Cluster, addon: AddonName): string {
  return clusterRoleArn(cluster, `${cluster.name}-${addon}`);
}

const NONE: Omit<AddonProvides, 'crds'> = {
  ingressClasses: [],
  storageClasses: [],
  loadBalancerAnnotations: {},
  apiServices: [],
  clusterIssuers: [],
  sidecarInjectionLabels: [],
  webhooks: [],
};

const crds = (group: string, scope: ProvidedCrd['scope'], versions: readonly string[], kinds: readonly string[]): ProvidedCrd[] =>
  kinds.map((kind) => ({ group, kind, versions, scope }));

const IRSA = 'eks.amazonaws.com/role-arn';

/**
 * Every add-on. Sources of the CRD lists: ../shared/conformance/crds (External Secrets 2.9.0,
 * prometheus-operator, Istio), the @kubernetes-models/* packages, and each chart's crds/ or
 * templates/ at the pinned version.
 */
export const ADDONS: Readonly<Record<AddonName, AddonDefinition>> = {
  'external-secrets': {
    name: 'external-secrets',
    repoURL: 'https://charts.external-secrets.io',
    chart: 'external-secrets',
    namespace: 'external-secrets',
    releaseName: 'external-secrets',
    dependsOn: [],
    verifiedAt: '2.9.0',
    provides: {
      ...NONE,
      // v1beta1 is in the CRDs with served: false (../shared/conformance/crds/SOURCES.md, tag helm-chart-2.9.0).
      crds: [
        ...crds('external-secrets.io', 'Namespaced', ['v1'], ['ExternalSecret', 'SecretStore']),
        ...crds('external-secrets.io', 'Cluster', ['v1'], ['ClusterSecretStore', 'ClusterExternalSecret']),
        ...crds('external-secrets.io', 'Namespaced', ['v1alpha1'], ['PushSecret']),
        ...crds('external-secrets.io', 'Cluster', ['v1alpha1'], ['ClusterPushSecret']),
        ...crds('generators.external-secrets.io', 'Namespaced', ['v1alpha1'], [
          'ACRAccessToken', 'ECRAuthorizationToken', 'Fake', 'GCRAccessToken', 'GeneratorState', 'GithubAccessToken',
          'Grafana', 'Password', 'QuayAccessToken', 'STSSessionToken', 'UUID', 'VaultDynamicSecret', 'Webhook',
        ]),
        ...crds('generators.external-secrets.io', 'Cluster', ['v1alpha1'], ['ClusterGenerator']),
      ],
      // The chart's webhook (deploy/charts/external-secrets/templates/validatingwebhook.yaml).
      webhooks: [
        { configuration: 'secretstore-validate', type: 'Validating', resources: ['external-secrets.io/secretstores', 'external-secrets.io/clustersecretstores'], failurePolicy: 'Fail' },
        { configuration: 'externalsecret-validate', type: 'Validating', resources: ['external-secrets.io/externalsecrets'], failurePolicy: 'Fail' },
      ],
    },
    values: ({ cluster, values }) => ({
      installCRDs: true,
      serviceAccount: {
        // The ClusterSecretStore (cluster-secret-store) authenticates as this account (IRSA).
        name: values.externalSecrets.serviceAccount,
        annotations: { [IRSA]: addonRoleArn(cluster, 'external-secrets') },
      },
    }),
  },

  'aws-load-balancer-controller': {
    name: 'aws-load-balancer-controller',
    repoURL: 'https://aws.github.io/eks-charts',
    chart: 'aws-load-balancer-controller',
    namespace: 'kube-system',
    releaseName: 'aws-load-balancer-controller',
    dependsOn: [],
    verifiedAt: '1.11.0',
    provides: {
      ...NONE,
      crds: [
        ...crds('elbv2.k8s.aws', 'Namespaced', ['v1beta1', 'v1alpha1'], ['TargetGroupBinding']),
        ...crds('elbv2.k8s.aws', 'Cluster', ['v1beta1'], ['IngressClassParams']),
      ],
      // createIngressClassResource (default true) creates IngressClass `alb` (ingressClass value).
      ingressClasses: ['alb'],
      // NLBs for Services annotated so (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/).
      loadBalancerAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': ['external', 'nlb-ip'] },
      webhooks: [
        { configuration: 'aws-load-balancer-webhook', type: 'Validating', resources: ['networking.k8s.io/ingresses', 'elbv2.k8s.aws/targetgroupbindings', 'elbv2.k8s.aws/ingressclassparams'], failurePolicy: 'Fail' },
        { configuration: 'aws-load-balancer-webhook', type: 'Mutating', resources: ['/pods'], failurePolicy: 'Fail', namespaceLabel: { key: 'elbv2.k8s.aws/pod-readiness-gate-inject', value: 'enabled' } },
        { configuration: 'aws-load-balancer-webhook', type: 'Mutating', resources: ['elbv2.k8s.aws/targetgroupbindings'], failurePolicy: 'Fail' },
      ],
    },
    values: ({ cluster }) => ({
      clusterName: cluster.name,
      // Region and VPC from the cluster facts: without them the controller reads both from the
      // instance metadata (values.yaml at v2.11.0: region, vpcId "Set this manually when your pods
      // are unable to use the metadata service"), which its pods cannot reach on EKS nodes with
      // the IMDSv2 hop limit 1 of managed node groups' launch templates.
      region: cluster.region,
      vpcId: cluster.network.vpcId,
      serviceAccount: { name: 'aws-load-balancer-controller', annotations: { [IRSA]: addonRoleArn(cluster, 'aws-load-balancer-controller') } },
      // The Service mutator (failurePolicy Fail, every Service) would refuse every Service on the
      // cluster while the controller is down; annotated Services (aws-load-balancer-type) do not need it.
      enableServiceMutatorWebhook: false,
    }),
  },

  'ingress-nginx': {
    name: 'ingress-nginx',
    repoURL: 'https://kubernetes.github.io/ingress-nginx',
    chart: 'ingress-nginx',
    namespace: 'ingress-nginx',
    releaseName: 'ingress-nginx',
    // Its controller's NLB is provisioned by the AWS Load Balancer Controller (annotations below).
    dependsOn: ['aws-load-balancer-controller'],
    verifiedAt: '4.12.1',
    provides: {
      ...NONE,
      crds: [],
      ingressClasses: ['nginx'],
      webhooks: [{ configuration: 'ingress-nginx-admission', type: 'Validating', resources: ['networking.k8s.io/ingresses'], failurePolicy: 'Fail' }],
    },
    values: ({ env, cluster }) => ({
      controller: {
        // Where Istio runs, the controller pods get a sidecar so that with `service-upstream` their
        // requests go through the mesh and VirtualService weights and header routes apply to outside
        // traffic (Istio docs, "Ingress NGINX and Istio"). A pod label, not a namespace label, keeps the
        // chart's admission-patch Jobs out of the mesh (a sidecar would keep them from completing);
        // no inbound ports are captured, so the NLB and the admission webhook reach nginx directly.
        // A pod created before istiod's injector exists has no sidecar until restarted (Argo CD does not
        // wait for add-on health across waves without the Application health setting; see README).
        ...(addonReasons(env, cluster.name).has('istiod')
          ? {
              podLabels: { 'sidecar.istio.io/inject': 'true' },
              podAnnotations: { 'traffic.sidecar.istio.io/includeInboundPorts': '' },
            }
          : {}),
        ingressClassResource: { name: 'nginx', enabled: true, default: false },
        service: {
          annotations: {
            'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
            'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
            'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
            // nginx's per-client limits (limit-rps) key on the client address: with ip targets over
            // TCP the NLB hides it unless client-IP preservation is on (off by default for ip
            // targets: AWS LBC v2.11.0 docs/guide/service/annotations.md, target-group-attributes)
            'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true',
          },
        },
      },
    }),
  },

  'cert-manager': {
    name: 'cert-manager',
    repoURL: 'https://charts.jetstack.io',
    chart: 'cert-manager',
    namespace: 'cert-manager',
    releaseName: 'cert-manager',
    // Installs on its own; its ClusterIssuer's HTTP-01 solver answers through the nginx class at issuance time.
    dependsOn: [],
    verifiedAt: 'v1.17.2',
    provides: {
      ...NONE,
      crds: [
        ...crds('cert-manager.io', 'Namespaced', ['v1'], ['Certificate', 'CertificateRequest', 'Issuer']),
        ...crds('cert-manager.io', 'Cluster', ['v1'], ['ClusterIssuer']),
        ...crds('acme.cert-manager.io', 'Namespaced', ['v1'], ['Challenge', 'Order']),
      ],
      clusterIssuers: [LETSENCRYPT_CLUSTER_ISSUER],
      webhooks: [
        { configuration: 'cert-manager-webhook', type: 'Validating', resources: ['cert-manager.io/*', 'acme.cert-manager.io/*'], failurePolicy: 'Fail' },
        { configuration: 'cert-manager-webhook', type: 'Mutating', resources: ['cert-manager.io/certificaterequests'], failurePolicy: 'Fail' },
      ],
    },
    values: ({ env, values }) => {
      if (!values.letsEncrypt) {
        throw new Error(`environments/${env.name}/cluster-addons.yaml: letsEncrypt.email: missing; cert-manager's ClusterIssuer ${LETSENCRYPT_CLUSTER_ISSUER} needs the Let's Encrypt account's e-mail`);
      }
      return {
        crds: { enabled: true },
        // The ClusterIssuer the Ingresses name (cert-manager.io/cluster-issuer), in the chart's
        // extraObjects; a later wave than the webhook it is validated by. Each item is YAML text:
        // the chart renders every item with `tpl`, which takes a string, not a map
        // (deploy/charts/cert-manager/templates/extras-objects.yaml at v1.17.2: `{{ tpl . $ }}`).
        extraObjects: [
          stringifyYaml({
            apiVersion: 'cert-manager.io/v1',
            kind: 'ClusterIssuer',
            metadata: {
              name: LETSENCRYPT_CLUSTER_ISSUER,
              annotations: { [SYNC_WAVE_ANNOTATION]: '1', [SYNC_OPTIONS_ANNOTATION]: SYNC_OPTION.skipDryRunOnMissingResource },
            },
            spec: {
              acme: {
                server: 'https://acme-v02.api.letsencrypt.org/directory',
                email: values.letsEncrypt.email,
                privateKeySecretRef: { name: `${LETSENCRYPT_CLUSTER_ISSUER}-account-key` },
                // The HTTP-01 solver pod runs in the Ingress's namespace; where that namespace is
                // Istio-injected a sidecar would take the pod's traffic, so the solver is kept out of
                // the mesh (ClusterIssuer CRD at v1.17.2: solvers[].http01.ingress.podTemplate.metadata,
                // "Only the 'labels' and 'annotations' fields may be set"; cert-manager docs, ACME
                // HTTP01, "podTemplate"). Its NetworkPolicy is the namespace's (AcmeSolverNetworkPolicy).
                solvers: [{ http01: { ingress: { ingressClassName: 'nginx', podTemplate: { metadata: { annotations: { [ISTIO_INJECT_ANNOTATION]: 'false' } } } } } }],
              },
            },
          }),
        ],
      };
    },
  },

  'istio-base': {
    name: 'istio-base',
    repoURL: 'https://istio-release.storage.googleapis.com/charts',
    chart: 'base',
    namespace: 'istio-system',
    releaseName: 'istio-base',
    dependsOn: [],
    verifiedAt: '1.26.0',
    provides: {
      ...NONE,
      // All three networking versions are served (../shared/conformance/crds/SOURCES.md).
      crds: [
        ...crds('networking.istio.io', 'Namespaced', ['v1', 'v1alpha3', 'v1beta1'], ['DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'VirtualService', 'WorkloadEntry', 'WorkloadGroup']),
        ...crds('networking.istio.io', 'Namespaced', ['v1alpha3'], ['EnvoyFilter']),
        ...crds('networking.istio.io', 'Namespaced', ['v1beta1'], ['ProxyConfig']),
        ...crds('security.istio.io', 'Namespaced', ['v1', 'v1beta1'], ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']),
        ...crds('telemetry.istio.io', 'Namespaced', ['v1', 'v1alpha1'], ['Telemetry']),
        ...crds('extensions.istio.io', 'Namespaced', ['v1alpha1'], ['WasmPlugin']),
      ],
      // base's istiod-default-validator sends Istio objects to istiod: refused until istiod runs.
      webhooks: [{ configuration: 'istiod-default-validator', type: 'Validating', resources: ['networking.istio.io/*', 'security.istio.io/*', 'telemetry.istio.io/*', 'extensions.istio.io/*'], failurePolicy: 'Fail' }],
    },
    values: () => ({ defaultRevision: 'default' }),
    // istiod's validation controller rewrites the default validator's failurePolicy once it serves
    // (istio/istio pkg/webhooks/validation/controller); Argo CD must ignore that field
    // (https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/#application-level-configuration).
    ignoreDifferences: [{ group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', name: 'istiod-default-validator', jqPathExpressions: ['.webhooks[]?.failurePolicy'] }],
  },

  // Istio's CNI node agent sets up each injected pod's traffic redirection, so the injected pods
  // need no istio-init container (NET_ADMIN, NET_RAW, root), which Pod Security `restricted`
  // refuses (https://istio.io/latest/docs/setup/additional-setup/cni/). The chart's defaults chain
  // it after the node's CNI (the VPC CNI on EKS: cni.chained true in the chart's values.yaml at
  // 1.26.0). Its DaemonSet runs privileged in istio-system, a namespace Argo CD creates without Pod
  // Security labels, so the cluster's default (privileged) applies there.
  'istio-cni': {
    name: 'istio-cni',
    repoURL: 'https://istio-release.storage.googleapis.com/charts',
    chart: 'cni',
    namespace: 'istio-system',
    releaseName: 'istio-cni',
    dependsOn: [],
    verifiedAt: '1.26.0',
    provides: { ...NONE, crds: [] },
    values: () => ({}),
  },

  istiod: {
    name: 'istiod',
    repoURL: 'https://istio-release.storage.googleapis.com/charts',
    chart: 'istiod',
    namespace: 'istio-system',
    releaseName: 'istiod',
    // the CNI agent before istiod: a pod injected without it would need istio-init
    dependsOn: ['istio-base', 'istio-cni'],
    verifiedAt: '1.26.0',
    provides: {
      ...NONE,
      crds: [],
      sidecarInjectionLabels: [{ key: 'istio-injection', value: 'enabled' }],
      webhooks: [
        { configuration: 'istio-sidecar-injector', type: 'Mutating', resources: ['/pods'], failurePolicy: 'Fail', namespaceLabel: { key: 'istio-injection', value: 'enabled' } },
        { configuration: 'istio-validator-istio-system', type: 'Validating', resources: ['networking.istio.io/*', 'security.istio.io/*', 'telemetry.istio.io/*', 'extensions.istio.io/*'], failurePolicy: 'Fail' },
      ],
    },
    // pilot.cni.enabled: injected pods get the istio-validation init container (non-root, no
    // capabilities) instead of istio-init (injection-template.yaml at 1.26.0, `.Values.pilot.cni.enabled`)
    values: () => ({ pilot: { autoscaleMin: 2, cni: { enabled: true } } }),
    // istiod patches its webhooks' caBundle and failurePolicy at run time.
    ignoreDifferences: [
      { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.failurePolicy', '.webhooks[]?.clientConfig.caBundle'] },
    ],
  },

  'kube-prometheus-stack': {
    name: 'kube-prometheus-stack',
    repoURL: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    namespace: KUBE_PROMETHEUS_STACK_NAMESPACE,
    releaseName: KUBE_PROMETHEUS_STACK_RELEASE,
    // Prometheus's volume is an EBS gp3-encrypted claim; Grafana's admin login an ExternalSecret
    dependsOn: ['aws-ebs-csi-driver', 'external-secrets'],
    verifiedAt: '67.8.0',
    provides: {
      ...NONE,
      crds: [
        ...crds('monitoring.coreos.com', 'Namespaced', ['v1'], ['Alertmanager', 'PodMonitor', 'Probe', 'Prometheus', 'PrometheusRule', 'ServiceMonitor', 'ThanosRuler']),
        ...crds('monitoring.coreos.com', 'Namespaced', ['v1alpha1', 'v1beta1'], ['AlertmanagerConfig']),
        ...crds('monitoring.coreos.com', 'Namespaced', ['v1alpha1'], ['PrometheusAgent', 'ScrapeConfig']),
      ],
      webhooks: [
        { configuration: `${KUBE_PROMETHEUS_STACK_RELEASE}-admission`, type: 'Validating', resources: ['monitoring.coreos.com/prometheusrules'], failurePolicy: 'Ignore' },
        { configuration: `${KUBE_PROMETHEUS_STACK_RELEASE}-admission`, type: 'Mutating', resources: ['monitoring.coreos.com/prometheusrules'], failurePolicy: 'Ignore' },
      ],
    },
    values: ({ env, cluster }) => ({
      // The chart's ~1 MB CRDs exceed the client-side apply annotation: the Application applies server-side.
      crds: { enabled: true },
      // Grafana's admin login from AWS Secrets Manager, not the chart's default password
      // (values.yaml at 67.8.0: grafana.adminPassword prom-operator); the grafana subchart reads
      // admin.existingSecret with its user and password keys (grafana chart values.yaml, "admin")
      grafana: { admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: 'admin-user', passwordKey: 'admin-password' } },
      // the chart renders each item as a manifest of the release (templates/extra-objects.yaml)
      extraManifests: [grafanaAdminExternalSecret(env)],
      // Ignore, not Fail: the chart fills in the webhooks' caBundle with a post-install hook Job (a
      // PostSync hook under Argo CD), after the chart's own PrometheusRules are applied in the Sync
      // phase, so Fail refuses every PrometheusRule of the first sync and the sync never reaches its
      // PostSync (templates/prometheus-operator/admission-webhooks/job-patch at 67.8.0). The rules
      // the webhook would check are parsed by Prometheus's own parser in npm run validate.
      prometheusOperator: { admissionWebhooks: { failurePolicy: 'Ignore' } },
      prometheus: {
        prometheusSpec: {
          externalLabels: { cluster: cluster.name, region: cluster.region },
          // Prometheus selects exactly the labels the cluster fact says its monitoring objects carry
          // (clusters[].monitoring.selectorLabels); an explicit selector replaces the chart's
          // `release: <release>` default (*SelectorNilUsesHelmValues applies only to an empty selector).
          serviceMonitorSelector: { matchLabels: { ...prometheusSelectorLabels(cluster) } },
          podMonitorSelector: { matchLabels: { ...prometheusSelectorLabels(cluster) } },
          ruleSelector: { matchLabels: { ...prometheusSelectorLabels(cluster) } },
          // metrics survive a restart or a drain: the chart's default storageSpec {} is an emptyDir
          // (values.yaml at 67.8.0, prometheus.prometheusSpec.storageSpec)
          storageSpec: {
            volumeClaimTemplate: { spec: { storageClassName: GP3_ENCRYPTED_STORAGE_CLASS, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: PROMETHEUS_STORAGE } } } },
          },
        },
      },
    }),
  },

  velero: {
    name: 'velero',
    repoURL: 'https://vmware-tanzu.github.io/helm-charts',
    chart: 'velero',
    namespace: 'velero',
    releaseName: 'velero',
    dependsOn: [],
    verifiedAt: '10.0.8',
    provides: {
      ...NONE,
      crds: [
        ...crds('velero.io', 'Namespaced', ['v1'], [
          'Backup', 'BackupRepository', 'BackupStorageLocation', 'DeleteBackupRequest', 'DownloadRequest', 'PodVolumeBackup',
          'PodVolumeRestore', 'Restore', 'Schedule', 'ServerStatusRequest', 'VolumeSnapshotLocation',
        ]),
        ...crds('velero.io', 'Namespaced', ['v2alpha1'], ['DataDownload', 'DataUpload']),
      ],
    },
    values: ({ cluster }) => ({
      // Backups of a cluster go to its own region's bucket (named after the cluster; Terraform creates it and the role).
      configuration: {
        backupStorageLocation: [{ name: 'default', provider: 'aws', bucket: veleroBucket(cluster), config: { region: cluster.region } }],
        volumeSnapshotLocation: [{ name: 'default', provider: 'aws', config: { region: cluster.region } }],
      },
      credentials: { useSecret: false },
      // No CRD-upgrade hook Job: it runs docker.io/bitnami/kubectl:<cluster version> (values.yaml
      // kubectl.image at 10.0.8), which is no longer pullable since Bitnami's 2025 catalogue change,
      // so the chart never installed. Argo CD applies the chart's crds/ on every sync instead
      // (Helm's --include-crds), which is what the hook would have upgraded.
      upgradeCRDs: false,
      initContainers: [{ name: 'velero-plugin-for-aws', image: 'velero/velero-plugin-for-aws:v1.12.0', volumeMounts: [{ mountPath: '/target', name: 'plugins' }] }],
      serviceAccount: { server: { name: 'velero', annotations: { [IRSA]: addonRoleArn(cluster, 'velero') } } },
    }),
  },

  'vertical-pod-autoscaler': {
    name: 'vertical-pod-autoscaler',
    repoURL: 'https://charts.fairwinds.com/stable',
    chart: 'vpa',
    namespace: 'kube-system',
    releaseName: 'vpa',
    dependsOn: [],
    verifiedAt: '4.5.0',
    provides: {
      ...NONE,
      // The VPA CRDs serve v1 and the deprecated v1beta2 (kubernetes/autoscaler vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml).
      crds: crds('autoscaling.k8s.io', 'Namespaced', ['v1', 'v1beta2'], ['VerticalPodAutoscaler', 'VerticalPodAutoscalerCheckpoint']),
      // The admission controller registers vpa-webhook-config itself, failurePolicy Ignore.
      webhooks: [{ configuration: 'vpa-webhook-config', type: 'Mutating', resources: ['/pods', 'autoscaling.k8s.io/verticalpodautoscalers'], failurePolicy: 'Ignore' }],
    },
    values: () => ({ recommender: { enabled: true }, updater: { enabled: true }, admissionController: { enabled: true } }),
  },

  sloth: {
    name: 'sloth',
    repoURL: 'https://slok.github.io/sloth',
    chart: 'sloth',
    namespace: KUBE_PROMETHEUS_STACK_NAMESPACE,
    releaseName: 'sloth',
    // Sloth turns each PrometheusServiceLevel into PrometheusRules: the operator's CRD must exist.
    dependsOn: ['kube-prometheus-stack'],
    // 0.12.1: 0.12.2 was never published to the chart repository (its index goes from 0.12.1 to
    // 0.13.0); the one CRD (sloth.slok.dev/v1 PrometheusServiceLevel) is that of the 0.12 charts.
    verifiedAt: '0.12.1',
    provides: { ...NONE, crds: crds('sloth.slok.dev', 'Namespaced', ['v1'], ['PrometheusServiceLevel']) },
    // No git-sync sidecar fetching github.com/slok/sloth-common-sli-plugins (branch main, unpinned)
    // from the internet at run time: the chart enables it (../shared/addons/sloth/values.yaml, slok/sloth
    // 0599ad2, chart 0.12.2; 0.12.1 differs only in image keys: commonPlugins.enabled true), and our
    // SLOs name no `sli.plugin` (their SLIs are `events` queries; catalog.test.ts checks dist/).
    // Its PodMonitor carries the cluster's Prometheus selector labels (the chart adds
    // metrics.prometheusLabels to the PodMonitor's labels: templates/pod-monitor.yaml), else the
    // operator's podMonitorSelector skips it and Sloth's own metrics are never scraped.
    values: ({ cluster }) => ({ commonPlugins: { enabled: false }, metrics: { prometheusLabels: { ...prometheusSelectorLabels(cluster) } } }),
  },

  'metrics-server': {
    name: 'metrics-server',
    repoURL: 'https://kubernetes-sigs.github.io/metrics-server/',
    chart: 'metrics-server',
    namespace: 'kube-system',
    releaseName: 'metrics-server',
    dependsOn: [],
    verifiedAt: '3.12.2',
    // The resource metrics API HorizontalPodAutoscalers read CPU and memory from.
    provides: { ...NONE, crds: [], apiServices: ['v1beta1.metrics.k8s.io'] },
    values: () => ({ replicas: 2 }),
  },

  'aws-ebs-csi-driver': {
    name: 'aws-ebs-csi-driver',
    repoURL: 'https://kubernetes-sigs.github.io/aws-ebs-csi-driver',
    chart: 'aws-ebs-csi-driver',
    namespace: 'kube-system',
    releaseName: 'aws-ebs-csi-driver',
    dependsOn: [],
    verifiedAt: '2.36.0',
    provides: { ...NONE, crds: [], storageClasses: [GP3_ENCRYPTED_STORAGE_CLASS], defaultStorageClass: GP3_ENCRYPTED_STORAGE_CLASS },
    values: ({ cluster }) => ({
      controller: { serviceAccount: { annotations: { [IRSA]: addonRoleArn(cluster, 'aws-ebs-csi-driver') } } },
      // The StorageClass the volume claims name: gp3, encrypted at rest (the driver's parameters:
      // https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/parameters.md).
      // Default, since EKS 1.30+ marks no class default and an unnamed claim would stay Pending.
      storageClasses: [
        {
          name: GP3_ENCRYPTED_STORAGE_CLASS,
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
          volumeBindingMode: 'WaitForFirstConsumer',
          reclaimPolicy: 'Retain',
          allowVolumeExpansion: true,
          parameters: { type: 'gp3', encrypted: 'true' },
        },
      ],
    }),
  },
};

/** The Secret Grafana reads its admin login from (kube-prometheus-stack's namespace), made by External Secrets. */
export const GRAFANA_ADMIN_SECRET = 'grafana-admin';
/** The size of Prometheus's volume on each cluster (the chart's retention is 10d by default). */
const PROMETHEUS_STORAGE = '50Gi';

/** The ExternalSecret of Grafana's admin login: `cluster-addons/<env>/grafana-admin` in AWS Secrets Manager. */
function grafanaAdminExternalSecret(env: Environment): Record<string, unknown> {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: GRAFANA_ADMIN_SECRET, namespace: KUBE_PROMETHEUS_STACK_NAMESPACE },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: AWS_SECRETS_MANAGER_STORE },
      target: { name: GRAFANA_ADMIN_SECRET, creationPolicy: 'Owner' },
      data: ['admin-user', 'admin-password'].map((key) => ({ secretKey: key, remoteRef: { key: `cluster-addons/${env.name}/${GRAFANA_ADMIN_SECRET}`, property: key } })),
    },
  };
}

/** Velero's bucket on a cluster: one per cluster, in its region and account. */
export function veleroBucket(cluster: Cluster): string {
  return `velero-${cluster.accountId}-${cluster.name}`;
}

/**
 * Which add-ons each system needs, decided per system; the coverage test proves against dist/ that
 * each is enough (every object finds what it needs) and that none is stale (each listed add-on
 * provides something the system's objects use, or is what another listed add-on depends on).
 * `cluster-addons` is on every cluster: its ClusterSecretStore needs External Secrets.
 */
export const SYSTEM_ADDONS: Readonly<Record<string, readonly AddonName[]>> = {
  'cluster-addons': ['external-secrets'],
  // ExternalSecrets, ALB Ingresses, PrometheusRules, the Velero backup Schedule, HPAs.
  kiteclass: ['external-secrets', 'aws-load-balancer-controller', 'kube-prometheus-stack', 'velero', 'metrics-server'],
  // ExternalSecrets, the nginx Ingress (NLB) with its cert-manager certificate, Istio routing and
  // sidecars, ServiceMonitor/PrometheusRules, the Sloth SLO, the VPA, HPAs, gp3-encrypted volumes.
  quizmentor: [
    'external-secrets', 'ingress-nginx', 'aws-load-balancer-controller', 'cert-manager', 'istio-base', 'istiod',
    'kube-prometheus-stack', 'sloth', 'vertical-pod-autoscaler', 'metrics-server', 'aws-ebs-csi-driver',
  ],
  // ExternalSecrets, the ALB Ingress, ServiceMonitor/PrometheusRule, the HPA.
  'eks-demo': ['external-secrets', 'aws-load-balancer-controller', 'kube-prometheus-stack', 'metrics-server'],
  // ExternalSecrets, the NLB Service (aws-load-balancer-type: external), the HPA.
  django: ['external-secrets', 'aws-load-balancer-controller', 'metrics-server'],
};

/** What a system not in SYSTEM_ADDONS gets: what the platform's WebService renders (ExternalSecrets, HPA). */
export const DEFAULT_SYSTEM_ADDONS: readonly AddonName[] = ['external-secrets', 'metrics-server'];

/** The systems an environment places on a cluster. */
export function systemsOnCluster(env: Environment, cluster: string): string[] {
  return Object.entries(env.systems).filter(([, p]) => p.clusters.includes(cluster)).map(([system]) => system).sort();
}

/** Why each add-on is on a cluster: add-on -> the systems (or `<add-on> (dependency)`) needing it. */
export function addonReasons(env: Environment, cluster: string): Map<AddonName, string[]> {
  const reasons = new Map<AddonName, string[]>();
  const add = (name: AddonName, why: string): void => {
    const known = reasons.get(name);
    if (known) {
      if (!known.includes(why)) known.push(why);
      return;
    }
    reasons.set(name, [why]);
    for (const dep of ADDONS[name].dependsOn) add(dep, `${name} (dependency)`);
  };
  for (const system of systemsOnCluster(env, cluster)) {
    for (const name of SYSTEM_ADDONS[system] ?? DEFAULT_SYSTEM_ADDONS) add(name, system);
  }
  return reasons;
}

/** The add-ons a cluster of an environment needs (with their dependencies), in sync order. */
export function addonsForCluster(env: Environment, cluster: string | Cluster): AddonDefinition[] {
  const name = typeof cluster === 'string' ? cluster : cluster.name;
  const found = env.clusters.find((c) => c.name === name);
  if (!found) throw new Error(`environments/${env.name}/environment.yaml: no cluster ${name}`);
  const reasons = addonReasons(env, name);
  // one installer per CSI driver: the EKS-managed add-on and the chart write the same objects
  for (const [driver, { eksAddon, charts }] of Object.entries(CSI_DRIVER_INSTALLERS)) {
    const chart = [...reasons.keys()].find((n) => charts.includes(ADDONS[n].chart));
    if (chart && found.eksAddons.includes(eksAddon)) {
      throw new Error(`environments/${env.name}/environment.yaml: clusters.${name}.eksAddons: ${eksAddon} installs ${driver}, which add-on ${chart} (needed by ${reasons.get(chart)!.join(', ')}) installs too; one installer per driver: remove it from the cluster's EKS add-ons (and Terraform's cluster_addons)`);
    }
  }
  return [...reasons.keys()].map((n) => ADDONS[n]).sort((a, b) => addonSyncWave(a.name) - addonSyncWave(b.name) || a.name.localeCompare(b.name));
}

/** Longest chain of dependencies below an add-on (0 for one that depends on nothing). */
export function addonDepth(name: AddonName, seen: readonly AddonName[] = []): number {
  if (seen.includes(name)) throw new Error(`add-on dependency cycle: ${[...seen, name].join(' -> ')}`);
  const deps = ADDONS[name].dependsOn;
  return deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => addonDepth(d, [...seen, name])));
}

/** The Application's sync wave: dependencies first, every add-on before the systems (wave 0 and later). */
export function addonSyncWave(name: AddonName): number {
  return ADDON_BASE_SYNC_WAVE + addonDepth(name);
}

// ---------------------------------------------------------------------------------------------
// What rendered objects need from a cluster.

/** One thing an object needs the cluster to have. */
export type Capability =
  | { readonly type: 'kind'; readonly group: string; readonly version: string; readonly kind: string }
  | { readonly type: 'ingressClass'; readonly name: string }
  | { readonly type: 'storageClass'; readonly name: string }
  | { readonly type: 'defaultStorageClass' }
  | { readonly type: 'loadBalancer'; readonly annotation: string; readonly value: string }
  | { readonly type: 'apiService'; readonly name: string }
  | { readonly type: 'clusterIssuer'; readonly name: string }
  | { readonly type: 'sidecarInjection'; readonly key: string; readonly value: string };

/** One line naming a capability, for messages. */
export function describeCapability(c: Capability): string {
  switch (c.type) {
    case 'kind': return `${c.kind} (${c.group}/${c.version})`;
    case 'ingressClass': return `IngressClass ${c.name}`;
    case 'storageClass': return `StorageClass ${c.name}`;
    case 'defaultStorageClass': return 'a default StorageClass';
    case 'loadBalancer': return `a load-balancer controller for ${c.annotation}: ${c.value}`;
    case 'apiService': return `APIService ${c.name}`;
    case 'clusterIssuer': return `cert-manager ClusterIssuer ${c.name}`;
    case 'sidecarInjection': return `sidecar injection for namespace label ${c.key}=${c.value}`;
  }
}

/**
 * API groups every Kubernetes 1.32 API server serves by itself (kubectl api-resources on a
 * cluster with no add-ons). Kinds of these groups need no add-on; whether the version is served
 * is validate's per-version check. Note `autoscaling.k8s.io` (VPA) is NOT one of them.
 */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'apps', 'authentication.k8s.io',
  'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io',
  'events.k8s.io', 'flowcontrol.apiserver.k8s.io', 'internal.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io',
  'policy', 'rbac.authorization.k8s.io', 'resource.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io', 'storagemigration.k8s.io',
]);

/** Ingress classes, storage classes and load-balancer annotations EKS handles with no add-on. */
export const BUILT_IN: Readonly<{ loadBalancerAnnotations: Record<string, readonly string[]> }> = {
  // The in-tree AWS cloud provider makes an NLB for `nlb` (and a Classic LB with no annotation).
  loadBalancerAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': ['nlb'] },
};

export interface AnyObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
}

const LB_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-type';

/** What one rendered object needs from its cluster beyond the built-in APIs. */
export function requiredCapabilities(object: AnyObject): Capability[] {
  const out: Capability[] = [];
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const kind = String(object.kind ?? '');
  const annotations = object.metadata?.annotations ?? {};
  const spec = object.spec ?? {};
  if (!BUILT_IN_GROUPS.has(group)) out.push({ type: 'kind', group, version, kind });
  if (group === 'networking.k8s.io' && kind === 'Ingress') {
    // spec.ingressClassName, or the deprecated annotation controllers still read.
    const cls = spec.ingressClassName ?? annotations['kubernetes.io/ingress.class'];
    if (cls) out.push({ type: 'ingressClass', name: cls });
    // cert-manager's ingress-shim reads this annotation (https://cert-manager.io/docs/usage/ingress/).
    if (annotations['cert-manager.io/cluster-issuer']) out.push({ type: 'clusterIssuer', name: annotations['cert-manager.io/cluster-issuer'] });
  }
  if (group === '' && kind === 'Service') {
    if (annotations[LB_TYPE]) out.push({ type: 'loadBalancer', annotation: LB_TYPE, value: annotations[LB_TYPE] });
  }
  const claims: any[] = [];
  if (group === '' && kind === 'PersistentVolumeClaim') claims.push(spec);
  if (group === 'apps' && kind === 'StatefulSet') claims.push(...(spec.volumeClaimTemplates ?? []).map((t: any) => t.spec ?? {}));
  for (const claim of claims) {
    // No storageClassName: the default class; "" asks for no class (a pre-bound volume).
    if (claim.storageClassName === undefined || claim.storageClassName === null) out.push({ type: 'defaultStorageClass' });
    else if (claim.storageClassName !== '') out.push({ type: 'storageClass', name: claim.storageClassName });
  }
  if (group === 'autoscaling' && kind === 'HorizontalPodAutoscaler') {
    // Resource metrics come from metrics.k8s.io; Pods/Object metrics from custom.metrics.k8s.io,
    // External from external.metrics.k8s.io (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-metrics-apis).
    const api: Record<string, string> = {
      Resource: 'v1beta1.metrics.k8s.io', ContainerResource: 'v1beta1.metrics.k8s.io',
      Pods: 'v1beta1.custom.metrics.k8s.io', Object: 'v1beta1.custom.metrics.k8s.io', External: 'v1beta1.external.metrics.k8s.io',
    };
    // autoscaling/v2 with no metrics defaults to 80% CPU: a resource metric.
    const metrics: any[] = spec.metrics?.length ? spec.metrics : [{ type: 'Resource' }];
    for (const name of new Set(metrics.map((m) => api[m.type]).filter(Boolean))) out.push({ type: 'apiService', name });
  }
  if (group === '' && kind === 'Namespace') {
    for (const [key, value] of Object.entries(object.metadata?.labels ?? {})) {
      if (key === 'istio-injection' && value === 'enabled') out.push({ type: 'sidecarInjection', key, value });
    }
  }
  return out;
}

/** Whether an add-on, once healthy, provides a capability. */
export function addonProvides(addon: AddonDefinition, c: Capability): boolean {
  const p = addon.provides;
  switch (c.type) {
    case 'kind': return p.crds.some((crd) => crd.group === c.group && crd.kind === c.kind && crd.versions.includes(c.version));
    case 'ingressClass': return p.ingressClasses.includes(c.name);
    case 'storageClass': return p.storageClasses.includes(c.name);
    case 'defaultStorageClass': return p.defaultStorageClass !== undefined;
    case 'loadBalancer': return (p.loadBalancerAnnotations[c.annotation] ?? []).includes(c.value);
    case 'apiService': return p.apiServices.includes(c.name);
    case 'clusterIssuer': return p.clusterIssuers.includes(c.name);
    case 'sidecarInjection': return p.sidecarInjectionLabels.some((l) => l.key === c.key && l.value === c.value);
  }
}

/** Whether EKS provides a capability with no add-on. */
export function builtInProvides(c: Capability): boolean {
  if (c.type === 'kind') return BUILT_IN_GROUPS.has(c.group);
  if (c.type === 'loadBalancer') return (BUILT_IN.loadBalancerAnnotations[c.annotation] ?? []).includes(c.value);
  return false;
}

/** The add-on (of `addons`) that provides a capability; undefined when none does. */
export function providerOf(c: Capability, addons: readonly AddonDefinition[]): AddonDefinition | undefined {
  return addons.find((a) => addonProvides(a, c));
}

/** The add-on of the whole catalogue that would provide a capability (to say what is missing). */
export function catalogProviderOf(c: Capability): AddonDefinition | undefined {
  return providerOf(c, Object.values(ADDONS));
}


/** An object as a check sees it: the file it is in and its data. */
export interface PlacedManifest {
  readonly file: string;
  readonly object: AnyObject;
}

/**
 * Every object's needs that neither EKS nor the installed add-ons provide, one line each:
 * `<cluster>: <file>: <Kind> <name> needs <capability>: <which add-on would provide it>`.
 */
export function capabilityProblems(cluster: string, manifests: readonly PlacedManifest[], installed: readonly AddonDefinition[]): string[] {
  const lines: string[] = [];
  for (const { file, object } of manifests) {
    for (const c of requiredCapabilities(object)) {
      if (builtInProvides(c) || providerOf(c, installed)) continue;
      const candidate = catalogProviderOf(c);
      const fix = candidate ? `add-on ${candidate.name} provides it and is not installed on this cluster` : 'no add-on of the catalog provides it';
      lines.push(`${cluster}: ${file}: ${String(object.kind)} ${object.metadata?.name ?? ''} needs ${describeCapability(c)}: ${fix}`);
    }
  }
  return lines;
}
