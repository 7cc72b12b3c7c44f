/**
 * What the fleet (environments/<env>/environment.yaml) makes checkable in dist/: each folder is
 * synced to known clusters (dist/<env>/<system>/<service>: every cluster the system runs on;
 * dist/<env>/<system>/<service>/<cluster>: that one), so
 * - an ARN must be in the region (when it has one) and account of every cluster the folder goes to
 *   (an ACM certificate is usable only by a load balancer of its own region and account; buckets
 *   and queues are regional too; an IRSA role trusts its own account's cluster OIDC provider);
 * - a stateful singleton (singletons.ts) reaches one cluster of its environment, unless the
 *   system's placement says how its copies replicate;
 * - no NetworkPolicy admits (ingress) a whole VPC of its clusters: with the VPC CNI pods have VPC
 *   addresses, so that admits every pod and undoes default-deny;
 * - no NetworkPolicy ipBlock overlaps its clusters' node or pod subnets (`no-node-pod-ipblock`):
 *   with the VPC CNI every pod has an address there, so such a block admits (or reaches) pods
 *   past their own policies, unless its `except` leaves the subnet out. Egress to the internet as
 *   `0.0.0.0/0` without `except` is not judged here: it is how a policy reaches addresses outside
 *   the cluster (irsa-egress, the rollout model), and it reaches pods only on the ports it names;
 * - a CSI driver has one installer per cluster (`one-csi-installer`): an Argo CD Application of
 *   a chart that installs it (CSI_DRIVER_INSTALLERS) never goes to a cluster whose `eksAddons`
 *   lists the driver's EKS-managed add-on, nor two such Applications to one cluster. Both
 *   installers write the same CSIDriver, controller and node objects (the EKS add-on is built from
 *   the chart), so each undoes the other's changes and deleting one removes the driver;
 * - every ALB (Ingress of class `alb`) and load-balancer Service has subnets of its cluster for its
 *   scheme (`lb-subnets`): internet-facing ones `network.loadBalancerSubnets`, internal ones
 *   `network.internalLoadBalancerSubnets` (the controller's default scheme is internal), and the
 *   pods behind it admit each of those subnets on their port where a NetworkPolicy selects them
 *   (with IP targets the load balancer sends from its own addresses there).
 */
import ipaddr from 'ipaddr.js';
import { CSI_DRIVER_INSTALLERS, podSubnets, serverKey, singletonReason, systemClusters, type Cluster, type Environment } from '@gitops/platform';
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import type { Manifest } from '../manifests';
import { matches } from '../selectors';

/** The clusters the folder of `file` is synced to; undefined when the file is not in a service folder or the system has no placement. */
export function folderClusters(env: Environment, file: string): Cluster[] | undefined {
  const parts = file.split('/');
  if (parts[0] !== 'dist' || parts.length < 5) return undefined;
  const placed = systemClusters(env, parts[2]);
  if (!placed) return undefined;
  // dist/<env>/<system>/<service>/<cluster>/<file>: that cluster only
  return parts.length === 6 ? placed.filter((c) => c.name === parts[4]) : placed;
}

export function checkFleet(ctx: PolicyContext, env: Environment | undefined): Violation[] {
  if (!env) return [];
  const out: Violation[] = [];
  const singletons = new Map<string, { m: Manifest; clusters: Set<string> }>();
  for (const m of ctx.manifests) {
    const clusters = folderClusters(env, m.file);
    if (!clusters) continue;
    for (const { path, value } of strings(m.object, '')) {
      // arn:aws:<service>:<region, empty for global services such as IAM>:<account>:<resource>
      for (const [arn, , region, account] of value.matchAll(/arn:aws:([a-z0-9-]+):([a-z]{2}-[a-z]+-\d|):(\d{12}):[^\s"',]*/g)) {
        const elsewhere = clusters.filter((c) => region !== '' && c.region !== region);
        if (elsewhere.length > 0) {
          out.push(violation(m, 'regional-arn', `${path}: ${arn} is in ${region}, but the folder is synced to ${elsewhere.map((c) => `${c.name} (${c.region})`).join(', ')}`));
        }
        const otherAccount = clusters.filter((c) => c.accountId !== account);
        if (otherAccount.length > 0) {
          out.push(violation(m, 'regional-arn', `${path}: ${arn} is in account ${account}, but the folder is synced to ${otherAccount.map((c) => `${c.name} (account ${c.accountId})`).join(', ')}`));
        }
      }
    }
    if (singletonReason(m.object)) {
      const key = `${m.object.apiVersion.split('/')[0]}/${m.object.kind}/${m.object.metadata.namespace ?? ''}/${m.object.metadata.name}`;
      const seen = singletons.get(key) ?? { m, clusters: new Set<string>() };
      for (const c of clusters) seen.clusters.add(c.name);
      singletons.set(key, seen);
    }
    if (m.object.kind === 'NetworkPolicy') out.push(...nodePodBlocks(m, clusters));
    out.push(...loadBalancerSubnetsOf(ctx, m, clusters));
    if (m.object.kind === 'NetworkPolicy') {
      (m.object.spec?.ingress ?? []).forEach((rule: any, i: number) => (rule?.from ?? []).forEach((peer: any, j: number) => {
        const block = peer?.ipBlock?.cidr;
        for (const c of clusters) {
          if (typeof block === 'string' && covers(block, c.network.vpcCidr)) {
            out.push(violation(m, 'no-vpc-ingress', `spec.ingress[${i}].from[${j}].ipBlock.cidr ${block} admits the whole VPC ${c.network.vpcCidr} of ${c.name} (every pod has a VPC address); admit its load-balancer subnets (${c.network.loadBalancerSubnets.join(', ')})`));
          }
        }
      }));
    }
  }
  out.push(...csiInstallers(ctx, env));
  for (const { m, clusters } of singletons.values()) {
    const system = m.file.split('/')[2];
    if (clusters.size > 1 && !env.systems[system]?.singletons?.replication) {
      out.push(violation(m, 'singleton-one-cluster', `${singletonReason(m.object)} is synced to ${clusters.size} clusters of ${env.name} (${[...clusters].sort().join(', ')}); place it on one (environment.yaml systems.${system}.singletons)`));
    }
  }
  return out;
}

function csiInstallers(ctx: PolicyContext, env: Environment): Violation[] {
  const out: Violation[] = [];
  const seen = new Map<string, Manifest>();
  for (const m of ctx.ofKind('Application')) {
    const chart = m.object.spec?.source?.chart;
    const server = m.object.spec?.destination?.server;
    if (typeof chart !== 'string' || typeof server !== 'string') continue;
    const cluster = env.clusters.find((c) => serverKey(c.server) === serverKey(server));
    for (const [driver, { eksAddon, charts }] of Object.entries(CSI_DRIVER_INSTALLERS)) {
      if (!charts.includes(chart)) continue;
      if (cluster?.eksAddons.includes(eksAddon)) {
        out.push(violation(m, 'one-csi-installer', `chart ${chart} installs ${driver} on ${cluster.name}, whose EKS-managed add-on ${eksAddon} installs it too (environments/${env.name}/environment.yaml clusters.${cluster.name}.eksAddons): one installer per driver`));
      }
      const key = `${driver} ${serverKey(server)}`;
      const first = seen.get(key);
      if (first) out.push(violation(m, 'one-csi-installer', `installs ${driver} on ${cluster?.name ?? server}, which ${first.file} installs too: one installer per driver`));
      else seen.set(key, m);
    }
  }
  return out;
}

const LB = 'service.beta.kubernetes.io/aws-load-balancer-';

/** An ALB Ingress or load-balancer Service: its words for messages, scheme and the Services (with ports) it sends to. */
function loadBalancer(m: Manifest): { what: string; scheme: 'internet-facing' | 'internal'; backends: { service: string; port: number | string }[] } | undefined {
  const o = m.object;
  const a: Record<string, string> = o.metadata.annotations ?? {};
  if (o.kind === 'Ingress' && o.spec?.ingressClassName === 'alb') {
    // the AWS Load Balancer Controller's default scheme is internal (docs guide/ingress/annotations.md, scheme)
    const scheme = a['alb.ingress.kubernetes.io/scheme'] === 'internet-facing' ? 'internet-facing' : 'internal';
    const backends: { service: string; port: number | string }[] = [];
    for (const rule of o.spec.rules ?? []) {
      for (const path of rule?.http?.paths ?? []) {
        const svc = path?.backend?.service;
        if (!svc?.name) continue;
        if (svc.port?.name === 'use-annotation') {
          try {
            const action = JSON.parse(a[`alb.ingress.kubernetes.io/actions.${svc.name}`] ?? '{}');
            for (const t of action?.forwardConfig?.targetGroups ?? []) backends.push({ service: t.serviceName, port: t.servicePort });
          } catch { /* alb-action-backend reports it */ }
        } else backends.push({ service: svc.name, port: svc.port?.number ?? svc.port?.name });
      }
    }
    return { what: `${scheme} ALB`, scheme, backends };
  }
  if (o.kind === 'Service' && o.spec?.type === 'LoadBalancer') {
    // the controller's NLBs (aws-load-balancer-type external / nlb-ip) default to internal; the in-tree
    // cloud provider's to internet-facing unless aws-load-balancer-internal is set
    const controller = ['external', 'nlb-ip'].includes(a[`${LB}type`]);
    const scheme = controller
      ? (a[`${LB}scheme`] === 'internet-facing' ? 'internet-facing' : 'internal')
      : (['true', '0.0.0.0/0'].includes(a[`${LB}internal`] ?? '') ? 'internal' : 'internet-facing');
    return { what: `${scheme} load balancer`, scheme, backends: (o.spec.ports ?? []).map((p: any) => ({ service: o.metadata.name, port: p.port })) };
  }
  return undefined;
}

function loadBalancerSubnetsOf(ctx: PolicyContext, m: Manifest, clusters: Cluster[]): Violation[] {
  const lb = loadBalancer(m);
  if (!lb) return [];
  const out: Violation[] = [];
  const namespace = m.object.metadata.namespace ?? '';
  for (const c of clusters) {
    const subnets = lb.scheme === 'internet-facing' ? c.network.loadBalancerSubnets : c.network.internalLoadBalancerSubnets ?? [];
    const fact = lb.scheme === 'internet-facing' ? 'loadBalancerSubnets' : 'internalLoadBalancerSubnets';
    if (subnets.length === 0) {
      out.push(violation(m, 'lb-subnets', `a ${lb.what} on ${c.name}, which names no network.${fact} (the subnets tagged kubernetes.io/role/${lb.scheme === 'internal' ? 'internal-elb' : 'elb'} where the controller places it): name them in its environment.yaml`));
      continue;
    }
    for (const b of lb.backends) {
      const svc = ctx.ofKind('Service', namespace).find((x) => x.object.metadata.name === b.service);
      const port = (svc?.object.spec?.ports ?? []).find((p: any) => p.port === b.port || p.name === b.port);
      const selector = svc?.object.spec?.selector;
      if (!port || !selector) continue; // ingress-backend / alb-action-backend report it
      const target = port.targetPort ?? port.port;
      const policies = ctx.ofKind('NetworkPolicy', namespace).filter((np) =>
        (np.object.spec?.policyTypes ?? ['Ingress']).includes('Ingress') && matches(np.object.spec?.podSelector, selector));
      if (policies.length === 0) continue; // no policy selects the pods: they admit everything
      const admits = (subnet: string) => policies.some((np) => (np.object.spec?.ingress ?? []).some((r: any) => {
        const portOk = typeof target !== 'number' || !r?.ports?.length || r.ports.some((p: any) => p?.port === undefined || (p.port === target && (p.protocol ?? 'TCP') === 'TCP'));
        const fromOk = !r?.from?.length || r.from.some((peer: any) => typeof peer?.ipBlock?.cidr === 'string'
          && covers(peer.ipBlock.cidr, subnet) && !(peer.ipBlock.except ?? []).some((e: string) => overlaps(e, subnet)));
        return portOk && fromOk;
      }));
      const missing = subnets.filter((sn) => !admits(sn));
      if (missing.length > 0) {
        out.push(violation(m, 'lb-subnets', `a ${lb.what} on ${c.name} sends to Service ${b.service} port ${target} from ${c.name}'s ${fact} (${subnets.join(', ')}), but NetworkPolicy ${policies.map((np) => np.object.metadata.name).join(', ')} of its pods does not admit ${missing.join(', ')}: admit loadBalancerIngress(cluster, ports, '${lb.scheme}')`));
      }
    }
  }
  return out;
}

function nodePodBlocks(m: Manifest, clusters: Cluster[]): Violation[] {
  const out: Violation[] = [];
  for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    (m.object.spec?.[dir] ?? []).forEach((rule: any, i: number) => (rule?.[peers] ?? []).forEach((peer: any, j: number) => {
      const block = peer?.ipBlock;
      if (typeof block?.cidr !== 'string' || (dir === 'egress' && block.cidr === '0.0.0.0/0' && !(block.except ?? []).length)) return;
      for (const c of clusters) {
        const subnets = [...new Set([...(c.network.nodeSubnets ?? []), ...podSubnets(c)])];
        const hit = subnets.filter((s) => overlaps(block.cidr, s) && !(block.except ?? []).some((e: string) => covers(e, s)));
        if (hit.length > 0) {
          out.push(violation(m, 'no-node-pod-ipblock', `spec.${dir}[${i}].${peers}[${j}].ipBlock.cidr ${block.cidr} contains node or pod subnets of ${c.name} (${hit.join(', ')}): every pod there has such an address, so the block ${dir === 'ingress' ? 'admits' : 'reaches'} them past their own policies`));
        }
      }
    }));
  }
  return out;
}

/** Whether two IPv4 CIDRs share an address. */
function overlaps(a: string, b: string): boolean {
  return covers(a, b) || covers(b, a);
}

/** Whether `outer` contains the whole of `inner` (both IPv4 CIDRs); false for anything unparsable (valid-values reports it). */
function covers(outer: string, inner: string): boolean {
  try {
    const [a, aBits] = ipaddr.parseCIDR(outer);
    const [b, bBits] = ipaddr.parseCIDR(inner);
    return a.kind() === b.kind() && aBits <= bBits && b.match(a, aBits);
  } catch {
    return false;
  }
}

/** Every string in an object, with its path. */
function* strings(value: unknown, path: string): Generator<{ path: string; value: string }> {
  if (typeof value === 'string') yield { path, value };
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
}
