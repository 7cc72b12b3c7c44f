/**
 * A fast reading of a values file that is simple YAML, for the one common case: the file reads
 * without a problem and its values pass their schema. Then the result is the data, and the `yaml`
 * package's document model (positions for messages, the checks of yaml-safe.ts) is never built:
 * it cost about a tenth of a render of the catalogue and most of a one-service render at 1,000
 * services (issue 23 items 1 and 5). Anything else goes the full way (parseYaml), which gives
 * every message; this path never gives one.
 *
 * The data must be exactly what parseYaml would give, so this path answers only where that is
 * certain, and otherwise says "read it the full way" (undefined):
 * - only text of the simple form values files have (isSimpleYaml: a line-by-line check of
 *   indentation, keys, scalars and one-line flow collections; no anchors, aliases, tags, block
 *   scalars, or anything continued on another line);
 * - js-yaml reads its structure, and a plain scalar is resolved by the `yaml` package's own YAML
 *   1.2 core tags (their `test` and `resolve`, in their order), as parseYaml does; quoted scalars
 *   are strings in both;
 * - anything js-yaml refuses (syntax, a key given twice) goes the full way, and so does data with
 *   a key parseYaml refuses or reads otherwise (`__proto__`; a null key, which js-yaml names
 *   "null" and the yaml package "").
 * A differential test (yaml-fast.test.ts) compares the two readers on every values file of the
 * workspace and on generated documents, written in several styles and mutated character by
 * character: whenever this path answers, parseYaml finds no problem and the same data.
 */
import { FAILSAFE_SCHEMA, load, Type } from 'js-yaml';
import { Document, isScalar, type ScalarTag } from 'yaml';

/** The yaml package's YAML 1.2 core tags that resolve plain scalars (null, bool, int, float), in its order. */
const CORE_SCALAR_TAGS = new Document(null).schema.tags.filter((t): t is ScalarTag => t.default === true && 'test' in t && t.test instanceof RegExp);

const noError = (): void => undefined;

/** js-yaml with the yaml package's resolution of plain scalars; everything else is a string, a sequence or a map. */
const CORE_12 = FAILSAFE_SCHEMA.extend({
  implicit: CORE_SCALAR_TAGS.map(
    (tag, i) =>
      // a tag name of our own: an explicit `!!int` in a file is unknown here, so js-yaml refuses it and the file goes the full way
      new Type(`tag:gitops-manifests,2026:core-${i}`, {
        kind: 'scalar',
        resolve: (s: unknown) => typeof s === 'string' && (tag.test as RegExp).test(s),
        construct: (s: string) => {
          const v = tag.resolve(s, noError, {});
          return isScalar(v) ? v.value : v;
        },
      }),
  ),
});

/**
 * Whether every line of `text` is of the simple form a values file has: blank, a comment, or
 * `[- ]...[key: ][value][ # comment]`, where a key is a plain or quoted scalar and a value a plain
 * or quoted scalar or a flow collection, each whole on its line. Left to parseYaml: anchors,
 * aliases and tags (`&a`, `*a`, `!x` where a node starts), directives, document markers, explicit
 * and collection keys, block scalars (`|`, `>`), a scalar or flow collection over several lines,
 * tabs, carriage returns and other control characters (where js-yaml is more lenient than the yaml
 * package, or reads otherwise: the differential test found a lone carriage return, a flow
 * collection and a quoted scalar continued on the next line).
 */
export function isSimpleYaml(text: string): boolean {
  if (/[\x00-\x09\x0b-\x1f\x7f\u0085\u2028\u2029\ufeff]/.test(text)) return false;
  // The columns of the open block collections. A line goes on one of them, or starts a deeper
  // one right under a line that opened one (`key:`, `-`), deeper than that key or dash: js-yaml
  // reads some other dedents the yaml package refuses.
  const blocks: number[] = [];
  let opener: SimpleLine['opener'];
  for (const raw of text.split('\n')) {
    const line = simpleLine(raw);
    if (line === false) return false;
    if (line === true) continue;
    // a `key:` or `-` opens a node on the next lines: deeper, or for a key a sequence at its column.
    // Anything else makes it null, where js-yaml and the yaml package part ways (a dedented entry
    // after `- ` went into the inner sequence).
    if (opener && !(line.indent > opener.column || (opener.key && line.entry && line.indent === opener.column))) return false;
    while (blocks.length > 0 && blocks[blocks.length - 1] > line.indent) blocks.pop();
    if (blocks.length === 0 || blocks[blocks.length - 1] < line.indent) {
      if (blocks.length > 0 && !opener) return false;
      blocks.push(line.indent);
    }
    blocks.push(...line.nested);
    opener = line.opener;
  }
  // the last `key:` or `-` opens nothing
  return opener === undefined;
}

/** A simple line: where it starts, the block collections it opens further right, and the column of a `key:` or `-` whose node is on the next lines. */
interface SimpleLine {
  readonly indent: number;
  /** A sequence entry (`- `). */
  readonly entry: boolean;
  readonly nested: readonly number[];
  /** A `key:` or `-` at the end of the line, whose node is on the next lines. */
  readonly opener?: { readonly column: number; readonly key: boolean };
}

/** Characters that may not begin a plain scalar (YAML 1.2 c-indicator), so a node starting so is left to parseYaml. */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/** A simple line's structure; true for a blank or comment line; false when it is not simple. */
function simpleLine(line: string): SimpleLine | boolean {
  const n = line.length;
  if (n > 1000) return false; // the yaml package refuses implicit keys over 1024 characters
  let i = 0;
  const spaces = () => {
    while (line[i] === ' ') i++;
  };
  spaces();
  if (i === n || line[i] === '#') return true;
  if (i === 0 && (line.startsWith('---') || line.startsWith('...'))) return false;
  const indent = i;
  const dashes: number[] = [];
  while (line[i] === '-' && (i + 1 === n || line[i + 1] === ' ')) {
    dashes.push(i);
    i++;
    spaces();
  }
  const entry = dashes.length > 0;
  const nested = dashes.slice(1);
  if (i === n || line[i] === '#') {
    // an entry whose node starts on the next line (one dash only: `- -` alone is read two ways)
    return dashes.length === 1 ? { indent, entry, nested, opener: { column: dashes[0], key: false } } : false;
  }
  const nodeColumn = i;
  const collection = line[i] === '[' || line[i] === '{';
  const end = nodeEnd(line, i);
  if (end < 0) return false;
  i = end;
  const before = i;
  spaces();
  if (line[i] === ':' && (i + 1 === n || line[i + 1] === ' ')) {
    if (collection) return false; // a collection as a key
    const map = entry ? [...nested, nodeColumn] : nested;
    i++;
    spaces();
    if (i === n || line[i] === '#') return { indent, entry, nested: map, opener: { column: nodeColumn, key: true } };
    const valueEnd = nodeEnd(line, i);
    if (valueEnd < 0) return false;
    i = valueEnd;
    const afterValue = i;
    spaces();
    return i === n || (line[i] === '#' && i > afterValue) ? { indent, entry, nested: map } : false;
  }
  // a node alone on its line is a sequence entry, or else the rest of a scalar begun above
  return entry && (i === n || (line[i] === '#' && i > before)) ? { indent, entry, nested } : false;
}

/** The end of the scalar or flow collection starting at `i`, or -1 when it is not simple. */
function nodeEnd(line: string, i: number): number {
  const c = line[i];
  if (c === '"' || c === "'") return quotedEnd(line, i);
  if (c === '[' || c === '{') return flowEnd(line, i);
  if (INDICATORS.has(c)) {
    // `-`, `?`, `:` begin a plain scalar when a non-space follows (`-5`); the rest never do
    if (!(c === '-' || c === '?' || c === ':') || i + 1 >= line.length || line[i + 1] === ' ') return -1;
  }
  let j = i;
  // a plain scalar ends at `: `, a final `:`, or ` #`
  while (j < line.length && !(line[j] === ':' && (j + 1 === line.length || line[j + 1] === ' ')) && !(line[j] === ' ' && line[j + 1] === '#')) j++;
  return j;
}

function quotedEnd(line: string, i: number): number {
  const q = line[i];
  for (let j = i + 1; j < line.length; j++) {
    if (q === '"' && line[j] === '\\') j++;
    else if (line[j] === q) {
      if (q === "'" && line[j + 1] === "'") j++;
      else return j + 1;
    }
  }
  return -1;
}

/**
 * A flow collection closed on its line; quotes count only where a node starts, as in YAML. A
 * collection as a key (where a mapping's key starts, or one followed by `:`) is not simple.
 */
function flowEnd(line: string, i: number): number {
  const open: string[] = [];
  let nodeStart = true;
  /** Where a key of the innermost flow mapping starts. */
  let keyStart = false;
  for (let j = i; j < line.length; ) {
    const c = line[j];
    if (c === '[' || c === '{') {
      if (!nodeStart || keyStart) return -1;
      open.push(c);
      keyStart = c === '{';
      j++;
    } else if (c === ']' || c === '}') {
      if (open.pop() !== (c === ']' ? '[' : '{')) return -1;
      j++;
      nodeStart = false;
      keyStart = false;
      if (/^ *:/.test(line.slice(j))) return -1;
      if (open.length === 0) return j;
    } else if (c === ',') {
      nodeStart = true;
      keyStart = open[open.length - 1] === '{';
      j++;
    } else if (c === ' ') {
      if (line[j + 1] === '#') return -1;
      j++;
    } else if (c === ':' && (line[j + 1] === ' ' || line[j + 1] === ',' || line[j + 1] === ']' || line[j + 1] === '}')) {
      nodeStart = true;
      keyStart = false;
      j++;
    } else if (nodeStart && (c === '"' || c === "'")) {
      j = quotedEnd(line, j);
      if (j < 0) return -1;
      nodeStart = false;
      keyStart = false;
    } else if (nodeStart && INDICATORS.has(c) && !((c === '-' || c === '?' || c === ':') && line[j + 1] !== undefined && !' ,[]{}'.includes(line[j + 1]))) {
      return -1;
    } else {
      nodeStart = false;
      keyStart = false;
      j++;
    }
  }
  return -1;
}

/** The data of `text` as parseYaml would give it, when that is certain; undefined: read it the full way. */
export function readPlainYaml(text: string): { readonly value: unknown } | undefined {
  if (!isSimpleYaml(text)) return undefined;
  let value: unknown;
  try {
    value = load(text, { schema: CORE_12 });
  } catch {
    return undefined;
  }
  // an empty file: js-yaml gives undefined, parseYaml null
  return value !== undefined && keysAsParsed(value) ? { value } : undefined;
}

/** Whether every map key of `value` is one parseYaml gives the same (no `__proto__`, no null key). */
function keysAsParsed(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(keysAsParsed);
  if (value === null || typeof value !== 'object') return true;
  if (Object.prototype.hasOwnProperty.call(value, '__proto__') || Object.prototype.hasOwnProperty.call(value, 'null')) return false;
  return Object.values(value).every(keysAsParsed);
}
