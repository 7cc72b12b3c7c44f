/**
 * YAML read the way kubeconform v0.7.0 reads it: sigs.k8s.io/yaml v1.4.0 (its go.mod) on top of
 * its go-yaml v2 fork (goyaml.v2), then JSON. The parsing itself is js-yaml's; what makes it
 * go-yaml is the schema below (goyaml.v2/resolve.go) and the conversion to JSON (yaml.go
 * convertToJSONableObject, encoding/json), plus the error texts of goyaml.v2/decode.go.
 */
import jsYaml from 'js-yaml';
import { isAlias, isMap, isNode, isPair, isSeq, parseDocument } from 'yaml';

// The resolution table lives in the platform (shared with its YAML reader); imported by path, not
// through @gitops/platform: the CLI runs from any folder (tsconfig paths do not apply there) and
// must not load the renderer.
import { BOOLS, GoTimestamp, goParseInt, goTimestampJson, isTimestamp, NULLS, resolvePlain, SPECIAL_FLOATS } from '../../platform/src/values/goyaml-resolve.js';

export { GoTimestamp, goTimestampJson, resolvePlain };

const { Type, FAILSAFE_SCHEMA, YAMLException } = jsYaml;
// js-yaml exports its built-in types (merge among them); @types/js-yaml does not declare them
const types = (jsYaml as unknown as { types: { merge: InstanceType<typeof Type> } }).types;

// js-yaml types that resolve plain scalars as goyaml.v2 does; explicit tags (!!str, !!int) still work.
const goNull = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string) => NULLS.has(s),
  construct: () => null,
});
const goBool = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string) => s in BOOLS,
  construct: (s: string) => BOOLS[s],
});
const goInt = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) => {
    const c = s[0];
    if (!((c >= '0' && c <= '9') || c === '+' || c === '-')) return false;
    if (/^[-+]?(0|[1-9][0-9]{0,14})$/.test(s)) return true; // the common case
    if (isTimestamp(s)) return false;
    const plain = s.replace(/_/g, '');
    return goParseInt(plain) !== undefined || /^-0b[01]+$/.test(plain);
  },
  construct: (s: string) => resolvePlain(s),
});
const goFloat = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string) => {
    if (s in SPECIAL_FLOATS) return true;
    const c = s[0];
    if (!((c >= '0' && c <= '9') || c === '+' || c === '-' || c === '.')) return false;
    const v = resolvePlain(s);
    return typeof v === 'number' && !isTimestamp(s);
  },
  construct: (s: string) => {
    if (s in SPECIAL_FLOATS) {
      special = true;
      return SPECIAL_FLOATS[s];
    }
    const v = resolvePlain(s);
    return typeof v === 'number' ? v : Number(s);
  },
});
const goTimestamp = new Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (s: string) => isTimestamp(s),
  construct: (s: string) => {
    special = true;
    return new GoTimestamp(s);
  },
  instanceOf: GoTimestamp,
});

/** Set when a document holds a timestamp or a non-finite float (they need converting or refusing). */
let special = false;

/** goyaml.v2's resolution table as a js-yaml schema (merge keys `<<` included, as go-yaml has them). */
export const GO_YAML_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [goNull, goBool, goInt, goFloat, goTimestamp, types.merge],
});

export type Decoded = { value: unknown } | { error: string };

const CONVERT = 'error converting YAML to JSON: ';

/**
 * yaml.Unmarshal / yaml.UnmarshalStrict of sigs.k8s.io/yaml into `interface{}`: the first
 * document only (go-yaml's Unmarshal stops there), then the JSON value; or the error text.
 */
export function decodeYaml(text: string, strict: boolean): Decoded {
  const first = firstDocument(text);
  let value: unknown;
  special = false;
  const tooDeep = flowDepthError(first);
  if (tooDeep) return { error: CONVERT + tooDeep };
  try {
    value = jsYaml.load(first, { schema: GO_YAML_SCHEMA, json: !strict });
  } catch (e) {
    // js-yaml recurses per level: nesting it cannot hold is reported as go-yaml's depth limit
    if (e instanceof RangeError) return { error: `${CONVERT}yaml: exceeded max depth of ${MAX_DEPTH}` };
    if (!(e instanceof YAMLException)) throw e;
    if (strict && e.reason === 'duplicated mapping key') return { error: CONVERT + duplicateKeys(first) };
    return { error: CONVERT + syntaxError(e, first) };
  }
  // no anchor, no timestamp, no NaN/Inf: already the JSON value (the common case, kept fast)
  if (!special && !first.includes('&')) return { value };
  return toJson(value, first);
}

/** goyaml.v2 scannerc.go max_flow_level / max_indents. */
const MAX_DEPTH = 10000;

/**
 * scannerc.go yaml_parser_increase_flow_level: more than 10,000 open `[`/`{` is a scanner error
 * (`exceeded max depth of 10000`, line 1-based, none on the first line). Quoted text and comments
 * are skipped; only reached by hostile input, so a linear scan.
 */
function flowDepthError(text: string): string | undefined {
  if (text.length <= MAX_DEPTH) return undefined;
  let depth = 0;
  let line = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
      i--;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return line > 0 ? `yaml: line ${line + 1}: exceeded max depth of ${MAX_DEPTH}` : `yaml: exceeded max depth of ${MAX_DEPTH}`;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/** Text up to a `...` document end marker: what follows is a further document Unmarshal never reads. */
function firstDocument(text: string): string {
  const m = /^\.\.\.(?:[ \t]|$)/m.exec(text);
  return m ? text.slice(0, m.index) : text;
}

/**
 * go-yaml's wording for the problems js-yaml reports differently (goyaml.v2 scannerc.go and
 * parserc.go messages). decode.go p.fail prints a scanner error's line 1-based but a parser
 * error's line as the 0-based index it holds, i.e. one line earlier: both are reproduced.
 */
function syntaxError(e: InstanceType<typeof YAMLException>, text: string): string {
  const mark = e.mark ?? { line: 0, column: 0 };
  const reason = e.reason ?? e.message;
  const scanner = (problem: string) => `yaml: line ${mark.line + 1}: ${problem}`;
  const parser = (problem: string) => (mark.line > 0 ? `yaml: line ${mark.line}: ${problem}` : `yaml: ${problem}`);
  const lineText = text.split('\n')[mark.line] ?? '';
  const char = lineText[mark.column];
  // the innermost flow collection still open before the error
  const opener = (() => {
    const upto = text.split('\n').slice(0, mark.line).join('\n') + '\n' + lineText.slice(0, mark.column);
    const stack: string[] = [];
    for (const c of upto) {
      if (c === '[' || c === '{') stack.push(c);
      else if ((c === ']' || c === '}') && stack.length) stack.pop();
    }
    return stack.pop() === '[' ? ']' : '}';
  })();
  if (/tab characters must not be used in indentation/.test(reason)) return scanner('found character that cannot start any token');
  if (/bad indentation of a mapping entry/.test(reason)) {
    if (char === '@' || char === '`') return scanner('found character that cannot start any token');
    const indent = lineText.length - lineText.trimStart().length;
    // a ':' after the start of the line: a value that is itself a mapping on the same line
    if (mark.column > indent) return scanner('mapping values are not allowed in this context');
    return parser('did not find expected key');
  }
  if (/a multiline key may not be an implicit key/.test(reason)) return scanner("could not find expected ':'");
  if (/unexpected end of the stream within a (double|single) quoted scalar/.test(reason)) return scanner('found unexpected end of stream');
  if (/missed comma between flow collection entries|end of the stream within a flow collection/.test(reason)) {
    return parser(`did not find expected ',' or '${opener}'`);
  }
  if (/unidentified alias/.test(reason)) return `yaml: unknown anchor '${/"(.*)"/.exec(reason)?.[1] ?? ''}' referenced`;
  return scanner(reason);
}

/**
 * UnmarshalStrict's error for duplicate keys (goyaml.v2 decode.go setMapIndex): every duplicate,
 * `line N: key "x" already set in map`, N the line of the duplicate's value, counted in the document.
 */
function duplicateKeys(text: string): string {
  const doc = parseDocument(text, { uniqueKeys: false, version: '1.1', keepSourceTokens: false });
  const lines: string[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const visit = (node: unknown): void => {
    if (!isNode(node)) return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as { source?: string; value?: unknown; type?: string; range?: [number, number, number] } | null;
        const raw = key && typeof key === 'object' && 'value' in key ? key.value : key;
        const plain = key && typeof key === 'object' && key.type === 'PLAIN' && typeof key.source === 'string';
        const value = plain ? resolvePlain(key!.source as string) : raw;
        const id = `${typeof value}:${String(value)}`;
        if (seen.has(id)) {
          const at = (pair.value as { range?: [number, number, number] } | null)?.range?.[0] ?? key?.range?.[0] ?? 0;
          lines.push(`line ${lineOf(at)}: key ${typeof value === 'string' ? JSON.stringify(value) : String(value)} already set in map`);
        }
        seen.add(id);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return `yaml: unmarshal errors:\n  ${lines.join('\n  ')}`;
}

/** goyaml.v2 decode.go allowedAliasRatio: the "billion laughs" guard. */
function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}

/**
 * The JSON value sigs.k8s.io/yaml makes of a decoded document: timestamps as RFC 3339 text,
 * NaN/Inf refused by encoding/json, aliases checked as go-yaml checks them (an alias inside its
 * own anchor, excessive aliasing). js-yaml shares one object per anchor, so the expansion is
 * measured over that graph rather than built.
 */
function toJson(value: unknown, text: string): Decoded {
  const sizes = new Map<object, { nodes: number; aliases: number }>();
  const open = new Set<object>();
  let cycle = false;
  let unsupported: string | undefined;
  const measure = (v: unknown): { nodes: number; aliases: number } => {
    if (v === null || typeof v !== 'object' || v instanceof GoTimestamp) {
      if (typeof v === 'number' && !Number.isFinite(v)) unsupported ??= Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
      return { nodes: 1, aliases: 0 };
    }
    const known = sizes.get(v);
    // a second use is an alias: decode.go counts the alias node, then every node of its expansion
    // as decoded "while aliasDepth > 0"
    if (known) return { nodes: known.nodes + 1, aliases: known.nodes };
    if (open.has(v)) {
      cycle = true;
      return { nodes: 1, aliases: 1 };
    }
    open.add(v);
    let nodes = 1;
    let aliases = 0;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      const s = measure(child);
      nodes += s.nodes;
      aliases += s.aliases;
    }
    open.delete(v);
    const total = { nodes, aliases };
    sizes.set(v, total);
    return total;
  };
  const total = measure(value);
  if (cycle) return { error: `${CONVERT}yaml: anchor '${selfAnchor(text)}' value contains itself` };
  if (total.aliases > 100 && total.nodes > 1000 && total.aliases / total.nodes > allowedAliasRatio(total.nodes)) {
    return { error: `${CONVERT}yaml: document contains excessive aliasing` };
  }
  if (unsupported) return { error: `${CONVERT}json: unsupported value: ${unsupported}` };
  return { value: plainJson(value) };
}

/** Copies only what needs converting (timestamps); shares nothing, so validation sees a tree. */
function plainJson(v: unknown): unknown {
  if (v instanceof GoTimestamp) return goTimestampJson(v.text);
  if (Array.isArray(v)) return v.map(plainJson);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = plainJson((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The name of the anchor whose value contains an alias to itself (rare path: the yaml AST). */
function selfAnchor(text: string): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  const anchors = new Map<string, unknown>();
  const open = new Set<unknown>();
  const visit = (node: unknown): string | undefined => {
    if (!isNode(node)) return undefined;
    if (isAlias(node)) return open.has(anchors.get(node.source)) ? node.source : undefined;
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    let found: string | undefined;
    if (isMap(node)) for (const pair of node.items) if (isPair(pair)) found ??= visit(pair.key) ?? visit(pair.value);
    if (isSeq(node)) for (const item of node.items) found ??= visit(item);
    open.delete(node);
    return found;
  };
  return visit(doc.contents) ?? '';
}

/**
 * Splits a stream as kubeconform's SplitYAMLDocument (pkg/resource/stream.go) under bufio.Scanner:
 * a separator is "\n---" anywhere (so `----` and `--- x` lines too); the rest of its line is
 * dropped; at the end, data after a separator line with no newline is never returned (the
 * scanner stops), and a stream ending in "\n---" ends the document before it. Empty tokens are kept.
 */
export function splitYamlDocuments(text: string): string[] {
  const out: string[] = [];
  let data = text;
  while (data.length > 0) {
    const i = data.indexOf('\n---');
    if (i < 0) {
      out.push(data);
      break;
    }
    const after = data.slice(i + 4);
    if (after.length === 0) {
      out.push(data.slice(0, i));
      break;
    }
    const j = after.indexOf('\n');
    if (j < 0) break; // the scanner asks for more data at EOF and stops: the rest is lost
    out.push(data.slice(0, i));
    data = after.slice(j + 1);
  }
  return out;
}
