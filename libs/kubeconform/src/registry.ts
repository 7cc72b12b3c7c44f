/**
 * Schema registry: finds and compiles (once, lazily) the JSON schema of an apiVersion/kind.
 *
 * Locations are tried in order, like kubeconform's -schema-location:
 * - `default`: the bundled schemas (generated from kubernetes-models packages + hand-written);
 * - a CRD file (.yaml/.yml) or a folder holding CRDs: converted in memory;
 * - a path template (Go-template fields as in kubeconform), or a plain path to which
 *   kubeconform's default suffix is appended when it does not end in `json`;
 * - an http(s) template: we never download, so it is only served from the `-cache` folder
 *   (files named by the sha256 of the URL, as kubeconform stores them).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { createAjv, type AjvInstance } from './ajv.js';
import { convertCrds } from './crd.js';
import { schemaProblem } from './metaschema.js';
import type { JsonSchema, SchemaBundle } from './schema-types.js';

export const SCHEMAS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schemas');
export const GENERATED_DIR = path.join(SCHEMAS_DIR, 'generated');

/** Kubernetes release of the bundled built-in schemas (kubernetes-models 5.x tracks v1.36.0). */
export const BUNDLED_KUBERNETES_VERSION = '1.36.0';
export const BUNDLED_SOURCE = 'kubernetes-models@5.1.0';

const DEFAULT_SUFFIX = '/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json';
const TEMPLATE_FIELDS = new Set([
  'NormalizedKubernetesVersion',
  'StrictSuffix',
  'ResourceKind',
  'ResourceAPIVersion',
  'Group',
  'KindSuffix',
]);

/** A failure that stops the run before any resource is read (exit 1, no summary). */
export class StartupError extends Error {}

export interface RegistryOptions {
  strict?: boolean;
  /** `master` or x.y.z */
  kubernetesVersion?: string;
  /** kubeconform -schema-location values; empty means `default` */
  schemaLocations?: string[];
  /** folder of cached downloads (kubeconform -cache) */
  cacheDir?: string;
}

export type SchemaLookup =
  | { found: true; id: string; validate: ValidateFunction; key?: string }
  | { found: false; error?: string };

interface Location {
  lookup(apiVersion: string, kind: string): SchemaLookup;
}

/** The oldest Kubernetes minor `-kubernetes-version` serves from the bundled schemas. */
export const OLDEST_KUBERNETES_MINOR = 20;
const BUNDLED_MINOR = Number(BUNDLED_KUBERNETES_VERSION.split('.')[1]);

/** `master` or 1.20.x to the bundled minor (1.36.x): served from the bundled schemas. */
export function isBundledVersion(version: string): boolean {
  if (version === 'master') return true;
  const [major, minor] = version.split('.').map(Number);
  return major === 1 && minor >= OLDEST_KUBERNETES_MINOR && minor <= BUNDLED_MINOR;
}

let availability: Record<string, number> | undefined;
/**
 * Whether Kubernetes `version` serves a bundled GA API: from pluto's deprecated-API data
 * (data/api-availability.json), e.g. autoscaling/v2 HorizontalPodAutoscaler from 1.23, batch/v1
 * CronJob from 1.21. Upstream has no schema for an API its version does not serve.
 */
export function servedIn(version: string, key: string): boolean {
  if (version === 'master') return true;
  availability ??= (JSON.parse(readFileSync(path.join(SCHEMAS_DIR, '../data/api-availability.json'), 'utf8')) as { since: Record<string, number> }).since;
  const since = availability[key];
  return since === undefined || Number(version.split('.')[1]) >= since;
}

export class SchemaRegistry {
  private readonly locations: Location[];
  private readonly cache = new Map<string, SchemaLookup>();

  constructor(options: RegistryOptions = {}) {
    const strict = options.strict ?? false;
    const version = options.kubernetesVersion ?? 'master';
    const specs = options.schemaLocations?.length ? options.schemaLocations : ['default'];
    if (options.cacheDir !== undefined && !isDirectory(options.cacheDir)) {
      throw new StartupError(
        `failed opening cache folder ${options.cacheDir}: stat ${options.cacheDir}: no such file or directory`,
      );
    }
    this.locations = specs.map((spec) => {
      if (spec === 'default') {
        // upstream downloads <version>-standalone/...: an unknown version is a 404 per resource,
        // i.e. "could not find schema" (or skipped with -ignore-missing-schemas), not a start-up failure
        if (!isBundledVersion(version)) return { lookup: () => ({ found: false }) };
        const bundled = bundledLocation(strict, version);
        return {
          lookup: (apiVersion: string, kind: string) => {
            const found = bundled.lookup(apiVersion, kind);
            return found.found && !servedIn(version, found.key ?? `${apiVersion}/${kind}`) ? { found: false } : found;
          },
        };
      }
      if (!spec.includes('{{') && /\.ya?ml$/i.test(spec)) return new CrdLocation([spec]);
      if (!spec.includes('{{') && isDirectory(spec) && crdFilesIn(spec).length > 0) {
        return new CrdLocation(crdFilesIn(spec));
      }
      return new TemplateLocation(spec, version, strict, options.cacheDir);
    });
  }

  lookup(apiVersion: string, kind: string): SchemaLookup {
    const key = `${apiVersion}/${kind}`;
    let result = this.cache.get(key);
    if (!result) {
      result = { found: false };
      for (const location of this.locations) {
        result = location.lookup(apiVersion, kind);
        if (result.found || result.error) break;
      }
      this.cache.set(key, result);
    }
    return result;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function crdFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.ya?ml$/i.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (/^kind:\s*CustomResourceDefinition\s*$/m.test(readFileSync(file, 'utf8'))) out.push(file);
  }
  return out.sort();
}

/** Removes `additionalProperties: false` everywhere: the lenient (non -strict) variant. */
export function lenient(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lenient);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'additionalProperties' && v === false) continue;
    out[k] = lenient(v);
  }
  return out;
}

/** Compiles a kind's schema on first use and keeps it. */
class IndexedLocation implements Location {
  private readonly compiled = new Map<string, ValidateFunction>();
  constructor(
    private readonly ajv: () => AjvInstance,
    /** `<apiVersion>/<Kind>` → schema ref known to `ajv`, and the schema URL shown in messages */
    private readonly index: Map<string, { ref: string; display: string }>,
    /** folder of precompiled validators (ajv standalone code), one file per kind; none: compile in memory */
    private readonly cacheDir?: string,
    /** find kinds as upstream's default URL does (case-insensitively), then check kind and apiVersion */
    private readonly upstreamLookup = false,
    /** find kinds in any case (a CRD location) */
    private readonly kindCaseInsensitive = false,
  ) {}

  lookup(apiVersion: string, kind: string): SchemaLookup {
    let key = `${apiVersion}/${kind}`;
    if (!this.index.has(key)) {
      if (this.upstreamLookup) key = this.byFileName().get(upstreamFileName(apiVersion, kind)) ?? key;
      else if (this.kindCaseInsensitive) key = this.byFileName().get(`${apiVersion}/${kind.toLowerCase()}`) ?? key;
    }
    const entry = this.index.get(key);
    if (!entry) return { found: false };
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.cacheDir ? this.precompiled(key, this.schemaOf(key, entry.ref)) : this.ajv().compile(this.schemaOf(key, entry.ref));
      this.compiled.set(key, validate);
    }
    return { found: true, id: entry.display, validate, key };
  }

  /**
   * Upstream's default location is a URL built from the lowercased kind, the first label of the
   * group and the version (registry.go schemaPath: ResourceKind, KindSuffix), so a kind or
   * apiVersion spelt in another case, or another group with the same first label
   * (`apps.example.com/v1` Deployment), finds the schema, whose `kind` and `apiVersion` enums
   * (openapi2jsonschema --kubernetes) then make the resource invalid. The bundled location does the
   * same. A CRD location is found as `{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}`
   * would find it: the kind in any case.
   */
  private schemaOf(_key: string, ref: string): object {
    return { $ref: ref }; // the generated schemas pin kind and apiVersion with enums already
  }

  private fileNameIndex?: Map<string, string>;
  private byFileName(): Map<string, string> {
    if (!this.fileNameIndex) {
      this.fileNameIndex = new Map();
      for (const k of this.index.keys()) {
        const slash = k.lastIndexOf('/');
        const [apiVersion, kind] = [k.slice(0, slash), k.slice(slash + 1)];
        const name = this.upstreamLookup ? upstreamFileName(apiVersion, kind) : `${apiVersion}/${kind.toLowerCase()}`;
        if (!this.fileNameIndex.has(name)) this.fileNameIndex.set(name, k);
      }
    }
    return this.fileNameIndex;
  }

  /** The kind's standalone validator from the cache, generated (once, atomically) when absent. */
  private precompiled(key: string, schema: object): ValidateFunction {
    const file = path.join(this.cacheDir!, `${key.replace(/[^A-Za-z0-9.-]/g, '_')}.cjs`);
    if (existsSync(file)) return requireCjs(file) as ValidateFunction;
    const ajv = this.ajv();
    const validate = ajv.compile(schema);
    const code = standaloneCode(ajv, validate);
    mkdirSync(this.cacheDir!, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file);
    return validate;
  }
}

const requireCjs = createRequire(import.meta.url);
/** ajv's standalone code generator, loaded only when a validator is generated. */
const standaloneCode = (ajv: AjvInstance, validate: ValidateFunction): string =>
  (requireCjs('ajv/dist/standalone') as { default: (a: AjvInstance, v: ValidateFunction) => string }).default(ajv, validate);

/** Where precompiled validators live: node_modules/.cache, keyed by the schemas' and generator's hash. */
export const PRECOMPILED_ROOT = path.resolve(SCHEMAS_DIR, '../../../node_modules/.cache/gitops-kubeconform');

const bundledByMode: Partial<Record<string, IndexedLocation>> = {};

/**
 * Bundled built-in schemas read as kubeconform's (yannh/kubernetes-json-schema "standalone")
 * read: every type also allows null, and IntOrString / Quantity are `oneOf` string-or-number
 * whose branches both allow null, so a null there matches both and fails ("oneOf failed,
 * subschemas 0, 1 matched"), as upstream.
 */
export function upstreamShape(schema: unknown, name = ''): unknown {
  if (Array.isArray(schema)) return schema.map((s) => upstreamShape(s));
  if (!schema || typeof schema !== 'object') return schema;
  const s = schema as Record<string, unknown>;
  if (/:(IntOrString|Quantity)$/.test(name)) {
    const { type, pattern, ...rest } = s as { type?: string[]; pattern?: string };
    const other = (type ?? []).find((t) => t !== 'string') ?? 'integer';
    return { ...rest, oneOf: [{ type: ['string', 'null'], ...(pattern ? { pattern } : {}) }, { type: [other, 'null'] }] };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'type') out.type = [...new Set([...(Array.isArray(v) ? v : [v]), 'null'])];
    else if (k === 'enum' && Array.isArray(v)) {
      if (v.includes(null) || /:(kind|apiVersion)$/.test(name)) out.enum = v;
      else {
        // null is accepted like everywhere else, but is not one of the values a message lists
        out.enum = [...v, null];
        out[NULL_ADDED] = true;
      }
    }
    else if (k === 'definitions' && v && typeof v === 'object') {
      out.definitions = Object.fromEntries(Object.entries(v).map(([n, d]) => [n, upstreamShape(d, n)]));
    } else if (k === 'properties' && v && typeof v === 'object') {
      // kind and apiVersion enums (openapi2jsonschema --kubernetes) do not take null
      out.properties = Object.fromEntries(Object.entries(v).map(([n, d]) => [n, n === 'kind' || n === 'apiVersion' ? upstreamShape(d, `:${n}`) : upstreamShape(d)]));
    } else out[k] = upstreamShape(v);
  }
  return out;
}

/** registry.go schemaPath: `{{ .ResourceKind }}{{ .KindSuffix }}`, what upstream's default URL tells kinds apart by. */
function upstreamFileName(apiVersion: string, kind: string): string {
  const parts = apiVersion.split('/');
  const suffix = parts.length > 1 ? `-${parts[0].split('.')[0].toLowerCase()}-${parts[1].toLowerCase()}` : `-${parts[0].split('.')[0].toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}`;
}

/** The schema URL kubeconform's default location would name for a built-in kind. */
function upstreamUrl(apiVersion: string, kind: string, version: string, strict: boolean): string {
  const parts = apiVersion.split('/');
  const group = parts[0].split('.')[0].toLowerCase();
  const suffix = parts.length > 1 ? `-${group}-${parts[1].toLowerCase()}` : `-${group}`;
  const v = version === 'master' ? 'master' : `v${version}`;
  return `https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/${v}-standalone${strict ? '-strict' : ''}/${kind.toLowerCase()}${suffix}.json#`;
}

/** Bundled schemas. The generated ones follow -strict; hand-written CRD schemas are used as written. */
function bundledLocation(strict: boolean, version: string): IndexedLocation {
  const mode = `${strict ? 'strict' : 'lenient'}-${version}`;
  const existing = bundledByMode[mode];
  if (existing) return existing;
  const hash = createHash('sha256');
  hash.update(`${GENERATOR_VERSION}\0${strict}\0${PRECOMPILED_ROOT}\0`);
  // the generated code calls the formats and regexp helpers of runtime.cjs: a change there counts too
  hash.update(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'runtime.cjs')));
  const index = new Map<string, { ref: string; display: string }>();
  const generated = readdirSync(GENERATED_DIR).filter((f) => f.endsWith('.json')).sort();
  const handWritten = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json')).sort();
  const texts = new Map<string, string>();
  for (const file of generated) texts.set(file, readFileSync(path.join(GENERATED_DIR, file), 'utf8'));
  for (const file of handWritten) texts.set(`/${file}`, readFileSync(path.join(SCHEMAS_DIR, file), 'utf8'));
  for (const text of texts.values()) hash.update(text);
  const digest = hash.digest('hex').slice(0, 16);
  // which kind is where: parsed from the bundles once, then kept beside the precompiled validators
  // (parsing 1.3 MB of schemas is most of a small run's start-up)
  type Row = { key: string; ref: string; source?: string; kubernetes: boolean };
  const indexFile = path.join(PRECOMPILED_ROOT, digest, 'kinds.json');
  let rows: Row[] | undefined;
  try {
    rows = JSON.parse(readFileSync(indexFile, 'utf8')) as Row[];
  } catch {
    rows = [];
    for (const file of generated) {
      const bundle = JSON.parse(texts.get(file)!) as SchemaBundle;
      for (const [key, def] of Object.entries(bundle.kinds)) {
        rows.push({ key, ref: `bundled:/generated/${file}#/definitions/${def}`, source: bundle.source, kubernetes: file === 'kubernetes.json' });
      }
    }
    for (const file of handWritten) {
      const gvk = handWrittenKind(JSON.parse(texts.get(`/${file}`)!) as JsonSchema, file);
      rows.push({ key: `${gvk.apiVersion}/${gvk.kind}`, ref: `bundled:/${file}`, kubernetes: false });
    }
    if (!process.env.KUBECONFORM_NO_PRECOMPILED) {
      mkdirSync(path.dirname(indexFile), { recursive: true });
      const tmp = `${indexFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(rows));
      renameSync(tmp, indexFile);
    }
  }
  for (const row of rows) {
    const slash = row.key.lastIndexOf('/');
    const [apiVersion, kind] = [row.key.slice(0, slash), row.key.slice(slash + 1)];
    const display = row.kubernetes
      ? upstreamUrl(apiVersion, kind, version, strict)
      : row.source
        ? `${row.source}#${row.key}${strict ? ' (strict)' : ''}`
        : `libs/kubeconform/schemas/${row.ref.replace('bundled:/', '')}`;
    index.set(row.key, { ref: row.ref, display });
  }
  // the ajv instance (all definitions) is built only when a validator must be generated
  let ajv: AjvInstance | undefined;
  const makeAjv = () => {
    if (ajv) return ajv;
    ajv = createAjv(true);
    for (const file of generated) {
      const bundle = JSON.parse(texts.get(file)!) as SchemaBundle;
      const definitions = strict ? bundle.definitions : (lenient(bundle.definitions) as SchemaBundle['definitions']);
      ajv.addSchema(upstreamShape({ $id: `bundled:/generated/${file}`, definitions }) as JsonSchema);
    }
    for (const file of handWritten) ajv.addSchema(withoutMetaSchema(JSON.parse(texts.get(`/${file}`)!) as JsonSchema), `bundled:/${file}`);
    return ajv;
  };
  const cacheDir = process.env.KUBECONFORM_NO_PRECOMPILED ? undefined : path.join(PRECOMPILED_ROOT, digest, strict ? 'strict' : 'lenient');
  const location = new IndexedLocation(makeAjv, index, cacheDir, true);
  bundledByMode[mode] = location;
  return location;
}

/** Bump when the schema transformation or the generated code changes (invalidates the cache). */
const GENERATOR_VERSION = 'upstream-shape-4';

/** Marks an enum to which upstreamShape added null (errors.ts leaves it out of the message). */
export const NULL_ADDED = 'x-kubeconform-null-added';

/** Hand-written schemas pin apiVersion and kind with single-value enums; that is their index key. */
export function handWrittenKind(schema: JsonSchema, file: string): { apiVersion: string; kind: string } {
  const props = schema.properties as Record<string, { enum?: unknown[] }> | undefined;
  const apiVersion = props?.apiVersion?.enum?.[0];
  const kind = props?.kind?.enum?.[0];
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    throw new Error(`schema ${file} must pin properties.apiVersion.enum and properties.kind.enum`);
  }
  return { apiVersion, kind };
}

/** Our ajv knows drafts 07/2019; kubeconform's schemas name draft-04 URLs that only mean "JSON schema". */
function withoutMetaSchema(schema: JsonSchema): JsonSchema {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

class CrdLocation extends IndexedLocation {
  constructor(files: string[]) {
    const ajv = createAjv();
    const index = new Map<string, { ref: string; display: string }>();
    for (const file of files) {
      for (const converted of convertCrds(readFileSync(file, 'utf8'))) {
        // converted by kubeconform's script, such a schema would not compile there (e.g. a
        // property named `properties` gets `additionalProperties: false` among its properties,
        // not a schema for draft-04): that kind is not found here, and the next location is tried
        if (schemaProblem(converted.schema)) continue;
        const id = `${pathToFileURL(path.resolve(file)).href}/${converted.apiVersion}/${converted.kind}`;
        ajv.addSchema(converted.schema, id);
        index.set(`${converted.apiVersion}/${converted.kind}`, { ref: id, display: `${file}#${converted.apiVersion}/${converted.kind}` });
      }
    }
    super(() => ajv, index, undefined, false, true);
  }
}

/** Go-template path (or URL) per kubeconform; only the fields kubeconform defines are allowed. */
class TemplateLocation implements Location {
  private readonly template: string;
  private readonly ajv = createAjv();
  private readonly loaded = new Map<string, ValidateFunction>();

  constructor(
    location: string,
    private readonly version: string,
    private readonly strict: boolean,
    private readonly cacheDir: string | undefined,
  ) {
    this.template = location.endsWith('json') ? location : location.replace(/\/$/, '') + DEFAULT_SUFFIX;
    for (const match of this.template.matchAll(/{{(.*?)}}/g)) {
      const field = /^\s*\.(\w+)\s*$/.exec(match[1])?.[1];
      if (!field || !TEMPLATE_FIELDS.has(field)) {
        throw new StartupError(
          `failed initialising schema location registry: template: executing at <${match[1].trim()}>: can't evaluate field ${field ?? match[1].trim()}`,
        );
      }
    }
  }

  private render(apiVersion: string, kind: string): string {
    const parts = apiVersion.split('/');
    const groupFirstLabel = parts[0].split('.')[0].toLowerCase();
    const kindSuffix = parts.length > 1 ? `-${groupFirstLabel}-${parts[1].toLowerCase()}` : `-${groupFirstLabel}`;
    const fields: Record<string, string> = {
      NormalizedKubernetesVersion: this.version === 'master' ? 'master' : `v${this.version}`,
      StrictSuffix: this.strict ? '-strict' : '',
      ResourceKind: kind.toLowerCase(),
      ResourceAPIVersion: parts[parts.length - 1],
      Group: parts[0], // registry.go: groupParts[0], so `v1` for core kinds
      KindSuffix: kindSuffix,
    };
    return this.template.replace(/{{\s*\.(\w+)\s*}}/g, (_m, f: string) => fields[f]);
  }

  lookup(apiVersion: string, kind: string): SchemaLookup {
    const where = this.render(apiVersion, kind);
    const id = /^https?:\/\//.test(where) ? where : pathToFileURL(path.resolve(where)).href;
    const known = this.loaded.get(id);
    if (known) return { found: true, id: `${id}#`, validate: known };
    const text = this.read(id);
    if (text.kind === 'missing') return { found: false };
    if (text.kind === 'error') return { found: false, error: text.message };
    try {
      const schema = JSON.parse(text.body) as JsonSchema;
      // jsonschema v6 validates a schema against its draft's metaschema before compiling it
      if (schemaProblem(schema)) return { found: false };
      this.addWithReferences(schema, id);
      const validate = this.ajv.getSchema(id);
      if (!validate) return { found: false };
      this.loaded.set(id, validate);
      return { found: true, id: `${id}#`, validate };
    } catch {
      // validator.go downloadSchema: a body that is not JSON or a schema that does not compile
      // sends kubeconform on to the next location ("we try the next registry")
      return { found: false };
    }
  }

  /** Loads a schema and, recursively, the documents its relative `$ref`s point to. */
  private addWithReferences(schema: JsonSchema, id: string): void {
    if (this.ajv.getSchema(id) !== undefined || this.ajvHas(id)) return;
    this.ajv.addSchema(withoutMetaSchema(schema), id);
    for (const ref of collectRefs(schema)) {
      const target = new URL(ref, id);
      target.hash = '';
      const targetId = target.href;
      if (targetId === id || this.ajvHas(targetId)) continue;
      const text = this.read(targetId);
      if (text.kind !== 'ok') throw new Error(`cannot load referenced schema ${targetId}`);
      const referenced = JSON.parse(text.body) as JsonSchema;
      if (schemaProblem(referenced)) throw new Error(`referenced schema ${targetId} does not compile`);
      this.addWithReferences(referenced, targetId);
    }
  }

  private ajvHas(id: string): boolean {
    return (this.ajv as unknown as { schemas: Record<string, unknown> }).schemas[id] !== undefined;
  }

  private read(id: string): { kind: 'ok'; body: string } | { kind: 'missing' } | { kind: 'error'; message: string } {
    if (id.startsWith('file:')) {
      const file = fileURLToPath(id);
      return existsSync(file) ? { kind: 'ok', body: readFileSync(file, 'utf8') } : { kind: 'missing' };
    }
    // Remote: offline validator, so the cache folder is the only source.
    if (this.cacheDir) {
      const cached = path.join(this.cacheDir, createHash('sha256').update(id).digest('hex'));
      if (existsSync(cached)) return { kind: 'ok', body: readFileSync(cached, 'utf8') };
    }
    return { kind: 'error', message: `could not download schema ${id}: network access is disabled (offline validator; use -cache or local schemas)` };
  }
}

function collectRefs(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => collectRefs(s, out));
  else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) out.add(v);
      else collectRefs(v, out);
    }
  }
  return out;
}
