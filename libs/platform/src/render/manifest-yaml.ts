/**
 * The YAML of a rendered object: deterministic (identity keys first, every other map sorted, no
 * line folding) and with one meaning under YAML 1.1 and 1.2.
 *
 * kubectl, Argo CD's repo server and kubeconform read YAML through sigs.k8s.io/yaml, which is
 * go-yaml v2: a YAML 1.1 reader, where plain `yes`, `on`, `Off`, `y`, `n`, `017`, `1_000` are
 * booleans or numbers (go-yaml v2 resolve.go). A YAML 1.2 writer quotes only what 1.2 would
 * misread, so a string such as `Off` would be written plain and the API server would receive
 * `false`. Every string that YAML 1.1 would resolve to another type is written quoted.
 *
 * Written by js-yaml's dumper, which decides to quote a string when any implicit type of its
 * schema resolves it (dumper.js `testImplicitResolving`): the schema below quotes exactly the
 * strings that js-yaml's DEFAULT_SCHEMA or YAML 1.1 would read as something else. js-yaml writes
 * the 340 objects of the catalogue in a third of the time the `yaml` package's Document model
 * takes (issue 23 item 5).
 */
import { Document } from 'yaml';
import { DEFAULT_SCHEMA, Schema, Type, dump } from 'js-yaml';

/**
 * The YAML 1.1 implicit types of the `yaml` package's 1.1 schema (null, bool, int, float,
 * timestamp, merge) as one regular expression: it is tried on every string written.
 */
const YAML11_IMPLICIT = new RegExp(
  new Document(null, { version: '1.1' }).schema.tags
    .filter((t) => t.default === true && t.test instanceof RegExp)
    .map((t) => `(?:${(t.test as RegExp).source})`)
    .join('|'),
);

/** Whether a YAML 1.1 reader would read this string, written plain, as something else. */
export function isYaml11NonString(value: string): boolean {
  return YAML11_IMPLICIT.test(value);
}

/** DEFAULT_SCHEMA's implicit types: null, bool, int, float, timestamp, merge. */
const DEFAULT_IMPLICIT = (DEFAULT_SCHEMA as unknown as { implicit: Type[] }).implicit;

/**
 * The first characters of every string those types or YAML 1.1 read as something else (a null,
 * boolean, number, timestamp or merge key: `~`, `null`, `y`, `yes`, `on`, `true`, `no`, `off`,
 * `false`, `+1`, `-1`, `.5`, `.inf`, `<<`, a digit, and `e7`: YAML 1.1's float needs no digit
 * before its exponent), and the empty string.
 */
const MAY_BE_NON_STRING = /^(?:$|[-+.~<0-9nNyYtTfFoOeE])/;

/**
 * The schema js-yaml writes with. js-yaml asks every implicit type of its schema about every
 * string it writes (keys too: a label key `y` would become the boolean true) and quotes it if one
 * says yes; here one type answers for all (DEFAULT_SCHEMA's and YAML 1.1's), looking at the first
 * character before any pattern, and DEFAULT_SCHEMA's types are kept only to write numbers, booleans
 * and null (a copy of each that resolves no string). The same output as DEFAULT_SCHEMA with a YAML
 * 1.1 type added (a differential test holds it to that), with a fifth of the writer's time less.
 */
const MANIFEST_SCHEMA = new Schema({
  implicit: [
    new Type('tag:gitops-manifests,2026:non-string', {
      kind: 'scalar',
      resolve: (s: unknown) => typeof s === 'string' && MAY_BE_NON_STRING.test(s) && (isYaml11NonString(s) || DEFAULT_IMPLICIT.some((t) => t.resolve(s))),
    }),
    ...DEFAULT_IMPLICIT.map((t) => Object.assign(Object.create(Object.getPrototypeOf(t) as object) as Type, t, { resolve: () => false })),
  ],
  explicit: (DEFAULT_SCHEMA as unknown as { explicit: Type[] }).explicit,
});

const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata'];

/** Deterministic YAML: top-level identity keys first, every other map sorted, no line folding. */
export function toYaml(obj: object): string {
  return dump(sortKeys(obj, true), { schema: MANIFEST_SCHEMA, lineWidth: -1, noRefs: true });
}

/** A copy with sorted keys; a map entry whose value is undefined is left out and an undefined list item is null, as JSON does. */
function sortKeys(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(); // by UTF-16 code units
  if (top) keys.sort((a, b) => rank(a) - rank(b)); // stable: the rest stay sorted
  const sorted: Record<string, unknown> = {};
  for (const k of keys) {
    if (record[k] === undefined) continue;
    // an own property even for `__proto__` (an assignment would set the prototype)
    if (k === '__proto__') Object.defineProperty(sorted, k, { value: sortKeys(record[k]), enumerable: true, writable: true, configurable: true });
    else sorted[k] = sortKeys(record[k]);
  }
  return sorted;
}

function rank(key: string): number {
  const i = TOP_LEVEL_ORDER.indexOf(key);
  return i < 0 ? TOP_LEVEL_ORDER.length : i;
}
