/**
 * Writes the schemas this validator uses into kubeconform's own file layout, so that the real
 * kubeconform (or anything that reads yannh/kubernetes-json-schema folders) can be given exactly
 * the same schemas, offline:
 *
 *   <dir>/<master|vX.Y.Z>-standalone[-strict]/<kind><-group-version>.json
 *     → -schema-location '<dir>/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json'
 *   <dir>/crds/<group>/<kind>_<version>.json        (CRD files converted as `-schema-location <crd>` does)
 *     → -schema-location '<dir>/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'
 *
 * The bundled schemas are written as the registry reads them (`upstreamShape`: every type also
 * allows null, IntOrString/Quantity as `oneOf`; without -strict every `additionalProperties: false`
 * dropped), each kind as one standalone file carrying the definitions it reaches. Kubernetes
 * versions other than `master` leave out the APIs that version did not serve yet, as the registry
 * does.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { convertCrds } from './crd.js';
import { GENERATED_DIR, SCHEMAS_DIR, handWrittenKind, isBundledVersion, lenient, servedIn, upstreamShape } from './registry.js';
import type { JsonSchema, SchemaBundle } from './schema-types.js';

export interface ExportOptions {
  /** `master` and/or x.y.z versions in 1.20–1.36 (default: `master`) */
  kubernetesVersions?: string[];
  /** which variants to write (default: both) */
  strict?: boolean[];
  /** CRD files (YAML) to convert into `<dir>/crds/` as well */
  crdFiles?: string[];
}

export interface ExportResult {
  /** `-schema-location` template for the bundled schemas */
  template: string;
  /** `-schema-location` template for the converted CRDs (when CRD files were given) */
  crdTemplate?: string;
  /** files written */
  files: number;
}

/** registry.go schemaPath: `{{ .KindSuffix }}`, from the first label of the group and the version, lowercased. */
export function kindSuffix(apiVersion: string): string {
  const parts = apiVersion.split('/');
  const suffix = `-${parts[0].split('.')[0].toLowerCase()}`;
  return parts.length > 1 ? `${suffix}-${parts[1].toLowerCase()}` : suffix;
}

/** The file name upstream's default layout gives a kind (`deployment-apps-v1.json`). */
export function schemaFileName(apiVersion: string, kind: string): string {
  return `${kind.toLowerCase()}${kindSuffix(apiVersion)}.json`;
}

/** The definitions a schema reaches through `#/definitions/...` references, transitively. */
function reachable(schema: unknown, definitions: Record<string, unknown>, out = new Map<string, unknown>()): Map<string, unknown> {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) {
          const name = decodeURIComponent(v.slice('#/definitions/'.length)).replace(/~1/g, '/').replace(/~0/g, '~');
          if (!out.has(name) && name in definitions) {
            out.set(name, definitions[name]);
            visit(definitions[name]);
          }
        } else visit(v);
      }
    }
  };
  visit(schema);
  return out;
}

/** Drops the registry's internal marker keywords (they only shape our messages). */
function clean(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(clean);
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !k.startsWith('x-kubeconform-')).map(([k, v]) => [k, clean(v)]));
}

/** Writes the bundled (and given CRD) schemas into kubeconform's layout under `dir`. */
export function exportSchemas(dir: string, options: ExportOptions = {}): ExportResult {
  const versions = options.kubernetesVersions ?? ['master'];
  const variants = options.strict ?? [false, true];
  let files = 0;
  const write = (file: string, schema: unknown) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(schema));
    files++;
  };
  for (const version of versions) {
    if (!isBundledVersion(version)) throw new Error(`kubernetes version ${version}: no bundled schemas (master or 1.20.0–1.36.x)`);
    const normalized = version === 'master' ? 'master' : `v${version}`;
    for (const strict of variants) {
      const folder = path.join(dir, `${normalized}-standalone${strict ? '-strict' : ''}`);
      const written = new Map<string, string>();
      const put = (apiVersion: string, kind: string, schema: unknown) => {
        if (!servedIn(version, `${apiVersion}/${kind}`)) return;
        const name = schemaFileName(apiVersion, kind);
        const other = written.get(name);
        if (other) throw new Error(`${apiVersion}/${kind} and ${other} share kubeconform's file name ${name}`);
        written.set(name, `${apiVersion}/${kind}`);
        write(path.join(folder, name), schema);
      };
      for (const file of readdirSync(GENERATED_DIR).filter((f) => f.endsWith('.json')).sort()) {
        const bundle = JSON.parse(readFileSync(path.join(GENERATED_DIR, file), 'utf8')) as SchemaBundle;
        const raw = strict ? bundle.definitions : (lenient(bundle.definitions) as SchemaBundle['definitions']);
        const { definitions } = clean(upstreamShape({ definitions: raw })) as { definitions: Record<string, JsonSchema> };
        for (const [key, def] of Object.entries(bundle.kinds)) {
          const slash = key.lastIndexOf('/');
          const root = definitions[def];
          put(key.slice(0, slash), key.slice(slash + 1), { ...root, definitions: Object.fromEntries(reachable(root, definitions)) });
        }
      }
      for (const file of readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json')).sort()) {
        const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')) as JsonSchema;
        const { apiVersion, kind } = handWrittenKind(schema, file);
        put(apiVersion, kind, schema); // used as written, with or without -strict
      }
    }
  }
  let crdTemplate: string | undefined;
  if (options.crdFiles?.length) {
    for (const file of options.crdFiles) {
      for (const c of convertCrds(readFileSync(file, 'utf8'))) {
        write(path.join(dir, 'crds', c.group || c.version, `${c.kind.toLowerCase()}_${c.version}.json`), c.schema);
      }
    }
    crdTemplate = path.join(dir, 'crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json');
  }
  return {
    template: path.join(dir, '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json'),
    crdTemplate,
    files,
  };
}
