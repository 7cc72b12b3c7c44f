/**
 * The repository layout, spelled once (as argocd-autopilot's store.go does): every other module
 * asks here where things are.
 */
import { join } from 'node:path';
import type { EnvironmentName } from '../values/environment';

export const ENVIRONMENTS_DIR = 'environments';
export const DIST_DIR = 'dist';
export const ARGOCD_DIR = 'argocd';

export function environmentFile(root: string, env: EnvironmentName): string {
  return join(root, ENVIRONMENTS_DIR, env, 'environment.yaml');
}

export function systemValuesFile(root: string, env: EnvironmentName, system: string): string {
  return join(root, ENVIRONMENTS_DIR, env, `${system}.yaml`);
}

/**
 * The folder a render replaces as a whole: `<env>/<system>/<service>` of a leaf
 * `<env>/<system>/<service>` or `<env>/<system>/<service>/<cluster>` (undefined for any other
 * path). A service folder holds either the service's files (synced to every cluster of its system)
 * or one folder per cluster (render.ts), never both; the writer swaps the service folder in one
 * rename, so a change of layout never shows Argo CD both layouts, or neither.
 */
export function serviceFolderOf(leaf: string): string | undefined {
  const parts = leaf.split('/');
  return parts.length === 3 || parts.length === 4 ? parts.slice(0, 3).join('/') : undefined;
}

/**
 * The first line of every rendered file: which project rendered it, from which values files
 * (paths relative to the workspace root: the system's values, then the environment's fleet), for
 * which leaf folder, so a reviewer can trace any value in dist/ back to the line to change. The
 * prune step reads it back (`renderedLeafOf`) to prove a folder is the renderer's own.
 */
export function renderedHeader(source: string | undefined, leaf: string, valuesFiles: readonly string[] = []): string {
  const from = valuesFiles.length > 0 ? ` with ${valuesFiles.join(' and ')}` : '';
  return `# Rendered from ${source ?? 'code'}${from} for ${leaf}. Do not edit: change the code or the values files and run npm run synth.\n`;
}

/**
 * The leaf folder a rendered file's first line names, or undefined for a line the renderer did not
 * write. Headers written before the values files were named (`# Rendered from <project> for <leaf>.
 * Do not edit: change the code or environments/ ...`) are the renderer's too: a branch made before
 * the change still prunes and diffs like today's.
 */
export function renderedLeafOf(firstLine: string): string | undefined {
  return /^# Rendered from \S+(?: with \S+(?: and \S+)*)? for (\S+)\. Do not edit: /.exec(firstLine)?.[1];
}

/** A rendered file's place in `dist/`: `dist/<env>/<system>/<service>[/<cluster>]/<Kind>.<name>.<ext>`. */
export interface DistFile {
  readonly env: string;
  readonly system: string;
  readonly service: string;
  /** Set for a per-cluster folder. */
  readonly cluster?: string;
  /** The folder one Application syncs: `dist/<env>/<system>/<service>[/<cluster>]`. */
  readonly leaf: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * Reads a path relative to the workspace root as the writer lays files out (undefined for any
 * other path). `.yml` and `.json` too: Argo CD's directory source syncs them alike.
 */
export function parseDistFile(file: string): DistFile | undefined {
  const m = new RegExp(`^${DIST_DIR}/([^/]+)/([^/]+)/([^/]+)/(?:([^/]+)/)?([^./]+)\\.([^/]+)\\.(ya?ml|json)$`).exec(file);
  if (!m) return undefined;
  const [, env, system, service, cluster, kind, name] = m;
  const leaf = [DIST_DIR, env, system, service, ...(cluster ? [cluster] : [])].join('/');
  return { env, system, service, ...(cluster ? { cluster } : {}), leaf, kind, name };
}
