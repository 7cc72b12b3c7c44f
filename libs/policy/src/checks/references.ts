/**
 * Objects that point at other objects must point at something rendered: a Service at pods,
 * an Ingress at a Service port, an HPA or PDB at a workload, a NetworkPolicy at pods or namespaces.
 * A reference to nothing is silent in Kubernetes: it just never works.
 */
import type { PolicyContext, Violation } from '../context';
import { ns, violation } from '../context';
import type { Manifest } from '../manifests';
import { isEmptySelector, matches, type LabelSelector } from '../selectors';
import { labelText } from './workloads';

export function checkReferences(ctx: PolicyContext): Violation[] {
  return [...services(ctx), ...ingresses(ctx), ...autoscalers(ctx), ...budgets(ctx), ...networkPolicies(ctx)];
}

function services(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.ofKind('Service')) {
    const selector = m.object.spec?.selector as Record<string, string> | undefined;
    if (!selector || Object.keys(selector).length === 0) continue; // selector-less Services point at Endpoints made by hand
    const selected = ctx.selected(ns(m.object), { matchLabels: selector });
    if (selected.length === 0) {
      out.push(violation(m, 'service-selects-workload', `selector ${labelText(selector)} matches no pods rendered in ${ns(m.object)}`));
      continue;
    }
    for (const port of m.object.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const found = selected.some((w) => w.containers.some(({ c, init }) => !init && (c.ports ?? []).some(
        (p: any) => (typeof target === 'number' ? p.containerPort === target : p.name === target),
      )));
      if (!found) {
        out.push(violation(m, 'service-target-port', `port ${port.name ?? port.port}: targetPort ${target} is not a container port of ${selected.map((w) => w.object.metadata.name).join(', ')}`));
      }
    }
  }
  return out;
}

function ingresses(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.ofKind('Ingress')) {
    const backends: { where: string; service: string; port: number | string }[] = [];
    const add = (where: string, b: any) => {
      const svc = b?.service;
      if (!svc) return;
      // AWS Load Balancer Controller actions are checked by checks/traffic.ts (alb-action-backend), by
      // type: reading servicePort "8081" as the number 8081 here hid a port name that does not exist
      if (svc.port?.name === 'use-annotation') return;
      backends.push({ where, service: svc.name, port: svc.port?.number ?? svc.port?.name });
    };
    add('spec.defaultBackend', m.object.spec?.defaultBackend);
    (m.object.spec?.rules ?? []).forEach((r: any, i: number) =>
      (r.http?.paths ?? []).forEach((p: any, j: number) => add(`spec.rules[${i}].http.paths[${j}] (${r.host ?? '*'}${p.path ?? ''})`, p.backend)));

    for (const b of backends) {
      const svc = ctx.ofKind('Service', ns(m.object)).find((s) => s.object.metadata.name === b.service);
      if (!svc) {
        out.push(violation(m, 'ingress-backend', `${b.where}: no Service ${b.service} in ${ns(m.object)}`));
      } else if (!(svc.object.spec?.ports ?? []).some((p: any) => (typeof b.port === 'number' ? p.port === b.port : p.name === b.port))) {
        out.push(violation(m, 'ingress-backend', `${b.where}: Service ${b.service} has no port ${b.port}`));
      }
    }
  }
  return out;
}

function autoscalers(ctx: PolicyContext): Violation[] {
  return ctx.ofKind('HorizontalPodAutoscaler').flatMap((m) => {
    const ref = m.object.spec?.scaleTargetRef ?? {};
    const target = ctx.workloads.find((w) => w.namespace === ns(m.object) && w.object.kind === ref.kind && w.object.metadata.name === ref.name);
    return target ? [] : [violation(m, 'hpa-target', `scaleTargetRef ${ref.kind}/${ref.name} is not rendered in ${ns(m.object)}`)];
  });
}

function budgets(ctx: PolicyContext): Violation[] {
  return ctx.ofKind('PodDisruptionBudget').flatMap((m) =>
    ctx.selected(ns(m.object), m.object.spec?.selector ?? {}).length > 0
      ? []
      : [violation(m, 'pdb-target', `selector ${selectorText(m.object.spec?.selector)} matches no pods rendered in ${ns(m.object)}`)]);
}

function networkPolicies(ctx: PolicyContext): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.ofKind('NetworkPolicy')) {
    const namespace = ns(m.object);
    const sel = m.object.spec?.podSelector;
    if (!isEmptySelector(sel) && ctx.selected(namespace, sel).length === 0 && !ctx.runtimePodLabels(namespace).some((l) => matches(sel, l))) {
      out.push(violation(m, 'network-policy-selects', `spec.podSelector ${selectorText(sel)} matches no pods rendered in ${namespace}: the policy protects nothing`));
    }
    for (const dir of ['ingress', 'egress'] as const) {
      (m.object.spec?.[dir] ?? []).forEach((rule: any, i: number) => {
        (rule[dir === 'ingress' ? 'from' : 'to'] ?? []).forEach((peer: any, j: number) => {
          const where = `spec.${dir}[${i}].${dir === 'ingress' ? 'from' : 'to'}[${j}]`;
          const problem = peerProblem(ctx, namespace, peer);
          if (problem) out.push(violation(m, 'network-policy-selects', `${where}: ${problem}`));
        });
      });
    }
  }
  return out;
}

/** Why a peer selects nothing, or undefined when it selects something that exists. */
function peerProblem(ctx: PolicyContext, namespace: string, peer: any): string | undefined {
  if (peer.ipBlock) return undefined;
  const nsSel: LabelSelector | undefined = peer.namespaceSelector;
  const podSel: LabelSelector | undefined = peer.podSelector;
  let namespaces: string[];
  if (!nsSel) {
    namespaces = [namespace];
  } else if (isEmptySelector(nsSel)) {
    return undefined; // every namespace
  } else {
    const named = nsSel.matchLabels?.['kubernetes.io/metadata.name'];
    if (!named) return `namespaceSelector ${selectorText(nsSel)}: select namespaces by kubernetes.io/metadata.name so the check (and a reader) can tell which`;
    if (!ctx.namespaceExists(named)) return `namespace ${named} is neither rendered nor one the cluster provides`;
    // Pods of cluster-provided namespaces are not rendered here; trust their well-known labels.
    if (!ctx.namespaces.has(named)) return undefined;
    namespaces = [named];
  }
  if (!podSel || isEmptySelector(podSel)) return undefined;
  if (namespaces.some((n) => ctx.selected(n, podSel).length > 0)) return undefined;
  return `podSelector ${selectorText(podSel)} matches no pods rendered in ${namespaces.join(', ')}`;
}

function selectorText(s: LabelSelector | undefined): string {
  const parts = [
    ...Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(s?.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} ${(e.values ?? []).join('|')}`),
  ];
  return parts.join(',') || '{}';
}

export type { Manifest };
