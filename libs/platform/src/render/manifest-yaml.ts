/**
 * The YAML of a rendered object: deterministic (identity keys first, every other map sorted, no
 * line folding) and with one meaning under YAML 1.1 and 1.2.
 *
 * kubectl, Argo CD's repo server and kubeconform read YAML through sigs.k8s.io/yaml, which is
 * go-yaml v2: a YAML 1.1 reader, where plain `yes`, `on`, `Off`, `y`, `n`, `017`, `1_000` are
 * booleans or numbers (go-yaml v2 resolve.go). The `yaml` package writes YAML 1.2 and quotes only
 * what 1.2 would misread, so a string such as `Off` is written plain and the API server receives
 * `false`. Every string that YAML 1.1 would resolve to another type is written double-quoted.
 */
import { Document, isScalar, visit } from 'yaml';

/** The YAML 1.1 implicit types of the `yaml` package's 1.1 schema (null, bool, int, float, timestamp, merge). */
const YAML11_IMPLICIT = new Document(null, { version: '1.1' }).schema.tags
  .filter((t) => t.default === true && t.test instanceof RegExp)
  .map((t) => t.test as RegExp);

/** Whether a YAML 1.1 reader would read this string, written plain, as something else. */
export function isYaml11NonString(value: string): boolean {
  return YAML11_IMPLICIT.some((test) => test.test(value));
}

const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata'];

/** Deterministic YAML: top-level identity keys first, every other map sorted, no line folding. */
export function toYaml(obj: object): string {
  const doc = new Document(sortKeys(obj, true));
  visit(doc, {
    Scalar(_key, node) {
      // keys too: a label key `y` would become the boolean true
      if (isScalar(node) && typeof node.value === 'string' && isYaml11NonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function sortKeys(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value === null || typeof value !== 'object') return value;
  const rank = (k: string) => (top && TOP_LEVEL_ORDER.includes(k) ? TOP_LEVEL_ORDER.indexOf(k) : TOP_LEVEL_ORDER.length);
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
}
