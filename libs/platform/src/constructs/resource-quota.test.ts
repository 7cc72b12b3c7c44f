import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { NamespaceQuota } from './resource-quota';

const render = (props: Partial<ConstructorParameters<typeof NamespaceQuota>[2]> = {}) => {
  const chart = Testing.chart();
  new NamespaceQuota(chart, 'Q', { requestsCpu: '10', requestsMemory: '20Gi', limitsCpu: '20', limitsMemory: '40Gi', ...props });
  return Testing.synth(chart)[0];
};

describe('NamespaceQuota', () => {
  it('is named compute-quota and keeps quantities as written, with no claim limit by default', () => {
    expect(render()).toMatchObject({ kind: 'ResourceQuota', metadata: { name: 'compute-quota' }, spec: { hard: { 'requests.cpu': '10', 'requests.memory': '20Gi', 'limits.cpu': '20', 'limits.memory': '40Gi' } } });
    expect(render().spec.hard).not.toHaveProperty('persistentvolumeclaims');
  });

  it('takes a name and a limit on volume claims', () => {
    expect(render({ name: 'quota', persistentVolumeClaims: 5 })).toMatchObject({ metadata: { name: 'quota' }, spec: { hard: { persistentvolumeclaims: '5' } } });
  });
});
