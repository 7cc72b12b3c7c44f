import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadValues, parseQuantity, redisMemoryBytes, REDIS_MAXMEMORY_SHARE, systemValuesFile } from '@gitops/platform';
import { envVar, findObject, mainContainer, renderLeaf, scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import redis from './index';

/** Its production tag: tags change with every release (set-image, promote), so tests read them, never pin them. */
const productionTag = loadValues(systemValuesFile(WORKSPACE_ROOT, 'production', redis.system.name), redis.system.values, WORKSPACE_ROOT).services['redis-cluster'].tag;

const values = (env: 'staging' | 'production') => loadValues(systemValuesFile(WORKSPACE_ROOT, env, redis.system.name), redis.system.values, WORKSPACE_ROOT).services['redis-cluster'];
const production = renderLeaf(redis, 'production').objects;
const staging = renderLeaf(redis, 'staging').objects;

describe('redis-cluster', () => {
  const sts = findObject(production, 'StatefulSet', 'redis-cluster');
  const container = mainContainer(sts);

  it("runs the document's ElastiCache shape: 3 shards of a master and 2 replicas (9 pods labelled app: redis-cluster) behind the headless redis-cluster Service", () => {
    expect(sts.spec.replicas).toBe(9);
    expect(envVar(container, 'REDIS_SHARDS').value).toBe('3');
    expect(findObject(staging, 'StatefulSet', 'redis-cluster').spec.replicas).toBe(6);
    expect(sts.spec.serviceName).toBe('redis-cluster');
    expect(sts.spec.template.metadata.labels.app).toBe('redis-cluster');
    const service = findObject(production, 'Service', 'redis-cluster');
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.selector).toEqual({ app: 'redis-cluster' });
    expect(service.spec.ports.map((p: any) => [p.name, p.port])).toEqual([['client', 6379], ['gossip', 16379]]);
  });

  it('starts redis-server in cluster mode with the mounted redis.conf, after forming the cluster in the background (issue 13 item 7)', () => {
    expect(container.command).toEqual(['sh', '-c']);
    expect(container.args).toHaveLength(1);
    expect(container.args[0]).toMatch(/\nexec redis-server \/etc\/redis\/redis.conf --cluster-enabled yes --cluster-config-file \/data\/nodes.conf\n$/);
    // a new member (no nodes.conf on its volume) past the first three becomes a replica of pod n mod 3
    expect(container.args[0]).toMatch(/^if \[ -s \/data\/nodes.conf \]; then new=no; else new=yes; fi\n/);
    expect(container.args[0]).toContain('master=redis-cluster-$((n % REDIS_SHARDS)).redis-cluster\n    until redis-cli cluster replicate "$(redis-cli -h "$master" cluster myid)" | grep -q OK; do sleep 2; done');
    expect(envVar(container, 'POD_IP').valueFrom).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    // every member starts at once: none is Ready before all of them joined
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(findObject(production, 'Service', 'redis-cluster').spec.publishNotReadyAddresses).toBe(true);
    expect(container.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/etc/redis', readOnly: true }]);
    expect(sts.spec.template.spec.volumes).toEqual([{ name: 'config', configMap: { name: 'redis-config' } }]);
  });

  it('keeps the documented redis.conf, with maxmemory per environment', () => {
    const conf = findObject(production, 'ConfigMap', 'redis-config').data['redis.conf'];
    expect(conf).toBe(`maxmemory ${values('production').maxmemory}\nmaxmemory-policy allkeys-lru\nsave 900 1\nsave 300 10\nsave 60 10000\nappendonly yes\nappendfilename "appendonly.aof"\n`);
    expect(findObject(staging, 'ConfigMap', 'redis-config').data['redis.conf']).toMatch(new RegExp(`^maxmemory ${values('staging').maxmemory}\n`));
  });

  it('leaves headroom under the memory limit in every environment, and refuses a maxmemory that does not', () => {
    for (const env of ['staging', 'production'] as const) {
      const v = values(env);
      expect(redisMemoryBytes(v.maxmemory)!, env).toBeLessThanOrEqual(REDIS_MAXMEMORY_SHARE * parseQuantity(v.resources.limits.memory));
    }
    const ws = scratchWorkspace();
    try {
      const file = join(ws.root, 'environments/production/quizmentor.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/maxmemory: \S+/, 'maxmemory: 2gb'));
      expect(() => renderLeaf(redis, 'production', ws.root)).toThrow(/services\.redis-cluster\.maxmemory.*must be at most 75% of the 2Gi memory limit \(1536mb\)/);
    } finally {
      ws.cleanup();
    }
  });

  it('claims 10Gi per pod from the default StorageClass', () => {
    expect(sts.spec.volumeClaimTemplates).toEqual([{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }]);
  });

  it('has the documented resources, a pinned tag and redis-cli probes', () => {
    expect(container.image).toBe(`redis:${productionTag}`);
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } });
    expect(container.livenessProbe.exec.command).toEqual(['redis-cli', 'ping']);
    // Ready only when the cluster serves every slot: a lone node answers PING but CLUSTERDOWN to commands
    expect(container.readinessProbe.exec.command).toEqual(['sh', '-c', "redis-cli cluster info | grep -q '^cluster_state:ok'"]);
  });

  it('lets cluster members reach each other on 6379 and the 16379 bus, and lets drains take one member at a time', () => {
    const policy = findObject(production, 'NetworkPolicy', 'redis-cluster-netpol');
    const self = { podSelector: { matchLabels: { app: 'redis-cluster' } } };
    expect(policy.spec.ingress).toContainEqual({ from: [self], ports: [{ port: 6379, protocol: 'TCP' }, { port: 16379, protocol: 'TCP' }] });
    expect(policy.spec.egress).toContainEqual({ to: [self], ports: [{ port: 6379, protocol: 'TCP' }, { port: 16379, protocol: 'TCP' }] });
    expect(findObject(production, 'PodDisruptionBudget', 'redis-cluster-pdb').spec.minAvailable).toBe(8);
  });
});
