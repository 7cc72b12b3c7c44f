/**
 * Where the two dist/ trees come from: the committed dist/ at a git ref (read from git's object
 * store, the working tree untouched), the working tree's dist/, or a fresh render into a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST_DIR, type EnvironmentName } from '@gitops/platform';
import { findServiceProjects, synth } from '@gitops/platform/render';
import { glob } from 'tinyglobby';
import type { Progress } from '@gitops/platform/render';

/** The files Argo CD's directory source applies: .yaml, .yml and .json (Argo CD user guide, "Directory"). */
const MANIFEST_FILE = /\.(ya?ml|json)$/;

const git = (root: string, args: string[], input?: string) =>
  execFileSync('git', args, { cwd: root, input, maxBuffer: 512 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });

/** dist/ as committed at `ref` (path relative to dist/ → content); empty when it had none. */
export function readDistAtRef(root: string, ref: string): Map<string, string> {
  try {
    git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`unknown git ref '${ref}' (in ${root})`);
  }
  const entries = git(root, ['ls-tree', '-r', '-z', '--full-tree', ref, '--', DIST_DIR])
    .toString('utf8')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, path] = line.split('\t');
      const [, type, oid] = meta.split(' ');
      return { type, oid, path };
    })
    .filter((e) => e.type === 'blob' && MANIFEST_FILE.test(e.path));
  const out = new Map<string, string>();
  if (entries.length === 0) return out;
  // one git process for every blob: `<oid> blob <size>\n<content>\n` each
  const batch = git(root, ['cat-file', '--batch'], entries.map((e) => e.oid).join('\n') + '\n');
  let at = 0;
  for (const e of entries) {
    const headerEnd = batch.indexOf(0x0a, at);
    const size = Number(batch.subarray(at, headerEnd).toString('utf8').split(' ')[2]);
    out.set(e.path.slice(DIST_DIR.length + 1), batch.subarray(headerEnd + 1, headerEnd + 1 + size).toString('utf8'));
    at = headerEnd + 1 + size + 1;
  }
  return out;
}

/** Every manifest file under `dir` (path relative to it → content); dot folders (the writer's staging) are skipped. */
export async function readDistDir(dir: string): Promise<Map<string, string>> {
  const files = (await glob(['**/*.{yaml,yml,json}'], { cwd: dir })).sort();
  return new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

export interface RenderOptions {
  readonly environments?: readonly EnvironmentName[];
  readonly progress?: Progress;
}

/** Renders every service project of the workspace into a temp dir and reads it back. */
export async function renderDist(root: string, opts: RenderOptions = {}): Promise<Map<string, string>> {
  const projects = await findServiceProjects(root);
  const outDir = mkdtempSync(join(tmpdir(), 'manifest-diff-'));
  try {
    for (const [i, p] of projects.entries()) {
      opts.progress?.step(i + 1, projects.length, `rendering ${p.name}`);
      await synth({ root, outDir, projects: [p.root], environments: opts.environments });
    }
    return await readDistDir(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Only the files of these environments. */
export function onlyEnvs(tree: ReadonlyMap<string, string>, envs: readonly string[] | undefined): Map<string, string> {
  if (!envs || envs.length === 0) return new Map(tree);
  return new Map([...tree].filter(([path]) => envs.includes(path.split('/')[0])));
}
