/**
 * Builds the Kustomize equivalent of a render, for the benchmark: per service a base (its
 * objects in one environment) and per environment an overlay that turns the base into exactly
 * that environment's objects (RFC 6902 patches; objects only one environment has are added or
 * deleted there), plus one kustomization per environment that includes every service overlay.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

type Obj = Record<string, any>;
export type Leaves = Map<string, Obj[]>; // `<env>/<system>/<service>` → objects

/** Reads `dist/` back: leaf → objects. */
export function readDist(dist: string): Leaves {
  const leaves: Leaves = new Map();
  for (const env of readdirSync(dist)) {
    for (const system of readdirSync(join(dist, env))) {
      for (const service of readdirSync(join(dist, env, system))) {
        const dir = join(dist, env, system, service);
        const entries = readdirSync(dir, { withFileTypes: true });
        // A service rendered per cluster (dist/<env>/<system>/<service>/<cluster>/) counts as one
        // service per cluster here (`<service>.<cluster>`): its clusters differ between environments.
        const clusters = entries.filter((e) => e.isDirectory()).map((e) => e.name);
        if (clusters.length === 0) leaves.set(`${env}/${system}/${service}`, readLeaf(dir));
        for (const cluster of clusters) leaves.set(`${env}/${system}/${service}.${cluster}`, readLeaf(join(dir, cluster)));
      }
    }
  }
  return leaves;
}

const readLeaf = (dir: string): Obj[] => readdirSync(dir).sort().map((f) => parse(readFileSync(join(dir, f), 'utf8')));

const key = (o: Obj) => `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;
const idOf = (o: Obj) => `${o.kind}|${o.metadata.name}`;
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** JSON patch from `a` to `b`, replacing whole values below `depth` (and arrays) where they differ. */
function jsonPatch(a: any, b: any, path = '', depth = 0): Obj[] {
  const isMap = (v: any) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (!isMap(a) || !isMap(b) || depth >= 3) return [{ op: 'replace', path, value: b }];
  const ops: Obj[] = [];
  for (const k of Object.keys(a)) if (!(k in b)) ops.push({ op: 'remove', path: `${path}/${esc(k)}` });
  for (const k of Object.keys(b)) {
    if (!(k in a)) ops.push({ op: 'add', path: `${path}/${esc(k)}`, value: b[k] });
    else ops.push(...jsonPatch(a[k], b[k], `${path}/${esc(k)}`, depth + 1));
  }
  return ops;
}

/** Writes the Kustomize tree under `root`; returns the overlay folders to build, one per environment. */
export function writeKustomize(leaves: Leaves, root: string): string[] {
  const byService = new Map<string, Map<string, Obj[]>>(); // system/service → env → objects
  for (const [leaf, objects] of leaves) {
    const [env, system, service] = leaf.split('/');
    const id = `${system}/${service}`;
    if (!byService.has(id)) byService.set(id, new Map());
    byService.get(id)!.set(env, objects);
  }
  const envs = new Set<string>();
  for (const [id, perEnv] of byService) {
    const baseEnv = perEnv.has('staging') ? 'staging' : [...perEnv.keys()].sort()[0];
    const base = perEnv.get(baseEnv)!;
    const baseDir = join(root, 'base', id);
    mkdirSync(baseDir, { recursive: true });
    // Resources as JSON (valid YAML): kustomize's YAML round trip re-indents some block scalars.
    base.forEach((o, i) => writeFileSync(join(baseDir, `r${i}.yaml`), JSON.stringify(o)));
    writeFileSync(join(baseDir, 'kustomization.yaml'), stringify({ resources: base.map((_, i) => `r${i}.yaml`) }));

    for (const [env, objects] of perEnv) {
      envs.add(env);
      const dir = join(root, 'overlays', env, id);
      mkdirSync(dir, { recursive: true });
      const baseById = new Map(base.map((o) => [idOf(o), o]));
      const envIds = new Set(objects.map(idOf));
      const resources = [`../../../../base/${id}`];
      const patches: Obj[] = [];
      objects.forEach((o, i) => {
        const from = baseById.get(idOf(o));
        if (!from) {
          writeFileSync(join(dir, `extra${i}.yaml`), JSON.stringify(o));
          resources.push(`extra${i}.yaml`);
          return;
        }
        const ops = jsonPatch(from, o);
        // JSON, not YAML: kustomize drops the final newline of a YAML block scalar in a patch value
        if (ops.length > 0) patches.push({ target: { kind: from.kind, name: from.metadata.name }, patch: JSON.stringify(ops) });
      });
      for (const o of base.filter((b) => !envIds.has(idOf(b)))) {
        patches.push({ patch: stringify({ $patch: 'delete', apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } }) });
      }
      writeFileSync(join(dir, 'kustomization.yaml'), stringify({ resources, ...(patches.length ? { patches } : {}) }));
    }
  }
  const overlays: string[] = [];
  for (const env of [...envs].sort()) {
    const dir = join(root, 'overlays', env);
    const services = [...byService.keys()].filter((id) => byService.get(id)!.has(env)).sort();
    writeFileSync(join(dir, 'kustomization.yaml'), stringify({ resources: services }));
    overlays.push(dir);
  }
  return overlays;
}

/** Objects in Kustomize's output that differ from the render (empty when they are the same). */
export function compareOutput(leaves: Leaves, env: string, kustomizeYaml: string): string[] {
  const ours = new Map<string, string>();
  for (const [leaf, objects] of leaves) if (leaf.startsWith(`${env}/`)) for (const o of objects) ours.set(key(o), canonical(o));
  const theirs = new Map(parseAllDocuments(kustomizeYaml).map((d) => d.toJS()).filter(Boolean).map((o: Obj) => [key(o), canonical(o)]));
  const problems: string[] = [];
  for (const [k, v] of ours) if (theirs.get(k) !== v) problems.push(`${env} ${k}: ${theirs.has(k) ? 'differs' : 'missing'}`);
  for (const k of theirs.keys()) if (!ours.has(k)) problems.push(`${env} ${k}: extra`);
  return problems;
}

function canonical(v: any): string {
  const sort = (x: any): any => Array.isArray(x) ? x.map(sort)
    : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort(x[k])])) : x;
  return JSON.stringify(sort(v));
}
