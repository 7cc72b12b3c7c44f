/**
 * Kubernetes NetworkPolicy semantics for ingress, as the network plugin enforces them: a pod
 * selected by no policy with `Ingress` admits everything; otherwise it admits what some such
 * policy's rule admits (a rule without `from` admits every source, without `ports` every port;
 * a peer without `namespaceSelector` is in the policy's namespace; `ipBlock` peers never match a
 * pod here, since pod addresses are not known before they run)
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 */
import type { PolicyContext } from './context';
import { matches } from './selectors';

/** Pods that send traffic: their namespace and labels. */
export interface PodSource {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Whether the pods labelled `podLabels` in `namespace` admit `source` on TCP `port`. */
export function admitsIngress(ctx: PolicyContext, namespace: string, podLabels: Readonly<Record<string, string>>, source: PodSource, port: number): boolean {
  const policies = ctx.ofKind('NetworkPolicy', namespace).filter((np) => {
    const types: string[] = np.object.spec?.policyTypes ?? ['Ingress'];
    return types.includes('Ingress') && matches(np.object.spec?.podSelector, podLabels);
  });
  if (policies.length === 0) return true;
  const portAdmitted = (ports: any[] | undefined) => !ports || ports.length === 0
    || ports.some((p) => p?.port === undefined || (p.port === port && (p.protocol ?? 'TCP') === 'TCP'));
  const peerAdmitted = (peer: any) => {
    if (peer?.ipBlock) return false;
    const inNamespace = peer?.namespaceSelector === undefined
      ? source.namespace === namespace
      : matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': source.namespace });
    return inNamespace && (peer?.podSelector === undefined || matches(peer.podSelector, { ...source.labels }));
  };
  return policies.some((np) => (np.object.spec?.ingress ?? []).some((r: any) =>
    (!r?.from || r.from.length === 0 || r.from.some(peerAdmitted)) && portAdmitted(r?.ports)));
}
