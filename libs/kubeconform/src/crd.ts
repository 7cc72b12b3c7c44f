/**
 * CustomResourceDefinition → JSON schema, following kubeconform's openapi2jsonschema script:
 * one schema per served version's `openAPIV3Schema`; every object schema that lists
 * `properties` gets `additionalProperties: false` unless it says otherwise (the root only with
 * `denyRootAdditionalProperties`); `format: int-or-string` becomes string-or-integer.
 */
import { parseAllDocuments } from 'yaml';
import type { JsonSchema } from './schema-types.js';

export interface ConvertOptions {
  /** also forbid unknown top-level fields (DENY_ROOT_ADDITIONAL_PROPERTIES in the script) */
  denyRootAdditionalProperties?: boolean;
}

export interface ConvertedSchema {
  group: string;
  version: string;
  kind: string;
  apiVersion: string;
  /** kubeconform's file name: `<kind>_<version>.json` lower-cased */
  filename: string;
  schema: JsonSchema;
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function denyAdditionalProperties(data: Json, skip: boolean): Json {
  if (Array.isArray(data)) return data.map((v) => denyAdditionalProperties(v, false));
  if (!isObject(data)) return data;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(data)) out[k] = denyAdditionalProperties(v, false);
  if ('properties' in data && !skip && !('additionalProperties' in data)) out.additionalProperties = false;
  return out;
}

function replaceIntOrString(data: Json): Json {
  if (Array.isArray(data)) return data.map(replaceIntOrString);
  if (!isObject(data)) return data;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(data)) {
    out[k] =
      isObject(v) && v.format === 'int-or-string'
        ? { oneOf: [{ type: 'string' }, { type: 'integer' }] }
        : replaceIntOrString(v);
  }
  return out;
}

/** Converts one openAPIV3Schema the way the script writes it to disk. */
export function openApiToJsonSchema(openApiV3Schema: JsonSchema, options: ConvertOptions = {}): JsonSchema {
  const denied = denyAdditionalProperties(openApiV3Schema, !options.denyRootAdditionalProperties);
  return replaceIntOrString(denied) as JsonSchema;
}

/** Converts every CustomResourceDefinition found in a YAML stream (other documents are ignored). */
export function convertCrds(yamlText: string, options: ConvertOptions = {}): ConvertedSchema[] {
  const out: ConvertedSchema[] = [];
  for (const doc of parseAllDocuments(yamlText)) {
    const crd: unknown = doc.toJS();
    if (!isObject(crd) || crd.kind !== 'CustomResourceDefinition' || !isObject(crd.spec)) continue;
    const spec = crd.spec;
    const group = String(spec.group ?? '');
    const kind = isObject(spec.names) ? String(spec.names.kind ?? '') : '';
    const versions: Array<{ name: string; schema?: Json }> = [];
    if (Array.isArray(spec.versions) && spec.versions.length > 0) {
      for (const v of spec.versions) {
        if (!isObject(v)) continue;
        // apiextensions/v1 puts the schema per version; v1beta1 could share spec.validation.
        const schema = isObject(v.schema) ? v.schema.openAPIV3Schema : isObject(spec.validation) ? spec.validation.openAPIV3Schema : undefined;
        versions.push({ name: String(v.name), schema });
      }
    } else if (typeof spec.version === 'string' && isObject(spec.validation)) {
      versions.push({ name: spec.version, schema: spec.validation.openAPIV3Schema });
    }
    for (const v of versions) {
      if (!isObject(v.schema)) continue;
      out.push({
        group,
        version: v.name,
        kind,
        apiVersion: group ? `${group}/${v.name}` : v.name,
        filename: `${kind}_${v.name}`.toLowerCase() + '.json',
        schema: openApiToJsonSchema(v.schema, options),
      });
    }
  }
  return out;
}
