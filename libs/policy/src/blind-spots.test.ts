/**
 * The policy checks' blind spots of issue 10 (items 7 and 8), on fixtures of their own: objects
 * that collide across folders and systems, namespaces shared by systems, and every kind that
 * carries a pod template (a bare Pod included) held to the workload rules.
 */
import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifests';
import { checkPolicies, formatViolation } from './policy';

/** A container that passes every workload rule. */
const container = (name: string, image = `registry.example.com/${name}:1.0.0`) => ({
  name,
  image,
  ports: [{ name: 'http', containerPort: 8080 }],
  securityContext: { runAsNonRoot: true, runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
  livenessProbe: { httpGet: { path: '/', port: 8080 } },
  readinessProbe: { httpGet: { path: '/', port: 8080 } },
});
const podSpec = (name: string) => ({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container(name)] });

const at = (file: string, object: any): Manifest => ({ file, env: file.split('/')[1], object });
const namespace = (env: string, system: string, name: string) =>
  at(`dist/${env}/${system}/${system}-shared/Namespace.${name}.yaml`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
const netpol = (env: string, system: string, service: string, ns: string) =>
  at(`dist/${env}/${system}/${service}/NetworkPolicy.${service}.yaml`, {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: service, namespace: ns },
    spec: { podSelector: { matchLabels: { app: service } }, policyTypes: ['Ingress'], ingress: [] },
  });

/** The object of `kind` that runs `app`'s pods, with its pod template where that kind keeps it. */
function workload(kind: string, app: string, ns: string, pod: any = podSpec(app)): any {
  const metadata = { name: app, namespace: ns };
  const template = { metadata: { labels: { app } }, spec: pod };
  switch (kind) {
    case 'Pod': return { apiVersion: 'v1', kind, metadata: { ...metadata, labels: { app } }, spec: pod };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 2 * * *', jobTemplate: { spec: { template } } } };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
    case 'ReplicationController': return { apiVersion: 'v1', kind, metadata, spec: { replicas: 2, selector: { app }, template } };
    default: return { apiVersion: 'apps/v1', kind, metadata, spec: { replicas: 2, selector: { matchLabels: { app } }, template } };
  }
}

const violations = (manifests: Manifest[]) => checkPolicies(manifests).violations.map(formatViolation);

describe('each object exists once in an environment (item 7)', () => {
  const svc = (file: string, ns: string, name = 'postgres-replica') =>
    at(file, { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ port: 5432 }] } });

  it('reports both copies of one Service rendered by two folders, naming the other', () => {
    const a = 'dist/production/shop/postgres-replica/Service.postgres-replica.yaml';
    const b = 'dist/production/shop/shop-shared/Service.postgres-replica.yaml';
    expect(violations([namespace('production', 'shop', 'shop-prod'), svc(a, 'shop-prod'), svc(b, 'shop-prod')])).toEqual([
      `${a}: Service postgres-replica: [unique-object] Service postgres-replica in namespace shop-prod is also rendered by ${b}: Argo CD would apply both (SharedResourceWarning; a sync fails with FailOnSharedResource=true)`,
      `${b}: Service postgres-replica: [unique-object] Service postgres-replica in namespace shop-prod is also rendered by ${a}: Argo CD would apply both (SharedResourceWarning; a sync fails with FailOnSharedResource=true)`,
    ]);
  });

  it('tells apart API groups, kinds, namespaces and environments', () => {
    const ok = [
      namespace('production', 'shop', 'shop-prod'), namespace('production', 'shop', 'shop-batch'), namespace('staging', 'shop', 'shop-prod'),
      svc('dist/production/shop/a/Service.x.yaml', 'shop-prod', 'x'),
      svc('dist/production/shop/b/Service.x.yaml', 'shop-batch', 'x'),
      svc('dist/staging/shop/a/Service.x.yaml', 'shop-prod', 'x'),
      at('dist/production/shop/c/ServiceMonitor.x.yaml', { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x', namespace: 'shop-prod' }, spec: {} }),
      at('dist/production/shop/c/Service.x.yaml', { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'x', namespace: 'shop-prod' }, spec: {} }),
    ];
    expect(violations(ok).filter((v) => v.includes('[unique-object]'))).toEqual([]);
  });

  it('reports a cluster-scoped object rendered by two systems', () => {
    const store = (system: string) => at(`dist/staging/${system}/store/ClusterSecretStore.aws.yaml`, { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'aws' }, spec: {} });
    expect(violations([store('cluster-addons'), store('shop')])).toEqual([
      'dist/staging/cluster-addons/store/ClusterSecretStore.aws.yaml: ClusterSecretStore aws: [unique-object] ClusterSecretStore aws (cluster-scoped) is also rendered by dist/staging/shop/store/ClusterSecretStore.aws.yaml: Argo CD would apply both (SharedResourceWarning; a sync fails with FailOnSharedResource=true)',
      'dist/staging/shop/store/ClusterSecretStore.aws.yaml: ClusterSecretStore aws: [unique-object] ClusterSecretStore aws (cluster-scoped) is also rendered by dist/staging/cluster-addons/store/ClusterSecretStore.aws.yaml: Argo CD would apply both (SharedResourceWarning; a sync fails with FailOnSharedResource=true)',
    ]);
  });
});

describe('a namespace belongs to one system (item 7)', () => {
  it('reports objects of one system in the namespace another system renders', () => {
    // GIVEN KiteClass's values name QuizMentor's namespace
    const objects = [
      namespace('production', 'quizmentor', 'quizmentor-prod'),
      at('dist/production/kiteclass/kiteclass-shared/ConfigMap.kiteclass-config.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kiteclass-config', namespace: 'quizmentor-prod' }, data: {} }),
    ];
    expect(violations(objects)).toEqual([
      'dist/production/kiteclass/kiteclass-shared/ConfigMap.kiteclass-config.yaml: ConfigMap kiteclass-config: [namespace-one-system] is in namespace quizmentor-prod, which system quizmentor renders (dist/production/quizmentor/quizmentor-shared/Namespace.quizmentor-prod.yaml): a namespace belongs to one system',
    ]);
  });

  it('reports a Namespace two systems render (two Applications would own it)', () => {
    const found = violations([namespace('production', 'quizmentor', 'quizmentor-prod'), namespace('production', 'kiteclass', 'quizmentor-prod')]);
    expect(found).toEqual(expect.arrayContaining([
      'dist/production/kiteclass/kiteclass-shared/Namespace.quizmentor-prod.yaml: Namespace quizmentor-prod: [namespace-one-system] namespace quizmentor-prod is rendered by systems kiteclass, quizmentor: a namespace belongs to one system',
      'dist/production/quizmentor/quizmentor-shared/Namespace.quizmentor-prod.yaml: Namespace quizmentor-prod: [namespace-one-system] namespace quizmentor-prod is rendered by systems kiteclass, quizmentor: a namespace belongs to one system',
    ]));
  });

  it('reports objects of two systems in a namespace neither renders', () => {
    const cm = (system: string) => at(`dist/staging/${system}/x/ConfigMap.${system}.yaml`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: system, namespace: 'shared' }, data: {} });
    expect(violations([cm('shop'), cm('blog')])).toEqual([
      'dist/staging/blog/x/ConfigMap.blog.yaml: ConfigMap blog: [namespace-one-system] is in namespace shared, which systems blog, shop all use and none renders: a namespace belongs to one system',
      'dist/staging/shop/x/ConfigMap.shop.yaml: ConfigMap shop: [namespace-one-system] is in namespace shared, which systems blog, shop all use and none renders: a namespace belongs to one system',
    ]);
  });

  it('reports a system rendering a Namespace the cluster or its add-ons provide', () => {
    expect(violations([namespace('staging', 'shop', 'kube-system')])).toEqual([
      'dist/staging/shop/shop-shared/Namespace.kube-system.yaml: Namespace kube-system: [namespace-one-system] namespace kube-system is one the cluster or its add-ons provide: a system renders a namespace of its own',
    ]);
  });

  it('lets a system use its own namespace and the namespaces the cluster provides', () => {
    const objects = [
      namespace('production', 'kiteclass', 'kiteclass-production'),
      at('dist/production/kiteclass/kiteclass-shared/ConfigMap.c.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'kiteclass-production' }, data: {} }),
      at('dist/production/kiteclass/kiteclass-shared/Schedule.backup.yaml', { apiVersion: 'velero.io/v1', kind: 'Schedule', metadata: { name: 'backup', namespace: 'velero' }, spec: {} }),
    ];
    expect(violations(objects)).toEqual([]);
  });
});

const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'];

describe('every kind with a pod template gets the workload rules (item 8)', () => {
  const env = 'staging';
  const base = (kind: string, pod?: any) => [
    namespace(env, 'shop', 'shop-staging'),
    netpol(env, 'shop', 'api', 'shop-staging'),
    at(`dist/${env}/shop/api/${kind}.api.yaml`, workload(kind, 'api', 'shop-staging', pod)),
  ];

  for (const kind of POD_KINDS) {
    it(`${kind}: passes when secure, and is refused with host namespaces, a privileged container and no limits`, () => {
      expect(violations(base(kind))).toEqual([]);
      const pod = podSpec('api') as any;
      pod.hostPID = true;
      pod.hostNetwork = true;
      pod.hostIPC = true;
      pod.volumes = [{ name: 'root', hostPath: { path: '/' } }];
      pod.containers[0].securityContext.privileged = true;
      pod.containers[0].ports[0].hostPort = 80;
      delete pod.containers[0].resources.limits;
      const rules = checkPolicies(base(kind, pod)).violations.map((v) => `${v.kind} [${v.rule}] ${v.message.replace(/^spec[^ ]*:? /, '')}`);
      expect(rules).toEqual([
        `${kind} [no-host-access] set hostIPC: false, hostNetwork: false, hostPID: false (Pod Security baseline/restricted "Host Namespaces")`,
        `${kind} [no-host-access] volume root is a hostPath volume (Pod Security baseline/restricted "HostPath Volumes")`,
        `${kind} [no-host-access] (api): port http has hostPort 80 (Pod Security baseline/restricted "Host Ports")`,
        `${kind} [no-privilege-escalation] (api): set securityContext.allowPrivilegeEscalation: false and do not run privileged`,
        `${kind} [resources] (api): set resources limits.cpu, limits.memory`,
      ]);
    });
  }

  it('a privileged hostPID Pod running :latest in production breaks the production rules too', () => {
    const pod = podSpec('debug') as any;
    pod.hostPID = true;
    pod.containers[0].image = 'busybox:latest';
    pod.containers[0].securityContext = { privileged: true };
    const file = 'dist/production/shop/debug/Pod.debug.yaml';
    const found = violations([namespace('production', 'shop', 'shop-prod'), netpol('production', 'shop', 'debug', 'shop-prod'), at(file, workload('Pod', 'debug', 'shop-prod', pod))]);
    expect(found).toEqual([
      `${file}: Pod debug: [drop-all-capabilities] spec.containers[0] (debug): set securityContext.capabilities.drop: [ALL]`,
      `${file}: Pod debug: [no-host-access] spec: set hostPID: false (Pod Security baseline/restricted "Host Namespaces")`,
      `${file}: Pod debug: [no-privilege-escalation] spec.containers[0] (debug): set securityContext.allowPrivilegeEscalation: false and do not run privileged`,
      `${file}: Pod debug: [production-pinned-image] spec.containers[0].image busybox:latest: pin a tag or digest (not latest)`,
      `${file}: Pod debug: [read-only-root-filesystem] spec.containers[0] (debug): set securityContext.readOnlyRootFilesystem: true`,
    ]);
  });

  it('refuses LATEST in any case as an unpinned production image', () => {
    const pod = podSpec('api') as any;
    pod.containers[0].image = 'registry.example.com/api:LATEST';
    const found = violations([namespace('production', 'shop', 'shop-prod'), netpol('production', 'shop', 'api', 'shop-prod'), at('dist/production/shop/api/Pod.api.yaml', workload('Pod', 'api', 'shop-prod', pod))]);
    expect(found).toEqual(['dist/production/shop/api/Pod.api.yaml: Pod api: [production-pinned-image] spec.containers[0].image registry.example.com/api:LATEST: pin a tag or digest (not latest)']);
  });
});

describe('names, labels and annotations the API server would refuse (item 9)', () => {
  const cm = (metadata: any) => at('dist/staging/shop/api/ConfigMap.x.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'shop-staging', ...metadata }, data: {} });
  const rule = (manifests: Manifest[]) => checkPolicies(manifests).violations.filter((v) => v.rule === 'valid-metadata').map((v) => v.message);

  it('refuses a bad label key, a bad label value, a bad annotation key and a bad name', () => {
    expect(rule([cm({ name: 'Bad_Name', labels: { 'bad key!': 'x', tier: 'not ok' }, annotations: { 'example.com/a/b': 'x' } })])).toEqual([
      'metadata.name Bad_Name: must be a DNS-1123 subdomain (lower-case letters, digits, - and ., at most 253)',
      'metadata.labels: key "bad key!": must be a Kubernetes label key: an optional DNS subdomain prefix and /, then at most 63 of A-Z a-z 0-9 - _ . beginning and ending alphanumeric',
      'metadata.labels.tier: value "not ok": must be a Kubernetes label value: at most 63 of A-Z a-z 0-9 - _ . beginning and ending alphanumeric',
      'metadata.annotations: key "example.com/a/b": must be a Kubernetes label key: an optional DNS subdomain prefix and /, then at most 63 of A-Z a-z 0-9 - _ . beginning and ending alphanumeric',
    ]);
  });

  it('refuses a Service name that is not a DNS-1035 label, a Namespace name that is not a DNS-1123 label, and a bad nodeSelector or pod label', () => {
    const svc = at('dist/staging/shop/api/Service.a.b.yaml', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'a.b', namespace: 'shop-staging' }, spec: {} });
    expect(rule([svc])).toEqual(['metadata.name a.b: must be a DNS-1035 label (a lower-case letter, then lower-case letters, digits and -, at most 63)']);
    const ns = at('dist/staging/shop/api/Namespace.shop_staging.yaml', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop_staging', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    expect(rule([ns])).toEqual(['metadata.name shop_staging: must be a DNS-1123 label (lower-case letters, digits and -, at most 63)']);
    const pod = podSpec('api') as any;
    pod.nodeSelector = { 'bad key!': 'x' };
    const w = workload('Deployment', 'api', 'shop-staging', pod);
    w.spec.template.metadata.labels['x/y/z'] = 'v';
    expect(rule([at('dist/staging/shop/api/Deployment.api.yaml', w)])).toEqual([
      'spec.template.metadata.labels: key "x/y/z": must be a Kubernetes label key: an optional DNS subdomain prefix and /, then at most 63 of A-Z a-z 0-9 - _ . beginning and ending alphanumeric',
      'spec.template.spec.nodeSelector: key "bad key!": must be a Kubernetes label key: an optional DNS subdomain prefix and /, then at most 63 of A-Z a-z 0-9 - _ . beginning and ending alphanumeric',
    ]);
  });

  it('accepts what the API server accepts', () => {
    expect(rule([cm({ name: 'kiteclass-config.v2', labels: { 'app.kubernetes.io/name': 'x', empty: '' }, annotations: { 'alb.ingress.kubernetes.io/actions.x': '{}' } })])).toEqual([]);
  });
});

describe('the rest of Pod Security "restricted" (item 8)', () => {
  const file = 'dist/staging/shop/api/Deployment.api.yaml';
  const found = (change: (pod: any) => void) => {
    const pod = podSpec('api') as any;
    change(pod);
    return checkPolicies([namespace('staging', 'shop', 'shop-staging'), netpol('staging', 'shop', 'api', 'shop-staging'), at(file, workload('Deployment', 'api', 'shop-staging', pod))])
      .violations.map((v) => `[${v.rule}] ${v.message}`);
  };

  it('refuses added capabilities other than NET_BIND_SERVICE', () => {
    expect(found((pod) => { pod.containers[0].securityContext.capabilities.add = ['SYS_ADMIN', 'NET_BIND_SERVICE']; })).toEqual([
      '[drop-all-capabilities] spec.template.spec.containers[0] (api): add no capability but NET_BIND_SERVICE (adds SYS_ADMIN)',
    ]);
    expect(found((pod) => { pod.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE']; })).toEqual([]);
  });

  it('refuses volume types outside the restricted list, an unmasked /proc, unsafe sysctls and Windows host processes', () => {
    expect(found((pod) => {
      pod.volumes = [{ name: 'data', emptyDir: {} }, { name: 'share', nfs: { server: 'nfs.example.com', path: '/' } }];
      pod.securityContext.sysctls = [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'net.core.somaxconn', value: '1024' }];
      pod.containers[0].securityContext.procMount = 'Unmasked';
      pod.containers[0].securityContext.windowsOptions = { hostProcess: true };
    })).toEqual([
      '[no-host-access] spec.template.spec: volume share is of type nfs; Pod Security restricted allows configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes',
      '[no-host-access] spec.template.spec: sysctl net.core.somaxconn is not in the safe set Pod Security baseline allows',
      '[no-host-access] spec.template.spec.containers[0] (api): set securityContext.procMount: Default (Pod Security baseline "/proc Mount Type")',
      '[no-host-access] spec.template.spec.containers[0] (api): do not run as a Windows HostProcess container (Pod Security baseline "HostProcess")',
    ]);
  });
});

describe('rendered values the API server or a controller would refuse (item 9)', () => {
  const rule = (...manifests: Manifest[]) => checkPolicies(manifests).violations.filter((v) => v.rule === 'valid-values').map((v) => `${v.kind} ${v.message}`);

  it('refuses an IP or an overlong label as an Ingress host', () => {
    const ingress = at('dist/staging/shop/api/Ingress.api.yaml', {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'api', namespace: 'shop-staging' },
      spec: { rules: [{ host: '203.0.113.7' }, { host: `${'a'.repeat(64)}.example.com` }, { host: '*.example.com' }], tls: [{ hosts: ['10.0.0.1'] }] },
    });
    expect(rule(ingress)).toEqual([
      'Ingress spec.rules[0].host 203.0.113.7: must be a DNS name, not an IP address',
      `Ingress spec.rules[1].host ${'a'.repeat(64)}.example.com: must have labels of at most 63 characters (aaaaaaaaaaaa... has 64)`,
      'Ingress spec.tls[0].hosts[0] 10.0.0.1: must be a DNS name, not an IP address',
    ]);
  });

  it('refuses a malformed CIDR in a NetworkPolicy peer', () => {
    const np = at('dist/staging/shop/api/NetworkPolicy.api.yaml', {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'api', namespace: 'shop-staging' },
      spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '999.20.0.0/99' } }] }], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/33'] } }] }] },
    });
    expect(rule(np)).toEqual([
      'NetworkPolicy spec.ingress[0].from[0].ipBlock.cidr 999.20.0.0/99: must be an IPv4 CIDR such as 10.0.0.0/16 (octets 0-255, prefix 0-32)',
      'NetworkPolicy spec.egress[0].to[0].ipBlock.except[0] 10.1.0.0/33: must be an IPv4 CIDR such as 10.0.0.0/16 (octets 0-255, prefix 0-32)',
    ]);
  });

  it('refuses a cron schedule robfig/cron would not parse, in a CronJob and a Velero Schedule', () => {
    const cron = workload('CronJob', 'api', 'shop-staging');
    cron.spec.schedule = '99 99 99 99 99';
    const velero = at('dist/staging/shop/api/Schedule.backup.yaml', { apiVersion: 'velero.io/v1', kind: 'Schedule', metadata: { name: 'backup', namespace: 'velero' }, spec: { schedule: '0 2 * * 7' } });
    expect(rule(at('dist/staging/shop/api/CronJob.api.yaml', cron), velero)).toEqual([
      'CronJob spec.schedule 99 99 99 99 99: must be a valid cron expression: its minute field (0-59): end of range (99) above maximum (59): 99 (robfig/cron)',
      'Schedule spec.schedule 0 2 * * 7: must be a valid cron expression: its day-of-week field (0-6 or SUN-SAT): end of range (7) above maximum (6): 7 (robfig/cron)',
    ]);
  });
});

