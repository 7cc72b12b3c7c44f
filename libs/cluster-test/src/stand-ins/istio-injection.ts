/**
 * A stand-in for istiod's sidecar injection webhook, for the real-cluster tests: istiod cannot run
 * here (no images), but a Pod in an `istio-injection: enabled` namespace must reach Pod Security
 * admission as istiod 1.26.0 would have injected it.
 *
 * Follows istio/istio at tag 1.26.0 (read from the tag itself; own TypeScript, no upstream code):
 * - manifests/charts/istio-control/istio-discovery/files/injection-template.yaml: what is injected
 *   (the containers, their security contexts, volumes, labels and annotations);
 * - manifests/charts/istio-control/istio-discovery/values.yaml: the defaults the template reads;
 * - manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml and
 *   istiod-injector-configmap.yaml, zzz_profile.yaml, zzy_descope_legacy.yaml: the webhook's
 *   selectors and how the chart's values reach the template (`pilot.cni` ← `cni` / `pilot.cni`);
 * - pkg/kube/inject/webhook.go, inject.go, initializer.go, validate.go, template.go (injectRequired,
 *   IgnoredNamespaces, reorderPod, applyPrometheusMerge, getInjectionStatus, ProxyImage,
 *   excludeInboundPort) and pkg/kube/util.go (GetDeployMetaFromPod): the opt-out, the hostNetwork
 *   skip, container order, the Prometheus annotations, the status annotation, the image name and
 *   the workload name.
 * Line numbers in comments (`template L153`) are those of injection-template.yaml at 1.26.0.
 */
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IMutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import type { IContainer, IContainerPort, IEnvVar, IPod, IResourceRequirements, ISecurityContext, IVolume } from 'kubernetes-models/v1';
import { parse as parseYaml } from 'yaml';

/** The istiod release whose injection template this stand-in reproduces. */
export const ISTIOD_VERSION = '1.26.0';

/**
 * The istiod 1.26.0 chart values the injection template and the injector read, keyed by their
 * path in the chart's values.yaml (under `_internal_defaults_do_not_set`). The stand-in models
 * these values only: {@link istioOptionsFromApplication} refuses an Application that changes one it
 * does not turn into an option.
 */
export const ISTIOD_CHART_DEFAULTS = {
  // Turned into options (IstioInjectionOptions):
  'cni.enabled': false,
  // values.yaml says gcr.io/istio-testing and latest; istio/release-builder (pkg/build/helm.go
  // sanitizeChart) rewrites them to the release hub and version in the published chart.
  'global.hub': 'docker.io/istio',
  'global.tag': ISTIOD_VERSION,
  'global.variant': '',
  'global.proxy.image': 'proxyv2',
  'global.proxy_init.image': 'proxyv2',
  'global.proxy.privileged': false,
  'global.proxy.resources': { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } },
  // Hard-coded below at these values:
  'revision': '',
  'cni.provider': 'default',
  'global.istioNamespace': 'istio-system',
  'global.pilotCertProvider': 'istiod',
  'global.caAddress': '',
  'global.caName': '',
  'global.proxy.clusterDomain': 'cluster.local',
  'global.proxy.logLevel': 'warning',
  'global.proxy.componentLogLevel': 'misc:error',
  'global.logging.level': 'default:info',
  'global.logAsJson': false,
  'global.imagePullPolicy': '',
  'global.imagePullSecrets': [],
  'global.proxy.includeIPRanges': '*',
  'global.proxy.excludeIPRanges': '',
  'global.proxy.includeInboundPorts': '*',
  'global.proxy.excludeInboundPorts': '',
  'global.proxy.includeOutboundPorts': '',
  'global.proxy.excludeOutboundPorts': '',
  'global.proxy.statusPort': 15020,
  'global.proxy.readinessInitialDelaySeconds': 0,
  'global.proxy.readinessPeriodSeconds': 15,
  'global.proxy.readinessFailureThreshold': 4,
  'global.proxy.startupProbe': { enabled: true, failureThreshold: 600 },
  'global.proxy.tracer': 'none',
  'global.proxy.outlierLogPath': '',
  'global.proxy.autoInject': 'enabled',
  'global.proxy_init.forceApplyIptables': false,
  'global.sds.token.aud': 'istio-ca',
  'global.sts.servicePort': 0,
  'global.mountMtlsCerts': false,
  'global.meshID': '',
  'global.network': '',
  'global.multiCluster.clusterName': '',
  'global.omitSidecarInjectorConfigMap': false,
  'sidecarInjectorWebhook.reinvocationPolicy': 'Never',
  'sidecarInjectorWebhook.neverInjectSelector': [],
  'sidecarInjectorWebhook.alwaysInjectSelector': [],
  'sidecarInjectorWebhook.injectedAnnotations': {},
  'sidecarInjectorWebhook.templates': {},
  'sidecarInjectorWebhook.defaultTemplates': [],
  'sidecarInjectorWebhook.enableNamespacesByDefault': false,
  // Absent from values.yaml, so off; each would change what is injected:
  'global.proxy.lifecycle': undefined,
  'global.proxy.holdApplicationUntilProxyStarts': undefined,
  'global.proxy.capNetBindService': undefined,
  'global.proxy.variant': undefined,
  'global.trustDomain': undefined,
  'meshConfig.defaultConfig': undefined,
} as const;

/** The keys of {@link ISTIOD_CHART_DEFAULTS} that {@link istioOptionsFromApplication} turns into options. */
const OPTION_KEYS = new Set<string>([
  'cni.enabled', 'global.hub', 'global.tag', 'global.variant', 'global.proxy.variant', 'global.proxy.image',
  'global.proxy_init.image', 'global.proxy.privileged', 'global.proxy.resources',
]);

/** The proxy image of the published istiod 1.26.0 chart with its default values. */
export const DEFAULT_PROXY_IMAGE = `${ISTIOD_CHART_DEFAULTS['global.hub']}/${ISTIOD_CHART_DEFAULTS['global.proxy.image']}:${ISTIOD_CHART_DEFAULTS['global.tag']}`;
// meshConfig.trustDomain, set by the chart's templates/configmap.yaml; read by template L323-330
const TRUST_DOMAIN = 'cluster.local';
// pkg/kube/inject ProxyUID/ProxyGID default (constants.DefaultProxyUIDInt); template L97, L170-171, L391-397
const PROXY_UID = 1337;
// webhook.go injectRequired: never injected, whatever their labels (initializer.go IgnoredNamespaces)
const IGNORED_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

const ANNOTATION = {
  inject: 'sidecar.istio.io/inject',
  status: 'sidecar.istio.io/status',
  interceptionMode: 'sidecar.istio.io/interceptionMode',
  proxyImage: 'sidecar.istio.io/proxyImage',
  statusPort: 'status.sidecar.istio.io/port',
  capNetBindService: 'sidecar.istio.io/capNetBindService',
} as const;

/** What the stand-in injects, as istiod's chart values decide it (cdk8s-plus props style). */
export interface IstioInjectionOptions {
  /**
   * Whether Istio CNI sets up the pod's traffic redirection (`pilot.cni.enabled` in the template,
   * set by the chart's `cni.enabled` or `pilot.cni.enabled`): then the init container is the
   * unprivileged `istio-validation` instead of `istio-init` (root, NET_ADMIN and NET_RAW).
   * The chart's default is `false`.
   */
  readonly cniEnabled: boolean;
  /**
   * Image of `istio-proxy`, and of the init container unless `proxyInitImage` is set
   * (`.ProxyImage`: `global.hub`/`global.proxy.image`:`global.tag`).
   * The published 1.26.0 chart's default is `docker.io/istio/proxyv2:1.26.0`.
   */
  readonly proxyImage: string;
  /**
   * Image of the init container, used only when `global.proxy_init.image` is a full reference
   * (template L85-89: it must contain a `/`).
   * @default - `proxyImage`
   */
  readonly proxyInitImage?: string;
  /**
   * `global.proxy.privileged`: both injected containers run privileged and may escalate.
   * @default false
   */
  readonly privileged?: boolean;
  /**
   * `global.proxy.resources`: requests and limits of both injected containers, unless the pod's
   * `sidecar.istio.io/proxyCPU`-style annotations say otherwise (template L1-26).
   * @default - requests cpu 100m, memory 128Mi; limits cpu 2000m, memory 1024Mi
   */
  readonly resources?: { readonly requests?: Record<string, string>; readonly limits?: Record<string, string> };
}

/** The RFC 6902 operations the stand-in emits: additions, and removals of duplicate Prometheus annotations. */
export type JsonPatchOp = { readonly op: 'add'; readonly path: string; readonly value: unknown } | { readonly op: 'remove'; readonly path: string };

/** The result of {@link injectSidecar}: the webhook's answer and the pod it makes. */
export interface InjectionResult {
  /** The JSON patch istiod would answer with; empty when nothing is injected. */
  readonly patch: JsonPatchOp[];
  /** The pod with `patch` applied (a copy; the input is left as it was). */
  readonly injected: IPod;
}

/**
 * What istiod 1.26.0 injects into `pod`, as a JSON patch and as the patched pod. Nothing is
 * injected into a pod on the host network, in a namespace istiod ignores, opted out with
 * `sidecar.istio.io/inject` (label or annotation; the label wins), or that already has an
 * `istio-proxy` container.
 */
export function injectSidecar(pod: IPod, options: IstioInjectionOptions): InjectionResult {
  if (!injectionRequired(pod)) return { patch: [], injected: structuredClone(pod) };
  const spec = pod.spec;
  if (!spec) throw new Error(`pod ${podName(pod)} has no spec`);
  const metadata = pod.metadata ?? {};
  const annotations = metadata.annotations ?? {};
  const labels = metadata.labels ?? {};
  const mode = interceptionMode(annotations);
  const proxyImage = fullImage(annotations[ANNOTATION.proxyImage]) ?? options.proxyImage;
  const initImage = fullImage(annotations[ANNOTATION.proxyImage]) ?? options.proxyInitImage ?? options.proxyImage;
  const resources = proxyResources(annotations, options.resources ?? ISTIOD_CHART_DEFAULTS['global.proxy.resources']);
  const appContainers = spec.containers.map((c) => c.name).filter((n) => n !== 'istio-proxy');
  const workload = workloadOf(pod);

  // template L78-175: no init container when traffic is not intercepted (interceptionMode NONE)
  const initContainers = mode === 'NONE' ? [] : [initContainer(options, annotations, mode, initImage, resources)];
  const proxy = proxyContainer(pod, options, annotations, mode, proxyImage, resources, appContainers, workload);
  const prometheus = prometheusMerge(annotations);
  if (prometheus.env) proxy.env!.push(prometheus.env);
  const volumes = injectedVolumes();

  const newLabels: Record<string, string> = {
    // template L32, L36-37
    'security.istio.io/tlsMode': labels['security.istio.io/tlsMode'] || 'istio',
    'service.istio.io/canonical-name': trimOneDash(
      (labels['service.istio.io/canonical-name'] || labels['app.kubernetes.io/name'] || labels['app'] || workload.name).slice(0, 63),
    ),
    'service.istio.io/canonical-revision':
      labels['service.istio.io/canonical-revision'] || labels['app.kubernetes.io/version'] || labels['version'] || 'latest',
  };
  const newAnnotations: Record<string, string> = {
    // template L39: `.Revision | default "default"`
    'istio.io/rev': 'default',
    // template L40-47: the first application container, unless the pod names one
    ...(appContainers.length > 0 && !('kubectl.kubernetes.io/default-logs-container' in annotations) && { 'kubectl.kubernetes.io/default-logs-container': appContainers[0] }),
    ...(appContainers.length > 0 && !('kubectl.kubernetes.io/default-container' in annotations) && { 'kubectl.kubernetes.io/default-container': appContainers[0] }),
    ...(options.cniEnabled && cniAnnotations(annotations, mode)),
    ...prometheus.set,
    // webhook.go applyMetadata/getInjectionStatus: what was injected, for re-injection and istioctl
    [ANNOTATION.status]: JSON.stringify({
      initContainers: initContainers.length > 0 ? initContainers.map((c) => c.name) : null,
      containers: ['istio-proxy'],
      volumes: volumes.map((v) => v.name),
      imagePullSecrets: null,
      revision: 'default',
    }),
  };

  const patch: JsonPatchOp[] = [];
  if (!pod.metadata) patch.push({ op: 'add', path: '/metadata', value: {} });
  patch.push(...mapOps('/metadata/labels', metadata.labels, newLabels));
  patch.push(...prometheus.remove.map((k): JsonPatchOp => ({ op: 'remove', path: `/metadata/annotations/${escapePointer(k)}` })));
  patch.push(...mapOps('/metadata/annotations', metadata.annotations, newAnnotations));
  // webhook.go reorderPod: istio-validation first (blocks the app until CNI is checked), istio-init
  // last (iptables must not capture other init containers' traffic), istio-proxy last of containers
  patch.push(...listOps('/spec/initContainers', spec.initContainers, initContainers, options.cniEnabled ? 'first' : 'last'));
  patch.push(...listOps('/spec/containers', spec.containers, [proxy], 'last'));
  patch.push(...listOps('/spec/volumes', spec.volumes, volumes, 'last'));
  return { patch, injected: applyJsonPatch(pod, patch) };
}

/** webhook.go injectRequired with the chart's policy `enabled` and no never/always selectors, plus the stand-in's own skip of pods that already have a proxy. */
function injectionRequired(pod: IPod): boolean {
  if (pod.spec?.hostNetwork) return false; // iptables would rewrite the node's routing, not the pod's
  if (IGNORED_NAMESPACES.has(pod.metadata?.namespace ?? '')) return false;
  // istiod merges a user's istio-proxy container as overrides; the stand-in leaves such a pod alone
  if (pod.spec?.containers.some((c) => c.name === 'istio-proxy')) return false;
  if (pod.spec?.initContainers?.some((c) => c.name === 'istio-proxy')) return false;
  const labels = pod.metadata?.labels ?? {};
  // the label is the newer API and wins when both are present, even when empty
  const selector = ANNOTATION.inject in labels ? labels[ANNOTATION.inject] : (pod.metadata?.annotations?.[ANNOTATION.inject] ?? '');
  const value = selector.toLowerCase();
  // empty: the namespace's policy (enabled); y/yes/true/on: inject; anything else opts out
  return value === '' || ['y', 'yes', 'true', 'on'].includes(value);
}

type InterceptionMode = 'REDIRECT' | 'TPROXY' | 'NONE';

function interceptionMode(annotations: Record<string, string>): InterceptionMode {
  const mode = annotations[ANNOTATION.interceptionMode] ?? 'REDIRECT'; // meshConfig.defaultConfig.interceptionMode default
  // validate.go validateInterceptionMode: istiod refuses the pod (the webhook answers an error)
  if (mode !== 'REDIRECT' && mode !== 'TPROXY' && mode !== 'NONE') {
    throw new Error(`${ANNOTATION.interceptionMode}: "${mode}" is not one of REDIRECT, TPROXY, NONE`);
  }
  return mode;
}

/** The `sidecar.istio.io/proxyImage` annotation when it is a full reference (template L85, L180). */
function fullImage(annotation: string | undefined): string | undefined {
  return annotation !== undefined && annotation.includes('/') ? annotation : undefined;
}

/** template L1-26 ("resources"): the pod's annotations replace the chart's resources entirely. */
function proxyResources(annotations: Record<string, string>, defaults: IstioInjectionOptions['resources']): IResourceRequirements {
  const cpu = annotations['sidecar.istio.io/proxyCPU'];
  const memory = annotations['sidecar.istio.io/proxyMemory'];
  const cpuLimit = annotations['sidecar.istio.io/proxyCPULimit'];
  const memoryLimit = annotations['sidecar.istio.io/proxyMemoryLimit'];
  if (cpu === undefined && memory === undefined && cpuLimit === undefined && memoryLimit === undefined) {
    return structuredClone({ ...defaults }) as IResourceRequirements;
  }
  const resources: IResourceRequirements = {};
  if (cpu !== undefined || memory !== undefined) {
    resources.requests = { ...(cpu !== undefined && { cpu }), ...(memory !== undefined && { memory }) };
  }
  if (cpuLimit !== undefined || memoryLimit !== undefined) {
    resources.limits = { ...(cpuLimit !== undefined && { cpu: cpuLimit }), ...(memoryLimit !== undefined && { memory: memoryLimit }) };
  }
  return resources;
}

/** `annotation .ObjectMeta <name> <default>`: the pod's annotation, else the chart's value. */
function annotationOr(annotations: Record<string, string>, name: string, fallback: string | number): string {
  return annotations[name] ?? String(fallback);
}

/** template.go excludeInboundPort: the status port joins the excluded inbound ports once. */
function excludeInboundPort(statusPort: string, excluded: string): string {
  const port = statusPort.trim();
  if (port === '' || port === '0') return excluded;
  const ports = excluded.split(',').map((p) => p.trim());
  if (ports.includes(port)) return excluded;
  return [...ports.filter((p) => p !== ''), port].join(',');
}

function statusPortOf(annotations: Record<string, string>): string {
  return annotationOr(annotations, ANNOTATION.statusPort, ISTIOD_CHART_DEFAULTS['global.proxy.statusPort']);
}

/** template L48-66: the annotations the Istio CNI plugin reads to set up the redirection. */
function cniAnnotations(annotations: Record<string, string>, mode: InterceptionMode): Record<string, string> {
  const d = ISTIOD_CHART_DEFAULTS;
  const includeOutbound = annotationOr(annotations, 'traffic.sidecar.istio.io/includeOutboundIPRanges', d['global.proxy.includeIPRanges']);
  const excludeOutbound = annotationOr(annotations, 'traffic.sidecar.istio.io/excludeOutboundIPRanges', d['global.proxy.excludeIPRanges']);
  const includeOutboundPorts = annotations['traffic.sidecar.istio.io/includeOutboundPorts'];
  const excludeOutboundPorts = annotations['traffic.sidecar.istio.io/excludeOutboundPorts'];
  return {
    [ANNOTATION.interceptionMode]: mode,
    // `with`: left out when empty
    ...(includeOutbound !== '' && { 'traffic.sidecar.istio.io/includeOutboundIPRanges': includeOutbound }),
    ...(excludeOutbound !== '' && { 'traffic.sidecar.istio.io/excludeOutboundIPRanges': excludeOutbound }),
    'traffic.sidecar.istio.io/includeInboundPorts': annotationOr(annotations, 'traffic.sidecar.istio.io/includeInboundPorts', d['global.proxy.includeInboundPorts']),
    'traffic.sidecar.istio.io/excludeInboundPorts': excludeInboundPort(
      statusPortOf(annotations),
      annotationOr(annotations, 'traffic.sidecar.istio.io/excludeInboundPorts', d['global.proxy.excludeInboundPorts']),
    ),
    // written back only when the pod sets them (the chart's values are empty)
    ...(includeOutboundPorts !== undefined && { 'traffic.sidecar.istio.io/includeOutboundPorts': includeOutboundPorts }),
    ...(excludeOutboundPorts !== undefined && { 'traffic.sidecar.istio.io/excludeOutboundPorts': excludeOutboundPorts }),
  };
}

/** template L78-175: istio-init (sets up iptables, as root) or, with CNI, istio-validation (checks CNI did). */
function initContainer(
  options: IstioInjectionOptions,
  annotations: Record<string, string>,
  mode: InterceptionMode,
  image: string,
  resources: IResourceRequirements,
): IContainer {
  const d = ISTIOD_CHART_DEFAULTS;
  const privileged = options.privileged ?? d['global.proxy.privileged'];
  const includeOutboundPorts = annotations['traffic.sidecar.istio.io/includeOutboundPorts'];
  const excludeOutboundPorts = annotations['traffic.sidecar.istio.io/excludeOutboundPorts'];
  const excluded = excludeInboundPort(
    statusPortOf(annotations),
    annotationOr(annotations, 'traffic.sidecar.istio.io/excludeInboundPorts', d['global.proxy.excludeInboundPorts']),
  );
  const securityContext: ISecurityContext = options.cniEnabled
    ? {
        // template L152-173 with pilot.cni.enabled: the validation only reads iptables
        allowPrivilegeEscalation: privileged,
        privileged,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
        runAsGroup: PROXY_UID,
        runAsUser: PROXY_UID,
        runAsNonRoot: true,
      }
    : {
        // template L152-167 without CNI: writing iptables rules needs root, NET_ADMIN and NET_RAW
        allowPrivilegeEscalation: privileged,
        privileged,
        capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
        readOnlyRootFilesystem: false,
        runAsGroup: 0,
        runAsNonRoot: false,
        runAsUser: 0,
      };
  return {
    name: options.cniEnabled ? 'istio-validation' : 'istio-init',
    image,
    // template L90-141
    args: [
      'istio-iptables',
      '-p', '15001', // meshConfig.proxyListenPort default
      '-z', '15006', // meshConfig.proxyInboundListenPort default
      '-u', String(PROXY_UID),
      '-m', mode,
      '-i', annotationOr(annotations, 'traffic.sidecar.istio.io/includeOutboundIPRanges', d['global.proxy.includeIPRanges']),
      '-x', annotationOr(annotations, 'traffic.sidecar.istio.io/excludeOutboundIPRanges', d['global.proxy.excludeIPRanges']),
      '-b', annotationOr(annotations, 'traffic.sidecar.istio.io/includeInboundPorts', d['global.proxy.includeInboundPorts']),
      '-d', excluded === '' ? '15090,15021' : `15090,15021,${excluded}`,
      ...(includeOutboundPorts !== undefined ? ['-q', includeOutboundPorts] : []),
      ...(excludeOutboundPorts !== undefined ? ['-o', excludeOutboundPorts] : []),
      `--log_output_level=${annotationOr(annotations, 'sidecar.istio.io/agentLogLevel', d['global.logging.level'])}`,
      ...(options.cniEnabled ? ['--run-validation', '--skip-rule-apply'] : []),
    ],
    resources,
    securityContext,
  };
}

/** template L176-448: the istio-proxy container (not a native sidecar: ENABLE_NATIVE_SIDECARS is off in 1.26). */
function proxyContainer(
  pod: IPod,
  options: IstioInjectionOptions,
  annotations: Record<string, string>,
  mode: InterceptionMode,
  image: string,
  resources: IResourceRequirements,
  appContainers: string[],
  workload: Workload,
): IContainer {
  const d = ISTIOD_CHART_DEFAULTS;
  const privileged = options.privileged ?? d['global.proxy.privileged'];
  // template L378-398: TPROXY and binding low ports need root and capabilities
  const tproxy = mode === 'TPROXY';
  const bindsLowPorts = annotations[ANNOTATION.capNetBindService] === 'true';
  const add = [...(tproxy ? ['NET_ADMIN'] : []), ...(bindsLowPorts ? ['NET_BIND_SERVICE'] : [])];
  const statusPort = statusPortOf(annotations);
  const namespace = pod.metadata?.namespace || 'default';
  const workloadName = pod.metadata?.labels?.['service.istio.io/workload-name'] || workload.name;
  const healthz = { path: '/healthz/ready', port: 15021 };
  return {
    name: 'istio-proxy',
    image,
    ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }], // template L186-189
    args: [
      'proxy',
      'sidecar',
      '--domain',
      `$(POD_NAMESPACE).svc.${d['global.proxy.clusterDomain']}`,
      `--proxyLogLevel=${annotationOr(annotations, 'sidecar.istio.io/logLevel', d['global.proxy.logLevel'])}`,
      `--proxyComponentLogLevel=${annotationOr(annotations, 'sidecar.istio.io/componentLogLevel', d['global.proxy.componentLogLevel'])}`,
      `--log_output_level=${annotationOr(annotations, 'sidecar.istio.io/agentLogLevel', d['global.logging.level'])}`,
    ],
    // template L229-340
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: d['global.pilotCertProvider'] },
      { name: 'CA_ADDR', value: `istiod.${d['global.istioNamespace']}.svc:15012` },
      fieldEnv('POD_NAME', 'metadata.name'),
      fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
      fieldEnv('INSTANCE_IP', 'status.podIP'),
      fieldEnv('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      fieldEnv('HOST_IP', 'status.hostIP'),
      resourceEnv('ISTIO_CPU_LIMIT', 'limits.cpu'),
      // protoToJSON leaves out default fields: with the chart's mesh config and no ProxyConfig resources, all are
      { name: 'PROXY_CONFIG', value: '{}\n' },
      { name: 'ISTIO_META_POD_PORTS', value: podPortsJson(pod.spec?.containers ?? []) },
      { name: 'ISTIO_META_APP_CONTAINERS', value: appContainers.join(',') },
      resourceEnv('GOMEMLIMIT', 'limits.memory'),
      resourceEnv('GOMAXPROCS', 'limits.cpu'),
      { name: 'ISTIO_META_CLUSTER_ID', value: d['global.multiCluster.clusterName'] || 'Kubernetes' },
      fieldEnv('ISTIO_META_NODE_NAME', 'spec.nodeName'),
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: mode },
      ...(workloadName ? [{ name: 'ISTIO_META_WORKLOAD_NAME', value: workloadName }] : []),
      ...(workload.name ? [{ name: 'ISTIO_META_OWNER', value: `kubernetes://apis/${workload.apiVersion}/namespaces/${namespace}/${workload.kind.toLowerCase()}s/${workload.name}` }] : []),
      { name: 'ISTIO_META_MESH_ID', value: TRUST_DOMAIN }, // global.meshID is empty: the trust domain
      { name: 'TRUST_DOMAIN', value: TRUST_DOMAIN },
    ],
    // template L342-361: no probes when the status port is 0; zero-valued fields left out as Go does
    ...(statusPort !== '0' && {
      startupProbe: { httpGet: healthz, periodSeconds: 1, timeoutSeconds: 3, failureThreshold: d['global.proxy.startupProbe'].failureThreshold },
      readinessProbe: {
        httpGet: healthz,
        ...nonZero('initialDelaySeconds', annotationOr(annotations, 'readiness.status.sidecar.istio.io/initialDelaySeconds', d['global.proxy.readinessInitialDelaySeconds'])),
        ...nonZero('periodSeconds', annotationOr(annotations, 'readiness.status.sidecar.istio.io/periodSeconds', d['global.proxy.readinessPeriodSeconds'])),
        timeoutSeconds: 3,
        ...nonZero('failureThreshold', annotationOr(annotations, 'readiness.status.sidecar.istio.io/failureThreshold', d['global.proxy.readinessFailureThreshold'])),
      },
    }),
    // template L375-398
    securityContext: {
      allowPrivilegeEscalation: privileged,
      capabilities: { ...(add.length > 0 && { add }), drop: ['ALL'] },
      privileged,
      readOnlyRootFilesystem: true,
      runAsGroup: PROXY_UID,
      runAsNonRoot: !(tproxy || bindsLowPorts),
      runAsUser: tproxy || bindsLowPorts ? 0 : PROXY_UID,
    },
    resources,
    // template L402-437 (pilotCertProvider istiod mounts the CA; caName is not GkeWorkloadCertificate)
    volumeMounts: [
      { name: 'workload-socket', mountPath: '/var/run/secrets/workload-spiffe-uds' },
      { name: 'credential-socket', mountPath: '/var/run/secrets/credential-uds' },
      { name: 'workload-certs', mountPath: '/var/run/secrets/workload-spiffe-credentials' },
      { name: 'istiod-ca-cert', mountPath: '/var/run/secrets/istio' },
      { name: 'istio-data', mountPath: '/var/lib/istio/data' },
      { name: 'istio-envoy', mountPath: '/etc/istio/proxy' },
      { name: 'istio-token', mountPath: '/var/run/secrets/tokens' },
      { name: 'istio-podinfo', mountPath: '/etc/istio/pod' },
    ],
  };
}

/** template L449-501. */
function injectedVolumes(): IVolume[] {
  return [
    // the template leaves these three without a source, which the API server defaults to emptyDir: {}
    { name: 'workload-socket', emptyDir: {} },
    { name: 'credential-socket', emptyDir: {} },
    { name: 'workload-certs', emptyDir: {} },
    { name: 'istio-envoy', emptyDir: { medium: 'Memory' } }, // the SDS channel between istio-agent and Envoy
    { name: 'istio-data', emptyDir: {} },
    {
      name: 'istio-podinfo',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        ],
      },
    },
    {
      name: 'istio-token',
      projected: {
        sources: [{ serviceAccountToken: { path: 'istio-token', expirationSeconds: 43200, audience: ISTIOD_CHART_DEFAULTS['global.sds.token.aud'] } }],
      },
    },
    { name: 'istiod-ca-cert', configMap: { name: 'istio-ca-root-cert' } },
  ];
}

/** Go's strconv.ParseBool; undefined when the text is not a boolean. */
function goBool(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

// istiod compares annotation keys as Prometheus label names (strutil.SanitizeLabelName), so
// prometheus.io.scrape counts as prometheus.io/scrape
const asLabelName = (key: string) => key.replace(/[^a-zA-Z0-9_]/g, '_');
const PROMETHEUS = { scrape: 'prometheus.io/scrape', port: 'prometheus.io/port', path: 'prometheus.io/path' } as const;

interface PrometheusMerge {
  readonly set: Record<string, string>;
  readonly remove: string[];
  readonly env?: IEnvVar;
}

/**
 * webhook.go applyPrometheusMerge (meshConfig.enablePrometheusMerge is on in the chart): Prometheus
 * scrapes istio-agent's status port, which merges Envoy's metrics with the app's, whose own
 * scrape settings move to ISTIO_PROMETHEUS_ANNOTATIONS.
 */
function prometheusMerge(annotations: Record<string, string>): PrometheusMerge {
  const none: PrometheusMerge = { set: {}, remove: [] };
  const named = (name: string) => Object.entries(annotations).filter(([k]) => asLabelName(k) === asLabelName(name));
  const scrape = named(PROMETHEUS.scrape).map(([, v]) => goBool(v)).find((v) => v !== undefined);
  if (scrape === false) return none;
  if (goBool(annotations['prometheus.istio.io/merge-metrics']) === false) return none;
  // meshConfig.defaultConfig.statusPort, not the pod's status port annotation
  const statusPort = String(ISTIOD_CHART_DEFAULTS['global.proxy.statusPort']);
  if (named(PROMETHEUS.port)[0]?.[1] === statusPort) return none; // already merged, or the user's choice
  const last = (name: string) => named(name).at(-1)?.[1] ?? '';
  const config = { scrape: last(PROMETHEUS.scrape), path: last(PROMETHEUS.path), port: last(PROMETHEUS.port) };
  const canonical = new Set<string>(Object.values(PROMETHEUS));
  return {
    set: { [PROMETHEUS.port]: statusPort, [PROMETHEUS.path]: '/stats/prometheus', [PROMETHEUS.scrape]: 'true' },
    // other spellings are cleared, so that Prometheus sees one setting
    remove: Object.values(PROMETHEUS).flatMap((name) => named(name).map(([k]) => k)).filter((k) => !canonical.has(k)),
    ...((config.scrape !== '' || config.path !== '' || config.port !== '') && { env: { name: 'ISTIO_PROMETHEUS_ANNOTATIONS', value: JSON.stringify(config) } }),
  };
}

function fieldEnv(name: string, fieldPath: string): IEnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

function resourceEnv(name: string, resource: string): IEnvVar {
  // divisor "0": how Go serialises the zero Quantity istiod leaves there
  return { name, valueFrom: { resourceFieldRef: { divisor: '0', resource } } };
}

function nonZero(field: string, value: string): Record<string, number> {
  return Number(value) === 0 ? {} : { [field]: Number(value) };
}

/** template L269-281: the pod's ports as Go's JSON of ContainerPort, in that struct's field order. */
function podPortsJson(containers: IContainer[]): string {
  const ports = containers.flatMap((c) => c.ports ?? []).map((p: IContainerPort) =>
    JSON.stringify({
      ...(p.name && { name: p.name }),
      ...(p.hostPort && { hostPort: p.hostPort }),
      containerPort: p.containerPort,
      ...(p.protocol && { protocol: p.protocol }),
      ...(p.hostIP && { hostIP: p.hostIP }),
    }),
  );
  return `[${ports.map((p, i) => `\n    ${i > 0 ? ',' : ''}${p}`).join('')}\n]`;
}

interface Workload {
  readonly name: string;
  readonly kind: string;
  readonly apiVersion: string;
}

/** pkg/kube/util.go GetDeployMetaFromPod: Deployment and CronJob names from the controller (Rollout and DeploymentConfig heuristics left out). */
function workloadOf(pod: IPod): Workload {
  const metadata = pod.metadata ?? {};
  const podOnly = { name: metadata.name ?? '', kind: 'Pod', apiVersion: 'v1' };
  const controller = metadata.generateName ? metadata.ownerReferences?.find((r) => r.controller) : undefined;
  if (!controller) return podOnly;
  const hash = metadata.labels?.['pod-template-hash'];
  if (controller.kind === 'ReplicaSet' && hash && controller.name.endsWith(hash)) {
    const name = controller.name.endsWith(`-${hash}`) ? controller.name.slice(0, -(hash.length + 1)) : controller.name;
    return { name, kind: 'Deployment', apiVersion: controller.apiVersion };
  }
  const cronJob = controller.kind === 'Job' ? /^(.+)-\d{8,10}$/.exec(controller.name) : null;
  if (cronJob) return { name: cronJob[1], kind: 'CronJob', apiVersion: 'batch/v1' };
  return { name: controller.name || podOnly.name, kind: controller.kind, apiVersion: controller.apiVersion };
}

function trimOneDash(value: string): string {
  return value.endsWith('-') ? value.slice(0, -1) : value; // sprig trimSuffix removes one
}

function podName(pod: IPod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? pod.metadata?.generateName ?? ''}`;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (token: string) => token.replace(/~1/g, '/').replace(/~0/g, '~');

/** Adds the entries of a map that are new or differ: the whole map when the pod has none. */
function mapOps(path: string, current: Record<string, string> | undefined, wanted: Record<string, string>): JsonPatchOp[] {
  const changed = Object.entries(wanted).filter(([k, v]) => current?.[k] !== v);
  if (changed.length === 0) return [];
  if (!current) return [{ op: 'add', path, value: Object.fromEntries(changed) }];
  return changed.map(([k, v]) => ({ op: 'add', path: `${path}/${escapePointer(k)}`, value: v }));
}

/** Adds list items first or last: the whole list when the pod has none. */
function listOps(path: string, current: unknown[] | undefined, items: unknown[], where: 'first' | 'last'): JsonPatchOp[] {
  if (items.length === 0) return [];
  if (!current) return [{ op: 'add', path, value: items }];
  return items.map((value, i) => ({ op: 'add', path: where === 'first' ? `${path}/${i}` : `${path}/-`, value }));
}

/** Applies the stand-in's `add` and `remove` operations to a copy of `document`. */
export function applyJsonPatch<T>(document: T, patch: readonly JsonPatchOp[]): T {
  const result = structuredClone(document);
  for (const operation of patch) {
    const tokens = operation.path.split('/').slice(1).map(unescapePointer);
    const last = tokens.pop();
    if (last === undefined) throw new Error(`JSON patch path "${operation.path}" names the whole document`);
    let parent: unknown = result;
    for (const token of tokens) parent = (parent as Record<string, unknown>)[token];
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
      else parent.splice(index, 1);
    } else if (parent !== null && typeof parent === 'object') {
      if (operation.op === 'add') (parent as Record<string, unknown>)[last] = structuredClone(operation.value);
      else delete (parent as Record<string, unknown>)[last];
    } else {
      throw new Error(`JSON patch path "${operation.path}": no object or list at its parent`);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// From the Argo CD Application of the istiod chart to the options

type Values = Record<string, unknown>;

const isObject = (value: unknown): value is Values => value !== null && typeof value === 'object' && !Array.isArray(value);

function valueAt(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), values);
}

/** Go template truthiness: false, 0, "", nil and empty collections are false. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Later layers win, maps merge deeply, lists are replaced; a null leaves the value below. */
function mergeValues(...layers: Values[]): Values {
  const result: Values = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === null || value === undefined) continue;
      result[key] = isObject(value) && isObject(result[key]) ? mergeValues(result[key] as Values, value) : structuredClone(value);
    }
  }
  return result;
}

/** The defaults as a values tree (ISTIOD_CHART_DEFAULTS is keyed by path). */
function defaultsTree(): Values {
  const tree: Values = {};
  for (const [path, value] of Object.entries(ISTIOD_CHART_DEFAULTS)) {
    if (value === undefined) continue;
    const keys = path.split('.');
    let at = tree;
    for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Values;
    at[keys[keys.length - 1]] = structuredClone(value);
  }
  return tree;
}

/**
 * files/profile-*.yaml at 1.26.0, as far as they touch the values above: `{}` changes nothing the
 * stand-in reads; a profile that is not listed is refused (ambient and preview set proxy metadata,
 * remote omits the injector, openshift uses the multus CNI provider and namespace UID ranges).
 */
const PROFILES: Record<string, Values> = {
  demo: { global: { proxy: { resources: { requests: { cpu: '10m', memory: '40Mi' } } } } },
  stable: {},
};
const PLATFORMS: Record<string, Values> = { gke: {}, k3d: {}, k3s: {}, microk8s: {}, minikube: {} };
const UNMODELLED_PROFILES = new Set(['ambient', 'preview', 'remote', 'openshift']);

function profileLayer(kind: 'profile' | 'platform', name: unknown, known: Record<string, Values>, where: string): Values {
  if (name === undefined || name === '') return {};
  if (typeof name === 'string' && name in known) return known[name];
  if (typeof name === 'string' && UNMODELLED_PROFILES.has(name)) {
    throw new Error(`${where}: ${kind} "${name}" changes the injection in ways the stand-in does not model`);
  }
  throw new Error(`${where}: unknown ${kind} ${JSON.stringify(name)} (the istiod ${ISTIOD_VERSION} chart would fail too)`);
}

/**
 * The injection options an Argo CD Application of the istiod chart gives, read as the chart does:
 * its defaults, then the profile, then the Application's values, then anything under `pilot`
 * copied to the top (zzy_descope_legacy.yaml), so `pilot.cni.enabled` and `cni.enabled` both
 * reach the template's `.Values.pilot.cni.enabled`. (`istio_cni.enabled` was read until 1.23; 1.26
 * ignores it.) Throws when the Application installs another release or sets a value the
 * stand-in does not model.
 */
export function istioOptionsFromApplication(app: unknown): IstioInjectionOptions {
  const name = String(valueAt(app, 'metadata.name') ?? '(unnamed Application)');
  const source = valueAt(app, 'spec.source');
  if (valueAt(app, 'kind') !== 'Application' || !isObject(source)) {
    throw new Error(`${name}: not an Argo CD Application with spec.source`);
  }
  if (source.chart !== 'istiod') throw new Error(`${name}: spec.source.chart is ${JSON.stringify(source.chart)}, not "istiod"`);
  if (source.targetRevision !== ISTIOD_VERSION) {
    throw new Error(
      `${name}: spec.source.targetRevision is ${JSON.stringify(source.targetRevision)}; the stand-in follows istiod ${ISTIOD_VERSION}'s injection template (compare the new release's template and update it first)`,
    );
  }
  const namespace = valueAt(app, 'spec.destination.namespace');
  if (namespace !== ISTIOD_CHART_DEFAULTS['global.istioNamespace']) {
    // the proxies' discovery address (PROXY_CONFIG) and CA_ADDR name istiod's namespace
    throw new Error(`${name}: spec.destination.namespace is ${JSON.stringify(namespace)}; the stand-in models istiod in "istio-system"`);
  }
  const helm = isObject(source.helm) ? source.helm : {};
  for (const field of ['parameters', 'fileParameters', 'valueFiles']) {
    if (truthy(helm[field])) throw new Error(`${name}: spec.source.helm.${field} is not read by the stand-in; use valuesObject`);
  }
  // Argo CD: valuesObject wins over values
  const user = isObject(helm.valuesObject) ? helm.valuesObject : typeof helm.values === 'string' ? parseYaml(helm.values) ?? {} : {};
  if (!isObject(user)) throw new Error(`${name}: spec.source.helm.values is not a map`);
  if (user.compatibilityVersion !== undefined) {
    throw new Error(`${name}: compatibilityVersion changes the injection in ways the stand-in does not model`);
  }

  const where = `${name}: spec.source.helm`;
  const profile = profileLayer('profile', user.profile ?? valueAt(user, 'global.profile'), PROFILES, where);
  const platform = profileLayer('platform', user.platform ?? valueAt(user, 'global.platform'), PLATFORMS, where);
  const merged = mergeValues(defaultsTree(), profile, platform, user);
  const values = isObject(merged.pilot) ? mergeValues(merged, merged.pilot) : merged;

  for (const [path, fallback] of Object.entries(ISTIOD_CHART_DEFAULTS)) {
    if (OPTION_KEYS.has(path)) continue;
    const value = valueAt(values, path);
    if (JSON.stringify(value) !== JSON.stringify(fallback)) {
      throw new Error(`${where}: ${path} is ${JSON.stringify(value)}; the stand-in models only ${JSON.stringify(fallback)}`);
    }
  }

  const hub = String(valueAt(values, 'global.hub'));
  const tag = String(valueAt(values, 'global.tag')); // a number in YAML (1.26) is a string to istiod
  const variant = String(valueAt(values, 'global.proxy.variant') || valueAt(values, 'global.variant') || '');
  const proxyName = String(valueAt(values, 'global.proxy.image'));
  const initName = String(valueAt(values, 'global.proxy_init.image'));
  const proxyImage = proxyName.includes('/') ? proxyName : `${hub}/${proxyName}:${tagWithVariant(tag, variant)}`;
  const resources = valueAt(values, 'global.proxy.resources');
  return {
    cniEnabled: truthy(valueAt(values, 'cni.enabled')),
    proxyImage,
    ...(initName.includes('/') && { proxyInitImage: initName }),
    privileged: truthy(valueAt(values, 'global.proxy.privileged')),
    resources: (isObject(resources) ? resources : {}) as IstioInjectionOptions['resources'],
  };
}

/** inject.go updateImageTypeIfPresent: a known variant suffix is replaced; "default" means none. */
function tagWithVariant(tag: string, variant: string): string {
  if (variant === '') return tag;
  const base = tag.replace(/-(distroless|debug)$/, '');
  return variant === 'default' ? base : `${base}-${variant}`;
}

// ---------------------------------------------------------------------------------------------
// The webhook server and its configuration

/** Options of {@link startIstioInjectionWebhook}. */
export interface IstioInjectionWebhookOptions extends IstioInjectionOptions {
  /** PEM certificate the server presents; its subjectAltName must cover IP 127.0.0.1. */
  readonly cert: string;
  /** PEM private key of `cert`. */
  readonly key: string;
  /**
   * Port on 127.0.0.1.
   * @default 0 - a free port
   */
  readonly port?: number;
}

/** A running stand-in webhook. */
export interface IstioInjectionWebhook {
  /** The URL to put in the MutatingWebhookConfiguration (`https://127.0.0.1:<port>/inject`). */
  readonly url: string;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

/**
 * Serves `admission.k8s.io/v1` AdmissionReviews on 127.0.0.1 as istiod's `/inject` endpoint does:
 * `allowed: true` with a base64 JSON patch (`patchType: JSONPatch`) when something is injected,
 * without one when not, and `allowed: false` with the reason when the pod cannot be injected.
 */
export async function startIstioInjectionWebhook(options: IstioInjectionWebhookOptions): Promise<IstioInjectionWebhook> {
  const server = createServer({ cert: options.cert, key: options.key }, (request, response) => {
    void serveInject(request, response, options);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/inject`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serveInject(request: IncomingMessage, response: ServerResponse, options: IstioInjectionOptions): Promise<void> {
  const fail = (status: number, message: string) => {
    response.writeHead(status, { 'content-type': 'text/plain' }).end(`${message}\n`);
  };
  const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname;
  if (path !== '/inject' && !path.startsWith('/inject/')) return fail(404, `no handler for ${path}`);
  if (request.headers['content-type'] !== 'application/json') return fail(415, 'invalid Content-Type, want `application/json`');

  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let review: unknown;
  try {
    review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    return fail(400, `could not decode body: ${(error as Error).message}`);
  }
  if (valueAt(review, 'apiVersion') !== 'admission.k8s.io/v1' || valueAt(review, 'kind') !== 'AdmissionReview' || !isObject(valueAt(review, 'request'))) {
    return fail(400, 'expected an admission.k8s.io/v1 AdmissionReview with a request');
  }
  const uid = valueAt(review, 'request.uid');
  const object = valueAt(review, 'request.object');
  let answer: Values;
  if (!isObject(object) || object.kind !== 'Pod') {
    answer = { uid, allowed: false, status: { message: 'expected a Pod in request.object' } };
  } else {
    const pod = object as unknown as IPod;
    // webhook.go inject: a pod made by a controller may carry no namespace yet
    if (!pod.metadata?.namespace && typeof valueAt(review, 'request.namespace') === 'string') {
      pod.metadata = { ...pod.metadata, namespace: valueAt(review, 'request.namespace') as string };
    }
    try {
      const { patch } = injectSidecar(pod, options);
      answer = patch.length === 0
        ? { uid, allowed: true }
        : { uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') };
    } catch (error) {
      answer = { uid, allowed: false, status: { message: `Pod injection failed: ${(error as Error).message}` } };
    }
  }
  response
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: answer }));
}

/** The name of the MutatingWebhookConfiguration {@link mutatingWebhookConfiguration} makes. */
export const STAND_IN_WEBHOOK_CONFIGURATION = 'istio-sidecar-injector-stand-in';

/**
 * The MutatingWebhookConfiguration that sends pods to the stand-in: the chart's default-revision
 * `namespace.sidecar-injector.istio.io` webhook (templates/mutatingwebhook.yaml, "Case 1"), with a
 * URL instead of the istiod Service. The chart's other webhooks (revision labels, pods labelled
 * `sidecar.istio.io/inject: "true"` in unlabelled namespaces) are left out.
 */
export function mutatingWebhookConfiguration(url: string, caBundlePem: string): IMutatingWebhookConfiguration {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: STAND_IN_WEBHOOK_CONFIGURATION },
    webhooks: [
      {
        name: 'namespace.sidecar-injector.istio.io',
        clientConfig: { url, caBundle: Buffer.from(caBundlePem).toString('base64') },
        sideEffects: 'None',
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
        failurePolicy: 'Fail',
        reinvocationPolicy: ISTIOD_CHART_DEFAULTS['sidecarInjectorWebhook.reinvocationPolicy'],
        admissionReviewVersions: ['v1'],
        namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] },
        objectSelector: { matchExpressions: [{ key: ANNOTATION.inject, operator: 'NotIn', values: ['false'] }] },
      },
    ],
  };
}
