/**
 * ajv's errors retold as santhosh-tekuri/jsonschema v6 (kubeconform's validator) tells them:
 * its messages (kind/kind.go LocalizedString), JSON-pointer instance locations, and its error
 * tree (validator.go: a schema node with more than one error returns a "validation failed"
 * group; output.go prints the tree as `- at '<pointer>': <message>` lines).
 */
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';

const runtime = createRequire(import.meta.url)('./runtime.cjs') as {
  v6DateTimeReason: (s: string) => string | undefined;
  kubeconformDurationReason: (s: string) => string | undefined;
};

/** kind.go Format: `<value> is not valid <format>: <reason>`, the reason from the format's check. */
function formatReason(format: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (format === 'date-time') return runtime.v6DateTimeReason(value);
  if (format === 'duration') return runtime.kubeconformDurationReason(value);
  return undefined;
}

export interface FieldError {
  /** JSON pointer of the instance, tokens unescaped as kubeconform joins them, e.g. `/spec/replicas` */
  path: string;
  message: string;
}

/** A node of v6's error tree. */
interface Node {
  tokens: string[];
  message: string;
  causes: Node[];
}

/** `/spec/containers/0/name` → `spec.containers[0].name` (kept for callers that want dotted paths). */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

const tokensOf = (pointer: string) => (pointer === '' ? [] : pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')));
const escapeToken = (t: string) => t.replace(/~/g, '~0').replace(/\//g, '~1');
const pointerOf = (tokens: string[]) => tokens.map((t) => `/${escapeToken(t)}`).join('');

/** kind.go quote(): Go's %q with single quotes. */
export function quote(s: string): string {
  const q = JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${q}'`;
}

/** kind.go display(): strings quoted, objects and arrays as `value`, the rest as Go's %v. */
function display(v: unknown): string {
  if (typeof v === 'string') return quote(v);
  if (v === null) return '<nil>';
  if (typeof v === 'object') return 'value';
  return goNumber(v);
}

function goNumber(v: unknown): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  const s = String(v);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** schema.go typeOf(): every number is `number`. */
function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'number' : 'string';
}

/** schema.go jsonType bits: the order Types.ToStrings lists them in. */
const TYPE_ORDER = ['null', 'boolean', 'number', 'integer', 'string', 'array', 'object'];

function leafMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const want = String(p.type).split(',');
      return `got ${typeOf(e.data)}, want ${TYPE_ORDER.filter((t) => want.includes(t)).join(' or ')}`;
    }
    case 'enum': {
      const parent = e.parentSchema as Record<string, unknown> | undefined;
      // null added to a bundled enum (registry.ts upstreamShape) is not one of the listed values
      const values = ((p.allowedValues as unknown[]) ?? []).filter((v) => !(v === null && parent?.['x-kubeconform-null-added']));
      if (values.some((v) => v !== null && typeof v === 'object')) return 'enum failed';
      return values.length === 1 ? `value must be ${display(values[0])}` : `value must be one of ${values.map(display).join(', ')}`;
    }
    case 'const':
      return p.allowedValue !== null && typeof p.allowedValue === 'object' ? 'const failed' : `value must be ${display(p.allowedValue)}`;
    case 'pattern':
      return `${quote(String(e.data))} does not match pattern ${quote(String(p.pattern))}`;
    case 'format': {
      const reason = formatReason(String(p.format), e.data);
      return `${display(e.data)} is not valid ${p.format}${reason ? `: ${reason}` : ''}`;
    }
    case 'minimum':
    case 'maximum':
      return `${e.keyword}: got ${goNumber(e.data)}, want ${goNumber(p.limit)}`;
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${e.keyword}: got ${goNumber(e.data)}, want ${goNumber(p.limit)}`;
    case 'minLength':
    case 'maxLength':
      return `${e.keyword}: got ${[...String(e.data)].length}, want ${p.limit}`;
    case 'minItems':
    case 'maxItems':
      return `${e.keyword}: got ${(e.data as unknown[]).length}, want ${p.limit}`;
    case 'minProperties':
    case 'maxProperties':
      return `${e.keyword}: got ${Object.keys(e.data as object).length}, want ${p.limit}`;
    case 'multipleOf':
      return `${goNumber(e.data)} not multipleOf ${goNumber(p.multipleOf)}`;
    case 'uniqueItems':
      return `items at ${p.j} and ${p.i} are equal`;
    case 'not':
      return "'not' failed";
    case 'false schema':
      return 'false schema';
    default:
      return e.message ?? e.keyword;
  }
}

const isCombinator = (e: ErrorObject) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'allOf';

/** Builds the v6 nodes for ajv errors that all lie at or below `base`. */
function nodesAt(errors: ErrorObject[], base: string[]): Node[] {
  // combinator errors own the errors of their branches (ajv reports those first)
  const combinators = errors.filter(isCombinator);
  const owner = (e: ErrorObject) =>
    combinators.find((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`) && e.instancePath.startsWith(c.instancePath));
  const own: Node[] = [];
  const children = new Map<string, ErrorObject[]>();
  const required = new Map<string, string[]>();
  const additional = new Map<string, string[]>();
  for (const e of errors) {
    const tokens = tokensOf(e.instancePath);
    // a branch error belongs to its combinator, which sits at or above it
    const combinator = owner(e);
    if (combinator && tokensOf(combinator.instancePath).length <= base.length) continue;
    if (tokens.length > base.length) {
      const next = tokens[base.length];
      if (!children.has(next)) children.set(next, []);
      children.get(next)!.push(e);
      continue;
    }
    const p = e.params as Record<string, string>;
    if (e.keyword === 'required' || e.keyword === 'additionalProperties') {
      const map = e.keyword === 'required' ? required : additional;
      const name = e.keyword === 'required' ? p.missingProperty : p.additionalProperty;
      const list = map.get('') ?? [];
      if (list.length === 0) {
        map.set('', list);
        own.push({ tokens, message: e.keyword, causes: [] }); // placeholder, message set below
      }
      if (!list.includes(name)) list.push(name);
      continue;
    }
    if (isCombinator(e)) {
      const branches = errors.filter((b) => b !== e && b.schemaPath.startsWith(`${e.schemaPath}/`) && b.instancePath.startsWith(e.instancePath));
      const p2 = e.params as { passingSchemas?: number[] | null };
      const message =
        e.keyword === 'oneOf'
          ? p2.passingSchemas
            ? `oneOf failed, subschemas ${p2.passingSchemas[0]}, ${p2.passingSchemas[1]} matched`
            : 'oneOf failed, none matched'
          : e.keyword === 'anyOf'
            ? 'anyOf failed'
            : 'allOf failed';
      own.push({ tokens, message, causes: p2.passingSchemas ? [] : branchNodes(branches, tokens) });
      continue;
    }
    own.push({ tokens, message: leafMessage(e), causes: [] });
  }
  for (const node of own) {
    if (node.message === 'required') {
      const missing = required.get('')!;
      node.message = missing.length === 1 ? `missing property ${quote(missing[0])}` : `missing properties ${missing.map(quote).join(', ')}`;
    } else if (node.message === 'additionalProperties') {
      node.message = `additional properties ${additional.get('')!.map(quote).join(', ')} not allowed`;
    }
  }
  const out = [...own];
  for (const [token, errs] of children) {
    const sub = nodesAt(errs, [...base, token]);
    out.push(sub.length === 1 ? sub[0] : { tokens: [...base, token], message: 'validation failed', causes: sub });
  }
  return out;
}

/** Each branch of a combinator is validated on its own: one node per branch (grouped if several). */
function branchNodes(branches: ErrorObject[], base: string[]): Node[] {
  const byBranch = new Map<string, ErrorObject[]>();
  for (const b of branches) {
    const key = /\/(oneOf|anyOf|allOf)\/\d+/.exec(b.schemaPath)?.[0] ?? '';
    const i = b.schemaPath.indexOf(key);
    const id = b.schemaPath.slice(0, i + key.length);
    if (!byBranch.has(id)) byBranch.set(id, []);
    byBranch.get(id)!.push(b);
  }
  const out: Node[] = [];
  for (const errs of byBranch.values()) {
    const sub = nodesAt(errs, base);
    out.push(sub.length === 1 ? sub[0] : { tokens: base, message: 'validation failed', causes: sub });
  }
  return out;
}

/** validator.go Validate(): the causes of the root error (a root group is unwrapped once). */
function rootCauses(errors: ErrorObject[]): Node[] {
  const top = nodesAt(errors, []);
  if (top.length === 1) return top[0].message === 'validation failed' && top[0].causes.length > 0 ? top[0].causes : top;
  return top;
}

function render(node: Node, indent: number, out: string[]): void {
  out.push(`\n${'  '.repeat(indent - 1)}- at ${quote(pointerOf(node.tokens))}: ${node.message}`);
  for (const c of node.causes) render(c, indent + 1, out);
}

export interface SchemaFailure {
  /** kubeconform's validationErrors: the root's causes, path and message */
  errors: FieldError[];
  /** ValidationError.Error(): `jsonschema validation failed with '<url>'` and the tree */
  text: string;
}

/** The v6 report of a failed validation against the schema at `schemaUrl`. */
export function describeFailure(errors: ErrorObject[], schemaUrl: string): SchemaFailure {
  const causes = rootCauses(errors);
  const lines = [`jsonschema validation failed with ${quote(schemaUrl)}`];
  for (const c of causes) render(c, 1, lines);
  return {
    errors: causes.map((c) => ({ path: c.tokens.map((t) => `/${t}`).join(''), message: c.message })),
    text: lines.join(''),
  };
}
