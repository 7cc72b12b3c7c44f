/**
 * The fake nodes kwok runs (it manages nodes annotated kwok.x-k8s.io/node=fake). Their labels are
 * those EKS managed node groups carry (topology, capacity type, instance type); QuizMentor's spot
 * group keeps the taint its Terraform gives it (seed 001, eks_managed_node_groups.spot.taints).
 * Node capacity is generous on purpose: the cluster autoscaler grows the groups (max_size 10), which
 * is not modelled, so a pod never waits for room here.
 */
import type { KubeClient, KubeObject } from './kube-client';

export interface FakeNode {
  readonly name: string;
  readonly zone: string;
  readonly capacityType: 'ON_DEMAND' | 'SPOT';
}

export function fakeNodes(region: string): FakeNode[] {
  const zones = ['a', 'b', 'c'].map((z) => `${region}${z}`);
  return [
    ...zones.flatMap((zone) => [1, 2].map((i) => ({ name: `general-${zone}-${i}`, zone, capacityType: 'ON_DEMAND' as const }))),
    ...zones.slice(0, 2).map((zone) => ({ name: `spot-${zone}`, zone, capacityType: 'SPOT' as const })),
  ];
}

export function nodeObject(node: FakeNode, region: string, kubeletVersion: string): KubeObject {
  const spot = node.capacityType === 'SPOT';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': spot ? 't3a.large' : 't3.large',
        'topology.kubernetes.io/region': region,
        'topology.kubernetes.io/zone': node.zone,
        'eks.amazonaws.com/capacityType': node.capacityType,
        'eks.amazonaws.com/nodegroup': spot ? 'spot' : 'general',
        type: 'kwok',
      },
    },
    spec: spot ? { taints: [{ key: 'spot', value: 'true', effect: 'NoSchedule' }] } : {},
    status: {
      allocatable: { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      capacity: { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' },
      nodeInfo: { kubeletVersion, architecture: 'amd64', operatingSystem: 'linux', containerRuntimeVersion: 'containerd://1.7', kernelVersion: '', kubeProxyVersion: '', machineID: '', osImage: '', systemUUID: '', bootID: '' },
    },
  };
}

export async function createNodes(client: KubeClient, region: string, kubeletVersion: string): Promise<void> {
  for (const node of fakeNodes(region)) await client.create(nodeObject(node, region, kubeletVersion));
}
