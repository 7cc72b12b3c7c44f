import { Construct } from 'constructs';
import {
  KubeStatefulSet, Quantity,
  type Probe as KubeProbe, type Volume, type VolumeMount,
} from 'cdk8s-plus-27/lib/imports/k8s';
import { podLabels, selectorLabels } from './labels';
import { containerSecurityContext, envVars, podSecurityContext, resourceRequirements } from './pod-defaults';
import type { Resources } from '../values/schemas';
import type { ContainerPort, EnvSource, SecurityWaiver, WritableVolume } from './secure-deployment';

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

/** A PersistentVolumeClaim made per pod from the StatefulSet's template. */
export interface ClaimTemplate {
  /** Claim (and volume) name; pods' claims are `<name>-<statefulset>-<ordinal>`. */
  readonly name: string;
  /** Requested size, e.g. `100Gi`. */
  readonly storage: string;
  /** StorageClass. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Where the main container mounts it. */
  readonly mountPath: string;
  /** Sub-directory of the volume to mount. @default - the volume's root */
  readonly subPath?: string;
}

/** A ConfigMap mounted read-only into the main container. */
export interface ConfigMapMount {
  /** Volume name. */
  readonly name: string;
  /** The ConfigMap's name. */
  readonly configMap: string;
  readonly mountPath: string;
  /** One key of the ConfigMap mounted as a file at `mountPath`. @default - every key, as files in `mountPath` */
  readonly subPath?: string;
}

export interface SecureStatefulSetProps {
  /** `metadata.name`. */
  readonly name: string;
  /** The `app` label of the pods. @default - same as `name` */
  readonly app?: string;
  /** More labels the pods carry and are selected by (e.g. `role: primary`). @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** The Service that governs the pods' network identity. */
  readonly serviceName: string;
  /** Pod count. */
  readonly replicas: number;
  /** Name of the container. */
  readonly containerName: string;
  /** Image repository, without tag (`postgres`, `redis`). */
  readonly repository: string;
  /** Pinned image tag; also the `app.kubernetes.io/version` label. */
  readonly tag: string;
  /** `app.kubernetes.io/component`. */
  readonly component: string;
  /** System name (`app.kubernetes.io/part-of`). */
  readonly system: string;
  /** Container ports. */
  readonly ports: readonly ContainerPort[];
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /** Environment variables, in the order given. @default - none */
  readonly env?: Readonly<Record<string, EnvSource>>;
  /**
   * Variables from the pod's own fields (downward API `fieldRef`, e.g. `status.podIP`), before
   * `env`, so `$(NAME)` in a command can use them. @default - none
   */
  readonly fieldEnv?: Readonly<Record<string, string>>;
  /**
   * `OrderedReady` starts pod n+1 once pod n is Ready; `Parallel` starts them together, which a
   * cluster whose members are Ready only once all of them joined needs. Immutable once created.
   * @default 'OrderedReady'
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /** Requests and limits (required: an unbounded pod is never a default). */
  readonly resources: Resources;
  readonly liveness: ExecProbe;
  readonly readiness: ExecProbe;
  /** UID (and GID) the container runs as; the image's own non-root user, so its files are readable. */
  readonly runAsUser: number;
  /** Per-pod volume claims. @default - none */
  readonly claims?: readonly ClaimTemplate[];
  /** ConfigMaps mounted read-only. @default - none */
  readonly configMaps?: readonly ConfigMapMount[];
  /** Writable emptyDir volumes under the read-only root. @default - none */
  readonly writableVolumes?: readonly WritableVolume[];
  /** Prefer spreading pods over nodes (weight 100, `kubernetes.io/hostname`). @default true */
  readonly spreadOverNodes?: boolean;
  /** Run with a writable root filesystem. @default - read-only root */
  readonly writableRootFilesystem?: SecurityWaiver;
}

/**
 * A StatefulSet with the secure defaults of DESIGN.md principle 5 (non-root, read-only root,
 * no escalation, no capabilities, seccomp RuntimeDefault, requests and limits, probes, no API
 * token). Built on the raw API type: cdk8s-plus 27's StatefulSet cannot express volume claim
 * templates.
 */
export class SecureStatefulSet extends Construct {
  public readonly name: string;
  /** The `app` label of the pods. */
  public readonly app: string;
  /** Labels the StatefulSet selects its pods by. */
  public readonly selector: Record<string, string>;
  /** Every label the pods carry. */
  public readonly labels: Record<string, string>;

  constructor(scope: Construct, id: string, props: SecureStatefulSetProps) {
    super(scope, id);
    if (props.ports.length === 0) throw new Error(`SecureStatefulSet ${props.name}: 'ports' must name at least one port`);
    if (props.runAsUser === 0) throw new Error(`SecureStatefulSet ${props.name}: 'runAsUser' must not be 0 (root)`);
    this.name = props.name;
    this.app = props.app ?? props.name;
    this.selector = { ...selectorLabels(this.app), ...props.selectorLabels };
    this.labels = {
      ...podLabels({ app: this.app, system: props.system, imageTag: props.tag, component: props.component }),
      ...props.selectorLabels,
    };
    const uid = props.runAsUser;

    const mounts: VolumeMount[] = [];
    const volumes: Volume[] = [];
    for (const c of props.claims ?? []) {
      mounts.push({ name: c.name, mountPath: c.mountPath, ...(c.subPath ? { subPath: c.subPath } : {}) });
    }
    for (const c of props.configMaps ?? []) {
      mounts.push({ name: c.name, mountPath: c.mountPath, readOnly: true, ...(c.subPath ? { subPath: c.subPath } : {}) });
      volumes.push({ name: c.name, configMap: { name: c.configMap } });
    }
    for (const w of props.writableVolumes ?? []) {
      mounts.push({ name: w.name, mountPath: w.path });
      volumes.push({ name: w.name, emptyDir: {} });
    }

    const env = [
      ...Object.entries(props.fieldEnv ?? {}).map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } })),
      ...(envVars(props.env ?? {}) ?? []),
    ];

    new KubeStatefulSet(this, 'Resource', {
      metadata: { name: props.name, labels: this.labels },
      spec: {
        serviceName: props.serviceName,
        replicas: props.replicas,
        ...(props.podManagementPolicy && props.podManagementPolicy !== 'OrderedReady' ? { podManagementPolicy: props.podManagementPolicy } : {}),
        selector: { matchLabels: this.selector },
        template: {
          metadata: { labels: this.labels },
          spec: {
            // nothing here calls the Kubernetes API
            automountServiceAccountToken: false,
            // fsGroup: the volume claims are made writable for the container's group
            securityContext: podSecurityContext(uid),
            affinity: (props.spreadOverNodes ?? true)
              ? {
                  podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [{
                      weight: 100,
                      podAffinityTerm: { labelSelector: { matchLabels: this.selector }, topologyKey: 'kubernetes.io/hostname' },
                    }],
                  },
                }
              : undefined,
            containers: [{
              name: props.containerName,
              image: `${props.repository}:${props.tag}`,
              // tags are pinned per environment, so a node's cached image is the right one
              imagePullPolicy: 'IfNotPresent',
              command: props.command ? [...props.command] : undefined,
              args: props.args ? [...props.args] : undefined,
              ports: props.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
              env: env.length > 0 ? env : undefined,
              resources: resourceRequirements(props.resources),
              livenessProbe: execProbe(props.liveness),
              readinessProbe: execProbe(props.readiness),
              securityContext: containerSecurityContext(uid, { writableRoot: props.writableRootFilesystem !== undefined }),
              volumeMounts: mounts.length > 0 ? mounts : undefined,
            }],
            volumes: volumes.length > 0 ? volumes : undefined,
          },
        },
        volumeClaimTemplates: (props.claims ?? []).map((c) => ({
          metadata: { name: c.name },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(c.storageClassName ? { storageClassName: c.storageClassName } : {}),
            resources: { requests: { storage: Quantity.fromString(c.storage) } },
          },
        })),
      },
    });
  }
}

function execProbe(p: ExecProbe): KubeProbe {
  return {
    exec: { command: [...p.command] },
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    periodSeconds: p.periodSeconds ?? 10,
    timeoutSeconds: p.timeoutSeconds ?? 1,
    failureThreshold: p.failureThreshold ?? 3,
  };
}

