import { describe, expect, it } from 'vitest';
import { findObject, renderLeaf } from '@gitops/platform/testing';
import batchProcessor from './index';

const production = renderLeaf(batchProcessor, 'production').objects;

describe('batch-processor', () => {
  const pod = findObject(production, 'Deployment', 'batch-processor').spec.template.spec;

  it('tolerates the spot taint as documented', () => {
    expect(pod.tolerations).toEqual([{ key: 'spot', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
  });

  it('is pinned to spot nodes by the label EKS really puts on them', () => {
    expect(pod.nodeSelector).toEqual({ 'eks.amazonaws.com/capacityType': 'SPOT' });
    // the document's node.kubernetes.io/instance-type is the EC2 instance type, never "spot"
    expect(pod.nodeSelector['node.kubernetes.io/instance-type']).toBeUndefined();
  });

  it('runs two pods with a PodDisruptionBudget in production', () => {
    // an HPA with equal bounds holds the fixed count (issue 13 item 22: spec.replicas never changes owner)
    expect(findObject(production, 'Deployment', 'batch-processor').spec.replicas).toBeUndefined();
    expect(findObject(production, 'HorizontalPodAutoscaler', 'batch-processor-hpa').spec).toMatchObject({ minReplicas: 2, maxReplicas: 2 });
    expect(findObject(production, 'PodDisruptionBudget', 'batch-processor-pdb').spec.minAvailable).toBe(1);
  });
});
