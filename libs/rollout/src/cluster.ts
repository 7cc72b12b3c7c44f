/**
 * A simulated Kubernetes cluster: the objects applied to it, the APIs its add-ons add, and the
 * controllers whose results Argo CD's health checks read (Deployments roll out, Jobs complete,
 * ExternalSecrets make Secrets, claims bind, ingresses get addresses), with NetworkPolicies enforced.
 */
import {
  ADDONS, BUILT_IN_GROUPS, addonProvides, builtInProvides, describeCapability, requiredCapabilities,
  type AddonDefinition, type Capability,
} from '@gitops/cluster-addons-addons';
import { CLUSTER_SCOPED_BUILT_IN, groupOf, pluralOf, type K8sObject } from './model';

export type Health = 'Healthy' | 'Progressing' | 'Degraded';
export interface HealthStatus { readonly status: Health; readonly message: string }

/** One live object and what its controller has done with it. */
export interface Live {
  obj: K8sObject;
  /** The Application that applied it ('' for objects a controller made). */
  owner: string;
  /** Simulated second it was created. */
  createdAt: number;
  /** A Job's terminal state, once reached (Jobs never leave it). */
  jobResult?: { failed: boolean; message: string };
}

export function objectKey(group: string, kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${group}/${kind}/${namespace ?? ''}/${name ?? ''}`;
}

/** Seconds a simulation round stands for: Argo CD's default retry backoff unit (types.go DefaultSyncRetryDuration). */
export const ROUND_SECONDS = 5;

/** Deployment progress deadline default (apps/v1 DeploymentSpec.progressDeadlineSeconds). */
const DEFAULT_PROGRESS_DEADLINE = 600;

export class SimCluster {
  readonly objects = new Map<string, Live>();
  /** Writes of the current round, visible to their writer at once and to everyone at the round's end. */
  private readonly pending = new Map<string, { writer: string; live: Live | null }>();
  /** Add-ons whose chart is applied (their CRDs and webhooks exist) and those that are healthy. */
  readonly addonsInstalled = new Map<string, AddonDefinition>();
  readonly addonsHealthy = new Set<string>();
  /** CRDs applied as objects: `group/kind` -> served versions and scope. */
  readonly crdObjects = new Map<string, { versions: string[]; scope: string }>();

  constructor(readonly name: string, readonly server: string, readonly management: boolean) {
    // An empty EKS cluster: the default namespaces, CoreDNS in kube-system.
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...(management ? ['argocd'] : [])]) {
      this.put(objectKey('', 'Namespace', undefined, ns), {
        obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } }, owner: '', createdAt: 0,
      }, '');
    }
    this.commit();
  }

  get(key: string, reader = ''): Live | undefined {
    const p = this.pending.get(key);
    if (p && p.writer === reader) return p.live ?? undefined;
    return this.objects.get(key);
  }

  getObj(group: string, kind: string, namespace: string | undefined, name: string | undefined, reader = ''): Live | undefined {
    return this.get(objectKey(group, kind, namespace, name), reader);
  }

  /** Add-on charts applied this round: their APIs appear when the round ends, like any write. */
  private readonly pendingAddons: AddonDefinition[] = [];

  installAddon(addon: AddonDefinition): void {
    this.pendingAddons.push(addon);
  }

  put(key: string, live: Live | null, writer: string): void {
    this.pending.set(key, { writer, live });
  }

  /** Ends a round: every write becomes visible to everyone. */
  commit(): void {
    for (const [key, { live }] of this.pending) {
      const prefix = key.slice(0, key.lastIndexOf('/') + 1);
      if (!this.byPrefix.has(prefix)) this.byPrefix.set(prefix, new Set());
      if (live) { this.objects.set(key, live); this.byPrefix.get(prefix)!.add(key); }
      else { this.objects.delete(key); this.byPrefix.get(prefix)!.delete(key); }
      const o = live?.obj;
      if (o && o.kind === 'CustomResourceDefinition') {
        const versions = (o.spec?.versions ?? []).filter((v: any) => v.served !== false).map((v: any) => v.name);
        this.crdObjects.set(`${o.spec?.group}/${o.spec?.names?.kind}`, { versions, scope: o.spec?.scope ?? 'Namespaced' });
      }
    }
    this.pending.clear();
    for (const a of this.pendingAddons.splice(0)) this.addonsInstalled.set(a.name, a);
  }

  /** Committed keys by `group/kind/namespace/`, for listing. */
  private readonly byPrefix = new Map<string, Set<string>>();

  /** Objects of a kind in a namespace, as `reader` sees them. */
  list(group: string, kind: string, namespace: string | undefined, reader = ''): Live[] {
    const prefix = objectKey(group, kind, namespace, '');
    const out = new Map<string, Live>();
    for (const k of this.byPrefix.get(prefix) ?? []) out.set(k, this.objects.get(k)!);
    for (const [k, v] of this.pending) if (v.writer === reader && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')) { if (v.live) out.set(k, v.live); else out.delete(k); }
    return [...out.values()];
  }

  /** Whether the API server serves a kind: a built-in group, Argo CD's on the management cluster, or a CRD. */
  servesKind(group: string, version: string, kind: string, reader = ''): boolean {
    if (BUILT_IN_GROUPS.has(group)) return true;
    if (this.management && group === 'argoproj.io') return true;
    const crd = this.crdObjects.get(`${group}/${kind}`);
    if (crd?.versions.includes(version)) return true;
    // A CRD this reader applied earlier in its sync: gitops-engine waits for it to be Established
    // before applying custom resources (sync_context.go ensureCRDReady).
    for (const p of this.pending.values()) {
      const o = p.live?.obj;
      if (p.writer === reader && o?.kind === 'CustomResourceDefinition' && o.spec?.group === group && o.spec?.names?.kind === kind &&
        (o.spec?.versions ?? []).some((v: any) => v.name === version && v.served !== false)) return true;
    }
    return [...this.addonsInstalled.values()].some((a) => addonProvides(a, { type: 'kind', group, version, kind }));
  }

  isNamespaced(o: K8sObject): boolean {
    const group = groupOf(o);
    const kind = String(o.kind);
    if (BUILT_IN_GROUPS.has(group)) return !CLUSTER_SCOPED_BUILT_IN.has(kind);
    if (group === 'argoproj.io') return true;
    const crd = this.crdObjects.get(`${group}/${kind}`);
    if (crd) return crd.scope === 'Namespaced';
    for (const a of Object.values(ADDONS)) {
      const p = a.provides.crds.find((c) => c.group === group && c.kind === kind);
      if (p) return p.scope === 'Namespaced';
    }
    return o.metadata?.namespace !== undefined;
  }

  /** Whether a healthy add-on (or EKS itself) provides a capability other than a kind. */
  provides(c: Capability): boolean {
    if (builtInProvides(c)) return true;
    return [...this.addonsHealthy].some((name) => addonProvides(this.addonsInstalled.get(name)!, c));
  }

  /**
   * An admission webhook of an installed but not yet healthy add-on refuses matching requests when
   * its failurePolicy is Fail (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#failure-policy).
   */
  webhookRefusal(o: K8sObject, reader: string): string | undefined {
    const group = groupOf(o);
    const resource = `${group}/${pluralOf(String(o.kind))}`;
    for (const addon of this.addonsInstalled.values()) {
      if (this.addonsHealthy.has(addon.name)) continue;
      for (const w of addon.provides.webhooks) {
        if (w.failurePolicy !== 'Fail' || !w.resources.some((r) => r === resource || r === `${group}/*`)) continue;
        if (w.namespaceLabel) {
          const ns = this.getObj('', 'Namespace', undefined, o.metadata?.namespace, reader);
          if (ns?.obj.metadata?.labels?.[w.namespaceLabel.key] !== w.namespaceLabel.value) continue;
        }
        return `admission webhook ${w.configuration} of add-on ${addon.name} refused it: its pods are not ready (failurePolicy Fail)`;
      }
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Controllers and health (gitops-engine/pkg/health/*.go, resource_customizations/*/health.lua).

  /** The cluster's controllers act on the committed state: ExternalSecrets make their Secrets. */
  reconcileControllers(now: number): void {
    for (const live of this.objects.values()) {
      const o = live.obj;
      if (groupOf(o) === 'external-secrets.io' && o.kind === 'ExternalSecret' && this.externalSecretProblem(live, '') === undefined) {
        // The operator writes spec.target.name (default: the ExternalSecret's name) in its namespace.
        const name = o.spec?.target?.name ?? o.metadata?.name;
        const secretKey = objectKey('', 'Secret', o.metadata?.namespace, name);
        if (!this.objects.has(secretKey)) {
          this.put(secretKey, { obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: o.metadata?.namespace } }, owner: '', createdAt: now }, '');
        }
      }
      if (o.kind === 'Job' && groupOf(o) === 'batch' && !live.jobResult) {
        const h = this.jobStatus(live, now, '');
        if (h.status !== 'Progressing') live.jobResult = { failed: h.status === 'Degraded', message: h.message };
      }
    }
    this.commit();
  }

  /** Why an ExternalSecret cannot sync yet, or undefined when its store is there and Ready. */
  private externalSecretProblem(live: Live, reader: string): string | undefined {
    const ref = live.obj.spec?.secretStoreRef ?? {};
    const kind = ref.kind ?? 'SecretStore';
    const ns = kind === 'ClusterSecretStore' ? undefined : live.obj.metadata?.namespace;
    const store = this.getObj('external-secrets.io', kind, ns, ref.name, reader);
    if (!store) return `${kind} ${ref.name} does not exist`;
    const h = this.storeStatus();
    return h.status === 'Healthy' ? undefined : `${kind} ${ref.name} is not Ready: ${h.message}`;
  }

  private esoRunning(): boolean {
    return [...this.addonsInstalled.values()].some((a) => a.provides.crds.some((c) => c.kind === 'ClusterSecretStore') && this.addonsHealthy.has(a.name));
  }

  /**
   * A (Cluster)SecretStore is Ready once the External Secrets Operator runs and reaches the store
   * (it validates the store): DNS and HTTPS (TCP 443, AWS Secrets Manager) from its namespace.
   */
  private storeStatus(): HealthStatus {
    const eso = [...this.addonsInstalled.values()].find((a) => a.provides.crds.some((c) => c.kind === 'ClusterSecretStore'));
    if (!eso || !this.addonsHealthy.has(eso.name)) return { status: 'Progressing', message: `the External Secrets Operator (add-on ${eso?.name ?? 'external-secrets'}) is not running` };
    // The chart labels its controller pod app.kubernetes.io/name=<release>.
    const blocked = this.egressProblem(eso.namespace, { 'app.kubernetes.io/name': eso.releaseName }, [], '', [{ port: 443, what: 'the Secrets store' }]);
    if (blocked) return { status: 'Degraded', message: `InvalidProviderConfig: the External Secrets Operator in ${eso.namespace} cannot reach the Secrets store: ${blocked}` };
    return { status: 'Healthy', message: 'store validated' };
  }

  /** A Job's state: Complete once its pod can run and reach what it needs; Failed when it cannot (health_job.go). */
  private jobStatus(live: Live, now: number, reader: string): HealthStatus {
    if (live.jobResult) return { status: live.jobResult.failed ? 'Degraded' : 'Healthy', message: live.jobResult.message };
    const spec = live.obj.spec ?? {};
    const quota = this.quotaProblem(live, now, reader);
    const problem = quota ? { message: quota, network: false } : this.podProblem(live.obj.metadata?.namespace, spec.template, reader);
    const age = now - live.createdAt;
    if (!problem) return age >= ROUND_SECONDS ? { status: 'Healthy', message: 'job completed' } : { status: 'Progressing', message: 'job running' };
    if (problem.network) {
      // The container runs and exits non-zero; after backoffLimit retries the Job is Failed (BackoffLimitExceeded).
      return age >= ROUND_SECONDS ? { status: 'Degraded', message: `BackoffLimitExceeded: ${problem.message}` } : { status: 'Progressing', message: problem.message };
    }
    const deadline = spec.activeDeadlineSeconds;
    if (typeof deadline === 'number' && age >= deadline) return { status: 'Degraded', message: `DeadlineExceeded: ${problem.message}` };
    return { status: 'Progressing', message: problem.message };
  }

  /**
   * What keeps a pod from running or becoming Ready: a missing ServiceAccount, ConfigMap, Secret or
   * unbound claim, or (NetworkPolicy enforced) no egress to DNS or its database.
   */
  podProblem(namespace: string | undefined, template: any, reader: string): { message: string; network: boolean } | undefined {
    const pod = template?.spec ?? {};
    const labels: Record<string, string> = template?.metadata?.labels ?? {};
    // The ReplicaSet/Job controller's pod create passes the add-ons' pod webhooks (istio-sidecar-injector, ...).
    const refused = this.webhookRefusal({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod', namespace } }, reader);
    if (refused) return { message: `pod creation refused: ${refused}`, network: false };
    const sa = pod.serviceAccountName;
    if (sa && sa !== 'default' && !this.getObj('', 'ServiceAccount', namespace, sa, reader)) return { message: `pod waits for ServiceAccount ${sa}`, network: false };
    const containers: any[] = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
    const needs: { kind: string; name: string }[] = [];
    for (const c of containers) {
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        const sec = e.valueFrom?.secretKeyRef;
        if (cm && !cm.optional) needs.push({ kind: 'ConfigMap', name: cm.name });
        if (sec && !sec.optional) needs.push({ kind: 'Secret', name: sec.name });
      }
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef && !e.configMapRef.optional) needs.push({ kind: 'ConfigMap', name: e.configMapRef.name });
        if (e.secretRef && !e.secretRef.optional) needs.push({ kind: 'Secret', name: e.secretRef.name });
      }
    }
    for (const v of pod.volumes ?? []) {
      if (v.configMap && !v.configMap.optional) needs.push({ kind: 'ConfigMap', name: v.configMap.name });
      if (v.secret && !v.secret.optional) needs.push({ kind: 'Secret', name: v.secret.secretName });
      for (const s of v.projected?.sources ?? []) {
        if (s.configMap && !s.configMap.optional) needs.push({ kind: 'ConfigMap', name: s.configMap.name });
        if (s.secret && !s.secret.optional) needs.push({ kind: 'Secret', name: s.secret.name });
      }
      if (v.persistentVolumeClaim) {
        const pvc = this.getObj('', 'PersistentVolumeClaim', namespace, v.persistentVolumeClaim.claimName, reader);
        if (!pvc) return { message: `pod waits for PersistentVolumeClaim ${v.persistentVolumeClaim.claimName}`, network: false };
        const h = this.claimStatus(pvc.obj.spec ?? {});
        if (h.status !== 'Healthy') return { message: `pod waits for PersistentVolumeClaim ${v.persistentVolumeClaim.claimName}: ${h.message}`, network: false };
      }
    }
    for (const n of needs) {
      if (!this.getObj('', n.kind, namespace, n.name, reader)) return { message: `pod waits for ${n.kind} ${n.name} (CreateContainerConfigError)`, network: false };
    }
    // An injected Istio sidecar must reach istiod (xDS and certificates, TCP 15012) before the pod is
    // Ready (https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio).
    const injected = this.sidecarInjected(namespace, template, reader);
    const egress = this.egressProblem(namespace, labels, containers, reader, injected ? [{ port: 15012, what: 'istiod (sidecar xDS)' }] : []);
    return egress ? { message: egress, network: true } : undefined;
  }

  /**
   * NetworkPolicy egress as enforced by the CNI (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
   * a pod selected by any policy with policyTypes Egress may only open connections some rule of
   * those policies allows. Every pod resolves names (UDP 53 to kube-dns in kube-system) and
   * connects to the backing services its env names (backingServices), on their ports.
   */
  private egressProblem(namespace: string | undefined, labels: Record<string, string>, containers: any[], reader: string, ports: readonly { port: number; what: string }[] = []): string | undefined {
    const policies = this.list('networking.k8s.io', 'NetworkPolicy', namespace, reader).map((l) => l.obj)
      .filter((p) => matchesSelector(p.spec?.podSelector ?? {}, labels))
      .filter((p) => (p.spec?.policyTypes ?? (p.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'])).includes('Egress'));
    if (policies.length === 0) return undefined;
    const rules: any[] = policies.flatMap((p) => p.spec?.egress ?? []);
    const portAllowed = (rule: any, port: number, protocol: string) =>
      !rule.ports?.length || rule.ports.some((p: any) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port || (typeof p.endPort === 'number' && port >= p.port && port <= p.endPort)));
    const kubeSystem = this.getObj('', 'Namespace', undefined, 'kube-system')?.obj.metadata?.labels ?? {};
    const dnsPeer = (peer: any) =>
      (peer.ipBlock?.cidr === '0.0.0.0/0' && !(peer.ipBlock.except ?? []).length) ||
      (peer.namespaceSelector !== undefined && matchesSelector(peer.namespaceSelector, kubeSystem) && matchesSelector(peer.podSelector ?? {}, { 'k8s-app': 'kube-dns' }));
    const dns = rules.some((r) => portAllowed(r, 53, 'UDP') && (!r.to?.length || r.to.some(dnsPeer)));
    const names = policies.map((p) => p.metadata?.name).join(', ');
    if (!dns) return `egress to DNS (kube-dns, UDP 53) is denied: NetworkPolicies ${names} select the pod and none allows it`;
    const needs = [...backingServices(containers, (cm, key) => this.getObj('', 'ConfigMap', namespace, cm, reader)?.obj.data?.[key]), ...ports];
    for (const { port, what } of needs) {
      if (!rules.some((r) => portAllowed(r, port, 'TCP'))) return `egress to ${what} (TCP ${port}) is denied: NetworkPolicies ${names} select the pod and none allows it`;
    }
    return undefined;
  }

  /** Whether pods of this namespace get an Istio sidecar from an installed add-on. */
  private sidecarInjected(namespace: string | undefined, template: any, reader: string): boolean {
    const nsLabels = this.getObj('', 'Namespace', undefined, namespace, reader)?.obj.metadata?.labels ?? {};
    return template?.metadata?.annotations?.['sidecar.istio.io/inject'] !== 'false' && [...this.addonsInstalled.values()]
      .some((a) => a.provides.sidecarInjectionLabels.some((l) => nsLabels[l.key] === l.value));
  }

  /**
   * ResourceQuota admission (https://kubernetes.io/docs/concepts/policy/resource-quotas/): a pod
   * must state requests/limits for every quota'd compute resource, and the namespace's pods
   * (workloads admitted in creation order, each at its replicas or its HPA's minReplicas) must fit.
   * An injected Istio sidecar adds the chart's default proxy resources (istio/istio
   * manifests/charts/istio-control/istio-discovery/values.yaml global.proxy.resources: requests
   * 100m/128Mi, limits 2000m/1024Mi).
   */
  private quotaProblem(live: Live, now: number, reader: string): string | undefined {
    const ns = live.obj.metadata?.namespace;
    const quotas = this.list('', 'ResourceQuota', ns, reader).map((l) => l.obj);
    if (quotas.length === 0) return undefined;
    const hpas = this.list('autoscaling', 'HorizontalPodAutoscaler', ns, reader).map((l) => l.obj);
    const demand = (w: Live) => {
      const o = w.obj;
      const template = o.spec?.template;
      const perPod: Record<string, number> = {};
      const containers: any[] = [...(template?.spec?.containers ?? [])];
      if (this.sidecarInjected(ns, template, reader)) containers.push({ resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } } });
      for (const c of containers) {
        for (const kind of ['requests', 'limits'] as const) {
          for (const [res, q] of Object.entries(c.resources?.[kind] ?? {})) perPod[`${kind}.${res}`] = (perPod[`${kind}.${res}`] ?? 0) + quantity(String(q));
        }
      }
      const missing = containers.flatMap((c) => ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'].filter((r) => {
        const [kind, res] = r.split('.');
        return c.resources?.[kind]?.[res] === undefined;
      }));
      const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === o.kind && h.spec?.scaleTargetRef?.name === o.metadata?.name);
      const pods = o.kind === 'Job' ? (o.spec?.parallelism ?? 1) : Math.max(o.spec?.replicas ?? 1, hpa?.spec?.minReplicas ?? 1);
      return { perPod, pods, missing };
    };
    const mine = demand(live);
    for (const q of quotas) {
      const hard: Record<string, string> = q.spec?.hard ?? {};
      const missing = mine.missing.find((r) => hard[r] !== undefined || (r.startsWith('requests.') && hard[r.slice('requests.'.length)] !== undefined));
      if (missing) return `pods refused by ResourceQuota ${q.metadata?.name}: must specify ${missing}`;
    }
    const workloads = [...this.list('apps', 'Deployment', ns, reader), ...this.list('apps', 'StatefulSet', ns, reader), ...this.list('batch', 'Job', ns, reader)]
      .filter((w) => !w.jobResult && w.createdAt <= now)
      .sort((a, b) => a.createdAt - b.createdAt || objectKey(groupOf(a.obj), String(a.obj.kind), ns, a.obj.metadata?.name).localeCompare(objectKey(groupOf(b.obj), String(b.obj.kind), ns, b.obj.metadata?.name)));
    const used: Record<string, number> = {};
    for (const w of workloads) {
      const d = w === live || (w.obj.kind === live.obj.kind && w.obj.metadata?.name === live.obj.metadata?.name) ? mine : demand(w);
      for (const [res, v] of Object.entries(d.perPod)) used[res] = (used[res] ?? 0) + v * d.pods;
      used.pods = (used.pods ?? 0) + d.pods;
      if (d !== mine) continue;
      for (const q of quotas) {
        for (const [res, limit] of Object.entries(q.spec?.hard ?? {})) {
          const key = res === 'cpu' || res === 'memory' ? `requests.${res}` : res;
          if (used[key] !== undefined && used[key] > quantity(String(limit)) + 1e-9) {
            return `pods refused: exceeded quota ${q.metadata?.name}: ${res} used ${formatQuantity(key, used[key])} by this and earlier workloads of ${ns}, limited ${limit}`;
          }
        }
      }
      break;
    }
    return undefined;
  }

  private claimStatus(spec: any): HealthStatus {
    // health_pvc.go: Pending is Progressing; a claim binds once its StorageClass provisions a volume.
    const c: Capability = spec.storageClassName === undefined || spec.storageClassName === null ? { type: 'defaultStorageClass' } : { type: 'storageClass', name: spec.storageClassName };
    if (spec.storageClassName === '' || this.provides(c)) return { status: 'Healthy', message: 'Bound' };
    return { status: 'Progressing', message: `Pending: no ${describeCapability(c)} on the cluster` };
  }

  /**
   * Health of a live object as Argo CD assesses it; undefined for kinds without a health check
   * (ConfigMap, Secret, NetworkPolicy, ...: they succeed once applied, sync_context.go).
   */
  health(live: Live, now: number, reader: string, appHealth: (name: string) => HealthStatus | undefined): HealthStatus | undefined {
    const o = live.obj;
    const group = groupOf(o);
    const kind = String(o.kind);
    const ns = o.metadata?.namespace;
    if (group === 'batch' && kind === 'Job') return this.jobStatus(live, now, reader);
    if (group === 'apps' && (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet')) {
      // health_deployment.go / health_statefulset.go / health_daemonset.go: rolled out = Healthy;
      // a Deployment past progressDeadlineSeconds is Degraded (ProgressDeadlineExceeded).
      let problem = this.quotaProblem(live, now, reader) ?? this.podProblem(ns, o.spec?.template, reader)?.message;
      if (!problem && kind === 'StatefulSet') {
        for (const t of o.spec?.volumeClaimTemplates ?? []) {
          const h = this.claimStatus(t.spec ?? {});
          if (h.status !== 'Healthy') { problem = `claim ${t.metadata?.name}: ${h.message}`; break; }
        }
      }
      if (!problem) return now - live.createdAt >= ROUND_SECONDS ? { status: 'Healthy', message: 'rolled out' } : { status: 'Progressing', message: 'rolling out' };
      const deadline = o.spec?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE;
      if (kind === 'Deployment' && now - live.createdAt > deadline) return { status: 'Degraded', message: `ProgressDeadlineExceeded: ${problem}` };
      return { status: 'Progressing', message: problem };
    }
    if (group === '' && kind === 'PersistentVolumeClaim') return this.claimStatus(o.spec ?? {});
    if (group === 'networking.k8s.io' && kind === 'Ingress') {
      // health_ingress.go: Healthy once status.loadBalancer.ingress is set, by the class's controller.
      const missing = requiredCapabilities(o as any).find((c) => !this.provides(c));
      return missing ? { status: 'Progressing', message: `no address: needs ${describeCapability(missing)}, which no running controller provides` } : { status: 'Healthy', message: 'address assigned' };
    }
    if (group === '' && kind === 'Service' && o.spec?.type === 'LoadBalancer') {
      const missing = requiredCapabilities(o as any).find((c) => !this.provides(c));
      return missing ? { status: 'Progressing', message: `no load balancer: needs ${describeCapability(missing)}` } : { status: 'Healthy', message: 'load balancer provisioned' };
    }
    if (group === 'autoscaling' && kind === 'HorizontalPodAutoscaler') {
      // health_hpa.go isDegraded: AbleToScale FailedGetScale, ScalingActive FailedGetResourceMetric.
      const target = o.spec?.scaleTargetRef ?? {};
      const tGroup = String(target.apiVersion ?? '').includes('/') ? String(target.apiVersion).split('/')[0] : '';
      if (!this.getObj(tGroup, target.kind, ns, target.name, reader)) return { status: 'Degraded', message: `FailedGetScale: ${target.kind} ${target.name} not found` };
      const missing = requiredCapabilities(o as any).find((c) => !this.provides(c));
      if (missing) return { status: 'Degraded', message: `FailedGetResourceMetric: ${describeCapability(missing)} is not served` };
      return { status: 'Healthy', message: 'scaling active' };
    }
    if (group === 'external-secrets.io' && kind === 'ExternalSecret') {
      // resource_customizations/external-secrets.io/ExternalSecret/health.lua: Ready False is Degraded,
      // no status (no operator running) is Progressing.
      const problem = this.externalSecretProblem(live, reader);
      if (!problem) return { status: 'Healthy', message: 'secret synced' };
      return this.esoRunning() ? { status: 'Degraded', message: `SecretSyncedError: ${problem}` } : { status: 'Progressing', message: `Waiting for ExternalSecret: ${problem}` };
    }
    if (group === 'external-secrets.io' && (kind === 'ClusterSecretStore' || kind === 'SecretStore')) {
      // resource_customizations/external-secrets.io/ClusterSecretStore/health.lua: the Ready condition.
      return this.storeStatus();
    }
    if (group === 'argoproj.io' && kind === 'Application') return appHealth(String(o.metadata?.name));
    return undefined;
  }
}

export function matchesSelector(selector: any, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === 'In' && !(has && e.values.includes(value))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(value)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A Kubernetes quantity as a number (cpu in cores, memory in bytes). */
export function quantity(q: string): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return Number.NaN;
  const units: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * (units[m[2]] ?? Number.NaN);
}

function formatQuantity(resource: string, v: number): string {
  if (resource.endsWith('memory')) return `${Math.round(v / 1024 ** 2)}Mi`;
  if (resource.endsWith('cpu')) return `${Math.round(v * 1000)}m`;
  return String(v);
}

/** Default ports of the backing services pods name in their env (by URL scheme or env-name keyword). */
const SCHEME_PORTS: Record<string, number> = { postgres: 5432, postgresql: 5432, mysql: 3306, redis: 6379, rediss: 6379, amqp: 5672, amqps: 5671, http: 80, https: 443, mongodb: 27017 };
// [name keyword, port, what, port with <PREFIX>_SSL_ENABLED=true]. RabbitMQ: Spring Boot's
// spring.rabbitmq.port "defaults to 5672, or 5671 if SSL is enabled" (RabbitProperties.determinePort).
const KEYWORD_PORTS: readonly [RegExp, number, string, number?][] = [
  [/DATABASE|DATASOURCE|POSTGRES|^DB_|^PG/, 5432, 'the database'],
  [/REDIS/, 6379, 'Redis'],
  [/RABBITMQ|AMQP/, 5672, 'RabbitMQ', 5671],
  [/ELASTICSEARCH/, 9200, 'Elasticsearch'],
];

/**
 * The backing services a pod connects to, read from its env: `*_URL`/`*_HOST` variables (a URL's
 * port or its scheme's default; a `<PREFIX>_PORT` sibling; else the default of the service the name
 * says). Values from Secrets are unknown, so their name decides.
 */
function backingServices(containers: any[], configValue: (configMap: string, key: string) => unknown): { port: number; what: string }[] {
  const out = new Map<string, { port: number; what: string }>();
  for (const c of containers) {
    const env: any[] = c.env ?? [];
    const valueOf = (e: any): string | undefined => {
      const ref = e.valueFrom?.configMapKeyRef;
      const v = e.value ?? (ref ? configValue(ref.name, ref.key) : undefined);
      return v === undefined ? undefined : String(v);
    };
    for (const e of env) {
      const m = /^(.*)_(URL|HOST|URI)$/.exec(e.name);
      if (!m || /ALLOWED_HOST/.test(e.name)) continue;
      const keyword = KEYWORD_PORTS.find(([re]) => re.test(e.name));
      const value = valueOf(e);
      let port: number | undefined;
      const url = value ? /^(?:jdbc:)?([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?[^:/?#]+(?::(\d+))?/.exec(value) : null;
      if (url) port = url[2] ? Number(url[2]) : SCHEME_PORTS[url[1]];
      if (port === undefined) {
        const sibling = env.find((x) => x.name === `${m[1]}_PORT`);
        const v = sibling ? valueOf(sibling) : undefined;
        if (v !== undefined && Number.isFinite(Number(v))) port = Number(v);
      }
      if (port === undefined && keyword) {
        const ssl = env.find((x) => x.name === `${m[1]}_SSL_ENABLED`);
        port = ssl && valueOf(ssl) === 'true' && keyword[3] ? keyword[3] : keyword[1];
      }
      if (port === undefined) continue;
      out.set(`${port}`, { port, what: `${keyword?.[2] ?? e.name} (${e.name})` });
    }
  }
  return [...out.values()];
}

