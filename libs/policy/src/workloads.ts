/** Pod-bearing objects and their pod templates. */
import type { K8sObject, Manifest } from './manifests';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;
/** Kinds whose containers run forever (and so need liveness and readiness probes). */
export const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

export interface Workload {
  manifest: Manifest;
  object: K8sObject;
  namespace: string;
  podLabels: Record<string, string>;
  pod: any;
  /** Init and regular containers, each with where it is in the object. */
  containers: { c: any; path: string; init: boolean }[];
}

export function isWorkload(o: K8sObject): boolean {
  return (WORKLOAD_KINDS as readonly string[]).includes(o.kind);
}

export function toWorkload(m: Manifest): Workload {
  const o = m.object;
  const templatePath = o.kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template';
  const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  const pod = template?.spec ?? {};
  return {
    manifest: m,
    object: o,
    namespace: o.metadata.namespace ?? 'default',
    podLabels: template?.metadata?.labels ?? {},
    pod,
    containers: [
      ...(pod.initContainers ?? []).map((c: any, i: number) => ({ c, path: `${templatePath}.spec.initContainers[${i}]`, init: true })),
      ...(pod.containers ?? []).map((c: any, i: number) => ({ c, path: `${templatePath}.spec.containers[${i}]`, init: false })),
    ],
  };
}
