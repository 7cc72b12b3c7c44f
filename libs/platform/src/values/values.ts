/**
 * Reads a values file (YAML) and checks it against its schema. Every problem becomes one line
 * `file:line:col: field.path: reason`, pointing at the value a person has to fix.
 */
import { relative } from 'node:path';
import type { z } from 'zod';
import { readPlainYaml } from './yaml-fast';
import { FileProblemsError, formatFileProblem, parseYaml, readUtf8File, type FileProblem, type YamlDocument } from './yaml-safe';

/** A value problem, located in its file. */
export type ValueProblem = FileProblem;

/** Thrown when values do not parse or validate; `message` lists every problem, one per line. */
export class ValuesError extends FileProblemsError {
  constructor(problems: readonly ValueProblem[]) {
    super(problems);
    this.name = 'ValuesError';
  }
}

export function formatProblem(p: ValueProblem): string {
  return formatFileProblem(p);
}

/**
 * Parses `path` and validates it with `schema`.
 * @param root paths in messages are relative to it, so they read the same on every machine
 */
export function loadValues<S extends z.ZodType>(path: string, schema: S, root: string): z.infer<S> {
  const file = relative(root, path);
  let text: string;
  try {
    // Strict UTF-8: a stray byte must not reach dist/ as U+FFFD.
    text = readUtf8File(path, file);
  } catch (e) {
    if (e instanceof FileProblemsError) throw new ValuesError(e.problems);
    throw e;
  }
  return parseValues(text, file, schema);
}

/** As `loadValues`, from text already read; `file` names it in messages. */
export function parseValues<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  // The common case, a simple file whose values pass, without the yaml package's document model;
  // anything else the full way below, which gives the messages (yaml-fast.ts)
  const simple = readPlainYaml(text);
  if (simple) {
    const checked = safeParseJitless(schema, simple.value);
    if (checked.success) return checked.data;
  }
  // Syntax, keys given twice (an error, not "last one wins" as YAML allows), __proto__, alias bombs.
  const parsed = parseYaml(text, file);
  if (parsed.problems.length > 0) throw new ValuesError(parsed.problems);
  const document = parsed.documents[0];
  const data = document.value; // converted once, for the schema and for every message
  // jitless: a values file is checked once per process, and compiling each object schema into a
  // function first (zod's default) cost more than it saved: 130 ms of a 0.6 s render (issue 23).
  // Zod 4.6.7's jitless object check adds a property's issues with push(...issues)
  // (core/schemas.js handlePropertyResult), which overflows the stack past about 100,000 issues
  // under one key; its compiled check does not, so such a file is checked that way.
  const result = safeParseJitless(schema, data);
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue): ValueProblem => {
    let path = issue.path.map(String);
    let reason = issue.message;
    if (issue.code === 'unrecognized_keys') {
      // Point at the unknown key itself, not at its parent object.
      path = [...path, issue.keys[0]];
      reason = `unknown key${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''} (check the spelling; allowed keys are in the system's values schema)`;
    }
    const received = valueAt(data, path);
    // a schema may say what a missing value is and where it comes from (its message starts so)
    if (issue.code === 'invalid_type' && received === undefined) reason = issue.message.startsWith('required, but missing') ? issue.message : 'required, but missing';
    const node = locate(document, path);
    if (received !== undefined && typeof received !== 'object' && issue.code !== 'unrecognized_keys') {
      reason += ` (got ${asWritten(received, node?.range, text)})`;
    }
    const pos = node?.range ? parsed.position(node.range[0]) : { line: 1, col: 1 };
    return { file, line: pos.line, column: pos.col, field: path.join('.'), reason };
  });
  throw new ValuesError(problems.sort((a, b) => a.line - b.line || a.column - b.column));
}

function safeParseJitless<S extends z.ZodType>(schema: S, data: unknown): z.ZodSafeParseResult<z.output<S>> {
  try {
    return schema.safeParse(data, { jitless: true });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return schema.safeParse(data);
  }
}

/** JSON for strings and finite numbers, as before; `.inf`, `1e999` or `.nan` as the file spells them (JSON has no such number). */
function asWritten(value: unknown, range: readonly number[] | null | undefined, text: string): string {
  if (typeof value === 'number' && !Number.isFinite(value) && range) return text.slice(range[0], range[1]);
  return JSON.stringify(value) ?? String(value);
}

function valueAt(data: unknown, path: string[]): unknown {
  let cur: unknown = data;
  for (const k of path) {
    // own keys only: `constructor` must not find Object's constructor
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** The deepest node that exists along `path` (for a missing key: its parent). */
function locate(document: YamlDocument, path: string[]) {
  for (let n = path.length; n >= 0; n--) {
    const node = document.nodeAt(path.slice(0, n));
    if (node?.range) return node;
  }
  return undefined;
}
