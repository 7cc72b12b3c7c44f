/** Pod-bearing objects and their pod templates. */
import type { K8sObject, Manifest } from './manifests';

/**
 * Every kind that runs pods from a pod spec of its own: the Pod itself and each controller with
 * a pod template (https://kubernetes.io/docs/concepts/workloads/pods/#pod-templates). Each gets
 * the workload rules, so a bare Pod cannot slip past them.
 */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] as const;
/** Kinds whose containers run forever (and so need liveness and readiness probes); a Pod too, unless it runs to completion. */
export const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);

export interface Workload {
  manifest: Manifest;
  object: K8sObject;
  namespace: string;
  podLabels: Record<string, string>;
  pod: any;
  /** Where the pod spec is in the object, e.g. `spec.template.spec`. */
  podPath: string;
  /** Its containers run forever (a Pod: unless restartPolicy is Never or OnFailure). */
  longRunning: boolean;
  /** Init and regular containers, each with where it is in the object. */
  containers: { c: any; path: string; init: boolean }[];
}

export function isWorkload(o: K8sObject): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(o.kind);
}

/** Where each kind keeps its pod spec. */
function podSpecPath(kind: string): string {
  if (kind === 'Pod') return 'spec';
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.spec';
  return 'spec.template.spec';
}

export function toWorkload(m: Manifest): Workload {
  const o = m.object;
  const specPath = podSpecPath(o.kind);
  const template = o.kind === 'Pod' ? o : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  const pod = template?.spec ?? {};
  return {
    manifest: m,
    object: o,
    namespace: o.metadata.namespace ?? 'default',
    podLabels: template?.metadata?.labels ?? {},
    pod,
    podPath: specPath,
    longRunning: o.kind === 'Pod' ? !['Never', 'OnFailure'].includes(pod.restartPolicy) : LONG_RUNNING.has(o.kind),
    containers: [
      ...(pod.initContainers ?? []).map((c: any, i: number) => ({ c, path: `${specPath}.initContainers[${i}]`, init: true })),
      ...(pod.containers ?? []).map((c: any, i: number) => ({ c, path: `${specPath}.containers[${i}]`, init: false })),
    ],
  };
}
