/** Field-level changes between two objects and how one field or object is written for a reviewer. */
import microdiff, { type Difference } from 'microdiff';
import type { FieldChange, ObjectRef } from './model';

/** Field-level changes between two objects (the whole value when either is not an object). */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const isContainer = (v: unknown) => v !== null && typeof v === 'object';
  if (!isContainer(before) || !isContainer(after) || Array.isArray(before) !== Array.isArray(after)) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: '(whole object)', segments: [], type: 'CHANGE', before, after }];
  }
  return microdiff(before as Record<string, unknown>, after as Record<string, unknown>).map((d: Difference) => ({
    path: formatPath(d.path),
    segments: d.path,
    type: d.type,
    before: d.type === 'CREATE' ? undefined : d.oldValue,
    after: d.type === 'REMOVE' ? undefined : d.value,
  }));
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `spec.template.spec.containers[0].image`; keys such as label names are quoted in brackets. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * A value for one line: JSON, shortened in the middle when long (so an image's tag, at its end,
 * stays readable).
 */
export function formatValue(value: unknown, max = 100): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value) ?? String(value);
  if (text.length <= max) return text;
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/** `spec.replicas 2 -> 3`. */
export function formatField(f: FieldChange, max = 100): string {
  return `${f.path} ${formatValue(f.before, max)} -> ${formatValue(f.after, max)}`;
}

/** `production/kiteclass/kiteclass-core Deployment kiteclass-core`. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.leaf} ${ref.kind} ${ref.name}`;
}
