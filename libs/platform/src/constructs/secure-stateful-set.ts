import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeStatefulSet, Quantity, type Volume, type VolumeMount } from 'cdk8s-plus-27/lib/imports/k8s';
import { selectorLabels } from './labels';
import { execProbe, SecurePodTemplate, type ContainerPort, type ExecProbe, type IWorkload, type SecureWorkloadProps } from './pod-template';

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

export interface SecureStatefulSetProps extends Omit<SecureWorkloadProps, 'runAsUser'> {
  /** More labels the pods carry and are selected by (e.g. `role: primary`). @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** The Service that governs the pods' network identity. */
  readonly serviceName: string;
  /** Pod count. */
  readonly replicas: number;
  /** Container ports. */
  readonly ports: readonly ContainerPort[];
  /**
   * `OrderedReady` starts pod n+1 once pod n is Ready; `Parallel` starts them together, which a
   * cluster whose members are Ready only once all of them joined needs. Immutable once created.
   * @default 'OrderedReady'
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  readonly liveness: ExecProbe;
  readonly readiness: ExecProbe;
  /** UID (and GID) the container runs as; the image's own non-root user, so its files are readable (required here). */
  readonly runAsUser: number;
  /** Per-pod volume claims. @default - none */
  readonly claims?: readonly ClaimTemplate[];
  /** ConfigMaps mounted read-only. @default - none */
  readonly configMaps?: readonly ConfigMapMount[];
}

/**
 * A StatefulSet with the secure defaults of DESIGN.md principle 5 (non-root, read-only root,
 * no escalation, no capabilities, seccomp RuntimeDefault, requests and limits, probes, no API
 * token). Built on the raw API type: cdk8s-plus 27's StatefulSet cannot express volume claim
 * templates.
 */
export class SecureStatefulSet extends Construct implements IWorkload {
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
    const app = props.app ?? props.name;
    this.selector = { ...selectorLabels(app), ...props.selectorLabels };
    const mounts: VolumeMount[] = [];
    const volumes: Volume[] = [];
    for (const c of props.claims ?? []) {
      mounts.push({ name: c.name, mountPath: c.mountPath, ...(c.subPath ? { subPath: c.subPath } : {}) });
    }
    for (const c of props.configMaps ?? []) {
      mounts.push({ name: c.name, mountPath: c.mountPath, readOnly: true, ...(c.subPath ? { subPath: c.subPath } : {}) });
      volumes.push({ name: c.name, configMap: { name: c.configMap } });
    }
    const pod = new SecurePodTemplate(props, {
      ports: props.ports,
      portProtocol: true,
      liveness: execProbe(props.liveness),
      readiness: execProbe(props.readiness),
      mounts,
      volumes,
      extraLabels: props.selectorLabels,
      spreadFrom: this.selector,
    }, { writableDirs: [] });
    this.name = props.name;
    this.app = pod.app;
    this.labels = pod.labels;

    const resource = new KubeStatefulSet(this, 'Resource', {
      metadata: { name: props.name, labels: this.labels },
      spec: {
        serviceName: props.serviceName,
        replicas: props.replicas,
        ...(props.podManagementPolicy && props.podManagementPolicy !== 'OrderedReady' ? { podManagementPolicy: props.podManagementPolicy } : {}),
        selector: { matchLabels: this.selector },
        template: pod.spec,
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
    pod.applyWaivers(ApiObject.of(resource));
  }
}
