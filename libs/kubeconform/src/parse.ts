/**
 * Splits a manifest stream into resources, the way kubeconform does: one resource per YAML
 * document, empty and comment-only documents dropped, `kind: List` expanded into its items.
 */
import { parseAllDocuments, isAlias, isMap, isNode, isPair, isSeq, type Document } from 'yaml';

export interface ParsedResource {
  /** the decoded object; undefined when `error` is set */
  object?: Record<string, unknown>;
  /** a document that could not be decoded (syntax error, duplicate key with strict) */
  error?: string;
}

export interface ParseOptions {
  /** reject duplicate mapping keys, like kubeconform's strict unmarshalling */
  strict?: boolean;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function documentError(doc: Document, text: string, strict: boolean): string | undefined {
  for (const err of doc.errors) {
    const line = err.linePos?.[0]?.line ?? lineOf(text, err.pos[0]);
    if (err.code === 'DUPLICATE_KEY') {
      if (!strict) continue;
      return `error unmarshalling resource: line ${line}: ${firstLine(err.message)}`;
    }
    return `error unmarshalling resource: yaml: line ${line}: ${firstLine(err.message)}`;
  }
  return undefined;
}

/** Parses a YAML or JSON stream into resources. */
export function parseResources(text: string, options: ParseOptions = {}): ParsedResource[] {
  const strict = options.strict ?? false;
  const out: ParsedResource[] = [];
  // uniqueKeys:false lets a duplicate key through as a plain value (last one wins); we then
  // decide ourselves whether it is an error, from the DUPLICATE_KEY diagnostics.
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: true, version: '1.2' });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const dup = strict ? findDuplicateKey(doc, text) : undefined;
    const error = documentError(doc, text, strict) ?? dup;
    if (error) {
      out.push({ error });
      continue;
    }
    if (doc.contents === null) continue; // empty or comment-only document
    const plain = toPlain(doc);
    if ('error' in plain) {
      out.push({ error: plain.error });
      continue;
    }
    const value = plain.value;
    if (value === null || value === undefined) continue;
    if (!isMap(doc.contents) || typeof value !== 'object' || Array.isArray(value)) {
      out.push({ object: {} }); // not an object: reported as missing kind, as kubeconform does
      continue;
    }
    out.push(...expandList(value as Record<string, unknown>));
  }
  return out;
}

/**
 * The document as plain data, or the error kubeconform reports for it. Go's YAML decoder (which
 * kubeconform reads resources with, through sigs.k8s.io/yaml) refuses an alias inside the node it
 * names ("anchor 'x' value contains itself") and aliases that expand too much ("document contains
 * excessive aliasing"); either is an error of that resource, and the other files go on.
 */
function toPlain(doc: Document): { value: unknown } | { error: string } {
  const selfAlias = selfReferencingAlias(doc);
  const prefix = 'error unmarshalling resource: error converting YAML to JSON: yaml:';
  if (selfAlias) return { error: `${prefix} anchor '${selfAlias}' value contains itself` };
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }) };
  } catch (e) {
    if (e instanceof ReferenceError) return { error: `${prefix} document contains excessive aliasing` };
    throw e;
  }
}

/** The name of an alias that sits inside the node it refers to (its value would be endless). */
function selfReferencingAlias(doc: Document): string | undefined {
  const anchors = new Map<string, unknown>(); // the last node with each anchor so far (YAML 1.2, 3.2.2.2)
  const open = new Set<unknown>();
  const visit = (node: unknown): string | undefined => {
    if (!isNode(node)) return undefined;
    if (isAlias(node)) return open.has(anchors.get(node.source)) ? node.source : undefined;
    if (node.anchor) anchors.set(node.anchor, node);
    open.add(node);
    let found: string | undefined;
    if (isMap(node)) {
      for (const pair of node.items) if (isPair(pair)) found ??= visit(pair.key) ?? visit(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) found ??= visit(item);
    }
    open.delete(node);
    return found;
  };
  return visit(doc.contents);
}

/** `kind: List` (any apiVersion, case-insensitive like kubeconform) stands for its items. */
function expandList(object: Record<string, unknown>): ParsedResource[] {
  if (typeof object.kind === 'string' && object.kind.toLowerCase() === 'list' && Array.isArray(object.items)) {
    return object.items.flatMap((item: unknown) =>
      item && typeof item === 'object' && !Array.isArray(item)
        ? expandList(item as Record<string, unknown>)
        : [{ object: {} }],
    );
  }
  return [{ object }];
}

/** With uniqueKeys:false the parser keeps duplicates silently, so strict mode looks for them. */
function findDuplicateKey(doc: Document, text: string): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as { value?: unknown; range?: [number, number, number] } | null;
        const name = String(key && typeof key === 'object' && 'value' in key ? key.value : key);
        if (seen.has(name)) {
          const line = key?.range ? lineOf(text, key.range[0]) : 0;
          found = `error unmarshalling resource: line ${line}: key "${name}" already set in map`;
          return;
        }
        seen.add(name);
        visit(pair.value);
      }
    } else if ('items' in node && Array.isArray((node as { items: unknown[] }).items)) {
      for (const item of (node as { items: unknown[] }).items) visit(item);
    }
  };
  visit(doc.contents);
  return found;
}
