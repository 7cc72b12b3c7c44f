/**
 * YAML read the way kubeconform v0.7.0 reads it: sigs.k8s.io/yaml v1.4.0 (its go.mod) on top of
 * its go-yaml v2 fork (goyaml.v2), then JSON. The parsing itself is js-yaml's; what makes it
 * go-yaml is the schema below (goyaml.v2/resolve.go) and the conversion to JSON (yaml.go
 * convertToJSONableObject, encoding/json), plus the error texts of goyaml.v2/decode.go.
 */
import { isUtf8 } from 'node:buffer';
import jsYaml from 'js-yaml';
import { CST, isAlias, isMap, isNode, isPair, isSeq, Parser, parseDocument } from 'yaml';

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
    // strconv.ParseFloat fails on a value out of range (1e400): resolve.go then keeps the string
    return typeof v === 'number' && (Number.isFinite(v) || s in SPECIAL_FLOATS) && !isTimestamp(s);
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

/**
 * decode.go scalar: `!!binary` is base64 (encoding/base64 StdEncoding, line breaks ignored),
 * decoded into a string; anything else is "!!binary value contains invalid base64 data".
 */
const goBinary = new Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (s: string | null) => {
    const b64 = (s ?? '').replace(/[\r\n]/g, '');
    return b64.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(b64);
  },
  construct: (s: string | null) => Buffer.from((s ?? '').replace(/[\r\n]/g, ''), 'base64').toString('utf8'),
});

/**
 * resolve.go resolvableTag: a tag go-yaml does not know (`!custom`, `!!set`, `!<tag:x>`) leaves a
 * scalar its text and a collection as it is; js-yaml would refuse it ("unknown tag").
 */
const anyTag = (['scalar', 'sequence', 'mapping'] as const).map(
  (kind) => new Type('', { kind, multi: true, construct: (data: unknown) => (kind === 'scalar' && data === null ? '' : data) }),
);

/** Set when a document holds a timestamp or a non-finite float (they need converting or refusing). */
let special = false;

/** goyaml.v2's resolution table as a js-yaml schema (merge keys `<<` included, as go-yaml has them). */
export const GO_YAML_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [goNull, goBool, goInt, goFloat, goTimestamp, types.merge],
  explicit: [goBinary, ...anyTag],
});

export type Decoded = { value: unknown } | { error: string };

const CONVERT = 'error converting YAML to JSON: ';

/**
 * yaml.Unmarshal / yaml.UnmarshalStrict of sigs.k8s.io/yaml into `interface{}`: the first
 * document only (go-yaml's Unmarshal stops there), then the JSON value; or the error text.
 */
export function decodeYaml(text: string, strict: boolean): Decoded {
  let first = firstDocument(text);
  let value: unknown;
  special = false;
  const unreadable = readerError(first);
  if (unreadable) return { error: CONVERT + unreadable };
  const tooDeep = flowDepthError(first);
  if (tooDeep) return { error: CONVERT + tooDeep };
  const tab = first.includes('\t') ? tabError(first) : undefined;
  if (tab) return { error: CONVERT + tab };
  // escapes go-yaml and js-yaml read differently in double-quoted scalars
  if (first.includes("\\'") || first.includes('\\/')) {
    const escaped = quotedEscapes(first);
    if ('error' in escaped) return { error: CONVERT + escaped.error };
    first = escaped.text;
  }
  // goyaml.v2 reads NEL, LS and PS as line breaks (is_break); js-yaml as text
  if (/[\u0085\u2028\u2029]/.test(first)) first = first.replace(/[\u0085\u2028\u2029]/g, '\n');
  try {
    value = jsYaml.load(first, { schema: GO_YAML_SCHEMA, json: !strict });
  } catch (e) {
    // js-yaml recurses per level: nesting it cannot hold is reported as go-yaml's depth limit
    if (e instanceof RangeError) return { error: `${CONVERT}yaml: exceeded max depth of ${MAX_DEPTH}` };
    if (!(e instanceof YAMLException)) throw e;
    if (strict && e.reason === 'duplicated mapping key') return { error: CONVERT + duplicateKeys(first) };
    return { error: CONVERT + syntaxError(e, first) };
  }
  // null and collection keys, which JSON cannot have (js-yaml makes strings of them)
  if (MAYBE_ODD_KEY.test(first)) {
    const odd = keyError(first);
    if (odd) return { error: odd };
  }
  // no anchor, no timestamp, no NaN/Inf: already the JSON value (the common case, kept fast)
  if (!special && !first.includes('&')) return { value };
  return toJson(value, first);
}

// ---- input bytes ------------------------------------------------------------------------------

/**
 * The text of a file or of standard input. kubeconform splits the bytes and go-yaml decodes each
 * document (goyaml.v2 readerc.go): UTF-8, or UTF-16 when the stream starts with its byte order
 * mark. Bytes that are not UTF-8 are kept as lone surrogates U+DC80–U+DCFF (like Python's
 * surrogateescape), so that the document holding them fails as go-yaml fails on it.
 * UTF-16: no `\n---` byte sequence can occur, so the whole stream is one document, of which
 * go-yaml reads the first YAML document.
 */
export function decodeInput(bytes: Buffer): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    const le = bytes[0] === 0xff;
    const body = Buffer.from(bytes.subarray(2));
    if (!le) body.swap16();
    const text = body.toString('utf16le');
    const sep = text.indexOf('\n---');
    return sep >= 0 ? text.slice(0, sep + 1) : text;
  }
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const width = utf8Width(bytes, i);
    if (width > 0) {
      i += width;
      continue;
    }
    out += bytes.toString('utf8', start, i) + String.fromCharCode(0xdc00 | bytes[i]);
    i++;
    start = i;
  }
  return out + bytes.toString('utf8', start);
}

/** The length of the valid UTF-8 sequence at `i`, or 0. */
function utf8Width(b: Buffer, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const width = (c & 0xe0) === 0xc0 ? 2 : (c & 0xf0) === 0xe0 ? 3 : (c & 0xf8) === 0xf0 ? 4 : 0;
  if (width === 0 || i + width > b.length) return 0;
  let value = c & (width === 2 ? 0x1f : width === 3 ? 0x0f : 0x07);
  for (let k = 1; k < width; k++) {
    if ((b[i + k] & 0xc0) !== 0x80) return 0;
    value = (value << 6) | (b[i + k] & 0x3f);
  }
  if ((width === 2 && value < 0x80) || (width === 3 && value < 0x800) || (width === 4 && value < 0x10000)) return 0;
  if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return 0;
  return width;
}

/** goyaml.v2 readerc.go: the reason a document's bytes are not UTF-8 (escaped by decodeInput), if so. */
function readerError(text: string): string | undefined {
  if (!/[\udc80-\udcff]/.test(text)) return undefined;
  // back to bytes: escaped bytes as they were, everything else as UTF-8
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (c >= 0xdc80 && c <= 0xdcff && !(prev >= 0xd800 && prev <= 0xdbff)) bytes.push(c & 0xff);
    else {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    }
  }
  for (let i = 0; i < bytes.length; ) {
    const octet = bytes[i];
    const width = (octet & 0x80) === 0 ? 1 : (octet & 0xe0) === 0xc0 ? 2 : (octet & 0xf0) === 0xe0 ? 3 : (octet & 0xf8) === 0xf0 ? 4 : 0;
    if (width === 0) return 'yaml: invalid leading UTF-8 octet';
    if (i + width > bytes.length) return 'yaml: incomplete UTF-8 octet sequence';
    let value = width === 1 ? octet & 0x7f : width === 2 ? octet & 0x1f : width === 3 ? octet & 0x0f : octet & 0x07;
    for (let k = 1; k < width; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) return 'yaml: invalid trailing UTF-8 octet';
      value = (value << 6) + (bytes[i + k] & 0x3f);
    }
    if (!(width === 1 || (width === 2 && value >= 0x80) || (width === 3 && value >= 0x800) || (width === 4 && value >= 0x10000))) {
      return 'yaml: invalid length of a UTF-8 sequence';
    }
    if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return 'yaml: invalid Unicode character';
    i += width;
  }
  return undefined;
}

/**
 * goyaml.v2 scannerc.go yaml_parser_scan_flow_scalar knows YAML 1.1's escapes: `\'` is a quote
 * there (js-yaml refuses it) and `\/` (YAML 1.2) is "found unknown escape character". The
 * double-quoted scalars are found with the yaml package's CST; `\'` is rewritten as `'`.
 */
function quotedEscapes(text: string): { text: string } | { error: string } {
  const scalars: { offset: number; source: string }[] = [];
  for (const token of new Parser().parse(text)) {
    if (token.type !== 'document') continue;
    const take = (n: unknown) => {
      const t = n as { type?: string; offset: number; source: string } | undefined;
      if (t?.type === 'double-quoted-scalar') scalars.push(t);
    };
    take(token.value);
    CST.visit(token, (item) => {
      take(item.key);
      take(item.value);
    });
  }
  let out = text;
  for (const { offset, source } of scalars.sort((a, b) => b.offset - a.offset)) {
    let rewritten = '';
    for (let i = 0; i < source.length; i++) {
      if (source[i] !== '\\') {
        rewritten += source[i];
        continue;
      }
      const next = source[i + 1];
      if (next === '/') return { error: `yaml: line ${text.slice(0, offset + i).split('\n').length}: found unknown escape character` };
      rewritten += next === "'" ? "'" : `\\${next ?? ''}`;
      i++;
    }
    out = out.slice(0, offset) + rewritten + out.slice(offset + source.length);
  }
  return { text: out };
}

// ---- tabs ---------------------------------------------------------------------------------------

/**
 * Where goyaml.v2's scanner (scannerc.go) refuses a tab that js-yaml accepts, in block context:
 * - while a plain scalar's trailing blanks and line breaks are consumed, a tab left of the
 *   scalar's indentation (column < parser.indent + 1), e.g. a line holding only a tab after
 *   `a: b`: "found a tab character that violates indentation";
 * - at the start of a line otherwise (scan_to_next_token eats tabs only where no simple key may
 *   start), or right after a block entry `- ` or `? `: "found character that cannot start any token".
 * Flow collections, quoted and block scalars are left to the parser. Line numbers are 1-based
 * (scanner errors).
 */
function tabError(text: string): string | undefined {
  const lines = text.split('\n');
  /** while a plain scalar may continue: the column a tab must reach (parser.indent + 1) */
  let plain: number | undefined;
  /** inside a block scalar owned by a node at this column */
  let block: number | undefined;
  /** inside a quoted scalar left open at the end of a line */
  let quote: string | undefined;
  let flow = 0;
  /** columns of the keys and entries above, for a plain scalar alone on its line */
  const owners: number[] = [];
  const at = (i: number, problem: string) => (i === 0 ? `yaml: ${problem}` : `yaml: line ${i + 1}: ${problem}`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    const indent = /^ */.exec(line)![0].length;
    const rest = line.slice(indent);
    if (quote !== undefined || flow > 0) {
      ({ quote, flow } = scanInline(line, 0, quote, flow));
      continue;
    }
    if (block !== undefined) {
      if (rest.trim() === '' || indent > block) continue;
      block = undefined;
    }
    if (rest.startsWith('\t')) {
      if (plain === undefined) return at(i, 'found character that cannot start any token');
      if (indent < plain) return at(i, 'found a tab character that violates indentation');
      if (rest.trim().startsWith('#')) plain = undefined;
      continue;
    }
    if (rest === '') continue;
    if (rest.startsWith('#')) {
      plain = undefined;
      continue;
    }
    if (plain !== undefined && indent >= plain) continue; // a plain scalar's next line
    plain = undefined;
    if (indent === 0 && /^(---|\.\.\.)(\s|$)|^%/.test(line)) continue;
    while (owners.length && owners[owners.length - 1] >= indent) owners.pop();
    let pos = indent;
    let owner = owners.length ? owners[owners.length - 1] : -1;
    // block entries and complex keys: a tab may not follow them
    while ((line[pos] === '-' || line[pos] === '?') && (pos + 1 >= line.length || line[pos + 1] === ' ' || line[pos + 1] === '\t')) {
      owner = pos;
      owners.push(pos);
      pos++;
      while (line[pos] === ' ') pos++;
      if (line[pos] === '\t') return at(i, 'found character that cannot start any token');
    }
    // a key (plain or quoted) and its value on this line
    const content = pos;
    const value = valueStart(line, pos);
    if (value !== undefined) {
      owner = content;
      owners.push(content);
      pos = value;
      while (line[pos] === ' ' || line[pos] === '\t') pos++;
    }
    // anchors and tags before the value
    while (line[pos] === '&' || line[pos] === '!') {
      while (pos < line.length && line[pos] !== ' ' && line[pos] !== '\t') pos++;
      while (line[pos] === ' ' || line[pos] === '\t') pos++;
    }
    const c = line[pos];
    if (c === undefined || c === '#' || c === '*') continue;
    if (c === '|' || c === '>') {
      block = owner;
      continue;
    }
    if (c === '"' || c === "'" || c === '[' || c === '{') {
      ({ quote, flow } = scanInline(line, pos, undefined, 0));
      continue;
    }
    // a plain scalar to the end of the line, unless a comment ends it
    if (!/\s#/.test(line.slice(pos))) plain = owner + 1;
  }
  return undefined;
}

/** Where the value of a `key:` at `pos` starts (after the colon), or undefined when there is no key. */
function valueStart(line: string, pos: number): number | undefined {
  let i = pos;
  if (line[i] === '"' || line[i] === "'") {
    const q = line[i];
    i++;
    while (i < line.length) {
      if (q === '"' && line[i] === '\\') i += 2;
      else if (line[i] === q && q === "'" && line[i + 1] === "'") i += 2;
      else if (line[i] === q) break;
      else i++;
    }
    if (i >= line.length) return undefined;
    i++;
    while (line[i] === ' ' || line[i] === '\t') i++;
    return line[i] === ':' && (i + 1 >= line.length || line[i + 1] === ' ' || line[i + 1] === '\t') ? i + 1 : undefined;
  }
  if ('[{&*!|>%@`#'.includes(line[i] ?? '#')) return undefined;
  for (; i < line.length; i++) {
    if (line[i] === '#' && (line[i - 1] === ' ' || line[i - 1] === '\t')) return undefined;
    if (line[i] === ':' && (i + 1 >= line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) return i + 1;
  }
  return undefined;
}

/** Quotes and flow brackets from `pos` to the end of the line: the state the next line starts in. */
function scanInline(line: string, pos: number, quote: string | undefined, flow: number): { quote: string | undefined; flow: number } {
  for (let i = pos; i < line.length; i++) {
    const c = line[i];
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
    } else if (quote === "'") {
      if (c === "'" && line[i + 1] === "'") i++;
      else if (c === "'") quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') flow++;
    else if ((c === ']' || c === '}') && flow > 0) flow--;
    else if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) break;
  }
  return { quote, flow };
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

/** A null key (`~:`, `null:`, an empty `? `), a flow collection as a key, or an explicit key: then keyError looks. */
const MAYBE_ODD_KEY = /(^|[\s{,[])(~|null|Null|NULL)?[ \t]*:([ \t]|$)|[\]}][ \t]*:([ \t]|$)|^[ \t-]*\?([ \t]|$)|!!null/m;

/**
 * Keys JSON cannot hold: goyaml.v2 decode.go refuses a sequence or mapping as a key ("invalid map
 * key: …"), sigs.k8s.io/yaml a null key (convertToJSONableObject "unsupported map key of type: …").
 */
function keyError(text: string): string | undefined {
  const doc = parseDocument(text, { uniqueKeys: false, version: '1.1', keepSourceTokens: false });
  let found: string | undefined;
  const goValue = (node: unknown): string => {
    const v = isNode(node) ? (node as { toJSON(): unknown }).toJSON() : node;
    if (typeof v === 'string') return JSON.stringify(v);
    if (v === null || v === undefined) return '<nil>';
    if (typeof v === 'object') return Array.isArray(v) ? '[]interface {}{…}' : 'map[interface {}]interface {}{…}';
    return String(v);
  };
  const visit = (node: unknown): void => {
    if (found || !isNode(node)) return;
    if (isMap(node)) {
      // go-yaml refuses a collection key as it decodes it; a later duplicate key replaces an earlier
      // one, so only the last pair of each key reaches the JSON conversion
      const last = new Map<string, { key: unknown; value: unknown }>();
      for (const pair of node.items) {
        if (found || !isPair(pair)) continue;
        const key = pair.key as { source?: string; value?: unknown; type?: string; tag?: string } | null;
        if (isMap(key) || isSeq(key)) {
          const k = (key as { toJSON(): unknown }).toJSON();
          found = `yaml: invalid map key: ${Array.isArray(k) ? `[]interface {}{${k.map((x) => JSON.stringify(x)).join(', ')}}` : `map[interface {}]interface {}{${Object.entries(k as object).map(([a, b]) => `${JSON.stringify(a)}:${JSON.stringify(b)}`).join(', ')}}`}`;
          return;
        }
        const plain = key && typeof key === 'object' && key.type === 'PLAIN' && typeof key.source === 'string';
        const resolved = key === null ? null : plain ? resolvePlain(key!.source as string) : key && typeof key === 'object' && 'value' in key ? key.value : key;
        last.set(`${resolved === null ? 'null' : typeof resolved}:${String(resolved)}`, { key, value: pair.value });
      }
      for (const { key, value } of last.values()) {
        const k = key as { value?: unknown; type?: string; tag?: string } | null;
        const isNull = k === null || (typeof k === 'object' && 'value' in k && k.value === null && !isAlias(k));
        if (isNull && (k === null || k.type === 'PLAIN' || k.type === undefined || k.tag === 'tag:yaml.org,2002:null')) {
          found = `error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: ${goValue(value)}`;
          return;
        }
        visit(value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  if (!found) return undefined;
  return found.startsWith('yaml:') ? CONVERT + found : found;
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
 * The JSON value sigs.k8s.io/yaml makes of a decoded document: timestamps as their text,
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

/**
 * Copies only what needs converting (timestamps); shares nothing, so validation sees a tree.
 * decode.go scalar: a timestamp decoded into interface{} is kept as its text ("for backward
 * compatibility reasons we set it as a string"), so `2024-01-01` stays `2024-01-01`.
 */
function plainJson(v: unknown): unknown {
  if (v instanceof GoTimestamp) return v.text;
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
