import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { VeleroSchedule } from './velero-schedule';

describe('VeleroSchedule', () => {
  it("is a velero.io/v1 Schedule in Velero's namespace that snapshots volumes by default", () => {
    const chart = Testing.chart();
    new VeleroSchedule(chart, 'S', { name: 'daily', schedule: '0 2 * * *', includedNamespaces: ['shop'], ttl: '720h0m0s' });
    expect(Testing.synth(chart)[0]).toEqual({
      apiVersion: 'velero.io/v1', kind: 'Schedule', metadata: { name: 'daily', namespace: 'velero' },
      spec: { schedule: '0 2 * * *', useOwnerReferencesInBackup: false, template: { includedNamespaces: ['shop'], snapshotVolumes: true, ttl: '720h0m0s' } },
    });
  });

  it('takes another namespace and no snapshots', () => {
    const chart = Testing.chart();
    new VeleroSchedule(chart, 'S', { name: 'daily', schedule: '0 2 * * *', includedNamespaces: ['shop'], ttl: '24h', veleroNamespace: 'backup', snapshotVolumes: false });
    expect(Testing.synth(chart)[0]).toMatchObject({ metadata: { namespace: 'backup' }, spec: { template: { snapshotVolumes: false } } });
  });
});
