/**
 * Prune safety: Argo CD syncs dist/ with prune on, so a change that deletes much of an
 * environment, removes or empties a synced folder, or renames an object in production (a delete
 * plus a create) must be stopped unless it is meant. Objects are identified by their file names,
 * `dist/<env>/<system>/<service>[/<cluster>]/<Kind>.<name>.yaml`, which the writer guarantees
 * (layout.ts parseDistFile). A service switching between one folder and per-cluster folders shows
 * as its old folder removed: its Application goes, so the switch is blocked until a commit says it is meant.
 * Within its folder (its Application) an object is identified as Argo CD identifies it, by API
 * group, kind, namespace and name: Argo CD deletes an object that moves to another namespace or
 * group and creates it anew, so a move counts as a removal plus an addition. A removal that loses
 * data (`pruneLoss`: a StatefulSet with volume claims, a PersistentVolumeClaim, a Namespace) is
 * named in every environment, however small the change.
 */
import { environmentLoss, groupOf, MAX_ENVIRONMENT_LOSS, parseDistFile, pruneLoss } from '@gitops/platform';

export interface PruneOptions {
  /** Largest share of an environment's objects a change may remove. @default MAX_ENVIRONMENT_LOSS (0.2) */
  readonly maxLossShare?: number;
}

export interface PruneFinding {
  /** What it is about: an environment or a dist/ folder. */
  where: string;
  kind: 'env-loss' | 'folder-removed' | 'empty' | 'rename' | 'data-loss';
  message: string;
}

export interface EnvChange {
  env: string;
  before: number;
  after: number;
  added: number;
  removed: number;
}

/** What a rendered file declares (its first document), as far as prune-check reads it. */
export interface DistObjectContent {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown };
  readonly spec?: unknown;
}

/**
 * One rendered file: its path, and its object (or only its `namespace`; none for cluster-scoped
 * kinds). A bare path is an object of the core group without a namespace.
 */
export type DistObject = string | { readonly file: string; readonly namespace?: string; readonly object?: DistObjectContent };

interface Entry {
  env: string;
  leaf: string;
  group: string;
  kind: string;
  name: string;
  namespace: string;
  /** What deleting it loses (`pruneLoss`). */
  loses?: string;
}

/** Per-cluster folders (`dist/<env>/<system>/<service>/<cluster>/`) are leaves of their own: each is one Application. */
function parse(o: DistObject): Entry | undefined {
  const f = parseDistFile(typeof o === 'string' ? o : o.file);
  if (!f) return undefined;
  const object = typeof o === 'string' ? undefined : o.object;
  const namespace = typeof o === 'string' ? undefined : (o.namespace ?? object?.metadata?.namespace);
  const loses = object && pruneLoss(object);
  return { env: f.env, leaf: f.leaf, group: groupOf(object?.apiVersion), kind: f.kind, name: f.name, namespace: typeof namespace === 'string' ? namespace : '', ...(loses ? { loses } : {}) };
}

const count = <T>(items: T[], key: (t: T) => string) =>
  items.reduce((acc, i) => acc.set(key(i), (acc.get(key(i)) ?? 0) + 1), new Map<string, number>());

/** Compares the dist/ file lists of the base and of the change. */
export function comparePrune(baseFiles: readonly DistObject[], headFiles: readonly DistObject[], opts: PruneOptions = {}): { findings: PruneFinding[]; changes: EnvChange[] } {
  const maxLoss = opts.maxLossShare ?? MAX_ENVIRONMENT_LOSS;
  const base = baseFiles.map(parse).filter((e): e is Entry => Boolean(e));
  const head = headFiles.map(parse).filter((e): e is Entry => Boolean(e));
  // Argo CD's resource key (group, kind, namespace, name) within the object's Application
  const id = (e: Entry) => [e.leaf, e.group, e.kind, e.namespace, e.name].join('\0');
  const headIds = new Set(head.map(id));
  const baseIds = new Set(base.map(id));
  const findings: PruneFinding[] = [];

  const baseByEnv = count(base, (e) => e.env);
  const headByEnv = count(head, (e) => e.env);
  const changes: EnvChange[] = [...new Set([...baseByEnv.keys(), ...headByEnv.keys()])].sort().map((env) => ({
    env,
    before: baseByEnv.get(env) ?? 0,
    after: headByEnv.get(env) ?? 0,
    added: head.filter((e) => e.env === env && !baseIds.has(id(e))).length,
    removed: base.filter((e) => e.env === env && !headIds.has(id(e))).length,
  }));

  for (const c of changes) {
    if (c.before > 0 && c.after === 0) {
      findings.push({ where: `dist/${c.env}`, kind: 'empty', message: `renders no objects any more (it had ${c.before}): Argo CD would prune the whole environment` });
    } else {
      const loss = environmentLoss(c, maxLoss);
      if (loss) findings.push({ where: `dist/${c.env}`, kind: 'env-loss', message: `loses ${c.removed} of its ${c.before} objects (${loss.percent}%), more than the ${loss.maxPercent}% a change may remove unmarked` });
    }
  }

  const headLeaves = count(head, (e) => e.leaf);
  for (const leaf of [...new Set(base.map((e) => e.leaf))].sort()) {
    if (!headLeaves.has(leaf)) {
      findings.push({ where: leaf, kind: 'folder-removed', message: 'folder removed: Argo CD would prune everything its Application synced' });
    }
  }

  // A deletion that loses data, in any environment (a move deletes too).
  for (const g of base.filter((e) => e.loses && !headIds.has(id(e))).sort((a, b) => (id(a) < id(b) ? -1 : 1))) {
    const to = head.find((a) => a.leaf === g.leaf && a.kind === g.kind && a.name === g.name && !baseIds.has(id(a)));
    const move = to ? ` (it moves to ${movement(g, to)}: Argo CD deletes it and creates it anew)` : '';
    findings.push({ where: g.leaf, kind: 'data-loss', message: `${g.kind} ${g.name}${g.namespace ? ` (namespace ${g.namespace})` : ''} is deleted${move}: ${g.loses}` });
  }

  // A rename in production: in one folder, objects of a kind go and others of that kind arrive.
  for (const leaf of [...new Set(head.map((e) => e.leaf))].filter((l) => l.startsWith('dist/production/')).sort()) {
    for (const kind of [...new Set(base.filter((e) => e.leaf === leaf).map((e) => e.kind))].sort()) {
      const gone = base.filter((e) => e.leaf === leaf && e.kind === kind && !headIds.has(id(e)));
      const arrived = head.filter((e) => e.leaf === leaf && e.kind === kind && !baseIds.has(id(e)));
      const moved = gone.filter((g) => arrived.some((a) => a.name === g.name));
      for (const g of moved) {
        const to = arrived.find((a) => a.name === g.name)!;
        findings.push({ where: leaf, kind: 'rename', message: `${kind} ${g.name} moves from ${movement(g, to, true)}: Argo CD deletes it and creates it anew` });
      }
      const goneOnly = gone.filter((g) => !moved.includes(g));
      const arrivedOnly = arrived.filter((a) => !moved.some((g) => g.name === a.name));
      if (goneOnly.length > 0 && arrivedOnly.length > 0) {
        findings.push({
          where: leaf,
          kind: 'rename',
          message: `${kind} ${goneOnly.map((e) => e.name).join(', ')} removed and ${arrivedOnly.map((e) => e.name).join(', ')} added: a rename is a delete plus a create in production`,
        });
      }
    }
  }
  return { findings, changes };
}

/** How an object's identity changes: `namespace a to b`, `API group x to y` (with `from`), or where it goes. */
function movement(from: Entry, to: Entry, withFrom = false): string {
  const part = (what: string, a: string, b: string, none: string) => (withFrom ? `${what} ${a || none} to ${b || none}` : `${what} ${b || none}`);
  return [
    from.namespace !== to.namespace ? part('namespace', from.namespace, to.namespace, '(none)') : '',
    from.group !== to.group ? part('API group', from.group, to.group, 'core') : '',
  ].filter(Boolean).join(' and ');
}
