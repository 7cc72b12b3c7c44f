/**
 * The manifest diff, as pure functions over two `{file → content}` maps of dist/ (paths relative
 * to dist/, `<env>/<system>/<service>/<Kind>.<name>.yaml`): which objects were added, removed and
 * changed, field by field, and which of those changes are risky.
 */
import { DIST_DIR, formatFileProblem, MAX_ENVIRONMENT_LOSS, parseDistFile, parseYaml, type FileProblem } from '@gitops/platform';
import { fieldChanges } from './fields';
import type { AddedObject, ChangedObject, DistTree, ManifestDiff, ObjectRef, RemovedObject, Risk } from './model';
import { classifyRisks } from './risk';

export interface DiffOptions {
  /** Environments whose deletions are risky. @default ['production'] */
  readonly productionEnvs?: readonly string[];
  /** Share of an environment's objects whose removal is risky. @default 0.2 */
  readonly maxLossShare?: number;
}

/**
 * The object a path relative to dist/ holds (the writer's layout, read by layout.ts parseDistFile:
 * `.yaml`, `.yml` and `.json`, per-cluster folders too), or undefined for files that are not rendered objects.
 */
export function refOf(file: string): ObjectRef | undefined {
  const f = parseDistFile(`${DIST_DIR}/${file}`);
  if (!f) return undefined;
  return { env: f.env, system: f.system, service: f.service, leaf: f.leaf.slice(DIST_DIR.length + 1), kind: f.kind, name: f.name, file };
}

/**
 * Parses a rendered file as kubectl and Argo CD read it (sigs.k8s.io/yaml: YAML 1.1 scalars, so a
 * plain `Off` is false); a file that is not safe YAML (syntax, keys given twice, an alias bomb or
 * a self-referencing alias, whose value would be endless) is kept as its text so it still compares.
 * A scalar whose YAML 1.1 meaning differs from its YAML 1.2 one goes to `meanings`.
 */
function parseObject(content: string, file: string, meanings?: FileProblem[]): unknown {
  const parsed = parseYaml(content, file, { goYaml: true });
  meanings?.push(...parsed.yaml11);
  if (parsed.problems.length > parsed.yaml11.length) return content;
  return parsed.documents[0]?.value ?? null;
}

/** Compares two dist/ trees. */
export function diffTrees(base: DistTree, head: DistTree, opts: DiffOptions = {}): ManifestDiff {
  const baseRefs = refsOf(base);
  const headRefs = refsOf(head);
  const added: AddedObject[] = [];
  const removed: RemovedObject[] = [];
  const changed: ChangedObject[] = [];

  // what the change brings that kubectl would read otherwise than written (YAML 1.1), per object
  const meanings = new Map<ObjectRef, FileProblem[]>();
  const headObject = (ref: ObjectRef) => parseObject(head.get(ref.file)!, ref.file, meanings.set(ref, []).get(ref));
  for (const [file, ref] of headRefs) {
    if (!baseRefs.has(file)) added.push({ ...ref, object: headObject(ref) });
  }
  for (const [file, ref] of baseRefs) {
    const after = head.get(file);
    if (after === undefined) {
      removed.push({ ...ref, object: parseObject(base.get(file)!, file) });
      continue;
    }
    const beforeText = base.get(file)!;
    if (beforeText === after) continue;
    const before = parseObject(beforeText, file);
    const now = headObject(headRefs.get(file)!);
    const fields = fieldChanges(before, now);
    // a changed header comment alone is no change to the object
    if (fields.length > 0) changed.push({ ...ref, before, after: now, fields });
  }

  const envNames = [...new Set([...baseRefs.values(), ...headRefs.values()].map((r) => r.env))].sort();
  const envs = envNames.map((env) => ({
    env,
    before: [...baseRefs.values()].filter((r) => r.env === env).length,
    after: [...headRefs.values()].filter((r) => r.env === env).length,
    added: added.filter((r) => r.env === env).length,
    removed: removed.filter((r) => r.env === env).length,
    changed: changed.filter((r) => r.env === env).length,
  }));

  const result = { added, removed, changed, envs, risks: [] as Risk[] };
  result.risks = classifyRisks(result, {
    productionEnvs: opts.productionEnvs ?? ['production'],
    maxLossShare: opts.maxLossShare ?? MAX_ENVIRONMENT_LOSS,
  });
  for (const [ref, problems] of meanings) {
    for (const p of problems) result.risks.push({ kind: 'yaml-1.1-meaning', where: `${ref.leaf} ${ref.kind} ${ref.name}`, message: formatFileProblem(p) });
  }
  return result;
}

function refsOf(tree: DistTree): Map<string, ObjectRef> {
  const refs = new Map<string, ObjectRef>();
  for (const file of [...tree.keys()].sort()) {
    const ref = refOf(file);
    if (ref) refs.set(file, ref);
  }
  return refs;
}
