/**
 * Reads rendered manifests back from disk, with where each came from, for the policy checks.
 */
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { glob } from 'tinyglobby';
import { parseAllDocuments } from 'yaml';

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

/** Every object in the YAML files under `dirs` (relative to `root`). */
export async function readManifests(root: string, dirs: readonly string[]): Promise<Manifest[]> {
  const files = await glob(dirs.map((d) => `${d.replace(/\/+$/, '')}/**/*.{yaml,yml}`), { cwd: root, dot: false });
  const out: Manifest[] = [];
  for (const file of files.sort()) {
    for (const doc of parseAllDocuments(readFileSync(`${root}/${file}`, 'utf8'))) {
      const object = doc.toJS() as K8sObject | null;
      if (!object || typeof object !== 'object' || !object.kind) continue;
      out.push({ file, env: envOf(file), object });
    }
  }
  return out;
}

function envOf(file: string): string | undefined {
  const parts = file.split(/[\\/]/);
  return parts[0] === 'dist' ? parts[1] : undefined;
}

/** `relative()` with forward slashes, for messages that read the same on every machine. */
export function rel(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
