/**
 * One Kubernetes control plane per cluster of the fleet, on loopback: kube-apiserver at the
 * cluster's version (one shared etcd, a key prefix per cluster), kube-controller-manager,
 * kube-scheduler and kwok, which runs fake nodes and moves pods through their lifecycle.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeClient } from './kube-client';
import { freePort, startProcess, waitFor, type StartedProcess } from './processes';

/** The admission plugins EKS enables besides the defaults (EKS user guide, "Platform versions"). */
export const EKS_ADMISSION_PLUGINS = [
  'NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'DefaultStorageClass', 'ResourceQuota', 'DefaultTolerationSeconds',
  'NodeRestriction', 'MutatingAdmissionWebhook', 'ValidatingAdmissionWebhook', 'PodSecurity', 'Priority',
  'StorageObjectInUseProtection', 'PersistentVolumeClaimResize', 'ExtendedResourceToleration', 'RuntimeClass',
  'TaintNodesByCondition', 'CertificateApproval', 'CertificateSigning', 'CertificateSubjectRestriction',
  'DefaultIngressClass', 'ValidatingAdmissionPolicy',
];

/** EKS's default Service CIDR when none is given (aws eks create-cluster, kubernetesNetworkConfig). */
const SERVICE_CIDR = '10.100.0.0/16';

export interface Binaries {
  readonly etcd: string;
  readonly 'kube-apiserver': string;
  readonly 'kube-controller-manager': string;
  readonly 'kube-scheduler': string;
  readonly kwok: string;
}

export interface Etcd {
  readonly url: string;
  readonly process: StartedProcess;
}

export async function startEtcd(binary: string, workDir: string): Promise<Etcd> {
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  mkdirSync(workDir, { recursive: true });
  const p = startProcess('etcd', binary, [
    '--name', 'cluster-test', '--data-dir', join(workDir, 'etcd-data'),
    '--listen-client-urls', url, '--advertise-client-urls', url,
    '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-cluster', `cluster-test=http://127.0.0.1:${peer}`,
    // the tests write a few thousand keys; etcd's defaults sync every write to disk
    '--unsafe-no-fsync', '--quota-backend-bytes', String(4 * 1024 ** 3),
  ], join(workDir, 'etcd.log'));
  await waitFor(p, async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok, 30_000, 'healthy');
  return { url, process: p };
}

export interface ControlPlaneOptions {
  /** The cluster's name in environments/<env>/environment.yaml. */
  readonly name: string;
  readonly binaries: Binaries;
  readonly etcdUrl: string;
  /** Logs, certificates and kubeconfig of this cluster. */
  readonly workDir: string;
}

export interface ControlPlane {
  readonly name: string;
  readonly server: string;
  readonly client: KubeClient;
  readonly kubeconfig: string;
  /** The admin's bearer token and the API server's (self-signed) certificate, for other clients. */
  readonly token: string;
  readonly caPem: string;
  readonly workDir: string;
  readonly processes: StartedProcess[];
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { name, workDir, binaries } = options;
  mkdirSync(join(workDir, 'certs'), { recursive: true });
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(workDir, 'tokens.csv'), `${token},cluster-test-admin,cluster-test-admin,system:masters\n`);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(workDir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
  writeFileSync(join(workDir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const apiserver = startProcess(`kube-apiserver (${name})`, binaries['kube-apiserver'], [
    '--etcd-servers', options.etcdUrl, '--etcd-prefix', `/registry-${name}`,
    '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1', '--secure-port', String(port),
    // a self-signed serving certificate for localhost and 127.0.0.1, written on start
    '--cert-dir', join(workDir, 'certs'),
    '--token-auth-file', join(workDir, 'tokens.csv'),
    '--authorization-mode', 'Node,RBAC',
    '--service-account-issuer', 'https://kubernetes.default.svc.cluster.local',
    '--service-account-key-file', join(workDir, 'sa.pub'), '--service-account-signing-key-file', join(workDir, 'sa.key'),
    '--service-cluster-ip-range', SERVICE_CIDR,
    '--enable-admission-plugins', EKS_ADMISSION_PLUGINS.join(','),
    '--allow-privileged=true', '--profiling=false',
    '--endpoint-reconciler-type', 'none',
  ], join(workDir, 'kube-apiserver.log'));
  const caFile = join(workDir, 'certs', 'apiserver.crt');
  let client: KubeClient | undefined;
  await waitFor(apiserver, async () => {
    client ??= new KubeClient(server, token, readFileSync(caFile, 'utf8'));
    return (await client.request('GET', '/readyz')) === 'ok';
  }, 120_000, 'ready (/readyz)');

  const kubeconfig = join(workDir, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': name,
    clusters: [{ name, cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name, context: { cluster: name, user: 'admin' } }],
  }));

  const kcm = startProcess(`kube-controller-manager (${name})`, binaries['kube-controller-manager'], [
    '--kubeconfig', kubeconfig, '--authentication-kubeconfig', kubeconfig, '--authorization-kubeconfig', kubeconfig,
    '--bind-address', '127.0.0.1', '--secure-port', String(await freePort()),
    '--service-account-private-key-file', join(workDir, 'sa.key'), '--root-ca-file', caFile,
    '--cluster-name', name, '--leader-elect=false', '--controllers', '*',
  ], join(workDir, 'kube-controller-manager.log'));
  const scheduler = startProcess(`kube-scheduler (${name})`, binaries['kube-scheduler'], [
    '--kubeconfig', kubeconfig, '--authentication-kubeconfig', kubeconfig, '--authorization-kubeconfig', kubeconfig,
    '--bind-address', '127.0.0.1', '--secure-port', String(await freePort()), '--leader-elect=false',
  ], join(workDir, 'kube-scheduler.log'));
  const kwok = startProcess(`kwok (${name})`, binaries.kwok, [
    '--kubeconfig', kubeconfig,
    // only the nodes the harness creates for it (src/nodes.ts), as kwokctl's own clusters do
    '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector', 'kwok.x-k8s.io/node=fake',
    '--node-lease-duration-seconds', '40', '--cidr', '10.0.0.0/16', '--node-ip', '10.0.0.1',
    '--server-address', `127.0.0.1:${await freePort()}`,
  ], join(workDir, 'kwok.log'));
  const processes = [apiserver, kcm, scheduler, kwok];
  // the controller manager's service-account controller makes "default" in every namespace
  await waitFor(kcm, async () => !!(await client!.get('v1', 'ServiceAccount', 'default', 'default')), 60_000, 'creating service accounts');
  for (const p of [scheduler, kwok]) if (p.exited) await waitFor(p, async () => false, 0, 'running');
  return { name, server, client: client!, kubeconfig, token, caPem: readFileSync(caFile, 'utf8'), workDir, processes };
}
