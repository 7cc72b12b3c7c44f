/**
 * Generated variations of real manifests for the differential test against the real kubeconform
 * (oracle.integration.test.ts): objects from dist/ mutated at the schema level (unknown fields,
 * wrong types, numbers in every spelling, int-or-string, quantities, dates, nulls, identity) and at
 * the YAML level (anchors, merge keys, document separators, comments, tabs, YAML 1.1 scalars,
 * duplicate keys, encodings, tags, Lists, syntax errors). Deterministic: a seeded generator.
 */
import { isDeepStrictEqual } from 'node:util';
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, isMap, stringify } from 'yaml';
import { decodeYaml } from '@gitops/kubeconform';
import { seededRandom } from '@gitops/platform/testing';

export interface Variant {
  /** the mutation family (the counts are printed per family group) */
  family: string;
  /** file name inside the variants folder (extension decides whether it is read) */
  file: string;
  /** file content: text, or bytes for encodings that are not UTF-8 */
  content: string | Buffer;
  /** what was changed, when it was one value (`spec.replicas := 1.0`) */
  note?: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
type Path = (string | number)[];

const clone = <T>(v: T): T => structuredClone(v);
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** YAML 1.1 text of an object (strings that go-yaml would read otherwise are quoted). */
export function dump(obj: unknown): string {
  return stringify(obj, { version: '1.1', lineWidth: 0, minContentWidth: 0 });
}

/** Every node with its path (root excluded). */
function nodes(obj: Json, path: Path = [], out: { path: Path; value: Json }[] = []): { path: Path; value: Json }[] {
  if (path.length) out.push({ path, value: obj });
  if (Array.isArray(obj)) obj.forEach((v, i) => nodes(v, [...path, i], out));
  else if (isObj(obj)) for (const [k, v] of Object.entries(obj)) nodes(v, [...path, k], out);
  return out;
}

function getAt(obj: Json, path: Path): Json {
  let cur: Json = obj;
  for (const p of path) cur = (cur as Record<string | number, Json>)[p];
  return cur;
}

function setAt(obj: Json, path: Path, value: Json | undefined): void {
  const parent = getAt(obj, path.slice(0, -1)) as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = value;
}

/** Replaces the value at `path` by a raw YAML scalar (written as is, e.g. `1.0`, `yes`, `0755`). */
function withRaw(obj: Obj, path: Path, raw: string): string {
  const copy = clone(obj);
  const sentinel = 'RAWSENTINEL7331';
  setAt(copy, path, sentinel);
  const text = dump(copy);
  if (text.split(sentinel).length !== 2) throw new Error('sentinel not unique');
  return text.replace(sentinel, raw);
}

const isIdentity = (p: Path) => p.length === 1 && (p[0] === 'kind' || p[0] === 'apiVersion');

export interface Generated {
  variants: Variant[];
  /** dist objects that did not read back identically from their YAML 1.1 dump (left out) */
  skippedBases: number;
}

/**
 * At least `perFamily` variants of each family, from the given dist objects (file name → text).
 * Families that need a particular field take the objects that have one.
 */
export function generateVariants(dist: Map<string, string>, seed = 20, perFamily = 6): Generated {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const bases: { name: string; obj: Obj }[] = [];
  let skippedBases = 0;
  for (const [name, text] of dist) {
    const d = decodeYaml(text, false);
    if (!('value' in d) || !isObj(d.value)) continue;
    const obj = d.value as Obj;
    // only objects whose dump reads back the same, so a variant differs only where it is mutated
    const back = decodeYaml(dump(obj), false);
    if (!('value' in back) || !isDeepStrictEqual(back.value, obj)) {
      skippedBases++;
      continue;
    }
    bases.push({ name, obj });
  }
  const variants: Variant[] = [];
  let n = 0;
  let note: string | undefined;
  const add = (family: string, content: string | Buffer, ext = 'yaml') => {
    variants.push({ family, file: `${String(++n).padStart(4, '0')}-${family}.${ext}`, content, note });
    note = undefined;
  };
  const mutate = (obj: Obj, path: Path, raw: string) => {
    note = `${path.join('.')} := ${raw}`;
    return withRaw(obj, path, raw);
  };
  /** `perFamily` distinct objects (or fewer) for which `where` finds candidate paths. */
  const sample = (where: (o: Obj) => Path[], count = perFamily): { obj: Obj; paths: Path[] }[] => {
    const fits = bases.map((b) => ({ obj: b.obj, paths: where(b.obj) })).filter((b) => b.paths.length > 0);
    const out: { obj: Obj; paths: Path[] }[] = [];
    const used = new Set<number>();
    while (out.length < count && used.size < fits.length) {
      const i = Math.floor(random() * fits.length);
      if (used.has(i)) continue;
      used.add(i);
      out.push(fits[i]);
    }
    return out;
  };
  const leavesOf = (o: Obj, test: (v: Json, p: Path) => boolean) => nodes(o).filter((x) => !isIdentity(x.path) && test(x.value, x.path)).map((x) => x.path);
  const strings = (o: Obj) => leavesOf(o, (v) => typeof v === 'string');
  const ints = (o: Obj) => leavesOf(o, (v) => typeof v === 'number' && Number.isInteger(v));
  const bools = (o: Obj) => leavesOf(o, (v) => typeof v === 'boolean');
  const objects = (o: Obj) => leavesOf(o, (v) => isObj(v));
  const arrays = (o: Obj) => leavesOf(o, (v) => Array.isArray(v));
  const keyed = (...keys: string[]) => (o: Obj) => leavesOf(o, (_v, p) => keys.includes(String(p[p.length - 1])));
  const quantities = (o: Obj) => leavesOf(o, (_v, p) => ['cpu', 'memory', 'ephemeral-storage'].includes(String(p[p.length - 1])) && ['limits', 'requests'].includes(String(p[p.length - 2])));

  // ---- schema level ---------------------------------------------------------------------------
  for (const { obj } of sample(() => [[]])) {
    const o = clone(obj);
    o[pick(['extraField', 'Spec', 'status2', 'x-unknown'])] = pick(['x', 1, true, { a: 1 }] as Json[]);
    add('unknown-field-root', dump(o));
  }
  for (const { obj, paths } of sample(objects, perFamily * 2)) {
    const o = clone(obj);
    const target = getAt(o, pick(paths)) as Obj;
    target[pick(['unknownField', 'extra', 'fooBar'])] = pick(['v', 2, false, null, [1]] as Json[]);
    add('unknown-field-nested', dump(o));
  }
  for (const { obj, paths } of sample(strings, perFamily * 2)) {
    add('string-to-number', mutate(obj, pick(paths), pick(['42', '-7', '3.14', '0', '1e3'])));
  }
  for (const { obj, paths } of sample(ints, perFamily * 2)) {
    const o = clone(obj);
    const p = pick(paths);
    setAt(o, p, String(getAt(o, p)));
    add('int-to-string', dump(o));
  }
  for (const raw of ['1.0', '2.5', '1e3', '1E2', '-0.0', '3.000', '.5', '1.', '5e-1']) {
    for (const { obj, paths } of sample(ints, 2)) add('int-to-float', mutate(obj, pick(paths), raw));
  }
  for (const raw of ['12345678901234567890', '9007199254740993', '2147483648', '-9223372036854775808', '18446744073709551616', '1e400', '-1e400', '99999999999999999999999999.0']) {
    for (const { obj, paths } of sample(ints, 2)) add('big-number', mutate(obj, pick(paths), raw));
  }
  for (const raw of ['-1', '-0', '-2147483649', '-100']) {
    for (const { obj, paths } of sample(ints, 2)) add('negative-number', mutate(obj, pick(paths), raw));
  }
  for (const raw of ['0755', '0o17', '0x1F', '0X1f', '08', '0b101', '+12', '1_000', '1:30', '0', '00', '-0x10', '0.1e1']) {
    for (const { obj, paths } of sample(ints, 2)) add('int-spellings', mutate(obj, pick(paths), raw));
  }
  for (const raw of ['yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'True', 'FALSE', 'ON', 'Off', '"true"', 'tRue']) {
    for (const { obj, paths } of sample(bools, 1)) add('yaml11-bool', mutate(obj, pick(paths), raw));
    for (const { obj, paths } of sample(strings, 1)) add('yaml11-bool', mutate(obj, pick(paths), raw));
  }
  for (const raw of ['~', 'null', 'Null', 'NULL', '', '""', "''"]) {
    for (const { obj, paths } of sample(strings, 1)) add('null', mutate(obj, pick(paths), raw));
    for (const { obj, paths } of sample(ints, 1)) add('null', mutate(obj, pick(paths), raw));
    for (const { obj, paths } of sample(objects, 1)) add('null', mutate(obj, pick(paths), raw));
    for (const { obj, paths } of sample(arrays, 1)) add('null', mutate(obj, pick(paths), raw));
  }
  for (const { obj, paths } of sample(objects, perFamily)) {
    const o = clone(obj);
    const p = pick(paths);
    setAt(o, p, [getAt(o, p)]);
    add('object-to-array', dump(o));
  }
  for (const { obj, paths } of sample(arrays, perFamily)) {
    const o = clone(obj);
    const p = pick(paths);
    setAt(o, p, { items: getAt(o, p) });
    add('array-to-object', dump(o));
  }
  for (const { obj, paths } of sample(bools, perFamily)) {
    add('bool-to-string', mutate(obj, pick(paths), pick(['"true"', '"false"', '1', '0', 'enabled'])));
  }
  const intOrString = keyed('targetPort', 'maxSurge', 'maxUnavailable', 'minAvailable', 'port');
  for (const raw of ['"25%"', '25%', '"8080"', 'http', '1.5', '1.0', '-1', 'true', 'null', '"0"', '0x50', '[80]', '{a: 1}', '100%']) {
    for (const { obj, paths } of sample(intOrString, 2)) add('int-or-string', mutate(obj, pick(paths), raw));
  }
  for (const raw of ['100m', '0.5', '1', '1e3', '1Gi', '1.5Gi', '-1', '"1 Gi"', 'lots', '1.0', '1e-3', 'true', 'null', '.5', '5.', '2Ki', '1E', '"+1"', '0x10', '1_000', '1.5e3m']) {
    for (const { obj, paths } of sample(quantities, 1)) add('quantity', mutate(obj, pick(paths), raw));
  }
  const metaObjs = (o: Obj) => (isObj(o.metadata) ? [['metadata', 'creationTimestamp'] as Path] : []);
  for (const raw of ['2024-01-01', '2024-01-01T10:00:00Z', '2024-01-01 10:00:00', '2024-1-2', '"2024-13-40T00:00:00Z"', '"yesterday"', '2024-01-01t10:00:00z', '"2024-01-01T10:00:00+0100"', '"2024-01-01T10:00:00.5+01:00"', '2024-02-30T00:00:00Z', '1700000000', 'null', '"2024-01-01T23:59:60Z"']) {
    for (const { obj, paths } of sample(metaObjs, 2)) add('date-time', mutate(obj, paths[0], raw));
  }
  for (const raw of ['"5m"', '"1h30m"', '"PT5M"', '"P1W"', '"5 minutes"', '"-5s"', '"1.5h"', '30', '"P1Y2M3DT4H5M6S"', '"PT"', '"5"']) {
    // Go and ISO 8601 durations in every string field named like one
    for (const { obj, paths } of sample(keyed('interval', 'scrapeTimeout', 'for', 'duration', 'refreshInterval', 'ttl', 'evaluationInterval'), 1)) {
      add('duration', mutate(obj, pick(paths), raw));
    }
  }
  for (const { obj, paths } of sample(keyed('imagePullPolicy', 'type', 'protocol', 'restartPolicy', 'policyTypes', 'pathType', 'operator', 'scheme', 'sessionAffinity'), perFamily * 2)) {
    add('enum', mutate(obj, pick(paths), pick(['Sometimes', 'tcp', '"TCP "', 'bogus', '""'])));
  }
  for (const { obj, paths } of sample((o) => leavesOf(o, (v, p) => p.length >= 2 && !isIdentity(p) && (isObj(v) || Array.isArray(v) || typeof v !== 'object')), perFamily * 2)) {
    const o = clone(obj);
    setAt(o, pick(paths), undefined);
    add('remove-field', dump(o));
  }
  for (const { obj } of sample(() => [['kind']], perFamily * 4)) {
    const o = clone(obj);
    const mutation = pick(['kind-lower', 'kind-upper', 'apiversion-upper', 'group-renamed', 'group-suffix', 'version-bumped', 'kind-unknown', 'no-kind', 'no-apiversion', 'kind-number', 'apiversion-empty', 'kind-list-value', 'kind-key-case', 'apiversion-key-case', 'metadata-key-case', 'both-kind-keys', 'name-key-case']);
    const av = String(o.apiVersion);
    const [group, version] = av.includes('/') ? av.split('/') : ['', av];
    if (mutation === 'kind-lower') o.kind = String(o.kind).toLowerCase();
    if (mutation === 'kind-upper') o.kind = String(o.kind).toUpperCase();
    if (mutation === 'apiversion-upper') o.apiVersion = av.toUpperCase();
    if (mutation === 'group-renamed') o.apiVersion = group ? `${group.split('.')[0]}.example.com/${version}` : `example.com/${version}`;
    if (mutation === 'group-suffix') o.apiVersion = group ? `${group}x/${version}` : `${version}x`;
    if (mutation === 'version-bumped') o.apiVersion = group ? `${group}/v9` : 'v9';
    if (mutation === 'kind-unknown') o.kind = 'Widget';
    if (mutation === 'no-kind') delete o.kind;
    if (mutation === 'no-apiversion') delete o.apiVersion;
    if (mutation === 'kind-number') o.kind = 7;
    if (mutation === 'apiversion-empty') o.apiVersion = '';
    if (mutation === 'kind-list-value') o.kind = ['Deployment'];
    // keys in another case: resource.go Signature() matches them, the schema does not
    const rename = (from: string, to: string, target: Obj = o) => {
      const entries = Object.entries(target).map(([k, v]) => [k === from ? to : k, v] as const);
      for (const k of Object.keys(target)) delete target[k];
      for (const [k, v] of entries) target[k] = v;
    };
    if (mutation === 'kind-key-case') rename('kind', pick(['Kind', 'KIND']));
    if (mutation === 'apiversion-key-case') rename('apiVersion', pick(['APIVersion', 'apiversion']));
    if (mutation === 'metadata-key-case') rename('metadata', 'Metadata');
    if (mutation === 'both-kind-keys') o.Kind = pick(['Secret', 'ConfigMap', 'Widget']);
    if (mutation === 'name-key-case' && isObj(o.metadata)) rename('name', 'Name', o.metadata);
    add('identity', dump(o));
  }
  for (const raw of ['123', '1.5', 'true', 'null', '[a]', '{a: b}', '0x1F', '2024-01-01', '""', 'on', "'123'"]) {
    const field = pick(['name', 'namespace', 'generateName']);
    for (const { obj } of sample((o) => (isObj(o.metadata) ? [['metadata', field]] : []), 1)) add('metadata-identity', mutate(obj, ['metadata', field], raw));
  }
  for (const { obj, paths } of sample(strings, perFamily)) {
    const o = clone(obj);
    setAt(o, pick(paths), 'x'.repeat(pick([1000, 70_000, 200_000])));
    add('long-string', dump(o));
  }
  for (const { obj, paths } of sample((o) => (isObj(o.metadata) ? [['metadata']] : []), 3)) {
    const o = clone(obj);
    const meta = getAt(o, paths[0]) as Obj;
    meta.labels = { ...(isObj(meta.labels) ? meta.labels : {}), ['k'.repeat(5000)]: 'v' };
    add('long-string', dump(o));
  }
  for (const { obj, paths } of sample(strings, perFamily)) {
    const o = clone(obj);
    setAt(o, pick(paths), pick(['é ü ß', '日本語', '😀', 'a\u0000b', 'line1\nline2', 'tab\there', 'quote"s', "it's", '#notacomment', 'a: b', '- x', '*ref', '&anchor', '!tag', '%percent', '@at', '`tick']));
    add('unicode-and-specials', dump(o));
  }

  // more spellings of numbers and strings, quoted-scalar escapes, line breaks go-yaml knows (NEL, U+2028)
  for (const raw of ['+.5', '.5e3', '1e+3', '1E-2', '0b_101', '0x_1F', '-0b101', '0B101', '1.5e', '1e', '+0', '00012', '0o0', '09.5', '012345678', '1__0', '0.', '-.5', '1.e5', '0x', '0o8', '6.02e23', '1_0.5']) {
    for (const { obj, paths } of sample((o) => [...ints(o), ...strings(o)], 1)) add('scalars', mutate(obj, pick(paths), raw));
  }
  for (const raw of ['"\\x41"', '"\\u00e9"', '"\\U0001F600"', '"\\N"', '"\\_"', '"\\L"', '"\\P"', '"\\q"', '"\\/"', '"\\t"', "'it''s'", '"a\\\nb"', '"\\0"', '"\\e"', '"\\ "']) {
    for (const { obj, paths } of sample(strings, 1)) add('scalars', mutate(obj, pick(paths), raw));
  }
  for (const ch of ['\u2028', '\u2029', '\u0085', '\u00a0', '\ufeff', '\u200b']) {
    for (const { obj, paths } of sample(strings, 1)) add('scalars', mutate(obj, pick(paths), `a${ch}b`));
    for (const { obj } of sample(() => [[]], 1)) {
      const lines = dump(obj).split('\n');
      const j = 1 + Math.floor(random() * (lines.length - 2));
      lines[j] = `${ch}${lines[j]}`;
      add('scalars', lines.join('\n'));
    }
  }

  // ---- YAML level -----------------------------------------------------------------------------
  // anchors and aliases: a mapping reused (labels, selectors), a scalar reused
  for (const { obj, paths } of sample(objects, perFamily * 2)) {
    const doc = new Document(clone(obj), { version: '1.1' });
    const from = pick(paths);
    const node = doc.getIn(from, true) as YAMLMap;
    // an alias must come after its anchor, outside it
    const after = paths.slice(paths.indexOf(from) + 1).filter((p) => !p.join('.').startsWith(from.join('.') + '.'));
    if (after.length === 0) continue;
    const to = pick(after);
    if (!to || !isMap(node)) continue;
    node.anchor = 'ref';
    doc.setIn(to, doc.createAlias(node, 'ref'));
    add('anchor-alias', doc.toString({ lineWidth: 0 }));
  }
  for (const { obj, paths } of sample(strings, perFamily)) {
    const doc = new Document(clone(obj), { version: '1.1' });
    const i = Math.floor(random() * (paths.length - 1));
    const [a, b] = [paths[i], pick(paths.slice(i + 1))];
    if (!b) continue;
    const node = doc.getIn(a, true) as Scalar;
    node.anchor = 's';
    doc.setIn(b, doc.createAlias(node, 's'));
    add('anchor-alias', doc.toString({ lineWidth: 0 }));
  }
  // an alias inside its own anchor; an unknown alias
  for (const { obj } of sample(() => [[]], 2)) {
    add('anchor-alias', dump(obj).replace(/^metadata:/m, 'metadata: &m').replace(/^(metadata:.*)$/m, '$1\n  self: *m'));
    add('anchor-alias', `${dump(obj)}extra: *nowhere\n`);
  }
  // merge keys: a List of two copies, the first anchoring a mapping, the second merging it
  // (`<<: *base`, with an override, with an extra key, `<<: [*base]`, `<<` of a scalar)
  for (const { obj, paths } of sample(objects, perFamily * 3)) {
    const from = pick(paths);
    const style = pick(['plain', 'override', 'extra-key', 'seq', 'scalar']);
    const list = new Document({ apiVersion: 'v1', kind: 'List', items: [clone(obj), clone(obj)] }, { version: '1.1' });
    const anchored = list.getIn(['items', 0, ...from], true);
    if (!isMap(anchored) || anchored.items.length === 0) continue;
    anchored.anchor = 'base';
    const merged = new YAMLMap();
    let source: unknown = list.createAlias(anchored, 'base');
    if (style === 'seq') {
      const seq = new YAMLSeq();
      seq.items.push(source);
      source = seq;
    }
    if (style === 'scalar') source = new Scalar('notamap');
    merged.items.push(new Pair(new Scalar('<<'), source));
    if (style === 'override') {
      const first = anchored.items[0] as Pair<Scalar, unknown>;
      merged.items.push(new Pair(new Scalar(first.key.value), list.createNode(clone(getAt(obj, [...from, String(first.key.value)])))));
    }
    if (style === 'extra-key') merged.items.push(new Pair(new Scalar('mergedExtra'), new Scalar('x')));
    list.setIn(['items', 1, ...from], merged);
    add('merge-key', list.toString({ lineWidth: 0 }));
  }
  // in one document: the selector merges the pod labels
  for (const { obj } of sample((o) => (isObj(o.spec) && isObj(o.spec.selector) && isObj(o.spec.selector.matchLabels) && isObj(o.metadata) && isObj(o.metadata.labels) ? [[]] : []), perFamily)) {
    const doc = new Document(clone(obj), { version: '1.1' });
    const labels = doc.getIn(['metadata', 'labels'], true) as YAMLMap;
    labels.anchor = 'labels';
    const merged = new YAMLMap();
    merged.items.push(new Pair(new Scalar('<<'), doc.createAlias(labels, 'labels')));
    doc.setIn(['spec', 'selector', 'matchLabels'], merged);
    add('merge-key', doc.toString({ lineWidth: 0 }));
  }
  // document separators, empty documents, document end markers
  const texts = bases.map((b) => dump(b.obj));
  const separators: ((a: string, b: string) => string)[] = [
    (a) => `---\n${a}`,
    (a) => `${a}---\n`,
    (a) => `${a}---`,
    (a, b) => `${a}---\n${b}`,
    (a, b) => `${a}---\n---\n${b}`,
    (a, b) => `---\n---\n${a}---\n\n---\n${b}---\n`,
    (a, b) => `${a}--- # comment\n${b}`,
    (a, b) => `${a}----\n${b}`,
    (a, b) => `${a}---\n# only a comment\n---\n${b}`,
    (a, b) => `${a}...\n---\n${b}`,
    (a, b) => `${a}...\n${b}`,
    (a) => `${a}...\n`,
    (a, b) => `${a}--- ${b.split('\n')[0]}\n${b.split('\n').slice(1).join('\n')}`,
    () => '---\n',
    () => '---',
    () => '\n\n',
    () => '# nothing but a comment\n',
    () => '---\n---\n---\n',
    () => '',
    (a) => `   \n${a}`,
    (a, b) => `${a}\n---\n\n${b}\n\n`,
    (a, b) => `${a}---\r\n${b}`,
  ];
  for (const sep of separators) {
    for (let i = 0; i < 2; i++) add('documents', sep(pick(texts), pick(texts)));
  }
  // comments everywhere
  for (let i = 0; i < perFamily * 2; i++) {
    const lines = pick(texts).split('\n');
    const out = lines.flatMap((l, j) => {
      const r = random();
      if (l === '') return [l];
      if (r < 0.15) return [`${' '.repeat(l.length - l.trimStart().length)}# comment ${j}`, l];
      if (r < 0.3 && !/[|>]-?$/.test(l) && !l.trimStart().startsWith('#')) return [`${l} # trailing ${j}`];
      if (r < 0.35) return ['#', l];
      return [l];
    });
    add('comments', out.join('\n'));
  }
  // tabs: in indentation (an error), after the colon, inside values, at line ends
  for (let i = 0; i < perFamily * 2; i++) {
    const text = pick(texts);
    const lines = text.split('\n');
    const j = Math.floor(random() * (lines.length - 1));
    const l = lines[j];
    const how = pick(['indent', 'after-colon', 'line-end', 'in-quoted', 'in-plain', 'blank-line', 'before-colon']);
    if (how === 'indent' && /^ {2}/.test(l)) lines[j] = `\t${l.slice(2)}`;
    else if (how === 'after-colon') lines[j] = l.replace(/: /, ':\t');
    else if (how === 'line-end') lines[j] = `${l}\t`;
    else if (how === 'in-quoted') lines.splice(1, 0, 'tabbed: "a\tb"');
    else if (how === 'in-plain') lines.splice(1, 0, 'tabbed: a\tb');
    else if (how === 'blank-line') lines.splice(j, 0, '\t');
    else if (how === 'before-colon') lines[j] = l.replace(/: /, '\t: ');
    else lines[j] = `\t${l}`;
    add(`tabs`, lines.join('\n'));
  }
  // duplicate keys: same and different values, at the root and nested
  for (let i = 0; i < perFamily * 2; i++) {
    const { obj } = pick(bases);
    const text = dump(obj);
    const lines = text.split('\n');
    const candidates = lines.map((l, j) => [l, j] as const).filter(([l]) => /^\s*[A-Za-z][\w.-]*: \S/.test(l) && !/[|>]-?$/.test(l));
    if (candidates.length === 0) continue;
    const [l, j] = pick(candidates);
    const other = random() < 0.5 ? l : l.replace(/: .*/, ': duplicated');
    lines.splice(j + 1, 0, other);
    add('duplicate-keys', lines.join('\n'));
  }
  // line endings and encodings
  for (const { obj } of sample(() => [[]], perFamily)) {
    const text = dump(obj);
    const how = pick(['crlf', 'bom', 'latin1', 'cr', 'nul', 'bom-crlf', 'utf16']);
    if (how === 'crlf') add('encoding', text.replace(/\n/g, '\r\n'));
    if (how === 'cr') add('encoding', text.replace(/\n/g, '\r'));
    if (how === 'bom') add('encoding', `\uFEFF${text}`);
    if (how === 'bom-crlf') add('encoding', `\uFEFF${text.replace(/\n/g, '\r\n')}`);
    if (how === 'nul') add('encoding', text.replace(/\n/, '\n# \u0000\n'));
    if (how === 'utf16') add('encoding', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    if (how === 'latin1') {
      const withMark = text.replace(/^(metadata:\n)/m, '$1  annotations:\n    note: caf\u00e9\n');
      add('encoding', Buffer.from(withMark, 'latin1'));
    }
  }
  for (const { obj } of sample(() => [[]], 3)) {
    add('encoding', `${dump(obj)}# caf\u00e9 in a comment\n`.replace('caf\u00e9', 'caf\u00e9'), 'yaml');
    add('encoding', Buffer.concat([Buffer.from(dump(obj)), Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
  }
  // flow style, JSON files
  for (const { obj } of sample(() => [[]], perFamily)) {
    const how = pick(['json-in-yaml', 'json-file', 'flow', 'json-file-pretty', 'json-trailing-comma', 'json-two-docs']);
    if (how === 'json-in-yaml') add('flow-and-json', JSON.stringify(obj));
    if (how === 'json-file') add('flow-and-json', JSON.stringify(obj), 'json');
    if (how === 'json-file-pretty') add('flow-and-json', JSON.stringify(obj, null, 2), 'json');
    if (how === 'flow') add('flow-and-json', stringify(obj, { version: '1.1', collectionStyle: 'flow', lineWidth: 0 }));
    if (how === 'json-trailing-comma') add('flow-and-json', JSON.stringify(obj).replace(/}$/, ',}'), 'json');
    if (how === 'json-two-docs') add('flow-and-json', `${JSON.stringify(obj)}\n---\n${JSON.stringify(obj)}`, 'json');
  }
  // block scalars, quoted keys, tags
  for (const { obj, paths } of sample(strings, perFamily)) {
    add('block-scalar', mutate(obj, pick(paths), pick(['|\n    text', '>-\n    folded\n    text', '|+\n    kept\n', '|2\n      indented', '>\n    x'])));
  }
  for (const { obj } of sample(() => [[]], perFamily)) {
    const text = dump(obj);
    const how = pick(['double', 'single', 'explicit']);
    if (how === 'double') add('quoted-keys', text.replace(/^(\s*)([A-Za-z][\w-]*):/gm, '$1"$2":'));
    if (how === 'single') add('quoted-keys', text.replace(/^(\s*)([A-Za-z][\w-]*):/gm, "$1'$2':"));
    if (how === 'explicit') add('quoted-keys', text.replace(/^spec:/m, '? spec\n:'));
  }
  for (const raw of ['!!str 5', '!!int "5"', '!!float 1', '!!bool yes', '!!null x', '!custom value', '!!binary aGVsbG8=', '!!str yes', '!!timestamp 2024-01-01', '!!int 0x10', '!!str']) {
    for (const { obj, paths } of sample((o) => [...strings(o), ...ints(o)], 1)) add('tags', mutate(obj, pick(paths), raw));
  }
  // tags on collections: go-yaml decodes a mapping or sequence whatever its tag says
  for (const tagged of ['!!map', '!!seq', '!!str', '!!omap', '!!set', '!custom', '!!binary', '!!pairs', '!!int']) {
    for (const { obj, paths } of sample((o) => [...objects(o), ...arrays(o)], 1)) {
      const p = pick(paths);
      const value = getAt(obj, p);
      add('tags', mutate(obj, p, `${tagged} ${JSON.stringify(value)}`));
    }
  }
  // flow collections at their edges
  for (const raw of ['[a, b,]', '{a: 1,}', '{a, b: 1}', '[a: 1]', '[a,,b]', '{ "a" :1 }', '[\n  a,\n  b\n]', '{a: 1, a: 2}', '[a, [b, {c: d}]]', '{? a : b}', '[]', '{}', '[ ]', '{a: [1, 2], b: {c: d}}', '["a"  , \'b\']', '{a: b c}', '[a #c\n]']) {
    for (const { obj, paths } of sample((o) => [...objects(o), ...arrays(o), ...strings(o)], 1)) add('flow-edge', mutate(obj, pick(paths), raw));
  }
  // indentation: a value on the next line, multi-line plain scalars, misaligned siblings and entries
  for (let i = 0; i < perFamily * 2; i++) {
    const lines = pick(texts).split('\n');
    const j = 1 + Math.floor(random() * (lines.length - 2));
    const l = lines[j];
    const ind = l.length - l.trimStart().length;
    const how = pick(['value-next-line', 'plain-continued', 'sibling-deeper', 'entry-misaligned', 'comment-dedented', 'comment-deeper', 'key-trailing-space', 'sibling-shallower']);
    const kv = /^(\s*(?:- )?)([\w.\/-]+): (\S.*)$/.exec(l);
    if (how === 'value-next-line' && kv) lines[j] = `${kv[1]}${kv[2]}:\n${' '.repeat(ind + 4)}${kv[3]}`;
    else if (how === 'plain-continued' && kv && !/^["'[{|>&*!]/.test(kv[3])) lines[j] = `${l}\n${' '.repeat(ind + 2)}continued`;
    else if (how === 'sibling-deeper') lines[j] = ` ${l}`;
    else if (how === 'sibling-shallower' && ind > 0) lines[j] = l.slice(1);
    else if (how === 'entry-misaligned' && l.trimStart().startsWith('- ')) lines[j] = `  ${l}`;
    else if (how === 'comment-dedented') lines.splice(j, 0, '# dedented comment');
    else if (how === 'comment-deeper') lines.splice(j, 0, `${' '.repeat(ind + 7)}# deeper comment`);
    else if (how === 'key-trailing-space' && kv) lines[j] = `${kv[1]}${kv[2]}   : ${kv[3]}`;
    else continue;
    add('indentation', lines.join('\n'));
  }
  for (const raw of ['.inf', '-.Inf', '.NaN', '+.inf', '.INF', 'inf', 'nan', 'Infinity']) {
    for (const { obj, paths } of sample(ints, 1)) add('special-floats', mutate(obj, pick(paths), raw));
  }
  for (const { obj } of sample(() => [[]], 4)) {
    const directive = pick(['%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '%TAG ! tag:example.com,2000:\n---\n', '%YAML 1.1\n']);
    add('directives', `${directive}${dump(obj)}`);
  }
  // keys go-yaml reads as booleans, numbers or null
  for (const key of ['on', 'yes', 'n', '1', '0x1', '~', '1.5', '2024-01-01', 'null', 'true']) {
    for (const { obj } of sample((o) => (isObj(o.metadata) ? [['metadata']] : []), 1)) {
      add('scalar-keys', dump(obj).replace(/^metadata:\n/m, `metadata:\n  labels:\n    ${key}: value\n`).replace(/(\n  labels:\n    .*\n)  labels:\n/, '$1'));
    }
  }
  // Lists
  const listOf = (items: Json[], kind = 'List', apiVersion: string | undefined = 'v1', key = 'items') => {
    const l: Obj = { kind };
    if (apiVersion !== undefined) l.apiVersion = apiVersion;
    l[key] = items;
    return dump(l);
  };
  for (let i = 0; i < perFamily * 2; i++) {
    const items = [pick(bases).obj, pick(bases).obj];
    const how = pick(['list', 'lower', 'upper', 'Items', 'no-apiversion', 'empty', 'not-array', 'nested', 'null-item', 'scalar-item', 'kind-list-suffix', 'other-apiversion']);
    if (how === 'list') add('lists', listOf(items));
    if (how === 'lower') add('lists', listOf(items, 'list'));
    if (how === 'upper') add('lists', listOf(items, 'LIST'));
    if (how === 'Items') add('lists', listOf(items, 'List', 'v1', 'Items'));
    if (how === 'no-apiversion') add('lists', listOf(items, 'List', undefined));
    if (how === 'empty') add('lists', listOf([]));
    if (how === 'not-array') add('lists', dump({ apiVersion: 'v1', kind: 'List', items: items[0] }));
    if (how === 'nested') add('lists', listOf([{ apiVersion: 'v1', kind: 'List', items }]));
    if (how === 'null-item') add('lists', listOf([null, items[0]]));
    if (how === 'scalar-item') add('lists', listOf(['text', 5, items[0]]));
    if (how === 'kind-list-suffix') add('lists', listOf(items, 'ConfigMapList'));
    if (how === 'other-apiversion') add('lists', listOf(items, 'List', 'example.com/v7'));
  }
  // not a mapping at the top
  for (const text of ['- a\n- b\n', 'just a string\n', '42\n', 'true\n', '{}\n', '[]\n', 'null\n', '~\n', '"quoted"\n', '|\n  block\n', '? complex\n: key\n', '[a, b]: c\n']) add('top-level', text);
  // syntax errors
  for (let i = 0; i < perFamily * 2; i++) {
    const lines = pick(texts).split('\n');
    const j = 1 + Math.floor(random() * (lines.length - 2));
    const how = pick(['unclosed-double', 'unclosed-single', 'mapping-in-value', 'dedent', 'no-colon', 'at-sign', 'flow-no-comma', 'unclosed-flow', 'backtick', 'bad-indent', 'percent']);
    if (how === 'unclosed-double') lines[j] = `${lines[j]} "oops`;
    if (how === 'unclosed-single') lines.splice(j, 0, "broken: 'oops");
    if (how === 'mapping-in-value') lines.splice(j, 0, 'a: b: c');
    if (how === 'dedent') lines.splice(j, 0, `${' '.repeat(Math.max(0, lines[j].length - lines[j].trimStart().length - 1))}x: y`);
    if (how === 'no-colon') lines.splice(j, 0, 'just words here');
    if (how === 'at-sign') lines.splice(j, 0, 'x: @value');
    if (how === 'flow-no-comma') lines.splice(j, 0, 'x: {a: 1 b: 2}');
    if (how === 'unclosed-flow') lines.splice(j, 0, 'x: [a, b');
    if (how === 'backtick') lines.splice(j, 0, 'x: `cmd`');
    if (how === 'bad-indent') lines[j] = ` ${lines[j]}`;
    if (how === 'percent') lines.splice(j, 0, 'x: %value');
    add('syntax-errors', lines.join('\n'));
  }
  return { variants, skippedBases };
}
