import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { podLabels, selectorLabels } from './labels';
import type { Resources } from '../values/schemas';
import { DEFAULT_UID, resourceRequirements } from './pod-defaults';

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

export interface ContainerPort {
  /** IANA-style port name (`http`, `metrics`). */
  readonly name: string;
  readonly containerPort: number;
}

/** A container that runs to completion before the main container starts (e.g. database migrations). */
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
  /** Why the default cannot hold for this workload. */
  readonly reason: string;
}

export interface SecureDeploymentProps {
  /** `metadata.name`, the container name and the `app` label. */
  readonly name: string;
  /**
   * The `app` label (and selector) when it differs from `name`, e.g. a `learning-orchestrator-v2`
   * Deployment whose pods belong to the `learning-orchestrator` Service.
   * @default - same as `name`
   */
  readonly app?: string;
  /** Name of the main container. @default - same as `name` */
  readonly containerName?: string;
  /**
   * Add the `version` label to the selector, so two Deployments of one app (v1 and a v2 canary
   * routed by Istio subsets) never claim each other's pods. Selectors are immutable: set it at creation.
   * @default false
   */
  readonly selectVersion?: boolean;
  /** Image repository, without tag (`<registry>/kiteclass-core`). */
  readonly repository: string;
  /** Pinned image tag; also the `app.kubernetes.io/version` label. */
  readonly tag: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** System name (`app.kubernetes.io/part-of`). */
  readonly system: string;
  /** The `version` label. @default 'v1' */
  readonly version?: string;
  /** Pod count. @default - unset, so that an HPA owns it and Argo CD does not fight the HPA */
  readonly replicas?: number;
  /** Container ports; the first is the one probes use by default. */
  readonly ports: readonly ContainerPort[];
  /** Environment variables, in the order given. @default - none */
  readonly env?: Readonly<Record<string, EnvSource>>;
  /** Requests and limits (required: an unbounded pod is never a default). */
  readonly resources: Resources;
  /** @default - none */
  readonly liveness?: HttpProbe;
  /** @default - none */
  readonly readiness?: HttpProbe;
  /** @default - none */
  readonly startup?: HttpProbe;
  /** Seconds to sleep in preStop so the load balancer drains the pod first. @default - no preStop hook */
  readonly preStopSleepSeconds?: number;
  /** @default - the namespace's default service account, with no API token mounted */
  readonly serviceAccountName?: string;
  /** Pod annotations, e.g. Prometheus scrape hints. @default - none */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Prefer spreading pods over nodes (weight 100, `kubernetes.io/hostname`). @default true */
  readonly spreadOverNodes?: boolean;
  /** UID the container runs as. @default 10001 */
  readonly runAsUser?: number;
  /** Directories that need to be writable under a read-only root (mounted as emptyDir). @default ['/tmp'] */
  readonly writableDirs?: readonly string[];
  /** Rolling update bounds. @default - maxSurge 25%, maxUnavailable 25% */
  readonly rollingUpdate?: { readonly maxSurge: number | string; readonly maxUnavailable: number | string };
  /** Run with a writable root filesystem. @default - read-only root */
  readonly writableRootFilesystem?: SecurityWaiver;
  /**
   * Writable emptyDir volumes with explicit names; replaces `writableDirs` when given.
   * @default - `writableDirs`, volumes named after their paths
   */
  readonly writableVolumes?: readonly WritableVolume[];
  /** Containers run in order before the main one, with the same security context. @default - none */
  readonly initContainers?: readonly InitContainer[];
  /** Node labels the pods must be scheduled on. @default - none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the pods tolerate. @default - none */
  readonly tolerations?: readonly PodToleration[];
}

/**
 * A Deployment with the secure defaults of DESIGN.md principle 5: non-root, read-only root
 * filesystem, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault,
 * requests and limits, no service-account token unless a service account is named.
 */
export class SecureDeployment extends Construct {
  public readonly deployment: kplus.Deployment;
  public readonly name: string;
  public readonly ports: readonly ContainerPort[];
  public readonly labels: Record<string, string>;
  /** The `app` label of the pods. */
  public readonly app: string;
  /** The labels the Deployment selects its pods by. */
  public readonly selector: Record<string, string>;

  constructor(scope: Construct, id: string, props: SecureDeploymentProps) {
    super(scope, id);
    if (props.ports.length === 0) throw new Error(`SecureDeployment ${props.name}: 'ports' must name at least one port`);
    this.name = props.name;
    this.ports = props.ports;
    const app = props.app ?? props.name;
    this.app = app;
    this.labels = podLabels({ app, system: props.system, imageTag: props.tag, version: props.version, component: props.component });
    const user = props.runAsUser ?? DEFAULT_UID;
    const firstPort = props.ports[0].containerPort;
    this.selector = props.selectVersion ? { ...selectorLabels(app), version: this.labels.version } : selectorLabels(app);
    const securityContext = {
      ensureNonRoot: true,
      user,
      group: user,
      readOnlyRootFilesystem: props.writableRootFilesystem === undefined,
      allowPrivilegeEscalation: false,
      privileged: false,
      // cdk8s-plus 27's Capability enum has no ALL, which the API server accepts.
      capabilities: { drop: ['ALL' as kplus.Capability] },
    };
    const writable = props.writableVolumes ?? (props.writableDirs ?? ['/tmp']).map((path) => ({ name: writableVolumeName(path), path }));

    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: props.name, labels: this.labels },
      replicas: props.replicas,
      select: false,
      podMetadata: { labels: this.labels, annotations: { ...props.podAnnotations } },
      serviceAccount: props.serviceAccountName
        ? kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', props.serviceAccountName)
        : undefined,
      // IRSA needs no API token (the EKS webhook projects its own); nothing else here calls the API.
      automountServiceAccountToken: false,
      securityContext: { ensureNonRoot: true, user, group: user, fsGroup: user },
      strategy: props.rollingUpdate
        ? kplus.DeploymentStrategy.rollingUpdate({
            maxSurge: toPercentOrAbsolute(props.rollingUpdate.maxSurge),
            maxUnavailable: toPercentOrAbsolute(props.rollingUpdate.maxUnavailable),
          })
        : undefined,
      containers: [
        {
          name: props.containerName ?? props.name,
          image: `${props.repository}:${props.tag}`,
          // Tags are pinned per environment, so a node's cached image is the right one.
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          ports: props.ports.map((p) => ({ number: p.containerPort, name: p.name })),
          envVariables: envVariables(this, props.env ?? {}),
          liveness: props.liveness && httpProbe(props.liveness, firstPort),
          readiness: props.readiness && httpProbe(props.readiness, firstPort),
          startup: props.startup && httpProbe(props.startup, firstPort),
          lifecycle: props.preStopSleepSeconds
            ? { preStop: kplus.Handler.fromCommand(['sh', '-c', `sleep ${props.preStopSleepSeconds}`]) }
            : undefined,
          securityContext,
          volumeMounts: writable.map((w, i) => ({
            path: w.path,
            volume: kplus.Volume.fromEmptyDir(this, `Writable${i}`, w.name),
          })),
        },
      ],
    });
    (props.initContainers ?? []).forEach((init) => {
      // its own scope: the same variable (e.g. DATABASE_URL) may also be set on the main container
      const scope = new Construct(this, `Init-${init.name}`);
      this.deployment.addInitContainer({
        name: init.name,
        image: `${init.repository}:${init.tag}`,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: init.command ? [...init.command] : undefined,
        envVariables: envVariables(scope, init.env ?? {}),
        securityContext,
      });
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selector }));
    if (props.spreadOverNodes ?? true) {
      this.deployment.scheduling.separate(
        kplus.Pods.select(this, 'Peers', { labels: selectorLabels(app) }),
        { weight: 100, topology: kplus.Topology.HOSTNAME },
      );
    }

    const obj = ApiObject.of(this.deployment);
    // The documents' quantities are kept as written (cdk8s-plus would turn 1Gi into 1024Mi).
    // The patch runs before cdk8s-plus's typed serialisation, hence Quantity objects.
    obj.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources', resourceRequirements(props.resources)));
    (props.initContainers ?? []).forEach((init, i) => {
      obj.addJsonPatch(JsonPatch.add(`/spec/template/spec/initContainers/${i}/resources`, resourceRequirements(init.resources)));
    });
    if (props.nodeSelector && Object.keys(props.nodeSelector).length > 0) {
      obj.addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', { ...props.nodeSelector }));
    }
    if (props.tolerations && props.tolerations.length > 0) {
      obj.addJsonPatch(JsonPatch.add('/spec/template/spec/tolerations', props.tolerations.map((t) => ({
        key: t.key, operator: t.operator ?? 'Equal', ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect,
      }))));
    }
    // cdk8s-plus 27 has no seccompProfile field.
    obj.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }));
  }

  /** The first container port. */
  public get port(): ContainerPort {
    return this.ports[0];
  }
}

function httpProbe(p: HttpProbe, defaultPort: number): kplus.Probe {
  return kplus.Probe.fromHttpGet(p.path, {
    port: p.port ?? defaultPort,
    initialDelaySeconds: Duration.seconds(p.initialDelaySeconds ?? 0),
    periodSeconds: Duration.seconds(p.periodSeconds ?? 10),
    failureThreshold: p.failureThreshold ?? 3,
    timeoutSeconds: Duration.seconds(p.timeoutSeconds ?? 1),
  });
}

function envVariables(scope: Construct, env: Readonly<Record<string, EnvSource>>): Record<string, kplus.EnvValue> {
  const out: Record<string, kplus.EnvValue> = {};
  for (const [name, source] of Object.entries(env)) {
    if (typeof source === 'string') {
      out[name] = kplus.EnvValue.fromValue(source);
    } else if ('secret' in source) {
      // By reference: the Secret is made in the cluster by External Secrets, never declared here.
      const secret = kplus.Secret.fromSecretName(scope, `Secret-${name}`, source.secret);
      out[name] = kplus.EnvValue.fromSecretValue({ secret, key: source.key });
    } else {
      const configMap = kplus.ConfigMap.fromConfigMapName(scope, `ConfigMap-${name}`, source.configMap);
      out[name] = kplus.EnvValue.fromConfigMap(configMap, source.key);
    }
  }
  return out;
}

function toPercentOrAbsolute(v: number | string): kplus.PercentOrAbsolute {
  if (typeof v === 'number') return kplus.PercentOrAbsolute.absolute(v);
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`rolling update value '${v}' must be a number or a percentage such as 25%`);
  return kplus.PercentOrAbsolute.percent(Number(m[1]));
}

/** `/tmp` → `tmp`, `/var/cache/nginx` → `var-cache-nginx`. */
export function writableVolumeName(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').replace(/[^a-z0-9]+/gi, '-').toLowerCase() || 'root';
}
