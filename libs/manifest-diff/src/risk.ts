/**
 * Which changes a reviewer must look at first: deletions in production, fewer replicas, new
 * images, wider network policies and RBAC rules, and an environment losing many objects.
 */
import { environmentLoss } from '@gitops/platform';
import { formatValue } from './fields';
import type { ChangedObject, ManifestDiff, ObjectRef, Risk } from './model';

export interface RiskOptions {
  readonly productionEnvs: readonly string[];
  readonly maxLossShare: number;
}

type Obj = Record<string, any>;
const where = (r: ObjectRef) => `${r.leaf} ${r.kind} ${r.name}`;

export function classifyRisks(diff: Pick<ManifestDiff, 'added' | 'removed' | 'changed' | 'envs'>, opts: RiskOptions): Risk[] {
  const risks: Risk[] = [];
  for (const r of diff.removed) {
    if (opts.productionEnvs.includes(r.env)) risks.push({ kind: 'production-deletion', where: where(r), message: `deleted in ${r.env}` });
  }
  for (const c of diff.changed) {
    const before = (c.before ?? {}) as Obj;
    const after = (c.after ?? {}) as Obj;
    risks.push(...replicasLowered(c, before, after), ...imagesChanged(c, before, after));
    if (c.kind === 'NetworkPolicy') {
      for (const message of networkPolicyWidening(before, after)) risks.push({ kind: 'network-policy-widened', where: where(c), message });
    }
    if (c.kind === 'Role' || c.kind === 'ClusterRole') {
      for (const message of rbacWidening(before, after)) risks.push({ kind: 'rbac-widened', where: where(c), message });
    }
  }
  for (const e of diff.envs) {
    const loss = environmentLoss(e, opts.maxLossShare);
    if (loss) risks.push({ kind: 'env-loss', where: e.env, message: `loses ${e.removed} of ${e.before} objects (${loss.percent}%, more than ${loss.maxPercent}%)` });
  }
  return risks;
}

function replicasLowered(c: ChangedObject, before: Obj, after: Obj): Risk[] {
  const risks: Risk[] = [];
  for (const field of ['replicas', 'minReplicas'] as const) {
    const from = before.spec?.[field];
    const to = after.spec?.[field];
    if (typeof from === 'number' && typeof to === 'number' && to < from) {
      risks.push({ kind: 'replicas-lowered', where: where(c), message: `spec.${field} lowered ${from} -> ${to}` });
    }
  }
  return risks;
}

/** Containers of a workload or pod template, by list and name. */
export function containerImages(obj: Obj): Map<string, string> {
  const images = new Map<string, string>();
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'containers' || k === 'initContainers' || k === 'ephemeralContainers') && Array.isArray(v)) {
          v.forEach((ct: Obj, i) => {
            if (typeof ct?.image === 'string') images.set(`${path ? `${path}.` : ''}${k}/${ct.name ?? i}`, ct.image);
          });
        } else walk(v, path ? `${path}.${k}` : k);
      }
    }
  };
  walk(obj, '');
  return images;
}

function imagesChanged(c: ChangedObject, before: Obj, after: Obj): Risk[] {
  const old = containerImages(before);
  const risks: Risk[] = [];
  for (const [container, image] of containerImages(after)) {
    const name = container.split('/').pop();
    const was = old.get(container);
    if (was === undefined) risks.push({ kind: 'image-changed', where: where(c), message: `container ${name} added with image ${image}` });
    else if (was !== image) risks.push({ kind: 'image-changed', where: where(c), message: `image of ${name} ${was} -> ${image}` });
  }
  return risks;
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy: a new rule is a widening unless some old rule already allowed all it allows.

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}
const isEmptySelector = (s: Selector | undefined) =>
  s !== undefined && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether `wide` selects at least everything `narrow` selects (it asks for a subset of the labels). */
function selectorCovers(wide: Selector, narrow: Selector): boolean {
  const labels = Object.entries(wide.matchLabels ?? {}).every(([k, v]) => narrow.matchLabels?.[k] === v);
  const exprs = (wide.matchExpressions ?? []).every((e) => (narrow.matchExpressions ?? []).some((n) => same(n, e)));
  return labels && exprs;
}

function parseCidr(cidr: string): { net: number; bits: number } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const bits = Number(m[5]);
  const ip = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { net: (ip & mask) >>> 0, bits };
}

/** Whether CIDR `wide` contains CIDR `narrow`. */
export function cidrContains(wide: string, narrow: string): boolean {
  if (wide === narrow) return true;
  const w = parseCidr(wide);
  const n = parseCidr(narrow);
  if (!w || !n || n.bits < w.bits) return false;
  const mask = w.bits === 0 ? 0 : (~0 << (32 - w.bits)) >>> 0;
  return ((n.net & mask) >>> 0) === w.net;
}

function peerCovers(wide: Obj, narrow: Obj): boolean {
  if (wide.ipBlock || narrow.ipBlock) {
    if (!wide.ipBlock || !narrow.ipBlock) return false;
    const exceptKept = (wide.ipBlock.except ?? []).every((e: string) => (narrow.ipBlock.except ?? []).some((n: string) => cidrContains(n, e)));
    return cidrContains(wide.ipBlock.cidr, narrow.ipBlock.cidr) && exceptKept;
  }
  // namespaceSelector absent: the policy's own namespace; present and empty: every namespace
  const ns = wide.namespaceSelector === undefined
    ? narrow.namespaceSelector === undefined
    : narrow.namespaceSelector === undefined ? isEmptySelector(wide.namespaceSelector) : selectorCovers(wide.namespaceSelector, narrow.namespaceSelector);
  // podSelector absent: every pod of the selected namespaces
  const pods = wide.podSelector === undefined || (narrow.podSelector !== undefined && selectorCovers(wide.podSelector, narrow.podSelector));
  return ns && pods;
}

const portKey = (p: Obj) => JSON.stringify({ port: p.port, protocol: p.protocol ?? 'TCP', endPort: p.endPort });

function ruleCovers(wide: Obj, narrow: Obj, peersKey: 'from' | 'to'): boolean {
  const wPorts: Obj[] = wide.ports ?? [];
  const nPorts: Obj[] = narrow.ports ?? [];
  const ports = wPorts.length === 0 || (nPorts.length > 0 && nPorts.every((p) => wPorts.some((w) => portKey(w) === portKey(p))));
  const wPeers: Obj[] = wide[peersKey] ?? [];
  const nPeers: Obj[] = narrow[peersKey] ?? [];
  const peers = wPeers.length === 0 || (nPeers.length > 0 && nPeers.every((p) => wPeers.some((w) => peerCovers(w, p))));
  return ports && peers;
}

/** What about a NetworkPolicy allows more than before, one message each. */
export function networkPolicyWidening(before: Obj, after: Obj): string[] {
  const messages: string[] = [];
  const oldSpec = before.spec ?? {};
  const newSpec = after.spec ?? {};
  if (oldSpec.podSelector && !isEmptySelector(oldSpec.podSelector) && isEmptySelector(newSpec.podSelector)) {
    messages.push('spec.podSelector emptied: the policy now applies to every pod of the namespace');
  }
  for (const type of ['Ingress', 'Egress']) {
    if ((oldSpec.policyTypes ?? []).includes(type) && !(newSpec.policyTypes ?? []).includes(type)) {
      messages.push(`policyTypes no longer lists ${type}: ${type.toLowerCase()} is no longer restricted`);
    }
  }
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const oldRules: Obj[] = oldSpec[dir] ?? [];
    const newRules: Obj[] = newSpec[dir] ?? [];
    newRules.forEach((rule, i) => {
      if (oldRules.some((o) => ruleCovers(o, rule, peersKey))) return;
      const old = oldRules[i];
      // with more rules than before, one sharing no peer with the rule in its place was inserted
      if (!old || (newRules.length > oldRules.length && !sharesPeers(old, rule, peersKey))) {
        messages.push(`${dir}[${i}] rule added: ${formatValue(rule)}`);
        return;
      }
      messages.push(...ruleWidening(`${dir}[${i}]`, old, rule, peersKey));
    });
  }
  return messages;
}

function sharesPeers(a: Obj, b: Obj, key: string): boolean {
  return (a[key] ?? []).some((p: Obj) => (b[key] ?? []).some((q: Obj) => same(p, q)));
}

/** How `rule` allows more than `old`, the rule in its place before. */
function ruleWidening(at: string, old: Obj, rule: Obj, peersKey: 'from' | 'to'): string[] {
  const messages: string[] = [];
  const oldPeers: Obj[] = old[peersKey] ?? [];
  const newPeers: Obj[] = rule[peersKey] ?? [];
  if (oldPeers.length > 0 && newPeers.length === 0) messages.push(`${at}.${peersKey} removed: allows every peer`);
  else if (oldPeers.length > 0) {
    newPeers.forEach((peer, j) => {
      if (oldPeers.some((o) => peerCovers(o, peer))) return;
      const was = oldPeers[j];
      const path = `${at}.${peersKey}[${j}]`;
      if (was?.ipBlock && peer.ipBlock) {
        messages.push(`${path}.ipBlock broadened ${formatValue(was.ipBlock)} -> ${formatValue(peer.ipBlock)}`);
      } else if (was && !peer.ipBlock && !was.ipBlock && isEmptySelector(peer.podSelector) && !isEmptySelector(was.podSelector)) {
        messages.push(`${path}.podSelector emptied: allows every pod of the selected namespaces`);
      } else if (was && !peer.ipBlock && !was.ipBlock && isEmptySelector(peer.namespaceSelector) && !isEmptySelector(was.namespaceSelector)) {
        messages.push(`${path}.namespaceSelector emptied: allows every namespace`);
      } else {
        messages.push(`${path} peer added: ${formatValue(peer)}`);
      }
    });
  }
  const oldPorts: Obj[] = old.ports ?? [];
  const newPorts: Obj[] = rule.ports ?? [];
  if (oldPorts.length > 0 && newPorts.length === 0) messages.push(`${at}.ports removed: allows every port`);
  else if (oldPorts.length > 0) {
    for (const p of newPorts) if (!oldPorts.some((o) => portKey(o) === portKey(p))) messages.push(`${at} port added: ${formatValue(p)}`);
  }
  if (messages.length === 0) messages.push(`${at} widened: ${formatValue(old)} -> ${formatValue(rule)}`);
  return messages;
}

// ---------------------------------------------------------------------------------------------
// RBAC: a rule is a widening unless an old rule already granted all it grants.

const covers = (wide: string[] | undefined, narrow: string[] | undefined) =>
  (wide ?? []).includes('*') || (narrow ?? []).every((n) => (wide ?? []).includes(n));

function policyRuleCovers(wide: Obj, narrow: Obj): boolean {
  const names = (wide.resourceNames ?? []).length === 0 || ((narrow.resourceNames ?? []).length > 0 && covers(wide.resourceNames, narrow.resourceNames));
  return covers(wide.apiGroups, narrow.apiGroups) && covers(wide.resources, narrow.resources) && covers(wide.verbs, narrow.verbs)
    && covers(wide.nonResourceURLs, narrow.nonResourceURLs) && names;
}

/** Rules of a Role or ClusterRole that grant more than before. */
export function rbacWidening(before: Obj, after: Obj): string[] {
  const oldRules: Obj[] = before.rules ?? [];
  return ((after.rules ?? []) as Obj[]).flatMap((rule, i) =>
    oldRules.some((o) => policyRuleCovers(o, rule)) ? [] : [`rules[${i}] ${oldRules[i] ? 'widened' : 'added'}: ${formatValue(rule)}`],
  );
}
