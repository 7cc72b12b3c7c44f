/**
 * Where a system's image tags are: every field whose schema is the platform's `imageTag`,
 * found by walking the system's zod schema (zod 4 keeps the structure in `schema._zod.def`),
 * so no tool assumes `services.<name>.tag`.
 */
import { imageTag, type ServiceDefinition } from '@gitops/platform';
import type { z } from 'zod';

/** A segment of a schema path: a key, or any key of a record / index of an array. */
export const ANY = Symbol('any');
export type SchemaPath = (string | typeof ANY)[];

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  getter?: () => z.ZodType;
  checks?: unknown[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * Whether `schema` is `target`: the same object, a clone of it (`.describe()`, `.meta()` share its
 * def), or it with more checks (`.refine()`, `.superRefine()` keep its checks first).
 */
export function isSchema(schema: z.ZodType, target: z.ZodType = imageTag): boolean {
  if (schema === target) return true;
  const s = defOf(schema);
  const t = defOf(target);
  if (s === t) return true;
  if (s.type !== t.type || !t.checks || !s.checks || s.checks.length <= t.checks.length) return false;
  return t.checks.every((c, i) => s.checks![i] === c);
}

/** Every path in `schema` whose schema is `target` (the platform's `imageTag` by default). */
export function findSchemaPaths(schema: z.ZodType, target: z.ZodType = imageTag): SchemaPath[] {
  const found: SchemaPath[] = [];
  // the schemas being walked: a recursive (lazy) schema stops at itself; a shared one is walked at every use
  const walking = new Set<z.ZodType>();
  const walk = (s: z.ZodType, path: SchemaPath) => {
    if (isSchema(s, target)) {
      found.push(path);
      return;
    }
    if (walking.has(s)) return;
    walking.add(s);
    walkChildren(s, path);
    walking.delete(s);
  };
  const walkChildren = (s: z.ZodType, path: SchemaPath) => {
    const d = defOf(s);
    switch (d.type) {
      case 'object':
        for (const [key, child] of Object.entries(d.shape ?? {})) walk(child, [...path, key]);
        break;
      case 'array':
      case 'set':
        walk(d.element ?? d.valueType!, [...path, ANY]);
        break;
      case 'record':
      case 'map':
        walk(d.valueType!, [...path, ANY]);
        break;
      case 'tuple':
        (d.items ?? []).forEach((item, i) => walk(item, [...path, String(i)]));
        if (d.rest) walk(d.rest, [...path, ANY]);
        break;
      case 'union':
        for (const option of d.options ?? []) walk(option, path);
        break;
      case 'intersection':
        walk(d.left!, path);
        walk(d.right!, path);
        break;
      case 'pipe':
        walk(d.in!, path);
        walk(d.out!, path);
        break;
      case 'lazy':
        walk(d.getter!(), path);
        break;
      default:
        // optional, nullable, default, prefault, nonoptional, readonly, catch, promise, success
        if (d.innerType) walk(d.innerType, path);
    }
  };
  walk(schema, []);
  // a union or pipe can reach one field twice
  const keys = new Set<string>();
  return found.filter((p) => {
    const key = JSON.stringify(p.map((s) => (s === ANY ? '\0*' : s)));
    return keys.has(key) ? false : (keys.add(key), true);
  });
}

/** The tag paths that exist in `values` (records and arrays expanded), each a list of keys, in schema order. */
export function tagPaths(schema: z.ZodType, values: unknown): string[][] {
  const out: string[][] = [];
  const expand = (node: unknown, rest: SchemaPath, at: string[]) => {
    if (rest.length === 0) {
      if (typeof node === 'string') out.push(at);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const [head, ...tail] = rest;
    if (head === ANY) {
      for (const key of Object.keys(node)) expand((node as Record<string, unknown>)[key], tail, [...at, key]);
    } else if (Object.prototype.hasOwnProperty.call(node, head)) {
      expand((node as Record<string, unknown>)[head], tail, [...at, head]);
    }
  };
  for (const p of findSchemaPaths(schema)) expand(values, p, []);
  const seen = new Set<string>();
  return out.filter((p) => (seen.has(p.join('\0')) ? false : (seen.add(p.join('\0')), true)));
}

/** The value at a path of plain data. */
export function valueAt(data: unknown, path: readonly string[]): unknown {
  let cur = data;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** A schema path as people write it: `services.*.tag`. */
export const showSchemaPath = (p: SchemaPath): string => p.map((s) => (s === ANY ? '*' : s)).join('.');

/**
 * The image tags a service declares (`imageTags` of its `defineService`), as key lists, each
 * checked to be an `imageTag` field of its system's values schema; `file` (the service's
 * `src/index.ts`) names it in the error.
 */
export function declaredTagPaths(service: ServiceDefinition, file: string): string[][] {
  const fields = findSchemaPaths(service.system.values);
  const seen = new Set<string>();
  return (service.imageTags ?? []).map((dotted) => {
    const path = dotted.split('.');
    const isField = fields.some((f) => f.length === path.length && f.every((s, i) => (s === ANY ? path[i] !== '' : s === path[i])));
    if (!isField) {
      throw new Error(
        `${file}: imageTags: '${dotted}' is not an image tag field of the ${service.system.name} values schema ` +
          `(its image tag fields: ${fields.map(showSchemaPath).join(', ') || 'none'})`,
      );
    }
    if (seen.has(dotted)) throw new Error(`${file}: imageTags: '${dotted}' is listed twice`);
    seen.add(dotted);
    return path;
  });
}
