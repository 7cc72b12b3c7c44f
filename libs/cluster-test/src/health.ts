/**
 * When an applied object is ready, as the cluster shows it: Deployments Available with every replica
 * updated, StatefulSets with every replica ready, Jobs complete, claims bound, an ExternalSecret's
 * Secret present. kwok marks a scheduled pod Ready without running it, so the kubelet's own refusal
 * to start a container whose Secret or ConfigMap (or key) is missing is checked here
 * (kubernetes pkg/kubelet/kubelet_pods.go makeEnvironmentVariables, volume setup for secret and
 * configMap volumes): such a pod is CreateContainerConfigError, never Ready.
 */
import { ApiError, type KubeClient, type KubeObject } from './kube-client';

export interface Readiness {
  readonly ready: boolean;
  /** Why not, in the cluster's words (a condition, an event, the kubelet's error). */
  readonly reason?: string;
}

const READY: Readiness = { ready: true };
const notReady = (reason: string): Readiness => ({ ready: false, reason });

export async function readiness(client: KubeClient, applied: KubeObject): Promise<Readiness> {
  const ns = applied.metadata.namespace;
  const live = await client.get(applied.apiVersion, applied.kind, ns, applied.metadata.name!);
  if (!live) return notReady('not found after apply');
  const s = live.status ?? {};
  switch (applied.kind) {
    case 'Deployment': {
      const failure = (s.conditions ?? []).find((c: any) => c.type === 'ReplicaFailure' && c.status === 'True');
      if (failure) return notReady(`ReplicaFailure: ${failure.message}`);
      const want = live.spec.replicas ?? 1;
      if ((s.observedGeneration ?? 0) < Number(live.metadata.generation) || (s.updatedReplicas ?? 0) < want || (s.availableReplicas ?? 0) < want) {
        return (await podProblem(client, live)) ?? notReady(`${s.availableReplicas ?? 0} of ${want} replicas available${await lastWarning(client, live)}`);
      }
      return (await podProblem(client, live)) ?? READY;
    }
    case 'StatefulSet': {
      const want = live.spec.replicas ?? 1;
      if ((s.readyReplicas ?? 0) < want) return (await podProblem(client, live)) ?? notReady(`${s.readyReplicas ?? 0} of ${want} replicas ready${await lastWarning(client, live)}`);
      return (await podProblem(client, live)) ?? READY;
    }
    case 'Job': {
      const failed = (s.conditions ?? []).find((c: any) => c.type === 'Failed' && c.status === 'True');
      if (failed) return notReady(`Job failed: ${failed.reason}: ${failed.message}`);
      if ((s.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True')) return READY;
      return (await podProblem(client, live)) ?? notReady(`not complete${await lastWarning(client, live)}`);
    }
    case 'PersistentVolumeClaim':
      return s.phase === 'Bound' ? READY : notReady(`claim ${s.phase ?? 'Pending'}${await lastWarning(client, live)}`);
    case 'ExternalSecret': {
      const target = live.spec?.target?.name ?? live.metadata.name;
      return (await client.get('v1', 'Secret', ns, target)) ? READY : notReady(`no Secret ${target} (its store ${live.spec?.secretStoreRef?.kind} ${live.spec?.secretStoreRef?.name} does not exist)`);
    }
    default:
      return READY;
  }
}

/** The newest Warning event about the object, as `; <reason>: <message>`. */
async function lastWarning(client: KubeClient, o: KubeObject): Promise<string> {
  const events = (await client.list('v1', 'Event', o.metadata.namespace).catch(() => []))
    .filter((e) => e.type === 'Warning' && e.involvedObject?.name === o.metadata.name && e.involvedObject?.kind === o.kind)
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)));
  const e = events[events.length - 1];
  return e ? `; ${e.reason}: ${e.message}` : '';
}

/** The first pod of the workload that is unscheduled, or that the kubelet would refuse to start. */
async function podProblem(client: KubeClient, workload: KubeObject): Promise<Readiness | undefined> {
  const selector = workload.kind === 'Job' ? { 'batch.kubernetes.io/job-name': workload.metadata.name! } : workload.spec?.selector?.matchLabels ?? {};
  const pods = (await client.list('v1', 'Pod', workload.metadata.namespace)).filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
  for (const pod of pods) {
    const unscheduled = (pod.status?.conditions ?? []).find((c: any) => c.type === 'PodScheduled' && c.status === 'False');
    if (unscheduled) return notReady(`pod ${pod.metadata.name} not scheduled: ${unscheduled.message}`);
    const missing = await missingReference(client, pod);
    if (missing) return notReady(`pod ${pod.metadata.name}: CreateContainerConfigError: ${missing}`);
  }
  return undefined;
}

/** What the kubelet would not find for the pod's containers: a Secret, a ConfigMap or one of their keys. */
export async function missingReference(client: KubeClient, pod: KubeObject): Promise<string | undefined> {
  const ns = pod.metadata.namespace;
  const cache = new Map<string, KubeObject | undefined>();
  const get = async (kind: 'Secret' | 'ConfigMap', name: string) => {
    const key = `${kind}/${name}`;
    if (!cache.has(key)) cache.set(key, await client.get('v1', kind, ns, name).catch((e) => (e instanceof ApiError ? undefined : Promise.reject(e))));
    return cache.get(key);
  };
  const has = (o: KubeObject, key: string) => key in (o.data ?? {}) || key in (o.binaryData ?? {}) || key in (o.stringData ?? {});
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of containers) {
    for (const from of c.envFrom ?? []) {
      for (const [kind, ref] of [['Secret', from.secretRef], ['ConfigMap', from.configMapRef]] as const) {
        if (ref && !ref.optional && !(await get(kind, ref.name))) return `${kind === 'Secret' ? 'secret' : 'configmap'} "${ref.name}" not found`;
      }
    }
    for (const env of c.env ?? []) {
      for (const [kind, ref] of [['Secret', env.valueFrom?.secretKeyRef], ['ConfigMap', env.valueFrom?.configMapKeyRef]] as const) {
        if (!ref || ref.optional) continue;
        const o = await get(kind, ref.name);
        if (!o) return `${kind === 'Secret' ? 'secret' : 'configmap'} "${ref.name}" not found`;
        if (!has(o, ref.key)) return `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`;
      }
    }
  }
  for (const v of pod.spec?.volumes ?? []) {
    const sources = [v, ...(v.projected?.sources ?? [])];
    for (const src of sources) {
      if (src.secret && !src.secret.optional && !(await get('Secret', src.secret.secretName ?? src.secret.name))) return `MountVolume.SetUp failed for volume "${v.name}": secret "${src.secret.secretName ?? src.secret.name}" not found`;
      if (src.configMap && !src.configMap.optional && !(await get('ConfigMap', src.configMap.name))) return `MountVolume.SetUp failed for volume "${v.name}": configmap "${src.configMap.name}" not found`;
    }
  }
  return undefined;
}
