import * as kplus from 'cdk8s-plus-27';
import { AppService, defineService, DisruptionBudget, SecureStatefulSet, waivePolicy, WorkloadNetworkPolicy } from '@gitops/platform';
import { fromApps, ISTIOD_EGRESS, POSTGRES, quizmentor, SECRETS } from '@gitops/quizmentor-system';

/**
 * PostgreSQL 15: the document's `postgres-primary` StatefulSet (pods `app: postgres, role:
 * primary`), its `postgres-config`, the per-pod 100Gi gp3-encrypted claim, and the primary and
 * replica Services.
 */
export default defineService({
  system: quizmentor,
  name: 'postgres-primary',
  // where its image tag is in the system's values, for set-image and promote
  imageTags: ['services.postgres-primary.tag'],
  render(chart, ctx) {
    const v = ctx.values.services['postgres-primary'];

    // the document mounts postgres-config but does not show it; these are the settings a primary with streaming replicas needs
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
        POSTGRES_DB: POSTGRES.database,
        POSTGRES_USER: { secret: SECRETS.postgres.name, key: 'username' },
        POSTGRES_PASSWORD: { secret: SECRETS.postgres.name, key: 'password' },
        // read by replication-aware images and the replica's bootstrap; the official image ignores them
        POSTGRES_REPLICATION_MODE: 'master',
        POSTGRES_REPLICATION_USER: 'replicator',
        POSTGRES_REPLICATION_PASSWORD: { secret: SECRETS.postgres.name, key: 'replication-password' },
      },
      resources: v.resources,
      liveness: { command: ['pg_isready', '-U', 'postgres'], initialDelaySeconds: 30, periodSeconds: 10 },
      readiness: { command: ['pg_isready', '-U', 'postgres'], initialDelaySeconds: 5, periodSeconds: 5 },
      runAsUser: POSTGRES.uid,
      claims: [{
        name: 'postgres-storage',
        storage: v.storage,
        storageClassName: v.storageClassName,
        mountPath: '/var/lib/postgresql/data',
        subPath: 'postgres',
      }],
      configMaps: [{ name: 'postgres-config', configMap: POSTGRES.config, mountPath: '/etc/postgresql/postgresql.conf', subPath: 'postgresql.conf' }],
      writableVolumes: [{ name: 'run', path: '/var/run/postgresql' }, { name: 'tmp', path: '/tmp' }],
    });
    waivePolicy(statefulSet, 'production-replicas',
      'single PostgreSQL writer: a second pod of this StatefulSet would be a second primary; read scaling goes through postgres-replica');

    // the document's Services select `app: postgres` and a `role`
    const primaryService = new AppService(chart, 'PrimaryService', { name: POSTGRES.primaryService, app: POSTGRES.app, ports: [{ name: 'postgres', port: POSTGRES.port }] });
    primaryService.service.selectLabel('role', 'primary');
    const replica = new AppService(chart, 'ReplicaService', { name: POSTGRES.replicaService, app: POSTGRES.app, ports: [{ name: 'postgres', port: POSTGRES.port }] });
    replica.service.selectLabel('role', 'replica');
    waivePolicy(replica.service, 'service-selects-workload',
      'the document declares the read-replica Service ahead of the replica StatefulSet; it has no endpoints until one is added');

    // node drains wait for a planned switchover instead of taking the only writer down
    new DisruptionBudget(chart, 'DisruptionBudget', { app: POSTGRES.app, name: 'postgres-primary-pdb' });

    new WorkloadNetworkPolicy(chart, 'NetworkPolicy', {
      app: POSTGRES.app,
      name: 'postgres-netpol',
      ingress: [fromApps(['learning-orchestrator', 'bloom-validator', 'batch-processor'], POSTGRES.port)],
      egress: [ISTIOD_EGRESS],
    });
  },
});

