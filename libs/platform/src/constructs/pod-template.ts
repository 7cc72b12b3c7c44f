/**
 * The one secure pod template every workload is built on (SecureDeployment, SecureStatefulSet,
 * SecureJob): DESIGN.md principle 5 spelled once - non-root, read-only root filesystem, no
 * privilege escalation, all capabilities dropped, seccomp RuntimeDefault, requests and limits, no
 * API token unless a service account is named. As cdk8s-plus builds `DeploymentProps extends
 * WorkloadProps`, the workloads' props extend `SecureWorkloadProps` and resolve its defaults once
 * (`SecurePodTemplate`). Opt-outs carry a reason, which reaches the policy as a waiver.
 */
import type { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { IntOrString, Quantity, type Container, type EnvVar, type PodTemplateSpec, type Probe, type ResourceRequirements, type Volume, type VolumeMount } from 'cdk8s-plus-27/lib/imports/k8s';
import type { Resources } from '../values/schemas';
import { podLabels, selectorLabels } from './labels';
import { waivePolicy } from './policy-waiver';

/** Where an environment variable's value comes from. */
export type EnvSource =
  | string
  | { readonly secret: string; readonly key: string }
  | { readonly configMap: string; readonly key: string };

/** An HTTP GET probe. */
export interface HttpProbe {
  /** Path to GET. */
  readonly path: string;
  /** Container port (number or name). @default - the first port */
  readonly port?: number;
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
  /** @default 1 */
  readonly timeoutSeconds?: number;
}

/** A probe that runs a command in the container (databases answer on their own protocol, not HTTP). */
export interface ExecProbe {
  /** Command whose exit status 0 means healthy. */
  readonly command: readonly string[];
  /** @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
}

export interface ContainerPort {
  /** IANA-style port name (`http`, `metrics`). */
  readonly name: string;
  readonly containerPort: number;
}

/** A container that runs to completion before the main container starts. */
export interface InitContainer {
  /** Container name. */
  readonly name: string;
  /** Image repository, without tag. */
  readonly repository: string;
  /** Pinned image tag. */
  readonly tag: string;
  /** Command (entrypoint) to run. @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** Environment variables, in the order given. @default - none */
  readonly env?: Readonly<Record<string, EnvSource>>;
  /** Requests and limits (required: init containers count towards quotas too). */
  readonly resources: Resources;
}

/** A node taint the pods tolerate (e.g. spot capacity). */
export interface PodToleration {
  readonly key: string;
  /** @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** @default - none (required with operator Equal) */
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** An emptyDir volume mounted writable under a read-only root, with the volume name the document gives. */
export interface WritableVolume {
  /** Volume name. */
  readonly name: string;
  /** Mount path. */
  readonly path: string;
}

/** A workload's opt-out of one secure default, with the reason a reviewer reads. */
export interface SecurityWaiver {
  /** Why the default cannot hold for this workload (shown in review and by `npm run validate`). */
  readonly reason: string;
}

/**
 * A workload whose pods other objects select: a budget, a network policy, a Service, an
 * autoscaler take the construct itself, so a reference to a workload that does not exist fails
 * when the code is built, not after rendering.
 */
export interface IWorkload extends IConstruct {
  /** `metadata.name`. */
  readonly name: string;
  /** The `app` label of its pods: what budgets, policies and Services select them by. */
  readonly app: string;
}

/** What every secure workload's pods are made of. */
export interface SecureWorkloadProps {
  /** `metadata.name`; also the main container's name unless `containerName` is given. */
  readonly name: string;
  /** The `app` label (and selector) of the pods. @default - same as `name` */
  readonly app?: string;
  /** Name of the main container. @default - same as `name` */
  readonly containerName?: string;
  /** Image repository, without tag (`<registry>/kiteclass-core`, `postgres`). */
  readonly repository: string;
  /** Pinned image tag; also the `app.kubernetes.io/version` label. */
  readonly tag: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** System name (`app.kubernetes.io/part-of`). */
  readonly system: string;
  /** The `version` label. @default 'v1' */
  readonly version?: string;
  /** Command (the image's entrypoint is replaced). @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** Arguments. @default - the image's CMD */
  readonly args?: readonly string[];
  /** Environment variables, in the order given. @default - none */
  readonly env?: Readonly<Record<string, EnvSource>>;
  /**
   * Variables from the pod's own fields (downward API `fieldRef`, e.g. `status.podIP`), before
   * `env`, so `$(NAME)` in a command or another variable can use them. @default - none
   */
  readonly fieldEnv?: Readonly<Record<string, string>>;
  /** Requests and limits (required: an unbounded pod is never a default). */
  readonly resources: Resources;
  /** UID (and GID) the containers run as; never 0. @default 10001 */
  readonly runAsUser?: number;
  /**
   * Directories that must be writable under the read-only root (emptyDir volumes named after
   * their paths). @default ['/tmp'] (SecureStatefulSet: none)
   */
  readonly writableDirs?: readonly string[];
  /** Writable emptyDir volumes with explicit names; replaces `writableDirs` when given. @default - `writableDirs` */
  readonly writableVolumes?: readonly WritableVolume[];
  /** Run with a writable root filesystem; the reason becomes the policy's waiver. @default - read-only root */
  readonly writableRootFilesystem?: SecurityWaiver;
  /** @default - the namespace's default service account, with no API token mounted */
  readonly serviceAccountName?: string;
  /** Pod annotations, e.g. Prometheus scrape hints. @default - none */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Node labels the pods must be scheduled on. @default - none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the pods tolerate. @default - none */
  readonly tolerations?: readonly PodToleration[];
  /** Prefer spreading pods over nodes (weight 100, `kubernetes.io/hostname`). @default true (SecureJob: false) */
  readonly spreadOverNodes?: boolean;
}

/** UID (and GID) a container runs as unless its image needs its own. */
export const DEFAULT_UID = 10001;

/** What a workload kind adds to the shared template. */
export interface PodTemplateOptions {
  /** The main container's ports. @default - none */
  readonly ports?: readonly ContainerPort[];
  /** Write each port's `protocol: TCP` (the raw API types did; cdk8s-plus's Deployment did not). @default false */
  readonly portProtocol?: boolean;
  readonly liveness?: Probe;
  readonly readiness?: Probe;
  readonly startup?: Probe;
  /** Seconds to sleep in preStop so the load balancer drains the pod first. @default - no preStop hook */
  readonly preStopSleepSeconds?: number;
  /** More mounts of the main container (volume claims, ConfigMaps) and their volumes. @default - none */
  readonly mounts?: readonly VolumeMount[];
  readonly volumes?: readonly Volume[];
  /** Init containers, with the same security context. @default - none */
  readonly initContainers?: readonly InitContainer[];
  /** More labels the pods carry and are selected by (e.g. `role: primary`). @default - none */
  readonly extraLabels?: Readonly<Record<string, string>>;
  /** Labels of the peers the pods spread away from. @default - the pods' `app` label */
  readonly spreadFrom?: Readonly<Record<string, string>>;
  /** `restartPolicy`. @default - unset (the API server's Always) */
  readonly restartPolicy?: 'Always' | 'Never' | 'OnFailure';
  /**
   * Write out the API server's pod defaults (dnsPolicy, hostNetwork, restartPolicy Always,
   * setHostnameAsFQDN, terminationGracePeriodSeconds, fsGroupChangePolicy): Deployments have
   * always been rendered with them (cdk8s-plus wrote them), so the live objects show no diff.
   * @default false
   */
  readonly explicitApiDefaults?: boolean;
}

/**
 * The pod template of a secure workload, with its props' defaults resolved once. A workload
 * construct makes one and puts `spec` into its object; `applyWaivers` then records the opt-outs.
 */
export class SecurePodTemplate {
  public readonly name: string;
  public readonly app: string;
  public readonly containerName: string;
  public readonly runAsUser: number;
  /** Every label the pods carry. */
  public readonly labels: Record<string, string>;
  public readonly writable: readonly WritableVolume[];
  public readonly readOnlyRoot: boolean;
  public readonly spec: PodTemplateSpec;

  constructor(private readonly props: SecureWorkloadProps, opts: PodTemplateOptions = {}, defaults: { readonly writableDirs?: readonly string[]; readonly spreadOverNodes?: boolean } = {}) {
    this.name = props.name;
    this.app = props.app ?? props.name;
    this.containerName = props.containerName ?? props.name;
    this.runAsUser = props.runAsUser ?? DEFAULT_UID;
    if (this.runAsUser === 0) throw new Error(`${props.name}: 'runAsUser' must not be 0 (root)`);
    this.labels = { ...podLabels({ app: this.app, system: props.system, imageTag: props.tag, version: props.version, component: props.component }), ...opts.extraLabels };
    this.writable = props.writableVolumes ?? (props.writableDirs ?? defaults.writableDirs ?? ['/tmp']).map((path) => ({ name: writableVolumeName(path), path }));
    this.readOnlyRoot = props.writableRootFilesystem === undefined;
    const uid = this.runAsUser;
    const explicit = opts.explicitApiDefaults ?? false;
    const securityContext = containerSecurityContext(uid, this.readOnlyRoot);
    const mounts: VolumeMount[] = [...(opts.mounts ?? []), ...this.writable.map((w) => ({ name: w.name, mountPath: w.path }))];
    const volumes: Volume[] = [...(opts.volumes ?? []), ...this.writable.map((w) => ({ name: w.name, emptyDir: {} }))];
    const env = [
      ...Object.entries(props.fieldEnv ?? {}).map(([name, fieldPath]): EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } })),
      ...envVars(props.env ?? {}),
    ];
    const main: Container = {
      name: this.containerName,
      image: `${props.repository}:${props.tag}`,
      // tags are pinned per environment, so a node's cached image is the right one
      imagePullPolicy: 'IfNotPresent',
      command: props.command && [...props.command],
      args: props.args && [...props.args],
      ports: opts.ports && opts.ports.length > 0
        ? opts.ports.map((p) => ({ containerPort: p.containerPort, name: p.name, ...(opts.portProtocol ? { protocol: 'TCP' } : {}) }))
        : undefined,
      env: env.length > 0 ? env : undefined,
      resources: resourceRequirements(props.resources),
      livenessProbe: opts.liveness,
      readinessProbe: opts.readiness,
      startupProbe: opts.startup,
      lifecycle: opts.preStopSleepSeconds ? { preStop: { exec: { command: ['sh', '-c', `sleep ${opts.preStopSleepSeconds}`] } } } : undefined,
      securityContext,
      volumeMounts: mounts.length > 0 ? mounts : undefined,
    };
    const spread = props.spreadOverNodes ?? defaults.spreadOverNodes ?? true;
    this.spec = {
      metadata: { labels: this.labels, ...(props.podAnnotations && Object.keys(props.podAnnotations).length > 0 ? { annotations: { ...props.podAnnotations } } : {}) },
      spec: {
        ...(explicit ? { dnsPolicy: 'ClusterFirst', hostNetwork: false, restartPolicy: 'Always', setHostnameAsFqdn: false, terminationGracePeriodSeconds: 30 } : {}),
        ...(opts.restartPolicy ? { restartPolicy: opts.restartPolicy } : {}),
        serviceAccountName: props.serviceAccountName,
        // IRSA needs no API token (the EKS webhook projects its own); nothing else here calls the API
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true, runAsUser: uid, runAsGroup: uid,
          // volumes (claims, emptyDirs) are made writable for the container's group
          fsGroup: uid,
          ...(explicit ? { fsGroupChangePolicy: 'Always' } : {}),
          seccompProfile: { type: 'RuntimeDefault' },
        },
        affinity: spread
          ? {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{
                  weight: 100,
                  podAffinityTerm: { labelSelector: { matchLabels: { ...(opts.spreadFrom ?? selectorLabels(this.app)) } }, topologyKey: 'kubernetes.io/hostname' },
                }],
              },
            }
          : undefined,
        initContainers: opts.initContainers && opts.initContainers.length > 0
          ? opts.initContainers.map((init): Container => ({
              name: init.name,
              image: `${init.repository}:${init.tag}`,
              imagePullPolicy: 'IfNotPresent',
              command: init.command && [...init.command],
              env: envVars(init.env ?? {}).length > 0 ? envVars(init.env ?? {}) : undefined,
              resources: resourceRequirements(init.resources),
              securityContext,
            }))
          : undefined,
        containers: [main],
        nodeSelector: props.nodeSelector && Object.keys(props.nodeSelector).length > 0 ? { ...props.nodeSelector } : undefined,
        tolerations: props.tolerations && props.tolerations.length > 0
          ? props.tolerations.map((t) => ({ key: t.key, operator: t.operator ?? 'Equal', ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect }))
          : undefined,
        volumes: volumes.length > 0 ? volumes : undefined,
      },
    };
  }

  /** Records each opt-out on the workload's object as a policy waiver, with its reason. */
  public applyWaivers(object: ApiObject): void {
    if (this.props.writableRootFilesystem) waivePolicy(object, 'read-only-root-filesystem', this.props.writableRootFilesystem.reason);
  }
}

/** An HTTP GET probe on `defaultPort` unless it names its own. */
export function httpProbe(p: HttpProbe, defaultPort: number): Probe {
  return {
    httpGet: { path: p.path, port: IntOrString.fromNumber(p.port ?? defaultPort), scheme: 'HTTP' },
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
    failureThreshold: p.failureThreshold ?? 3,
    timeoutSeconds: p.timeoutSeconds ?? 1,
  };
}

/** A probe that runs a command. */
export function execProbe(p: ExecProbe): Probe {
  return {
    exec: { command: [...p.command] },
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
    timeoutSeconds: p.timeoutSeconds ?? 1,
    failureThreshold: p.failureThreshold ?? 3,
  };
}

/** Non-root, read-only root (unless waived), no escalation, not privileged, no capabilities. */
function containerSecurityContext(uid: number, readOnlyRoot: boolean) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    readOnlyRootFilesystem: readOnlyRoot,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  };
}

/** Requests and limits, with the quantities kept as written (cdk8s-plus would turn 1Gi into 1024Mi). */
export function resourceRequirements(r: Resources): ResourceRequirements {
  const q = (v: string) => Quantity.fromString(v);
  return {
    requests: { cpu: q(r.requests.cpu), memory: q(r.requests.memory) },
    limits: { cpu: q(r.limits.cpu), memory: q(r.limits.memory) },
  };
}

/** Environment variables in the order given; secrets and config by reference. */
export function envVars(env: Readonly<Record<string, EnvSource>>): EnvVar[] {
  return Object.entries(env).map(([name, source]): EnvVar => {
    if (typeof source === 'string') return { name, value: source };
    // by reference: the Secret is made in the cluster by External Secrets, never declared here
    if ('secret' in source) return { name, valueFrom: { secretKeyRef: { name: source.secret, key: source.key } } };
    return { name, valueFrom: { configMapKeyRef: { name: source.configMap, key: source.key } } };
  });
}

/** `/tmp` → `tmp`, `/var/cache/nginx` → `var-cache-nginx`. */
export function writableVolumeName(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase() || 'root';
}
