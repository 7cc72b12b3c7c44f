/**
 * What Argo CD will find in `dist/`: the leaf folders (`<env>/<system>/<service>`) and the
 * identity of every object in them. Read from files, so it can be pointed at any tree.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DIST_DIR, FileProblemsError, foldersWithFiles, groupOf, parseYaml, readUtf8File, type FileProblem } from '@gitops/platform';

/** The identity of a rendered object: what an AppProject has to permit. */
export interface ObjectRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects (the platform renders a namespace on every namespaced one). */
  readonly namespace?: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: unknown;
  readonly file: string;
}

export interface DistLeaf {
  readonly env: string;
  readonly system: string;
  readonly service: string;
  /** `dist/<env>/<system>/<service>`, relative to the repository root. */
  readonly path: string;
  readonly objects: readonly ObjectRef[];
}

/**
 * Every folder under `dist/` that holds files, sorted, with the objects they declare. A file that
 * cannot be read safely (encoding, YAML syntax, keys given twice, alias bombs) throws a
 * `FileProblemsError` naming every such file, line and column.
 */
export function readDist(root: string): DistLeaf[] {
  const leaves: DistLeaf[] = [];
  const problems: FileProblem[] = [];
  for (const path of foldersWithFiles(root, DIST_DIR)) {
    const parts = path.split('/');
    const objects: ObjectRef[] = [];
    for (const file of filesIn(join(root, path))) {
      let parsed;
      try {
        // as Argo CD reads it (sigs.k8s.io/yaml, YAML 1.1 scalars): a plain `Off` is reported
        parsed = parseYaml(readUtf8File(join(root, path, file), `${path}/${file}`), `${path}/${file}`, { multi: true, goYaml: true });
      } catch (e) {
        if (!(e instanceof FileProblemsError)) throw e;
        problems.push(...e.problems);
        continue;
      }
      problems.push(...parsed.problems);
      for (const doc of parsed.documents) {
        const o = doc.value as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> }; spec?: unknown } | null;
        if (!o) continue;
        objects.push({
          group: groupOf(o.apiVersion ?? ''),
          kind: o.kind ?? '',
          name: o.metadata?.name ?? '',
          namespace: o.metadata?.namespace,
          annotations: o.metadata?.annotations ?? {},
          spec: o.spec,
          file: `${path}/${file}`,
        });
      }
    }
    leaves.push({ env: parts[1], system: parts[2], service: parts[3], path, objects });
  }
  if (problems.length > 0) throw new FileProblemsError(problems);
  return leaves;
}

/** The leaf shape the renderer hands its writer (render.ts RenderedLeaf): one object per `<Kind>.<name>.yaml`. */
export interface RenderedLeafLike {
  /** `<env>/<system>/<service>[/<cluster>]`, relative to dist/. */
  readonly path: string;
  readonly objects: readonly { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: unknown }[];
}

/**
 * What `readDist` would read back from the folders a render of the whole catalogue just wrote,
 * from the render itself (reading the YAML back costs more than the render: the one-process
 * `npm run synth`). The writer writes each object to `<Kind>.<name>.yaml` (render.ts toFiles),
 * and a test compares this with `readDist` over the same render.
 */
export function distLeavesOf(rendered: readonly RenderedLeafLike[]): DistLeaf[] {
  const leaves = rendered.map((leaf) => {
    const parts = `${DIST_DIR}/${leaf.path}`.split('/');
    const objects = leaf.objects
      .map((o) => ({ o, file: `${o.kind}.${o.metadata.name}.yaml` }))
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
      .map(({ o, file }): ObjectRef => ({
        group: groupOf(o.apiVersion),
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        annotations: o.metadata.annotations ?? {},
        spec: o.spec,
        file: `${DIST_DIR}/${leaf.path}/${file}`,
      }));
    return { env: parts[1], system: parts[2], service: parts[3], path: `${DIST_DIR}/${leaf.path}`, objects };
  });
  return leaves.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function filesIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => e.name)
    .sort();
}
