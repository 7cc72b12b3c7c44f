/**
 * From a stream to resources, as kubeconform's pkg/resource does: split (stream.go
 * SplitYAMLDocument), name (resource.go Signature, SignatureFromMap) and expand `List`s
 * (resource.go Resources).
 */
import { decodeYaml, splitYamlDocuments, type Decoded } from './goyaml.js';

/** One resource: the bytes of a document, or an item of a List (upstream re-marshals it). */
export interface RawResource {
  bytes: string;
  /** set for an item of a List; `bytes` is then unused */
  item?: { value: unknown };
}

/** kubeconform's Signature: kind, apiVersion, namespace and name as its output prints them. */
export interface Signature {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  /** why Signature() failed (a List is then not expanded) */
  error?: string;
}

const decodeCache = new WeakMap<RawResource, Decoded>();

/** The document as sigs.k8s.io/yaml Unmarshal (non-strict) reads it; computed once per resource. */
export function decodeLenient(res: RawResource): Decoded {
  if (res.item) return res.item;
  let d = decodeCache.get(res);
  if (!d) {
    d = decodeYaml(res.bytes, false);
    decodeCache.set(res, d);
  }
  return d;
}

/** Go's encoding/json name for a JSON value's type, as in its UnmarshalTypeError. */
export function goJsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return 'object';
}

/** strconv.FormatFloat(v, 'g', -1, 32) for the numbers sigs.k8s.io/yaml turns into strings. */
function goNumberString(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) {
      const exp = Math.floor(Math.log10(Math.abs(f)));
      if (exp < -4 || exp >= 21) {
        const [m, e] = f.toExponential(p - 1).split('e');
        const n = Number(e);
        return `${m.replace(/\.?0+$/, '')}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
      }
      return String(Number(s));
    }
  }
  return String(v);
}

/**
 * Decodes one field as encoding/json does into a Go string, after sigs.k8s.io/yaml turned numbers
 * and booleans into strings for it: `{ value }`, `{}` for null (the field is left as it is), or
 * the type error naming the field (`.Metadata.Name`).
 */
function stringField(v: unknown, field: string): { value?: string; error?: string } {
  if (v === null || v === undefined) return {};
  if (typeof v === 'string') return { value: v };
  if (typeof v === 'number') return { value: goNumberString(v) };
  if (typeof v === 'boolean') return { value: String(v) };
  return { error: `json: cannot unmarshal ${goJsonType(v)} into Go struct field ${field} of type string` };
}

/**
 * The keys of an object in the order encoding/json fills a struct from them, each with the field
 * it goes to (the field whose name equals it, or equals it ignoring case): sigs.k8s.io/yaml hands
 * encoding/json a map marshalled with its keys sorted, so a later key (`kind` after `Kind`) wins.
 */
function structFields(obj: Record<string, unknown>, names: string[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const key of Object.keys(obj).sort()) {
    const field = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (field) out.push([field, obj[key]]);
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Go's name of resource.go's anonymous Metadata struct type, as its type errors print it. */
const METADATA_TYPE = 'struct { Name string "yaml:\\"name\\""; Namespace string "yaml:\\"namespace\\""; GenerateName string "yaml:\\"generateName\\"" }';

/**
 * resource.go Signature(): yaml.Unmarshal into a struct (fields matched without case). Like
 * encoding/json, a type error is remembered (the first one) and decoding goes on, so the other
 * fields are still filled.
 */
export function signature(res: RawResource): Signature {
  const sig: Signature = { kind: '', apiVersion: '', namespace: '', name: '' };
  const decoded = decodeLenient(res);
  if ('error' in decoded) return { ...sig, error: decoded.error };
  const value = decoded.value;
  let error: string | undefined;
  const set = (v: unknown, field: string, put: (s: string) => void) => {
    const f = stringField(v, field);
    if (f.error) error ??= f.error;
    else if (f.value !== undefined) put(f.value);
  };
  if (value !== null && !isObject(value)) {
    error = `json: cannot unmarshal ${goJsonType(value)} into Go value of type struct`;
  } else if (value) {
    let generateName = '';
    for (const [field, v] of structFields(value, ['APIVersion', 'Kind', 'Metadata'])) {
      if (field === 'APIVersion') set(v, '.APIVersion', (s) => (sig.apiVersion = s));
      else if (field === 'Kind') set(v, '.Kind', (s) => (sig.kind = s));
      else if (isObject(v)) {
        for (const [m, mv] of structFields(v, ['Name', 'Namespace', 'GenerateName'])) {
          if (m === 'Name') set(mv, '.Metadata.Name', (s) => (sig.name = s));
          else if (m === 'Namespace') set(mv, '.Metadata.Namespace', (s) => (sig.namespace = s));
          else set(mv, '.Metadata.GenerateName', (s) => (generateName = s));
        }
      } else if (v !== null && v !== undefined) {
        error ??= `json: cannot unmarshal ${goJsonType(v)} into Go struct field .Metadata of type ${METADATA_TYPE}`;
      }
    }
    if (generateName !== '') sig.name = `${generateName}{{ generateName }}`;
  }
  if (error) return { ...sig, error: `error unmarshaling JSON: while decoding JSON: ${error}` };
  if (sig.kind === '') return { ...sig, error: "missing 'kind' key" };
  if (sig.apiVersion === '') return { ...sig, error: "missing 'apiVersion' key" };
  return sig;
}

/**
 * resource.go Resources(): a document whose Signature() succeeds with kind `list` (any case)
 * stands for its `items` (key matched without case; not an array: no items). Not recursive.
 */
export function expandList(res: RawResource): RawResource[] {
  const sig = signature(res);
  if (sig.error || sig.kind.toLowerCase() !== 'list') return [res];
  const decoded = decodeLenient(res) as { value: Record<string, unknown> };
  const items = structFields(decoded.value, ['Items']).at(-1)?.[1];
  if (!Array.isArray(items)) return [];
  return items.map((item) => ({ bytes: '', item: { value: item } }));
}

/** The resources of a file (files.go findResourcesInReader): empty tokens dropped, none → one empty. */
export function fileResources(text: string): RawResource[] {
  const out: RawResource[] = [];
  for (const bytes of splitYamlDocuments(text)) {
    if (bytes.length > 0) out.push(...expandList({ bytes }));
  }
  return out.length > 0 ? out : [{ bytes: '' }];
}

/** The resources of standard input (stream.go FromStream): every token, empty ones included. */
export function streamResources(text: string): RawResource[] {
  return splitYamlDocuments(text).flatMap((bytes) => expandList({ bytes }));
}

export interface ParsedResource {
  /** the decoded object; undefined when `error` is set */
  object?: Record<string, unknown>;
  /** a document that could not be decoded (syntax error, duplicate key with strict) */
  error?: string;
}

/** Decodes each resource of a file (empty ones left out); for callers that want plain objects. */
export function parseResources(text: string, options: { strict?: boolean } = {}): ParsedResource[] {
  const out: ParsedResource[] = [];
  for (const res of fileResources(text)) {
    const d = res.item ?? (res.bytes ? decodeYaml(res.bytes, options.strict ?? false) : { value: null });
    if ('error' in d) out.push({ error: `error unmarshalling resource: ${d.error}` });
    else if (isObject(d.value)) out.push({ object: d.value });
    else if (d.value !== null) out.push({ object: {} });
  }
  return out;
}
