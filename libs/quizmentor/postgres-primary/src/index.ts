import * as kplus from 'cdk8s-plus-27';
import { AppService, defineService, DisruptionBudget, SecureStatefulSet, waivePolicy, WorkloadNetworkPolicy } from '@gitops/platform';
import { fromApps, ISTIOD_EGRESS, MIGRATIONS, POSTGRES, quizmentor, SECRETS } from '@gitops/quizmentor-system';

/**
 * PostgreSQL 15: the document's `postgres-primary` StatefulSet (pods `app: postgres, role:
 * primary`), its `postgres-config`, the per-pod 100Gi gp3-encrypted claim, and the primary Service.
 */
export default defineService({
  system: quizmentor,
  name: 'postgres-primary',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.postgres-primary.tag'],
  render(chart, ctx) {
    const v = ctx.values.services['postgres-primary'];

    // the document mounts postgres-config but does not show it; wal_level replica keeps a standby or
    // a base backup possible later (https://www.postgresql.org/docs/15/runtime-config-wal.html)
    new kplus.ConfigMap(chart, 'Config', {
      metadata: { name: POSTGRES.config },
      data: {
        'postgresql.conf': [
          "listen_addresses = '*'",
          `max_connections = ${v.maxConnections}`,
          `shared_buffers = ${v.sharedBuffers}`,
          "password_encryption = 'scram-sha-256'",
          'wal_level = replica',
          'max_wal_senders = 10',
          'hot_standby = on',
          // the socket directory is an emptyDir under the read-only root
          "unix_socket_directories = '/var/run/postgresql'",
          '',
        ].join('\n'),
      },
    });

    const statefulSet = new SecureStatefulSet(chart, 'StatefulSet', {
      name: POSTGRES.statefulSet,
      app: POSTGRES.app,
      selectorLabels: { role: 'primary' },
      serviceName: POSTGRES.primaryService,
      // one writer: a second pod of this StatefulSet would be a second, independent primary
      replicas: 1,
      containerName: 'postgres',
      repository: 'postgres',
      tag: v.tag,
      component: 'database',
      system: ctx.system,
      ports: [{ name: 'postgres', containerPort: POSTGRES.port }],
      // the official image reads postgresql.conf from PGDATA unless told where the mounted one is
      args: ['-c', 'config_file=/etc/postgresql/postgresql.conf'],
      env: {
        // The volume is mounted whole and initdb creates PGDATA inside it, owned by UID 70 with
        // mode 0700 (docker-library/postgres docs: PGDATA=/var/lib/postgresql/data/pgdata, "a
        // subdirectory of the mount point"). The document's `subPath: postgres` made the kubelet
        // create the directory as root, and initdb could not chmod it (issue 13 item 6). Same
        // directory on the volume as the old subPath, so an existing volume keeps its data.
        PGDATA: `${POSTGRES.dataMount}/${POSTGRES.dataDir}`,
        POSTGRES_DB: POSTGRES.database,
        POSTGRES_USER: { secret: SECRETS.postgres.name, key: 'username' },
        POSTGRES_PASSWORD: { secret: SECRETS.postgres.name, key: 'password' },
        // no POSTGRES_REPLICATION_*: Bitnami's image reads them, the official image ignores them and
        // nothing replicates (one writer, no standby: decision in the quizmentor README)
      },
      resources: v.resources,
      liveness: { command: ['pg_isready', '-U', 'postgres'], initialDelaySeconds: 30, periodSeconds: 10 },
      readiness: { command: ['pg_isready', '-U', 'postgres'], initialDelaySeconds: 5, periodSeconds: 5 },
      runAsUser: POSTGRES.uid,
      claims: [{
        name: 'postgres-storage',
        storage: v.storage,
        storageClassName: v.storageClassName,
        mountPath: POSTGRES.dataMount,
      }],
      configMaps: [{ name: 'postgres-config', configMap: POSTGRES.config, mountPath: '/etc/postgresql/postgresql.conf', subPath: 'postgresql.conf' }],
      writableVolumes: [{ name: 'run', path: '/var/run/postgresql' }, { name: 'tmp', path: '/tmp' }],
    });
    waivePolicy(statefulSet, 'production-replicas',
      'single PostgreSQL writer: a second pod of this StatefulSet would be a second, independent primary (decision in the quizmentor README)');

    // the document's Services select `app: postgres` and a `role`
    const primaryService = new AppService(chart, 'PrimaryService', { name: POSTGRES.primaryService, target: statefulSet, ports: [{ name: 'postgres', port: POSTGRES.port, appProtocol: 'tcp' }] });
    primaryService.service.selectLabel('role', 'primary');
    // The document's postgres-replica Service selected role: replica, which no pod carries (there is
    // no replica): a Service with no endpoints, so it is not rendered.

    // One writer: `minAvailable: 1` of 1 blocked every node drain and cluster upgrade for good
    // (issue 13 item 10). The budget allows the eviction: the drain moves the pod, its claim
    // follows, and the outage is the restart (zone-pinned gp3 volume: same zone only).
    const budget = new DisruptionBudget(chart, 'DisruptionBudget', { targets: [statefulSet], name: 'postgres-primary-pdb', minPods: 1 });
    waivePolicy(budget, 'data-store-budget',
      'one in-cluster writer and no standby (decision in the quizmentor README): a drain restarts it in its zone, an outage of a restart; a budget forbidding it would block every node drain');

    new WorkloadNetworkPolicy(chart, 'NetworkPolicy', {
      target: statefulSet,
      name: 'postgres-netpol',
      ingress: [fromApps(['learning-orchestrator', MIGRATIONS, 'bloom-validator', 'batch-processor'], POSTGRES.port)],
      egress: [ISTIOD_EGRESS],
    });
  },
});

