/**
 * Prune safety: Argo CD syncs dist/ with prune on, so a change that deletes much of an
 * environment, removes or empties a synced folder, or renames an object in production (a delete
 * plus a create) must be stopped unless it is meant. Objects are identified by their file names,
 * `dist/<env>/<system>/<service>[/<cluster>]/<Kind>.<name>.yaml`, which the writer guarantees
 * (layout.ts parseDistFile). A service switching between one folder and per-cluster folders shows
 * as its old folder removed: its Application goes, so the switch is blocked until a commit says it is meant.
 * An object's namespace is part of its identity: Argo CD deletes an object that moves to another
 * namespace and creates it anew there, so a move counts as a removal plus an addition.
 */
import { environmentLoss, MAX_ENVIRONMENT_LOSS, parseDistFile } from '@gitops/platform';

export interface PruneOptions {
  /** Largest share of an environment's objects a change may remove. @default MAX_ENVIRONMENT_LOSS (0.2) */
  readonly maxLossShare?: number;
}

export interface PruneFinding {
  /** What it is about: an environment or a dist/ folder. */
  where: string;
  kind: 'env-loss' | 'folder-removed' | 'empty' | 'rename';
  message: string;
}

export interface EnvChange {
  env: string;
  before: number;
  after: number;
  added: number;
  removed: number;
}

/** One rendered file; `namespace` is its object's `metadata.namespace` (none for cluster-scoped kinds). */
export type DistObject = string | { readonly file: string; readonly namespace?: string };

interface Entry {
  env: string;
  leaf: string;
  kind: string;
  name: string;
  namespace: string;
}

/** Per-cluster folders (`dist/<env>/<system>/<service>/<cluster>/`) are leaves of their own: each is one Application. */
function parse(o: DistObject): Entry | undefined {
  const f = parseDistFile(typeof o === 'string' ? o : o.file);
  return f && { env: f.env, leaf: f.leaf, kind: f.kind, name: f.name, namespace: typeof o === 'string' ? '' : (o.namespace ?? '') };
}

const count = <T>(items: T[], key: (t: T) => string) =>
  items.reduce((acc, i) => acc.set(key(i), (acc.get(key(i)) ?? 0) + 1), new Map<string, number>());

/** Compares the dist/ file lists of the base and of the change. */
export function comparePrune(baseFiles: readonly DistObject[], headFiles: readonly DistObject[], opts: PruneOptions = {}): { findings: PruneFinding[]; changes: EnvChange[] } {
  const maxLoss = opts.maxLossShare ?? MAX_ENVIRONMENT_LOSS;
  const base = baseFiles.map(parse).filter((e): e is Entry => Boolean(e));
  const head = headFiles.map(parse).filter((e): e is Entry => Boolean(e));
  const id = (e: Entry) => `${e.leaf}/${e.namespace}/${e.kind}.${e.name}`;
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

  // A rename in production: in one folder, objects of a kind go and others of that kind arrive.
  for (const leaf of [...new Set(head.map((e) => e.leaf))].filter((l) => l.startsWith('dist/production/')).sort()) {
    for (const kind of [...new Set(base.filter((e) => e.leaf === leaf).map((e) => e.kind))].sort()) {
      const gone = base.filter((e) => e.leaf === leaf && e.kind === kind && !headIds.has(id(e)));
      const arrived = head.filter((e) => e.leaf === leaf && e.kind === kind && !baseIds.has(id(e)));
      const moved = gone.filter((g) => arrived.some((a) => a.name === g.name));
      for (const g of moved) {
        const to = arrived.find((a) => a.name === g.name)!;
        findings.push({ where: leaf, kind: 'rename', message: `${kind} ${g.name} moves from namespace ${g.namespace || '(none)'} to ${to.namespace || '(none)'}: Argo CD deletes it and creates it anew` });
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
