/**
 * Two controllers the systems need and that cannot run here, each reduced to the one thing the
 * cluster would do, and never more:
 * - External Secrets Operator: an ExternalSecret whose store exists gets its target Secret with the
 *   keys it declares (placeholder values; AWS Secrets Manager is not reachable). A store that does
 *   not exist leaves it without a Secret, as the operator would (SecretSyncedError).
 * - The EBS CSI driver's external-provisioner: a claim of a StorageClass it provisions, once the
 *   scheduler has picked a node for its pod (WaitForFirstConsumer: the volume.kubernetes.io/selected-node
 *   annotation), gets a PersistentVolume in that node's zone; the controller manager binds them.
 *   A claim whose pod never schedules is never bound.
 * - istiod's namespace controller: the `istio-ca-root-cert` ConfigMap in every namespace, which
 *   injected pods mount (istio/istio pilot/pkg/keycertbundle, NamespaceController at 1.26.0).
 * - Load balancers: an Ingress of a class whose controller the cluster runs (the AWS Load Balancer
 *   Controller's `alb`, ingress-nginx's `nginx`), and a LoadBalancer Service (EKS's cloud
 *   controller), get the address the cloud would give, in their status; Argo CD's health of an
 *   Ingress or LoadBalancer Service waits for it (gitops-engine pkg/health health_ingress.go,
 *   health_service.go). An Ingress of a class nobody serves gets none.
 */
import type { KubeClient, KubeObject } from '../kube-client';

export const EBS_PROVISIONER = 'ebs.csi.aws.com';

export async function reconcileExternalSecrets(client: KubeClient): Promise<void> {
  // the operator validates every store on its own (its provider answers) and says so in its status;
  // Argo CD's health of a store or an ExternalSecret is its Ready condition (argo-cd
  // resource_customizations/external-secrets.io/{ClusterSecretStore,SecretStore,ExternalSecret}/health.lua).
  // A store in an earlier wave than its ExternalSecrets must become Ready without them.
  for (const kind of ['SecretStore', 'ClusterSecretStore']) {
    for (const store of await client.list('external-secrets.io/v1', kind).catch(() => [] as KubeObject[])) await markReady(client, store, 'Valid', 'store validated');
  }
  const externalSecrets = await client.list('external-secrets.io/v1', 'ExternalSecret').catch(() => [] as KubeObject[]);
  for (const es of externalSecrets) {
    const ns = es.metadata.namespace!;
    const ref = es.spec?.secretStoreRef ?? {};
    const store = ref.kind === 'ClusterSecretStore'
      ? await client.get('external-secrets.io/v1', 'ClusterSecretStore', undefined, ref.name)
      : await client.get('external-secrets.io/v1', 'SecretStore', ns, ref.name);
    if (!store) continue;
    const name = es.spec?.target?.name ?? es.metadata.name!;
    if (await client.get('v1', 'Secret', ns, name)) {
      await markReady(client, es, 'SecretSynced', 'secret synced');
      continue;
    }
    const keys: string[] = [
      ...(es.spec?.data ?? []).map((d: any) => d.secretKey),
      ...Object.keys(es.spec?.target?.template?.data ?? {}),
    ];
    const data = Object.fromEntries(keys.map((k) => [k, Buffer.from('placeholder').toString('base64')]));
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: ns, labels: { 'reconcile.external-secrets.io/managed': 'true' }, ownerReferences: [{ apiVersion: es.apiVersion, kind: es.kind, name: es.metadata.name!, uid: (es.metadata as any).uid, controller: true }] },
      type: es.spec?.target?.template?.type ?? 'Opaque',
      data,
    });
  }
}

/** Sets a Ready=True condition in the object's status (its status subresource), once. */
async function markReady(client: KubeClient, object: KubeObject, reason: string, message: string): Promise<void> {
  if ((object.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')) return;
  const path = await client.pathOf(object.apiVersion, object.kind, object.metadata.namespace, object.metadata.name);
  const condition = { type: 'Ready', status: 'True', reason, message, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
  await client.request('PATCH', `${path}/status`, JSON.stringify({ status: { conditions: [condition] } }), 'application/merge-patch+json');
}

/** Ingress classes served by an add-on's controller, by the add-on's chart name. */
const INGRESS_CONTROLLERS: Record<string, string> = { 'aws-load-balancer-controller': 'alb', 'ingress-nginx': 'nginx' };

/**
 * Gives Ingresses of a served class and LoadBalancer Services an address as the cloud would (an
 * ELB host name in the cluster's region). `charts`: the add-on charts the cluster runs.
 */
export async function assignLoadBalancers(client: KubeClient, charts: readonly string[], region: string): Promise<void> {
  const served = new Set(charts.map((c) => INGRESS_CONTROLLERS[c]).filter(Boolean));
  // the controller's naming: k8s-<namespace>-<name>, cut to 32 characters, a DNS label
  const address = (o: KubeObject) => [{ hostname: `${`k8s-${o.metadata.namespace}-${o.metadata.name}`.slice(0, 32).replace(/-+$/, '')}.elb.${region}.amazonaws.com` }];
  const setStatus = async (o: KubeObject) => {
    const path = await client.pathOf(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name);
    await client.request('PATCH', `${path}/status`, JSON.stringify({ status: { loadBalancer: { ingress: address(o) } } }), 'application/merge-patch+json');
  };
  for (const ing of await client.list('networking.k8s.io/v1', 'Ingress')) {
    if (ing.status?.loadBalancer?.ingress?.length || !served.has(ing.spec?.ingressClassName)) continue;
    await setStatus({ ...ing, apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' });
  }
  for (const svc of await client.list('v1', 'Service')) {
    if (svc.spec?.type !== 'LoadBalancer' || svc.status?.loadBalancer?.ingress?.length) continue;
    await setStatus({ ...svc, apiVersion: 'v1', kind: 'Service' });
  }
}

export async function provisionVolumes(client: KubeClient): Promise<void> {
  const classes = new Map((await client.list('storage.k8s.io/v1', 'StorageClass')).map((sc) => [sc.metadata.name!, sc]));
  for (const pvc of await client.list('v1', 'PersistentVolumeClaim')) {
    if (pvc.spec?.volumeName || pvc.status?.phase === 'Bound') continue;
    const sc = classes.get(pvc.spec?.storageClassName ?? '');
    if (sc?.provisioner !== EBS_PROVISIONER) continue;
    const nodeName = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
    if (sc.volumeBindingMode === 'WaitForFirstConsumer' && !nodeName) continue;
    const node = nodeName ? await client.get('v1', 'Node', undefined, nodeName) : undefined;
    const zone = node?.metadata.labels?.['topology.kubernetes.io/zone'];
    const name = `pvc-${(pvc.metadata as any).uid}`;
    if (await client.get('v1', 'PersistentVolume', undefined, name)) continue;
    await client.create({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': EBS_PROVISIONER } },
      spec: {
        capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' },
        accessModes: pvc.spec.accessModes,
        storageClassName: sc.metadata.name,
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: (pvc.metadata as any).uid },
        csi: { driver: EBS_PROVISIONER, volumeHandle: `vol-${String((pvc.metadata as any).uid).replace(/-/g, '').slice(0, 17)}`, fsType: sc.parameters?.['csi.storage.k8s.io/fstype'] ?? 'ext4' },
        ...(zone ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [zone] }] }] } } } : {}),
      },
    });
  }
}

/** The ConfigMap istiod publishes in each namespace (key root-cert.pem), where it is missing. */
export async function publishIstioRootCert(client: KubeClient): Promise<void> {
  for (const ns of await client.list('v1', 'Namespace')) {
    const name = ns.metadata.name!;
    if (['kube-system', 'kube-public', 'kube-node-lease'].includes(name)) continue;
    if (await client.get('v1', 'ConfigMap', name, 'istio-ca-root-cert')) continue;
    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-ca-root-cert', namespace: name, labels: { 'istio.io/config': 'true' } }, data: { 'root-cert.pem': 'placeholder' } });
  }
}
