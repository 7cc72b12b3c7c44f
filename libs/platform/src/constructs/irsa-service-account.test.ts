import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { IrsaServiceAccount } from './irsa-service-account';

describe('IrsaServiceAccount', () => {
  it('binds the IAM role by annotation and mounts no API token', () => {
    const chart = Testing.chart();
    const sa = new IrsaServiceAccount(chart, 'Sa', { name: 'web', roleArn: 'arn:aws:iam::111122223333:role/web' });
    const [o] = Testing.synth(chart);
    expect(sa.name).toBe('web');
    expect(o).toMatchObject({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/web' } }, automountServiceAccountToken: false });
  });
});
