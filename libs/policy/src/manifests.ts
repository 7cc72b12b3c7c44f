/**
 * Reads rendered manifests back from disk, with where each came from, for the policy checks.
 * It reads what Argo CD applies from a synced folder: "Directory-type applications load plain
 * manifest files from .yml, .yaml, and .json files" (Argo CD user guide, "Directory",
 * https://argo-cd.readthedocs.io/en/stable/user-guide/directory/). Any other file in dist/ is
 * reported: the render never writes one, and a reader that skipped it would hide it.
 */
import { relative, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { FileProblemsError, parseYaml, readUtf8File, type FileProblem } from '@gitops/platform';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  [key: string]: unknown;
}

export interface Manifest {
  /** Path relative to the workspace root, e.g. `dist/production/kiteclass/kiteclass-core/Deployment.kiteclass-core.yaml`. */
  file: string;
  /** Environment of a `dist/<env>/...` file; undefined elsewhere (e.g. `argocd/`). */
  env?: string;
  object: K8sObject;
}

export interface ManifestFiles {
  manifests: Manifest[];
  /**
   * Files that could not be read safely (encoding, YAML syntax, keys given twice, alias bombs),
   * plain scalars whose YAML 1.1 meaning differs from their YAML 1.2 one, and files in dist/ that
   * are not manifests, one located line each.
   */
  problems: FileProblem[];
}

/** The extensions Argo CD's directory source applies (case-sensitive, as its file match is). */
export const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** Every object in the manifest files under `dirs` (relative to `root`), and every file problem. */
export async function readManifestFiles(root: string, dirs: readonly string[]): Promise<ManifestFiles> {
  const files = await glob(dirs.map((d) => `${d.replace(/\/+$/, '')}/**/*`), { cwd: root, dot: false });
  const out: ManifestFiles = { manifests: [], problems: [] };
  for (const file of files.sort()) {
    if (!MANIFEST_FILE.test(file)) {
      if (envOf(file) !== undefined) {
        // Argo CD also evaluates *.jsonnet in a directory source (its manifest file match is
        // `\.(yaml|yml|json|jsonnet)$`), which nothing here could check.
        const reason = file.endsWith('.jsonnet')
          ? 'a Jsonnet file: Argo CD would evaluate it and apply what it yields, which validate cannot check; the render writes nothing else into dist/, so remove it'
          : 'not a manifest file: Argo CD applies only .yaml, .yml and .json files of a folder; the render writes nothing else into dist/, so remove it';
        out.problems.push({ file, line: 0, column: 0, field: '', reason });
      }
      continue;
    }
    let parsed;
    try {
      // JSON is YAML: one parser, so .json files get the same checks and positions. Read as
      // kubectl and Argo CD read it (sigs.k8s.io/yaml, YAML 1.1 scalars): a plain `Off` is false,
      // and reported, since the API server would get false where the render meant "Off".
      parsed = parseYaml(readUtf8File(`${root}/${file}`, file), file, { multi: true, goYaml: true });
    } catch (e) {
      if (!(e instanceof FileProblemsError)) throw e;
      out.problems.push(...e.problems);
      continue;
    }
    out.problems.push(...parsed.problems);
    // a file that does not parse is not checked; one that parses with a changed YAML 1.1 meaning
    // is checked as the cluster would get it
    if (parsed.problems.length > parsed.yaml11.length) continue;
    for (const doc of parsed.documents) {
      const object = doc.value as K8sObject | null;
      if (!object || typeof object !== 'object' || !object.kind) continue;
      out.manifests.push({ file, env: envOf(file), object });
    }
  }
  return out;
}

/** As `readManifestFiles`, throwing a `FileProblemsError` (one line per problem) when a file cannot be checked. */
export async function readManifests(root: string, dirs: readonly string[]): Promise<Manifest[]> {
  const { manifests, problems } = await readManifestFiles(root, dirs);
  if (problems.length > 0) throw new FileProblemsError(problems);
  return manifests;
}

function envOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  return parts[0] === 'dist' ? parts[1] : undefined;
}

/** `relative()` with forward slashes, for messages that read the same on every machine. */
export function rel(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
