/**
 * prune-check identifies an object as Argo CD does (issue 23 item 2): by API group, kind,
 * namespace and name within its Application's folder, so a move to another namespace or group is a
 * deletion plus a creation, and a deletion that loses data is named in every environment.
 */
import { describe, expect, it } from 'vitest';
import { comparePrune, type DistObject } from './prune-safety';

const STATEFUL_SET = (namespace: string) => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'redis', namespace },
  spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] },
});
const CLAIM = (namespace: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'uploads', namespace } });
const CONFIG_MAP = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });

/** Staging's 147 objects: a StatefulSet with volume claims, a PersistentVolumeClaim and 145 ConfigMaps, the first `moved` (StatefulSet and claim first) in namespace `to`. */
function staging(moved: number, to: string): DistObject[] {
  const objects = [STATEFUL_SET, CLAIM, ...Array.from({ length: 145 }, (_, i) => (ns: string) => CONFIG_MAP(`cm-${i}`, ns))];
  return objects.map((make, i) => {
    const object = make(i < moved ? to : 'shop');
    return { file: `dist/staging/demo/api/${object.kind}.${object.metadata.name}.yaml`, object };
  });
}

describe('objects are identified by API group, kind, namespace and name', () => {
  it('60 of staging\'s 147 objects moved to another namespace: 60 deleted and 60 created, blocked, and the deletions that lose data named', () => {
    // GIVEN staging in namespace shop; WHEN 60 of its objects move to namespace store (same file names)
    const { changes, findings } = comparePrune(staging(0, 'shop'), staging(60, 'store'));
    // THEN
    expect(changes).toEqual([{ env: 'staging', before: 147, after: 147, added: 60, removed: 60 }]);
    expect(findings).toEqual([
      { where: 'dist/staging', kind: 'env-loss', message: 'loses 60 of its 147 objects (41%), more than the 20% a change may remove unmarked' },
      { where: 'dist/staging/demo/api', kind: 'data-loss', message: 'PersistentVolumeClaim uploads (namespace shop) is deleted (it moves to namespace store: Argo CD deletes it and creates it anew): deleting a PersistentVolumeClaim deletes its volume\'s data (the default reclaim policy is Delete)' },
      { where: 'dist/staging/demo/api', kind: 'data-loss', message: 'StatefulSet redis (namespace shop) is deleted (it moves to namespace store: Argo CD deletes it and creates it anew): a StatefulSet with volumeClaimTemplates starts anew with new, empty volumes; the old claims stay behind' },
    ]);
  });

  it('a move too small for the environment threshold is still stopped when it loses data', () => {
    const { changes, findings } = comparePrune(staging(0, 'shop'), staging(1, 'store'));
    expect(changes).toEqual([{ env: 'staging', before: 147, after: 147, added: 1, removed: 1 }]);
    expect(findings.map((f) => `${f.kind} ${f.message.split(' (')[0]}`)).toEqual(['data-loss StatefulSet redis']);
  });

  it('a Namespace deleted, and a stateful object deleted outright, are named', () => {
    const ns: DistObject = { file: 'dist/staging/demo/shared/Namespace.shop.yaml', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } };
    const base = [ns, ...staging(0, 'shop')];
    const head = staging(0, 'shop').filter((o) => typeof o !== 'string' && !o.file.includes('StatefulSet'));
    expect(comparePrune(base, head).findings.filter((f) => f.kind === 'data-loss')).toEqual([
      { where: 'dist/staging/demo/api', kind: 'data-loss', message: 'StatefulSet redis (namespace shop) is deleted: a StatefulSet with volumeClaimTemplates starts anew with new, empty volumes; the old claims stay behind' },
      { where: 'dist/staging/demo/shared', kind: 'data-loss', message: 'Namespace shop is deleted: deleting a Namespace deletes every object in it' },
    ]);
  });

  it('a kind moving to another API group is a deletion plus a creation, named in production', () => {
    const monitor = (apiVersion: string) => ({ file: 'dist/production/demo/api/ServiceMonitor.api.yaml', object: { apiVersion, kind: 'ServiceMonitor', metadata: { name: 'api', namespace: 'shop' } } });
    const rest = Array.from({ length: 9 }, (_, i) => ({ file: `dist/production/demo/api/ConfigMap.cm-${i}.yaml`, object: CONFIG_MAP(`cm-${i}`, 'shop') }));
    const { changes, findings } = comparePrune([monitor('monitoring.coreos.com/v1'), ...rest], [monitor('azmonitoring.coreos.com/v1'), ...rest]);
    expect(changes).toEqual([{ env: 'production', before: 10, after: 10, added: 1, removed: 1 }]);
    expect(findings).toEqual([
      { where: 'dist/production/demo/api', kind: 'rename', message: 'ServiceMonitor api moves from API group monitoring.coreos.com to azmonitoring.coreos.com: Argo CD deletes it and creates it anew' },
    ]);
  });

  it('a new API version of the same group is the same object', () => {
    const hpa = (apiVersion: string) => ({ file: 'dist/production/demo/api/HorizontalPodAutoscaler.api.yaml', object: { apiVersion, kind: 'HorizontalPodAutoscaler', metadata: { name: 'api', namespace: 'shop' } } });
    expect(comparePrune([hpa('autoscaling/v1')], [hpa('autoscaling/v2')])).toEqual({ findings: [], changes: [{ env: 'production', before: 1, after: 1, added: 0, removed: 0 }] });
  });
});
