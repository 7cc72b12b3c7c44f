/**
 * Reads a values file (YAML) and checks it against its schema. Every problem becomes one line
 * `file:line:col: field.path: reason`, pointing at the value a person has to fix.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

/** A value problem, located in its file. */
export interface ValueProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted field path, `services.kiteclass-core.replicas`; empty for the whole file. */
  field: string;
  reason: string;
}

/** Thrown when values do not parse or validate; `message` lists every problem, one per line. */
export class ValuesError extends Error {
  constructor(readonly problems: readonly ValueProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ValuesError';
  }
}

export function formatProblem(p: ValueProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.reason}`;
}

/**
 * Parses `path` and validates it with `schema`.
 * @param root paths in messages are relative to it, so they read the same on every machine
 */
export function loadValues<S extends z.ZodType>(path: string, schema: S, root: string): z.infer<S> {
  const file = relative(root, path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValuesError([{ file, line: 1, column: 1, field: '', reason: `cannot read: ${(e as Error).message}` }]);
  }
  return parseValues(text, file, schema);
}

/** As `loadValues`, from text already read; `file` names it in messages. */
export function parseValues<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  const lines = new LineCounter();
  // uniqueKeys: a key given twice is an error, not "last one wins" as YAML allows.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ValuesError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, field: '', reason: `YAML syntax error: ${firstLine(e.message)}` };
      }),
    );
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue): ValueProblem => {
    let path = issue.path.map(String);
    let reason = issue.message;
    if (issue.code === 'unrecognized_keys') {
      // Point at the unknown key itself, not at its parent object.
      path = [...path, issue.keys[0]];
      reason = `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''} (check the spelling; allowed keys are in the system's values schema)`;
    }
    const received = valueAt(doc.toJS(), path);
    if (issue.code === 'invalid_type' && received === undefined) reason = 'required, but missing';
    if (received !== undefined && typeof received !== 'object' && issue.code !== 'unrecognized_keys') {
      reason += ` (got ${JSON.stringify(received)})`;
    }
    const pos = locate(doc, lines, path);
    return { file, line: pos.line, column: pos.col, field: path.join('.'), reason };
  });
  throw new ValuesError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

function valueAt(data: unknown, path: string[]): unknown {
  let cur: unknown = data;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Line and column of the deepest node that exists along `path` (for a missing key: its parent). */
function locate(doc: ReturnType<typeof parseDocument>, lines: LineCounter, path: string[]) {
  for (let n = path.length; n >= 0; n--) {
    const keys = path.slice(0, n).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
    // For a key that is unknown, the key node is what a reader looks for; else the value node.
    const node = n === 0 ? doc.contents : doc.getIn(keys, true);
    if (isNode(node) && node.range) {
      return lines.linePos(node.range[0]);
    }
  }
  return { line: 1, col: 1 };
}
