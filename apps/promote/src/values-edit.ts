/**
 * Sets image tags in the text of a values file and nothing else. The yaml Document API finds and
 * sets each tag (`getIn`, `setIn`); the new text is the old text with only those scalars' source
 * replaced, because `Document#toString()` also re-spaces comments and re-wraps long flow maps, and
 * a reviewer must see one changed line per tag.
 */
import { imageTag, parseValues } from '@gitops/platform';
import { isScalar, parse, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';

/** One tag set in one values file. */
export interface TagChange {
  /** Values file relative to the workspace root, e.g. `environments/production/kiteclass.yaml`. */
  file: string;
  path: string[];
  from: string;
  to: string;
}

/** `environments/production/kiteclass.yaml: services.kiteclass-core.tag 2e8d1c4a -> 3f9c2a1b`. */
export function formatChange(c: TagChange): string {
  return `${c.file}: ${c.path.join('.')} ${c.from} -> ${c.to}`;
}

/** Refuses a tag the platform's `imageTag` refuses, with its reason. */
export function checkTag(tag: string): void {
  const result = imageTag.safeParse(tag);
  if (!result.success) throw new Error(`invalid tag ${JSON.stringify(tag)}: ${result.error.issues.map((i) => i.message).join('; ')}`);
}

/** The tag as YAML source, quoted like the value it replaces (and quoted anyway if plain would not read back as this string). */
function tagSource(tag: string, original: string): string {
  if (original.startsWith('"')) return JSON.stringify(tag);
  if (original.startsWith("'")) return `'${tag.replace(/'/g, "''")}'`;
  return parse(tag) === tag ? tag : JSON.stringify(tag);
}

/**
 * The values file `text` with `changes` applied; checks every tag, then the whole result against
 * `schema` (throwing the platform's `ValuesError`, `file:line:col: field: reason`), before returning.
 */
export function setTags(text: string, file: string, schema: z.ZodType, changes: readonly { path: readonly string[]; tag: string }[]): string {
  for (const c of changes) checkTag(c.tag);
  // the file as it is must be valid values (duplicate keys found in linear time by the platform's
  // reader); the yaml package's own uniqueKeys check is quadratic, so it is off here
  parseValues(text, file, schema);
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const splices: { start: number; end: number; source: string }[] = [];
  for (const c of changes) {
    refuseSharedAnchor(doc, file, c.path);
    const node = doc.getIn(c.path, true);
    if (!isScalar(node) || !node.range) throw new Error(`${file}: ${c.path.join('.')} is not a tag value in the file`);
    const [start, end] = node.range;
    splices.push({ start, end, source: tagSource(c.tag, text.slice(start, end)) });
    doc.setIn(c.path, c.tag);
  }
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.source + out.slice(s.end);
  // what is written must read back as the document the Document API holds
  if (JSON.stringify(parse(out)) !== JSON.stringify(doc.toJS())) {
    throw new Error(`${file}: setting the tags in place would not give the intended values; edit the file by hand`);
  }
  parseValues(out, file, schema);
  return out;
}

/**
 * Refuses a tag written through an anchor that an alias elsewhere uses (`tag: &t 1.0` and
 * `tag: *t`, or a whole service map anchored and aliased): setting it in place would change every
 * alias too, and the report would name one change.
 */
function refuseSharedAnchor(doc: Document, file: string, path: readonly string[]): void {
  const aliased = new Set<string>();
  visit(doc, { Alias: (_, alias) => void aliased.add(alias.source) });
  if (aliased.size === 0) return;
  for (let i = 1; i <= path.length; i++) {
    const node = doc.getIn(path.slice(0, i), true) as { anchor?: string } | undefined;
    if (node?.anchor && aliased.has(node.anchor)) {
      const at = path.slice(0, i).join('.');
      throw new Error(`${file}: ${path.join('.')} is written through the anchor &${node.anchor} (at ${at}), which an alias *${node.anchor} also uses: setting it would change that too; write this tag as its own value first`);
    }
  }
}
