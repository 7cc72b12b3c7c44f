/** Turns ajv errors into kubeconform-like messages that name the field path. */
import type { ErrorObject } from 'ajv';

export interface FieldError {
  /** dotted field path, e.g. `spec.template.spec.containers[0].resources.requests.cpu` */
  path: string;
  message: string;
}

/** `/spec/containers/0/name` → `spec.containers[0].name` */
export function fieldPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

function join(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

export function describe(error: ErrorObject): FieldError {
  const at = fieldPath(error.instancePath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { path: join(at, String(p.additionalProperty)), message: `additional property '${p.additionalProperty}' is not allowed` };
    case 'required':
      return { path: join(at, String(p.missingProperty)), message: `missing required property '${p.missingProperty}'` };
    case 'type': {
      const want = String(p.type).split(',').join(' or ');
      return { path: at, message: `got ${typeName(error.data)}, want ${want}` };
    }
    case 'enum':
      return {
        path: at,
        message: `value ${quote(error.data)} must be one of ${(p.allowedValues as unknown[]).map(quote).join(', ')}`,
      };
    case 'const':
      return { path: at, message: `value ${quote(error.data)} must be ${quote(p.allowedValue)}` };
    case 'pattern':
      return { path: at, message: `${quote(error.data)} does not match pattern '${p.pattern}'` };
    case 'format':
      return { path: at, message: `${quote(error.data)} is not valid '${p.format}'` };
    default:
      return { path: at, message: error.message ?? error.keyword };
  }
}

/**
 * anyOf/oneOf failures come with one error per branch plus a summary; the branch errors are
 * noise when the summary says it all, so only the summary is kept for those paths.
 */
export function describeAll(errors: ErrorObject[]): FieldError[] {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inside = (e: ErrorObject) =>
    combinators.some((c) => c !== e && e.schemaPath.startsWith(c.schemaPath.replace(/\/(anyOf|oneOf)$/, '/$1/')));
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    if (inside(e)) continue;
    const d = describe(e);
    const key = `${d.path}\u0000${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out;
}
