import { describe, expect, it } from 'vitest';
import { loadValues, systemValuesFile } from '@gitops/platform';
import { envVar, findObject, mainContainer, renderLeaf, WORKSPACE_ROOT } from '@gitops/platform/testing';
import postgres from './index';

/** Its production tag: tags change with every release (set-image, promote), so tests read them, never pin them. */
const productionTag = loadValues(systemValuesFile(WORKSPACE_ROOT, 'production', postgres.system.name), postgres.system.values, WORKSPACE_ROOT).services['postgres-primary'].tag;

const production = renderLeaf(postgres, 'production').objects;
const staging = renderLeaf(postgres, 'staging').objects;

describe('postgres-primary', () => {
  const sts = findObject(production, 'StatefulSet', 'postgres-primary');
  const container = mainContainer(sts);

  it('is one primary pod labelled app: postgres, role: primary, governed by the postgres-primary Service', () => {
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe('postgres-primary');
    expect(sts.spec.selector).toEqual({ matchLabels: { app: 'postgres', role: 'primary' } });
    expect(sts.spec.template.metadata.labels).toMatchObject({ app: 'postgres', role: 'primary' });
  });

  it('claims 100Gi of gp3-encrypted storage per pod in production, mounts it whole and keeps PGDATA in a directory initdb creates inside it (issue 13 item 6)', () => {
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'postgres-storage' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'gp3-encrypted', resources: { requests: { storage: '100Gi' } } },
    }]);
    // no subPath: the kubelet would create that directory as root, and initdb (UID 70) could not chmod it
    expect(container.volumeMounts).toContainEqual({ name: 'postgres-storage', mountPath: '/var/lib/postgresql/data' });
    expect(container.volumeMounts.filter((m: any) => m.name === 'postgres-storage' && m.subPath)).toEqual([]);
    // the directory the document's subPath used, so data written there before stays PGDATA
    expect(envVar(container, 'PGDATA').value).toBe('/var/lib/postgresql/data/postgres');
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsUser: 70, fsGroup: 70 });
    expect(findObject(staging, 'StatefulSet', 'postgres-primary').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
  });

  it('mounts postgres-config as postgresql.conf and tells postgres to use it', () => {
    expect(container.volumeMounts).toContainEqual({ name: 'postgres-config', mountPath: '/etc/postgresql/postgresql.conf', subPath: 'postgresql.conf', readOnly: true });
    expect(sts.spec.template.spec.volumes).toContainEqual({ name: 'postgres-config', configMap: { name: 'postgres-config' } });
    expect(container.args).toEqual(['-c', 'config_file=/etc/postgresql/postgresql.conf']);
    const conf = findObject(production, 'ConfigMap', 'postgres-config').data['postgresql.conf'];
    expect(conf).toContain('max_connections = 200');
    expect(conf).toContain("listen_addresses = '*'");
  });

  it('runs postgres 15 with a pinned tag, the documented resources and pg_isready probes', () => {
    expect(container.image).toBe(`postgres:${productionTag}`);
    expect(productionTag).toMatch(/^15\.\d+/); // a major upgrade needs a data migration, not a tag bump
    expect(container.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } });
    expect(container.livenessProbe).toMatchObject({ exec: { command: ['pg_isready', '-U', 'postgres'] }, initialDelaySeconds: 30, periodSeconds: 10 });
    expect(container.readinessProbe).toMatchObject({ exec: { command: ['pg_isready', '-U', 'postgres'] }, initialDelaySeconds: 5, periodSeconds: 5 });
  });

  it('runs as the image\'s postgres user (UID 70) with a read-only root', () => {
    expect(sts.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 70, fsGroup: 70, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  it('reads its credentials from postgres-secret, with no Bitnami replication variables the official image ignores (issue 22 major 12)', () => {
    expect(envVar(container, 'POSTGRES_DB').value).toBe('quizmentor');
    expect(envVar(container, 'POSTGRES_USER').valueFrom).toEqual({ secretKeyRef: { name: 'postgres-secret', key: 'username' } });
    expect(envVar(container, 'POSTGRES_PASSWORD').valueFrom).toEqual({ secretKeyRef: { name: 'postgres-secret', key: 'password' } });
    expect(container.env.map((e: any) => e.name).filter((n: string) => n.startsWith('POSTGRES_REPLICATION_'))).toEqual([]);
  });

  it('has the primary Service on 5432 selecting app: postgres, role: primary, and no replica Service without pods (issue 22 major 12)', () => {
    expect(findObject(production, 'Service', 'postgres-primary').spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'postgres', role: 'primary' } });
    // appProtocol: Istio routes by the port's protocol, which the name postgres does not give
    expect(findObject(production, 'Service', 'postgres-primary').spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 5432, protocol: 'TCP', appProtocol: 'tcp' }]);
    expect(production.filter((o: any) => o.kind === 'Service').map((o: any) => o.metadata.name)).toEqual(['postgres-primary']);
  });

  it('states in code why production runs a single primary, whose budget lets a node drain move it (issue 13 item 10)', () => {
    expect(sts.metadata.annotations['policy.gitops-manifests/waive-production-replicas']).toMatch(/single PostgreSQL writer/);
    // minAvailable: 1 of 1 pod allowed no eviction at all: every drain and upgrade waited forever
    expect(findObject(production, 'PodDisruptionBudget', 'postgres-primary-pdb').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { app: 'postgres' } },
    });
  });

  it('admits only the services that use the database on 5432', () => {
    const policy = findObject(production, 'NetworkPolicy', 'postgres-netpol');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { app: 'postgres' } });
    expect(policy.spec.ingress).toEqual([{
      from: ['learning-orchestrator', 'learning-orchestrator-migrations', 'bloom-validator', 'batch-processor'].map((app) => ({ podSelector: { matchLabels: { app } } })),
      ports: [{ port: 5432, protocol: 'TCP' }],
    }]);
  });
});
