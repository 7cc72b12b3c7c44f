/**
 * Would jsonschema v6 (santhosh-tekuri/jsonschema, kubeconform's validator library) refuse to
 * compile a schema? v6 validates every schema against its draft's metaschema first (roots.go) —
 * draft-04 unless `$schema` names another, as kubeconform's validator.go sets DefaultDraft(Draft4)
 * — and compiles `pattern`s and `patternProperties` keys with Go's regexp (RE2). kubeconform then
 * treats the schema as not found and tries the next location (validator.go downloadSchema).
 * Only local schemas (templates, CRDs, the cache) are checked; the bundled ones are known to compile.
 */
import { createRequire } from 'node:module';
import type AjvModule from 'ajv';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
const { goSource } = require('./runtime.cjs') as { goSource: (pattern: string) => { source: string; flags: string } };

/** The JSON Schema draft-04 metaschema (json-schema.org/draft-04/schema, as v6 ships it), in draft-07 terms for ajv. */
const DRAFT_04 = {
  $id: 'kubeconform:draft-04',
  definitions: {
    schemaArray: { type: 'array', minItems: 1, items: { $ref: '#' } },
    positiveInteger: { type: 'integer', minimum: 0 },
    positiveIntegerDefault0: { allOf: [{ $ref: '#/definitions/positiveInteger' }, { default: 0 }] },
    simpleTypes: { enum: ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] },
    stringArray: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
  },
  type: 'object',
  properties: {
    id: { type: 'string' },
    $schema: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    description: { type: 'string' },
    default: {},
    multipleOf: { type: 'number', exclusiveMinimum: 0 },
    maximum: { type: 'number' },
    exclusiveMaximum: { type: 'boolean', default: false },
    minimum: { type: 'number' },
    exclusiveMinimum: { type: 'boolean', default: false },
    maxLength: { $ref: '#/definitions/positiveInteger' },
    minLength: { $ref: '#/definitions/positiveIntegerDefault0' },
    pattern: { type: 'string', format: 'regex' },
    additionalItems: { anyOf: [{ type: 'boolean' }, { $ref: '#' }], default: {} },
    items: { anyOf: [{ $ref: '#' }, { $ref: '#/definitions/schemaArray' }], default: {} },
    maxItems: { $ref: '#/definitions/positiveInteger' },
    minItems: { $ref: '#/definitions/positiveIntegerDefault0' },
    uniqueItems: { type: 'boolean', default: false },
    maxProperties: { $ref: '#/definitions/positiveInteger' },
    minProperties: { $ref: '#/definitions/positiveIntegerDefault0' },
    required: { $ref: '#/definitions/stringArray' },
    additionalProperties: { anyOf: [{ type: 'boolean' }, { $ref: '#' }], default: {} },
    definitions: { type: 'object', additionalProperties: { $ref: '#' }, default: {} },
    properties: { type: 'object', additionalProperties: { $ref: '#' }, default: {} },
    patternProperties: { type: 'object', additionalProperties: { $ref: '#' }, default: {} },
    dependencies: { type: 'object', additionalProperties: { anyOf: [{ $ref: '#' }, { $ref: '#/definitions/stringArray' }] } },
    enum: { type: 'array', minItems: 1, uniqueItems: true },
    type: {
      anyOf: [{ $ref: '#/definitions/simpleTypes' }, { type: 'array', items: { $ref: '#/definitions/simpleTypes' }, minItems: 1, uniqueItems: true }],
    },
    allOf: { $ref: '#/definitions/schemaArray' },
    anyOf: { $ref: '#/definitions/schemaArray' },
    oneOf: { $ref: '#/definitions/schemaArray' },
    not: { $ref: '#' },
    format: { type: 'string' },
    $ref: { type: 'string' },
  },
  dependencies: { exclusiveMaximum: ['maximum'], exclusiveMinimum: ['minimum'] },
  default: {},
};

/** Go's regexp/syntax escapes: what may follow a backslash. */
const GO_ESCAPES = new Set([...'aftnrvxpPdsDSWwbBAzQEC0']);

/**
 * Whether Go's regexp.Compile (RE2) would refuse a pattern, as far as its syntax differs from
 * JavaScript's: lookarounds, backreferences, atomic groups, escapes RE2 does not define (`\u`,
 * `\Z`, `\k`, ...), repeat counts above 1000 — and whatever JavaScript cannot compile either.
 */
export function goRegexpRefuses(pattern: string): boolean {
  if (/\(\?[=!]|\(\?<[=!]|\(\?>/.test(pattern)) return true;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '\\') continue;
    const c = pattern[i + 1];
    if (c === undefined) return true;
    if (/[1-7]/.test(c) && !/[0-7]/.test(pattern[i + 2] ?? '')) return true; // a backreference
    if (c === '8' || c === '9') return true;
    if (/[A-Za-z0-9]/.test(c) && !GO_ESCAPES.has(c) && !/[1-7]/.test(c)) return true;
    i++;
  }
  for (const m of pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)) if (Number(m[1]) > 1000 || Number(m[2] || 0) > 1000) return true;
  // Go takes flag groups anywhere (`a(?i)b`, `(?i:b)`); JavaScript cannot scope them: only whether it compiles matters here
  const translated = goSource(pattern).source.replace(/\(\?[imsU-]+\)/g, '').replace(/\(\?[imsU-]+:/g, '(?:');
  for (const flags of ['u', '']) {
    try {
      new RegExp(translated, flags);
      return false;
    } catch {
      // try without the u flag
    }
  }
  return true;
}

let validators: Record<'draft-04' | 'draft-06' | 'draft-07', ValidateFunction> | undefined;

function metaValidators(): NonNullable<typeof validators> {
  if (validators) return validators;
  const Ajv = (require('ajv') as { default: typeof AjvModule }).default;
  const { fullFormats } = require('ajv-formats/dist/formats') as { fullFormats: Record<string, unknown> };
  const ajv = new Ajv({
    strict: false,
    allErrors: false,
    logger: false,
    validateSchema: false,
    formats: { ...fullFormats, regex: (s: string) => !goRegexpRefuses(s) } as never,
  });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  const draft04 = ajv.compile(DRAFT_04);
  validators = {
    'draft-04': draft04,
    'draft-06': ajv.getSchema('http://json-schema.org/draft-06/schema')!,
    'draft-07': ajv.getSchema('http://json-schema.org/draft-07/schema')!,
  };
  return validators;
}

/** v6 draft.go draftFromURL, for the drafts checked here (later drafts are not). */
function draftOf(schema: Record<string, unknown>): 'draft-04' | 'draft-06' | 'draft-07' | undefined {
  if (typeof schema.$schema !== 'string') return 'draft-04';
  const m = /^https?:\/\/json-schema\.org\/(draft-0[467])\/schema#?$/.exec(schema.$schema);
  return m ? (m[1] as 'draft-04' | 'draft-06' | 'draft-07') : undefined;
}

/** patternProperties keys v6 compiles with Go's regexp (the metaschemas do not check them). */
function badPatternKey(schema: unknown): string | undefined {
  if (Array.isArray(schema)) {
    for (const s of schema) {
      const bad = badPatternKey(s);
      if (bad !== undefined) return bad;
    }
  } else if (schema && typeof schema === 'object') {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'patternProperties' && v && typeof v === 'object' && !Array.isArray(v)) {
        const bad = Object.keys(v).find(goRegexpRefuses);
        if (bad !== undefined) return bad;
      }
      if (k === 'enum' || k === 'const' || k === 'default' || k === 'examples') continue;
      const bad = badPatternKey(v);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
}

/** Why jsonschema v6 would not compile this schema, or undefined when it would. */
export function schemaProblem(schema: unknown): string | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return typeof schema === 'boolean' ? undefined : 'not a schema object';
  const draft = draftOf(schema as Record<string, unknown>);
  if (!draft) return undefined;
  const validate = metaValidators()[draft];
  if (!validate(schema)) {
    const e = validate.errors?.[0];
    return `not valid against the ${draft} metaschema: at '${e?.instancePath ?? ''}': ${e?.message ?? 'invalid'}`;
  }
  const key = badPatternKey(schema);
  return key === undefined ? undefined : `invalid regex ${JSON.stringify(key)} in patternProperties`;
}
