/**
 * Evaluates ApplicationSets over a repository tree the way Argo CD's ApplicationSet controller
 * does, for the generators `argocd/` uses: git directory (Go `path.Match` globs; an `exclude: true`
 * entry wins over any include; only folders git has, i.e. with files below them), list, and matrix
 * (the cross product, parameters merged), and Go templates (`goTemplate: true`,
 * `missingkey=error`) with field access and `trimPrefix`. Anything else is refused, so the
 * evaluation never silently differs from Argo CD.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';

type Params = Record<string, unknown>;

/** Go's `path.Match`: `*` any run of non-`/` characters, `?` one, `[...]` a class, `\\` escapes. */
export function goPathMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\') re += escape(pattern[++i] ?? '');
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new Error(`bad pattern ${pattern}: unclosed [`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      re += `[${cls.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`${re}$`).test(name);
}

function escape(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The git directory generator: parameter sets for the folders of `root` its entries select. */
export function gitDirectoryParams(root: string, directories: readonly { path: string; exclude?: boolean }[]): Params[] {
  const tops = new Set(directories.map((d) => d.path.split('/')[0]));
  const folders = [...tops].flatMap((top) => gitFolders(root, top));
  return folders
    .filter((f) => directories.some((d) => !d.exclude && goPathMatch(d.path, f)) && !directories.some((d) => d.exclude && goPathMatch(d.path, f)))
    .sort()
    .map((f) => ({
      path: {
        path: f,
        basename: posix.basename(f),
        basenameNormalized: posix.basename(f).toLowerCase().replace(/[^a-z0-9-.]/g, '-'),
        segments: f.split('/'),
      },
    }));
}

/** The parameter sets one generator produces. */
export function generatorParams(root: string, generator: any): Params[] {
  const keys = Object.keys(generator).filter((k) => k !== 'selector');
  if (keys.length !== 1) throw new Error(`a generator has exactly one kind; got ${keys.join(', ')}`);
  const [kind] = keys;
  if (kind === 'git') {
    if (generator.git.files) throw new Error('git files generator: not evaluated here');
    return gitDirectoryParams(root, generator.git.directories ?? []);
  }
  if (kind === 'list') {
    if (generator.list.elementsYaml) throw new Error('list elementsYaml: not evaluated here');
    return (generator.list.elements ?? []).map((e: Params) => ({ ...e }));
  }
  if (kind === 'matrix') {
    const gens = generator.matrix.generators ?? [];
    if (gens.length !== 2) throw new Error('a matrix generator combines exactly two generators');
    const [a, b] = gens.map((g: any) => generatorParams(root, g));
    return a.flatMap((pa: Params) => b.map((pb: Params) => {
      for (const k of Object.keys(pb)) if (k in pa) throw new Error(`matrix: both generators set parameter ${k}`);
      return { ...pa, ...pb };
    }));
  }
  throw new Error(`${kind} generator: not evaluated here`);
}

/** Renders one Go template string (`{{ .a.b }}`, `{{ trimPrefix "x" .a.b }}`) with missingkey=error. */
export function renderGoTemplate(template: string, params: Params): string {
  return template.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, action: string) => {
    const field = (ref: string): string => {
      if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(ref)) throw new Error(`template ${template}: unsupported operand ${ref}`);
      let cur: unknown = params;
      for (const k of ref.slice(1).split('.')) {
        if (cur === null || typeof cur !== 'object' || !(k in cur)) throw new Error(`template ${template}: map has no entry for key "${k}" (missingkey=error)`);
        cur = (cur as Params)[k];
      }
      if (typeof cur !== 'string' && typeof cur !== 'number' && typeof cur !== 'boolean') throw new Error(`template ${template}: ${ref} is not a scalar`);
      return String(cur);
    };
    const trim = /^trimPrefix\s+"([^"]*)"\s+(\S+)$/.exec(action);
    if (trim) {
      const value = field(trim[2]);
      return value.startsWith(trim[1]) ? value.slice(trim[1].length) : value;
    }
    return field(action);
  });
}

function renderDeep(value: unknown, params: Params): unknown {
  if (typeof value === 'string') return renderGoTemplate(value, params);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, params));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [renderGoTemplate(k, params), renderDeep(v, params)]));
  return value;
}

/** The Applications an ApplicationSet generates over the tree at `root`. */
export function expandApplicationSet(root: string, appSet: any): any[] {
  const spec = appSet.spec;
  if (spec.goTemplate !== true) throw new Error(`${appSet.metadata.name}: only goTemplate: true is evaluated here`);
  if (!(spec.goTemplateOptions ?? []).includes('missingkey=error')) throw new Error(`${appSet.metadata.name}: goTemplateOptions must include missingkey=error`);
  return (spec.generators ?? []).flatMap((g: any) => generatorParams(root, g)).map((params: Params) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { ...(renderDeep(spec.template.metadata, params) as object), namespace: appSet.metadata.namespace },
    spec: renderDeep(spec.template.spec, params),
  }));
}

/**
 * Folders (relative to `root`, under `top`) that directly hold at least one file. Git stores no
 * empty folders, so these are exactly the folders Argo CD can see with files in them.
 */
export function foldersWithFiles(root: string, top: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = join(root, rel);
    if (!existsSync(abs)) return;
    const entries = readdirSync(abs, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
    if (entries.some((e) => e.isFile())) out.push(rel);
    for (const e of entries) if (e.isDirectory()) walk(`${rel}/${e.name}`);
  };
  walk(top);
  return out.sort();
}

/** Every folder (relative to `root`) under `top` that git would have: those with a file somewhere below. */
export function gitFolders(root: string, top: string): string[] {
  const withFiles = foldersWithFiles(root, top);
  const all = new Set<string>();
  for (const f of withFiles) {
    const parts = f.split('/');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
  }
  return [...all].sort();
}
