/**
 * ApplicationSet generation as the ApplicationSet controller does it offline: git directory, list,
 * cluster and matrix generators, rendered through the (go)template into Applications.
 * Docs: docs/operator-manual/applicationset/Generators-*.md, GoTemplate.md.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { globMatch, type K8sObject } from './model';

export type Params = Record<string, unknown>;

/** A cluster the cluster generator lists (Argo CD's cluster Secrets; here the environments' clusters). */
export interface KnownCluster {
  readonly name: string;
  readonly server: string;
}

export class AppSetError extends Error {}

/** Every directory of the repository, repo-relative, for the git directory generator. */
function allDirectories(root: string, rel = ''): string[] {
  const out: string[] = [];
  const here = rel ? join(root, rel) : root;
  for (const entry of readdirSync(here)) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const path = rel ? `${rel}/${entry}` : entry;
    if (statSync(join(root, path)).isDirectory()) out.push(path, ...allDirectories(root, path));
  }
  return out;
}

/**
 * Git directory generator (applicationset/generators/git.go filterApps): a directory matches an
 * entry's path glob (path.Match: `*` never crosses `/`); `exclude: true` entries remove matches.
 */
function gitDirectories(root: string, spec: any, goTemplate: boolean): Params[] {
  const entries: any[] = spec.directories ?? [];
  if (spec.files) throw new AppSetError('git files generator is not modelled');
  const segmentGlob = (pattern: string, dir: string) => {
    const p = pattern.split('/');
    const d = dir.split('/');
    return p.length === d.length && p.every((seg, i) => globMatch(seg, d[i]));
  };
  const first = entries.find((e) => !e.exclude)?.path?.split('/')[0];
  const candidates = first && !first.includes('*') && existsSync(join(root, first)) ? allDirectories(root).filter((d) => d.startsWith(`${first}/`) || d === first) : allDirectories(root);
  const dirs = candidates.filter((d) => entries.some((e) => !e.exclude && segmentGlob(e.path, d)) && !entries.some((e) => e.exclude && segmentGlob(e.path, d)));
  return dirs.sort().map((d) => {
    const segments = d.split('/');
    const basename = segments[segments.length - 1];
    const path = { path: d, basename, basenameNormalized: basename.replace(/[^a-zA-Z0-9-]/g, '-').toLowerCase(), segments };
    // Flat params (path, path.basename, ...) without goTemplate; a nested `path` object with it.
    return goTemplate ? { path } : { path: d, 'path.basename': basename, 'path.basenameNormalized': path.basenameNormalized };
  });
}

/** The parameter sets one generator yields. */
export function generate(root: string, generator: any, goTemplate: boolean, clusters: readonly KnownCluster[]): Params[] {
  if (generator.list) return (generator.list.elements ?? []).map((e: Params) => ({ ...e }));
  if (generator.git) return gitDirectories(root, generator.git, goTemplate);
  if (generator.clusters) {
    // Generators-Cluster.md: name, server (and metadata.labels) of each cluster Secret.
    return clusters.map((c) => ({ name: c.name, nameNormalized: c.name, server: c.server }));
  }
  if (generator.matrix) {
    const [a, b] = generator.matrix.generators ?? [];
    if (!a || !b) throw new AppSetError('matrix generator needs exactly two generators');
    const left = generate(root, a, goTemplate, clusters);
    const right = generate(root, b, goTemplate, clusters);
    // Generators-Matrix.md: the Cartesian product, parameters merged.
    return left.flatMap((l) => right.map((r) => ({ ...l, ...r })));
  }
  throw new AppSetError(`generator ${Object.keys(generator).join(',')} is not modelled`);
}

function lookup(params: Params, path: string, missingKeyError: boolean, goTemplate: boolean): unknown {
  if (!goTemplate) return params[path];
  let v: unknown = params;
  for (const key of path.split('.').filter(Boolean)) {
    if (v && typeof v === 'object' && key in (v as object)) v = (v as Record<string, unknown>)[key];
    else if (missingKeyError) throw new AppSetError(`map has no entry for key "${key}" (goTemplateOptions missingkey=error)`);
    else return '<no value>';
  }
  return v;
}

/** Go template functions the repository uses (Sprig: https://masterminds.github.io/sprig/strings.html). */
const FUNCTIONS: Record<string, (...args: string[]) => string> = {
  trimPrefix: (prefix, s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s),
  trimSuffix: (suffix, s) => (s.endsWith(suffix) ? s.slice(0, -suffix.length) : s),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  replace: (from, to, s) => s.split(from).join(to),
};

function evalExpression(expr: string, params: Params, missingKeyError: boolean, goTemplate: boolean): string {
  const tokens = expr.trim().match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  const value = (t: string): string => {
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (goTemplate && t.startsWith('.')) return String(lookup(params, t.slice(1), missingKeyError, goTemplate));
    if (!goTemplate) return String(lookup(params, t, missingKeyError, goTemplate) ?? `{{${t}}}`);
    throw new AppSetError(`template token ${t} is not modelled`);
  };
  const [head, ...args] = tokens;
  if (head === undefined) throw new AppSetError('empty template action');
  if (args.length === 0) return value(head);
  const fn = FUNCTIONS[head];
  if (!fn || !goTemplate) throw new AppSetError(`template function ${head} is not modelled`);
  return fn(...args.map(value));
}

/** Renders every string of a template with one parameter set. */
export function render<T>(template: T, params: Params, goTemplate: boolean, missingKeyError: boolean): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_, e: string) => evalExpression(e, params, missingKeyError, goTemplate));
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [walk(k) as string, walk(x)]));
    return v;
  };
  return walk(template) as T;
}

/** The Applications one ApplicationSet generates. */
export function applicationsOf(root: string, appset: K8sObject, clusters: readonly KnownCluster[]): K8sObject[] {
  const spec = appset.spec ?? {};
  const goTemplate = spec.goTemplate === true;
  const missingKeyError = (spec.goTemplateOptions ?? []).includes('missingkey=error');
  const out: K8sObject[] = [];
  for (const generator of spec.generators ?? []) {
    for (const params of generate(root, generator, goTemplate, clusters)) {
      const t = render(spec.template ?? {}, params, goTemplate, missingKeyError) as any;
      out.push({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { ...t.metadata, namespace: appset.metadata?.namespace ?? 'argocd' },
        spec: t.spec,
      });
    }
  }
  return out;
}
