import { podSubnets, prometheusNamespace, type Cluster } from '../values/environment';
import { Construct } from 'constructs';
import { IntOrString, KubeNetworkPolicy, type NetworkPolicyPeer, type NetworkPolicyPort } from 'cdk8s-plus-27/lib/imports/k8s';
import { selectorLabels } from './labels';
import type { IWorkload } from './pod-template';

/** Who traffic may come from or go to. Give exactly one of `app`, `pods`, `namespace` or `cidr`. */
export interface NetworkPeer {
  /** Pods in the policy's namespace with this `app` label. */
  readonly app?: string;
  /** Pods (in `namespace`, if given, else the policy's namespace) with these labels. */
  readonly pods?: Readonly<Record<string, string>>;
  /** Every pod in this namespace (or, with `pods`, the matching pods in it). */
  readonly namespace?: string;
  /** An IP range: a load balancer's subnets, or a data store outside the cluster. */
  readonly cidr?: string;
  /** Ranges of `cidr` left out (`ipBlock.except`), e.g. the cluster's node and pod subnets. @default - none */
  readonly except?: readonly string[];
}

export interface NetworkPortSpec {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

export interface NetworkRule {
  /** Allowed peers. */
  readonly peers: readonly NetworkPeer[];
  /** Allowed ports. */
  readonly ports: readonly NetworkPortSpec[];
}

export interface WorkloadNetworkPolicyProps {
  /** The workload whose pods the policy applies to (by their `app` label); give this or `app`. */
  readonly target?: IWorkload;
  /**
   * The `app` label of pods another service renders (its construct is not in this library):
   * `validate` checks that such pods exist (rule network-policy-selects). Give this or `target`.
   */
  readonly app?: string;
  /** `metadata.name`. @default - `<app>-netpol` */
  readonly name?: string;
  /** Allowed incoming traffic. @default - none */
  readonly ingress?: readonly NetworkRule[];
  /** Allowed outgoing traffic besides DNS. @default - none */
  readonly egress?: readonly NetworkRule[];
  /** Allow DNS to kube-dns, on UDP and TCP 53 (large answers fall back to TCP). @default true */
  readonly allowDns?: boolean;
}

/** The cluster DNS pods, as EKS labels them. */
export const KUBE_DNS: NetworkPeer = { namespace: 'kube-system', pods: { 'k8s-app': 'kube-dns' } };

/**
 * A NetworkPolicy for one workload that states both directions, so anything not listed is
 * denied (on top of the namespace's default-deny).
 */
export class WorkloadNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: WorkloadNetworkPolicyProps) {
    super(scope, id);
    if ((props.target === undefined) === (props.app === undefined)) throw new Error(`WorkloadNetworkPolicy ${props.name ?? id}: give exactly one of 'target' and 'app'`);
    const app = props.target?.app ?? props.app!;
    const egress = [...(props.egress ?? [])];
    if (props.allowDns ?? true) {
      egress.unshift({ peers: [KUBE_DNS], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
    }
    new KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name ?? `${app}-netpol` },
      spec: {
        podSelector: { matchLabels: selectorLabels(app) },
        policyTypes: ['Ingress', 'Egress'],
        ingress: (props.ingress ?? []).map((r) => ({ from: r.peers.map(toPeer), ports: r.ports.map(toPort) })),
        egress: egress.map((r) => ({ to: r.peers.map(toPeer), ports: r.ports.map(toPort) })),
      },
    });
  }
}

function toPeer(p: NetworkPeer): NetworkPolicyPeer {
  const given = [p.app, p.cidr, p.pods ?? p.namespace].filter((v) => v !== undefined).length;
  if (given !== 1) throw new Error(`NetworkPeer ${JSON.stringify(p)}: give exactly one of 'app', 'pods'/'namespace' or 'cidr'`);
  if (p.except && !p.cidr) throw new Error(`NetworkPeer ${JSON.stringify(p)}: 'except' needs 'cidr'`);
  if (p.cidr) return { ipBlock: { cidr: p.cidr, ...(p.except?.length ? { except: [...p.except] } : {}) } };
  if (p.app) return { podSelector: { matchLabels: selectorLabels(p.app) } };
  return {
    namespaceSelector: p.namespace ? { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } } : undefined,
    podSelector: p.pods ? { matchLabels: { ...p.pods } } : undefined,
  };
}

function toPort(p: NetworkPortSpec): NetworkPolicyPort {
  return { port: IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' };
}

/**
 * Ingress from the cluster's load balancers (ALB/NLB with IP targets): their subnets only. With
 * the VPC CNI pods have VPC addresses, so admitting the whole VPC would admit every pod and undo
 * default-deny (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html).
 * @param scheme the load balancer's scheme: internet-facing ones live in `network.loadBalancerSubnets`,
 * internal ones in `network.internalLoadBalancerSubnets` @default 'internet-facing'
 */
export function loadBalancerIngress(cluster: Cluster, ports: NetworkRule['ports'], scheme: LoadBalancerScheme = 'internet-facing'): NetworkRule {
  return { peers: loadBalancerSubnets(cluster, scheme).map((cidr) => ({ cidr })), ports };
}

/** An ALB's or NLB's scheme (`alb.ingress.kubernetes.io/scheme`, `service.beta.kubernetes.io/aws-load-balancer-scheme`). */
export type LoadBalancerScheme = 'internet-facing' | 'internal';

/** The subnets a cluster's load balancers of `scheme` live in (cluster facts); throws when the cluster names none. */
export function loadBalancerSubnets(cluster: Cluster, scheme: LoadBalancerScheme): readonly string[] {
  if (scheme === 'internet-facing') return cluster.network.loadBalancerSubnets;
  const internal = cluster.network.internalLoadBalancerSubnets;
  if (!internal) throw new Error(`cluster ${cluster.name}: network.internalLoadBalancerSubnets is not given, but an internal load balancer is rendered for it: name the private subnets tagged kubernetes.io/role/internal-elb`);
  return internal;
}

/**
 * The cluster's VPC without its node and pod subnets: where its data stores (RDS, ElastiCache,
 * Amazon MQ, OpenSearch, MSK) and internal load balancers live. With the VPC CNI every pod has an
 * address of those subnets, so the VPC whole would reach every pod on the rule's ports.
 */
export function vpcOutsidePods(cluster: Cluster): NetworkPeer {
  const pods = [...new Set([...(cluster.network.nodeSubnets ?? []), ...podSubnets(cluster)])];
  if (pods.length === 0) throw new Error(`cluster ${cluster.name}: network.nodeSubnets is not given, so the VPC cannot be admitted without its pods`);
  return { cidr: cluster.network.vpcCidr, except: pods };
}

/**
 * Ingress from the cluster's Prometheus (the namespace kube-prometheus-stack runs in, a cluster
 * fact: `clusters[].monitoring.namespace`) to the ports it scrapes.
 */
export function prometheusIngress(cluster: Cluster, ports: NetworkRule['ports']): NetworkRule {
  return { peers: [{ namespace: prometheusNamespace(cluster) }], ports };
}

/**
 * The annotation (and pod label) Istio's injector reads to leave a pod out of the mesh
 * (https://istio.io/latest/docs/reference/config/annotations/#SidecarInject).
 */
export const ISTIO_INJECT_ANNOTATION = 'sidecar.istio.io/inject';

/**
 * cert-manager's ACME HTTP-01 solver pods: created in the namespace of the Ingress that asks for a
 * certificate, labelled so, serving the challenge on 8089 (cert-manager pkg/issuer/acme/http/pod.go
 * and service.go at v1.17.2: label `acme.cert-manager.io/http01-solver: "true"`, `--listen-port=8089`).
 */
export const ACME_HTTP01_SOLVER = { labels: { 'acme.cert-manager.io/http01-solver': 'true' }, port: 8089 } as const;

export interface AcmeSolverNetworkPolicyProps {
  /** The ingress controller's pods, which forward Let's Encrypt's challenge request to the solver. */
  readonly controller: NetworkPeer;
  /** `metadata.name`. @default 'acme-http01-solver' */
  readonly name?: string;
}

/**
 * Admits the ingress controller to cert-manager's HTTP-01 solver pods on 8089 in a default-deny
 * namespace; without it the challenge times out and the certificate is never issued.
 */
export class AcmeSolverNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: AcmeSolverNetworkPolicyProps) {
    super(scope, id);
    new KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name ?? 'acme-http01-solver' },
      spec: {
        podSelector: { matchLabels: { ...ACME_HTTP01_SOLVER.labels } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [toPeer(props.controller)], ports: [toPort({ port: ACME_HTTP01_SOLVER.port })] }],
      },
    });
  }
}
