/**
 * Sets image tags in the text of a values file and nothing else. The yaml Document API finds and
 * sets each tag (`getIn`, `setIn`); the new text is the old text with only those scalars' source
 * replaced, because `Document#toString()` also re-spaces comments and re-wraps long flow maps, and
 * a reviewer must see one changed line per tag.
 */
import { imageTag, parseValues } from '@gitops/platform';
import { isAlias, isMap, isPair, isScalar, isSeq, parse, parseDocument, visit, type Alias, type Document } from 'yaml';
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
 * A tag shared with other services through a YAML anchor is set for the named service only (see
 * `setTag`); `note` hears what else changed in the text for that (the others keep their tag).
 */
export function setTags(
  text: string,
  file: string,
  schema: z.ZodType,
  changes: readonly { path: readonly string[]; tag: string }[],
  note: (line: string) => void = () => undefined,
): string {
  for (const c of changes) checkTag(c.tag);
  // the file as it is must be valid values (duplicate keys found in linear time by the platform's
  // reader); the yaml package's own uniqueKeys check is quadratic, so it is off here
  parseValues(text, file, schema);
  const read = (t: string) => parse(t, { uniqueKeys: false }) as unknown;
  const expected = JSON.parse(JSON.stringify(read(text))) as Record<string, unknown>;
  let out = text;
  for (const c of changes) {
    out = setTag(out, file, c.path, c.tag, note);
    setAt(expected, c.path, c.tag);
  }
  // what is written must read back as the old values with exactly these tags changed
  if (JSON.stringify(read(out)) !== JSON.stringify(expected)) {
    throw new Error(`${file}: setting the tags in place would not give the intended values; edit the file by hand`);
  }
  parseValues(out, file, schema);
  return out;
}

function setAt(values: Record<string, unknown>, path: readonly string[], value: string): void {
  let at = values;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path[path.length - 1]] = value;
}

/** An anchored node of a document: where it is, and the aliases that use it (in document order). */
interface Anchored {
  path: string;
  aliases: { alias: Alias; path: string }[];
}

/** The dotted path of `node` under its visitor `ancestors` (map keys, sequence indexes). */
function dotted(ancestors: readonly unknown[], node: unknown): string {
  const chain = [...ancestors, node];
  const keys: string[] = [];
  chain.forEach((n, i) => {
    if (isPair(n)) keys.push(String(isScalar(n.key) ? n.key.value : n.key));
    else if (isSeq(n)) keys.push(String(n.items.indexOf(chain[i + 1] as never)));
  });
  return keys.join('.');
}

/** Every anchored node of `doc` with the aliases that use it. */
function anchoredNodes(doc: Document): Map<unknown, Anchored> {
  const anchored = new Map<unknown, Anchored>();
  visit(doc, {
    Node: (_, node, path) => {
      if (!isAlias(node) && node.anchor) anchored.set(node, { path: dotted(path, node), aliases: [] });
    },
    Alias: (_, alias, path) => void anchored.get(alias.resolve(doc))?.aliases.push({ alias, path: dotted(path, alias) }),
  });
  return anchored;
}

/**
 * Sets one tag in the text. Written through YAML anchors, only the named service changes, as a
 * reviewer expects: an aliased tag (`tag: *t`) is replaced by the new tag; an anchored one
 * (`tag: &t 1.0`) gets the new tag and its first alias takes over the anchor with the old tag
 * (`tag: &t 1.0`), so the other services keep theirs. A tag inside an anchored map that an alias
 * uses again (a whole service shared) is refused, naming the services sharing it.
 */
function setTag(text: string, file: string, path: readonly string[], tag: string, note: (line: string) => void): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  const anchored = anchoredNodes(doc);
  const notATag = () => new Error(`${file}: ${path.join('.')} is not a tag value in the file`);
  const shared = (node: unknown) => {
    const a = anchored.get(node)!;
    const anchor = (node as { anchor: string }).anchor;
    return new Error(`${file}: ${path.join('.')} is shared through the anchor &${anchor} (${a.path}, used again as *${anchor} by ${a.aliases.map((x) => x.path).join(', ')}): setting it would change those too; write them out in full first`);
  };
  let node: unknown = doc.contents;
  for (const [i, key] of path.entries()) {
    if (!isMap(node) && !isSeq(node)) throw notATag();
    const child: unknown = node.get(isSeq(node) ? Number(key) : key, true);
    if (isAlias(child)) {
      const target = child.resolve(doc);
      if (i < path.length - 1) throw target && anchored.get(target)?.aliases.length ? shared(target) : notATag();
      if (!isScalar(target) || !child.range) throw notATag();
      // an aliased tag: this service's own value from now on, the anchor and other aliases unchanged
      const [from, to] = target.range ?? [0, 0];
      return splice(text, child.range, tagSource(tag, text.slice(from, to)));
    }
    if (i < path.length - 1 && (anchored.get(child)?.aliases.length ?? 0) > 0) throw shared(child);
    node = child;
  }
  if (!isScalar(node) || !node.range) throw notATag();
  const [start, end] = node.range;
  const source = text.slice(start, end);
  const aliases = anchored.get(node)?.aliases ?? [];
  if (!node.anchor || aliases.length === 0) return splice(text, node.range, tagSource(tag, source));
  // the anchored tag: the first alias takes over the anchor (and the old tag), this service gets the new one
  const anchorAt = text.lastIndexOf(`&${node.anchor}`, start);
  if (anchorAt < 0 || !/^&\S+\s+$/.test(text.slice(anchorAt, start))) throw notATag();
  const [first] = aliases;
  const out = splice(splice(text, first.alias.range!, `&${node.anchor} ${source}`), [anchorAt, end], tagSource(tag, source));
  note(`${file}: ${first.path} keeps ${String(node.value)} (it was *${node.anchor}, an alias of ${path.join('.')}; it now holds the anchor &${node.anchor} itself)`);
  return out;
}

/** `text` with `range` (start, end) replaced by `source`. */
function splice(text: string, range: readonly number[], source: string): string {
  return text.slice(0, range[0]) + source + text.slice(range[1]);
}
