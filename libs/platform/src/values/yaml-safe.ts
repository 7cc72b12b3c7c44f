/**
 * Reading YAML (and JSON) that a person or an attacker wrote, safely and in linear time. Every
 * problem becomes one `file:line:col: field: reason` line; nothing is silently changed or lost:
 *
 * - bytes are decoded as strict UTF-8 (a stray byte is an error, not U+FFFD in dist/; UTF-16/32
 *   is named as such);
 * - a key given twice, or a key a JavaScript object cannot hold (`__proto__`), is an error;
 * - an alias that refers to the node it sits in (an endless value), or aliases that expand
 *   beyond `maxAliasCount` ("billion laughs"), is an error naming the file and the alias;
 * - the document is converted to plain data once.
 *
 * - with `goYaml`, plain scalars mean what they mean to go-yaml v2 (sigs.k8s.io/yaml: kubectl,
 *   Argo CD, kubeconform), and each one whose YAML 1.1 and 1.2 meanings differ is a problem.
 *
 * The yaml package's own duplicate-key check (`uniqueKeys: true`) compares each key with every
 * earlier key of its map (quadratic: 40k keys took 11.7 s); here one Set per map does it.
 */
import { readFileSync } from 'node:fs';
import {
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  type Document,
  type Node,
  type Scalar,
} from 'yaml';
import { GoTimestamp, goTimestampJson, resolvePlain } from './goyaml-resolve';

/** One problem of an input file, located. */
export interface FileProblem {
  file: string;
  /** 1-based; 0 for a problem of the whole file, which has no position. */
  line: number;
  column: number;
  /** Dotted field path, `services.kiteclass-core.replicas`; empty for the whole file. */
  field: string;
  reason: string;
}

export function formatFileProblem(p: FileProblem): string {
  const at = p.line > 0 ? `:${p.line}:${p.column}` : '';
  return `${p.file}${at}: ${p.field ? `${p.field}: ` : ''}${p.reason}`;
}

/** Thrown when input files cannot be read safely; `message` lists every problem, one per line. */
export class FileProblemsError extends Error {
  constructor(readonly problems: readonly FileProblem[]) {
    super(problems.map(formatFileProblem).join('\n'));
    this.name = 'FileProblemsError';
  }
}

/** Keys that a plain JavaScript object cannot hold as data: assigning `__proto__` sets the prototype. */
const UNHOLDABLE_KEYS = new Set(['__proto__']);

/** Alias expansions allowed per document (the yaml package's default). */
export const DEFAULT_MAX_ALIAS_COUNT = 100;

/**
 * Decodes UTF-8 strictly (TextDecoder with `fatal: true` is the check). A byte-order mark of
 * UTF-16/32 or NUL bytes (never in a UTF-8 text file, always in UTF-16/32 text) get their own
 * message; an invalid byte is reported at its line and column.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  const at = (line: number, column: number, reason: string) => new FileProblemsError([{ file, line, column, field: '', reason }]);
  const b = bytes;
  const utf32 = (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) || (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00);
  const utf16 = !utf32 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff));
  if (utf32) return throwIt(at(1, 1, 'the file is encoded as UTF-32 (it starts with a UTF-32 byte-order mark): save it as UTF-8'));
  if (utf16) return throwIt(at(1, 1, 'the file is encoded as UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8'));
  const nul = b.indexOf(0);
  if (nul >= 0) {
    // UTF-16/32 text without a byte-order mark has a NUL in every other (or 3 of 4) bytes of
    // ASCII; a UTF-8 file has none (YAML and JSON allow no NUL), so a few are stray bytes.
    let nuls = 0;
    for (const byte of b) if (byte === 0) nuls++;
    if (nuls * 4 >= b.length) return throwIt(at(1, 1, 'the file is encoded as UTF-16 or UTF-32 (it holds NUL bytes): save it as UTF-8'));
    const pos = positionOf(new TextDecoder('utf-8').decode(b.subarray(0, nul)), Infinity);
    return throwIt(at(pos.line, pos.column, 'a NUL byte (0x00), which YAML and JSON do not allow: remove it'));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Locate the first byte that is not UTF-8: the lenient decoding matches the strict one up to
    // the first U+FFFD that the file does not spell as the three bytes EF BF BD.
    const lenient = new TextDecoder('utf-8').decode(bytes);
    for (let i = lenient.indexOf('\uFFFD'); i >= 0; i = lenient.indexOf('\uFFFD', i + 1)) {
      const offset = Buffer.byteLength(lenient.slice(0, i), 'utf8');
      if (b[offset] === 0xef && b[offset + 1] === 0xbf && b[offset + 2] === 0xbd) continue;
      const pos = positionOf(lenient, i);
      const hex = b[offset].toString(16).toUpperCase().padStart(2, '0');
      return throwIt(at(pos.line, pos.column, `byte 0x${hex} is not UTF-8 (the file must be UTF-8; was it saved as Latin-1 or Windows-1252?)`));
    }
    return throwIt(at(1, 1, 'the file is not UTF-8: save it as UTF-8'));
  }
}

/** 1-based line and column of the character at `index` of `text` (its end for Infinity). */
function positionOf(text: string, index: number): { line: number; column: number } {
  const prefix = text.slice(0, index);
  return { line: prefix.split('\n').length, column: prefix.length - prefix.lastIndexOf('\n') };
}

function throwIt(e: Error): never {
  throw e;
}

/**
 * Reads a file as strict UTF-8.
 * @param file the path to name in messages (relative to the workspace root)
 */
export function readUtf8File(path: string, file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new FileProblemsError([{ file, line: 1, column: 1, field: '', reason: `cannot read: ${(e as Error).message}` }]);
  }
  return decodeUtf8(bytes, file);
}


/** One YAML document of a file, checked and converted once. */
export interface YamlDocument {
  readonly doc: Document.Parsed;
  /** The plain data (undefined when the document had problems). */
  readonly value: unknown;
  /** The value node at `path` (map keys and sequence indexes), as the file spells it. */
  nodeAt(path: readonly (string | number)[]): Node | undefined;
}

export interface ParsedYaml {
  readonly documents: readonly YamlDocument[];
  /** Every problem of every document, in file order (`yaml11` included). */
  readonly problems: readonly FileProblem[];
  /**
   * With `goYaml`: the plain scalars whose YAML 1.1 meaning (kubectl, Argo CD) differs from their
   * YAML 1.2 one. They do not withhold a document's value, which is the YAML 1.1 reading. @default - none
   */
  readonly yaml11: readonly FileProblem[];
  /** Line and column (1-based) of a character offset. */
  position(offset: number): { line: number; col: number };
}

export interface ParseYamlOptions {
  /** A stream of documents (`---`), as manifests are; else exactly one document. @default false */
  readonly multi?: boolean;
  /** Alias expansions allowed per document. @default DEFAULT_MAX_ALIAS_COUNT */
  readonly maxAliasCount?: number;
  /**
   * Read as kubectl and Argo CD do (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1 scalars): a plain
   * `Off` is the boolean false, `010` is 8. Each plain scalar whose YAML 1.1 meaning differs from
   * its YAML 1.2 one is reported ("reads as boolean false under YAML 1.1 (kubectl, Argo CD)"); the
   * value is still given, as go-yaml reads it. For rendered manifests; values files are read as
   * YAML 1.2, by this workspace only. @default false
   */
  readonly goYaml?: boolean;
}

/** "boolean false", "number 8", "null", "timestamp 2001-12-14T00:00:00Z", "string \"1e3\"". */
function describeValue(v: unknown, timestamp = false): string {
  if (v === null) return 'null';
  if (timestamp) return `timestamp ${String(v)}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

/**
 * With `goYaml`: gives a plain, untagged scalar its go-yaml v2 meaning, as sigs.k8s.io/yaml hands
 * it on as JSON (a timestamp as RFC 3339 text; a key as text, so a key `on` becomes "true");
 * returns why, when that differs from the YAML 1.2 meaning the yaml package gave it.
 */
function toGoYaml(node: Scalar, isKey: boolean): string | undefined {
  if (node.type !== 'PLAIN' || node.tag || typeof node.source !== 'string') return undefined;
  const resolved = resolvePlain(node.source);
  const timestamp = resolved instanceof GoTimestamp;
  const go = resolved instanceof GoTimestamp ? goTimestampJson(resolved.text) : resolved;
  const yaml12 = node.value;
  if (isKey) {
    const key = String(go);
    if (key === String(yaml12)) return undefined;
    node.value = key;
  } else {
    if (!timestamp && Object.is(go, yaml12)) return undefined;
    node.value = go;
  }
  return `reads as ${describeValue(go, timestamp)} under YAML 1.1 (kubectl, Argo CD) but as ${describeValue(yaml12)} under YAML 1.2: quote it, or write the value meant`;
}

/** Parses YAML (JSON is YAML) with the checks described at the top of this module. */
export function parseYaml(text: string, file: string, opts: ParseYamlOptions = {}): ParsedYaml {
  const lines = new LineCounter();
  const position = (offset: number) => lines.linePos(offset);
  // uniqueKeys: false, because the package's check is quadratic; checkDocument does it linearly.
  const options = { lineCounter: lines, uniqueKeys: false, prettyErrors: false } as const;
  const docs = opts.multi ? parseAllDocuments(text, options) : [parseDocument(text, options)];
  const problems: FileProblem[] = [];
  const located = (offset: number, field: string, reason: string): FileProblem => {
    const pos = position(offset);
    return { file, line: pos.line, column: pos.col, field, reason };
  };
  // A stream without documents (only comments or directives) still carries its errors.
  if ('empty' in docs) problems.push(...docs.errors.map((e) => located(e.pos[0], '', `YAML syntax error: ${e.message.split('\n')[0]}`)));
  const list = [...docs];
  const yaml11: FileProblem[] = [];
  const documents = list.map((doc) => {
    const found: FileProblem[] = [];
    const problem = (offset: number, field: string, reason: string) => found.push(located(offset, field, reason));
    for (const e of doc.errors) problem(e.pos[0], '', `YAML syntax error: ${e.message.split('\n')[0]}`);
    const meaning = opts.goYaml ? (offset: number, field: string, reason: string) => yaml11.push(located(offset, field, reason)) : undefined;
    const nodes = checkDocument(doc, problem, position, meaning);
    let value: unknown;
    if (found.length === 0) {
      const maxAliasCount = opts.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
      try {
        value = doc.toJS({ maxAliasCount });
      } catch (e) {
        if (!(e instanceof ReferenceError)) throw e;
        // The yaml package counts alias expansions and stops at maxAliasCount ("Excessive alias count").
        problem(nodes.firstAlias ?? 0, nodes.firstAliasField ?? '', `YAML aliases expand too much (more than ${maxAliasCount} alias uses; an "alias bomb"?): write the values out instead`);
      }
    }
    problems.push(...found);
    return { doc, value: found.length === 0 ? value : undefined, nodeAt: (path: readonly (string | number)[]) => nodes.byPath.get(pathKey(path)) };
  });
  problems.push(...yaml11);
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { documents, problems, yaml11, position };
}

/** A path as one string: each segment after a NUL (the root is ''), so a child's key is its parent's plus one segment. */
const pathKey = (path: readonly (string | number)[]) => path.map((seg) => `\u0000${seg}`).join('');

interface DocumentIndex {
  /** Value nodes by path key. */
  byPath: Map<string, Node>;
  firstAlias?: number;
  firstAliasField?: string;
}

/**
 * One visit in document order: duplicate keys (one Set per map), keys a JavaScript object cannot
 * hold, aliases inside the node they refer to; and the index of value nodes by path.
 */
function checkDocument(
  doc: Document.Parsed,
  problem: (offset: number, field: string, reason: string) => void,
  position: (offset: number) => { line: number; col: number },
  /** Set (goYaml): scalars take their go-yaml v2 meaning, and a changed meaning is reported here. */
  meaning?: (offset: number, field: string, reason: string) => void,
): DocumentIndex {
  const index: DocumentIndex = { byPath: new Map() };
  // An alias refers to the last node with its anchor before it (YAML 1.2, 3.2.2.2); a node's
  // anchor comes before its content, so it is set before the node's children are visited.
  const anchors = new Map<string, Node>();
  const open = new Set<Node>();

  // `key` is the path key (as pathKey builds it), `field` the dotted path.
  const visit = (node: unknown, key: string, field: string, isKey = false): void => {
    if (!isNode(node)) return;
    if (!isKey) index.byPath.set(key, node);
    if (isAlias(node)) {
      const offset = node.range?.[0] ?? 0;
      if (index.firstAlias === undefined) {
        index.firstAlias = offset;
        index.firstAliasField = field;
      }
      const target = anchors.get(node.source);
      if (target && open.has(target)) {
        problem(offset, field, `alias *${node.source} refers to the node it is part of, which would make the value endless`);
      }
      return;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (meaning && !isKey && isScalar(node)) {
      const why = toGoYaml(node, false);
      if (why) meaning(node.range?.[0] ?? 0, field, why);
    }
    open.add(node);
    const child = (seg: string) => [`${key}\u0000${seg}`, field ? `${field}.${seg}` : seg] as const;
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        visit(pair.key, key, field, true); // a key may hold anchors that later aliases use
        if (meaning && isScalar(pair.key)) {
          // sigs.k8s.io/yaml makes every key a JSON string: a plain `on:` key becomes "true"
          const written = String(pair.key.source ?? pair.key.value);
          const why = toGoYaml(pair.key, true);
          if (why) meaning(pair.key.range?.[0] ?? 0, field ? `${field}.${written}` : written, `key ${why}`);
        }
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const [childKey, childField] = child(name);
        const offset = isNode(pair.key) && pair.key.range ? pair.key.range[0] : (node.range?.[0] ?? 0);
        const first = seen.get(name);
        if (first !== undefined) {
          // JavaScript objects keep one value per key (1 and "1" too), so a repeat would lose one.
          const at = position(first);
          problem(offset, childField, `YAML syntax error: Map keys must be unique; "${name}" is already set at ${at.line}:${at.col}`);
        } else {
          seen.set(name, offset);
        }
        if (UNHOLDABLE_KEYS.has(name)) {
          problem(offset, childField, `"${name}" cannot be a key: a JavaScript object cannot hold it as data, so it would be silently dropped`);
        }
        visit(pair.value, childKey, childField);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const [childKey, childField] = child(String(i));
        visit(item, childKey, childField);
      });
    }
    open.delete(node);
  };
  visit(doc.contents, pathKey([]), '');
  return index;
}
