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
 */
import type { KubeClient, KubeObject } from '../kube-client';

export const EBS_PROVISIONER = 'ebs.csi.aws.com';

export async function reconcileExternalSecrets(client: KubeClient): Promise<void> {
  const externalSecrets = await client.list('external-secrets.io/v1', 'ExternalSecret').catch(() => [] as KubeObject[]);
  for (const es of externalSecrets) {
    const ns = es.metadata.namespace!;
    const ref = es.spec?.secretStoreRef ?? {};
    const store = ref.kind === 'ClusterSecretStore'
      ? await client.get('external-secrets.io/v1', 'ClusterSecretStore', undefined, ref.name)
      : await client.get('external-secrets.io/v1', 'SecretStore', ns, ref.name);
    if (!store) continue;
    const name = es.spec?.target?.name ?? es.metadata.name!;
    if (await client.get('v1', 'Secret', ns, name)) continue;
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
