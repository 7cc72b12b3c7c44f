/**
 * What Argo CD will find in `dist/`: the leaf folders (`<env>/<system>/<service>`) and the
 * identity of every object in them. Read from files, so it can be pointed at any tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeUtf8, DIST_DIR, FileProblemsError, foldersWithFiles, groupOf, parseYaml, type FileProblem } from '@gitops/platform';
import { DistMemo } from './dist-memo';

/** The identity of a rendered object: what an AppProject has to permit. */
export interface ObjectRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects (the platform renders a namespace on every namespaced one). */
  readonly namespace?: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** The spec of an Argo CD Application (the generator checks where it deploys); undefined for any other kind. */
  readonly spec: unknown;
  readonly file: string;
}

/** An object of a file, without the file's path (what the memo of dist/ keeps: the same bytes may sit at several paths). */
export type FileObject = Omit<ObjectRef, 'file'>;

/** An object as the generator sees it (from a parsed file, or from the render that wrote it). */
interface ObjectLike {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, string> };
  readonly spec?: unknown;
}

function refOf(o: ObjectLike): FileObject {
  const group = groupOf(o.apiVersion ?? '');
  const kind = o.kind ?? '';
  return {
    group,
    kind,
    name: o.metadata?.name ?? '',
    namespace: o.metadata?.namespace,
    annotations: o.metadata?.annotations ?? {},
    spec: group === 'argoproj.io' && kind === 'Application' ? o.spec : undefined,
  };
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
 * `FileProblemsError` naming every such file, line and column. With a `memo`, a file whose bytes
 * it knows is not parsed again, and every file read goes into it (dist-memo.ts).
 */
export function readDist(root: string, memo?: DistMemo<FileObject>): DistLeaf[] {
  const leaves: DistLeaf[] = [];
  const problems: FileProblem[] = [];
  for (const path of foldersWithFiles(root, DIST_DIR)) {
    const parts = path.split('/');
    const objects: ObjectRef[] = [];
    for (const file of filesIn(join(root, path))) {
      const rel = `${path}/${file}`;
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(root, rel));
      } catch (e) {
        problems.push({ file: rel, line: 1, column: 1, field: '', reason: `cannot read: ${(e as Error).message}` });
        continue;
      }
      const digest = memo && DistMemo.digest(bytes);
      const known = digest && memo.get(digest);
      if (known) {
        for (const o of known) objects.push({ ...o, file: rel });
        continue;
      }
      let parsed;
      try {
        // as Argo CD reads it (sigs.k8s.io/yaml, YAML 1.1 scalars): a plain `Off` is reported
        parsed = parseYaml(decodeUtf8(bytes, rel), rel, { multi: true, goYaml: true });
      } catch (e) {
        if (!(e instanceof FileProblemsError)) throw e;
        problems.push(...e.problems);
        continue;
      }
      problems.push(...parsed.problems);
      const found = parsed.documents.filter((doc) => doc.value).map((doc) => refOf(doc.value as ObjectLike));
      if (digest && parsed.problems.length === 0) memo.set(digest, found);
      for (const o of found) objects.push({ ...o, file: rel });
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
  /** File name to the content written (render.ts toFiles); with a memo, each file's bytes are remembered as holding its object. */
  readonly files?: ReadonlyMap<string, string>;
}

/**
 * What `readDist` would read back from the folders a render of the whole catalogue just wrote,
 * from the render itself (reading the YAML back costs more than the render: the one-process
 * `npm run synth`). The writer writes each object to `<Kind>.<name>.yaml` (render.ts toFiles),
 * and a test compares this with `readDist` over the same render. With a `memo`, the bytes of each
 * file written are remembered as holding its object, so the next run that reads dist/ back (the
 * affected render through Nx) parses only what changed since.
 */
export function distLeavesOf(rendered: readonly RenderedLeafLike[], memo?: DistMemo<FileObject>): DistLeaf[] {
  const leaves = rendered.map((leaf) => {
    const parts = `${DIST_DIR}/${leaf.path}`.split('/');
    const objects = leaf.objects
      .map((o) => ({ o, file: `${o.kind}.${o.metadata.name}.yaml` }))
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
      .map(({ o, file }): ObjectRef => {
        const ref = refOf(o);
        const text = leaf.files?.get(file);
        if (memo && text !== undefined) memo.set(DistMemo.digest(text), [ref]);
        return { ...ref, file: `${DIST_DIR}/${leaf.path}/${file}` };
      });
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
