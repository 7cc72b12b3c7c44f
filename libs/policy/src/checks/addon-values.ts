/**
 * `addon-values-known`: the Helm values of every add-on Application (`spec.source.helm.valuesObject`)
 * are values its chart version reads, in the shape it reads them. Helm ignores a key no template
 * reads (a typo, a key moved in a newer chart), so the setting silently does nothing; this check
 * says so before the sync. Against the chart version's own files (../shared/addons, one folder per
 * chart, recorded in libs/policy/src/data/chart-index.ts):
 * - every key path exists in its values.yaml, or is declared by its values.schema.json, or is
 *   under a documented allow-list entry (libs/policy/src/data/chart-values.ts); a map that is
 *   empty in values.yaml (annotations: {}, nodeSelector: {}) is free-form below it;
 * - a value has the kind (map, list, scalar) its default has;
 * - the values Helm would use (defaults coalesced with the valuesObject) pass values.schema.json,
 *   as `helm template` validates them;
 * - list items a template renders with `tpl` are strings (tpl takes a string; a map fails the render).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import type { PolicyContext, Violation } from '../context';
import { violation } from '../context';
import { CHART_INDEX, type ChartIndexRecord } from '../data/chart-index';
import { TPL_STRING_LISTS, VALUES_ALIASES, VALUES_ALLOW_LIST } from '../data/chart-values';

const ISTIO_DEFAULTS = '_internal_defaults_do_not_set';

const require = createRequire(import.meta.url);

/** A chart version's values.yaml, and its values.schema.json where it has one. */
export interface ChartFiles {
  readonly values: Record<string, unknown>;
  readonly schema?: Record<string, unknown>;
}

/** The files of one folder of ../shared/addons; undefined when it is not there. */
export type ChartFilesLoader = (dir: string) => ChartFiles | undefined;

/** Reads `<sharedDir>/addons/<dir>/values.yaml` (and values.schema.json), each folder once. */
export function sharedChartFiles(sharedDir: string): ChartFilesLoader {
  const cache = new Map<string, ChartFiles | undefined>();
  return (dir) => {
    if (!cache.has(dir)) {
      const folder = join(sharedDir, 'addons', dir);
      const schemaFile = join(folder, 'values.schema.json');
      cache.set(dir, existsSync(join(folder, 'values.yaml'))
        ? { values: (parse(readFileSync(join(folder, 'values.yaml'), 'utf8')) ?? {}) as Record<string, unknown>, ...(existsSync(schemaFile) ? { schema: JSON.parse(readFileSync(schemaFile, 'utf8')) } : {}) }
        : undefined);
    }
    return cache.get(dir);
  };
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const kindOf = (v: unknown) => (Array.isArray(v) ? 'a list' : isMap(v) ? 'a map' : 'a scalar');

/** Helm's coalescing: maps merge key by key, anything else (lists included) is replaced. */
export function coalesce(defaults: unknown, given: unknown): unknown {
  if (!isMap(defaults) || !isMap(given)) return given === undefined ? defaults : given;
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(given)) out[k] = k in defaults ? coalesce(defaults[k], v) : v;
  return out;
}

const validators = new WeakMap<object, ValidateFunction>();
function schemaValidator(schema: Record<string, unknown>): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    // the draft each chart's schema names: external-secrets 2020-12, cert-manager and velero draft-07
    const is2020 = String(schema.$schema ?? '').includes('2020-12');
    const Ajv = (is2020 ? require('ajv/dist/2020') : require('ajv')).default;
    v = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false }).compile(schema) as ValidateFunction;
    validators.set(schema, v);
  }
  return v;
}

/** The schema node for `key` below `node` (properties, with local $refs resolved); undefined when it declares none. */
function schemaChild(root: Record<string, unknown>, node: unknown, key: string): unknown {
  const resolve = (n: unknown): unknown => {
    let cur = n;
    for (let i = 0; i < 10 && isMap(cur) && typeof cur.$ref === 'string' && cur.$ref.startsWith('#/'); i++) {
      cur = cur.$ref.slice(2).split('/').reduce<unknown>((o, p) => (isMap(o) ? o[p.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), root);
    }
    return cur;
  };
  const n = resolve(node);
  if (!isMap(n) || !isMap(n.properties)) return undefined;
  return resolve(n.properties[key]);
}

/** Whether `path` (dots between keys) is at or below an allow-listed path of the add-on. */
function allowed(addon: string, path: string): boolean {
  return (VALUES_ALLOW_LIST[addon] ?? []).some((a) => path === a.path || path.startsWith(`${a.path}.`));
}

/**
 * The defaults the chart's templates see. Istio's charts keep theirs under
 * _internal_defaults_do_not_set and merge them under the user's values (templates/zzz_profile.yaml
 * of each chart at 1.26.0).
 */
export function chartDefaults(files: ChartFiles): Record<string, unknown> {
  const hidden = files.values[ISTIO_DEFAULTS];
  return isMap(hidden) ? (coalesce(Object.fromEntries(Object.entries(files.values).filter(([k]) => k !== ISTIO_DEFAULTS)), hidden) as Record<string, unknown>) : files.values;
}

/** Problems of one valuesObject against its chart's files, each `<key path>: <why>`. */
export function valuesProblems(addon: string, given: Record<string, unknown>, files: ChartFiles): string[] {
  const problems: string[] = [];
  const walk = (value: Record<string, unknown>, defaults: unknown, schemaNode: unknown, path: string) => {
    for (const [key, v] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (allowed(addon, at)) continue;
      const inDefaults = isMap(defaults) && Object.hasOwn(defaults, key);
      const def = inDefaults ? (defaults as Record<string, unknown>)[key] : undefined;
      const declared = files.schema ? schemaChild(files.schema, schemaNode, key) : undefined;
      if (!inDefaults && declared === undefined) {
        problems.push(`${at}: not a value of the chart (not in its values.yaml${files.schema ? ' nor declared by its values.schema.json' : ''}); Helm would ignore it`);
        continue;
      }
      if (def !== undefined && def !== null && v !== null && kindOf(def) !== kindOf(v)) {
        problems.push(`${at}: ${kindOf(v)}, but the chart's values.yaml has ${kindOf(def)} there`);
        continue;
      }
      // an empty default map is free-form (annotations, labels, nodeSelector): nothing below it to check
      if (isMap(v) && ((isMap(def) && Object.keys(def).length > 0) || (def === undefined && declared !== undefined))) walk(v, def ?? {}, declared, at);
    }
  };
  const defaults = chartDefaults(files);
  const aliases = VALUES_ALIASES.filter((a) => a.addon === addon);
  walk(Object.fromEntries(Object.entries(given).filter(([k]) => !aliases.some((a) => a.path === k))), defaults, files.schema, '');
  for (const alias of aliases) {
    const below = given[alias.path];
    if (isMap(below)) walk(below, defaults, files.schema, alias.path);
  }
  for (const rule of TPL_STRING_LISTS.filter((r) => r.addon === addon)) {
    const list = rule.path.split('.').reduce<unknown>((o, k) => (isMap(o) ? o[k] : undefined), given);
    if (!Array.isArray(list)) continue;
    list.forEach((item, i) => {
      if (typeof item !== 'string') problems.push(`${rule.path}[${i}]: ${kindOf(item)}, but the chart renders each item with tpl, which takes a string (${rule.source}): give the object as YAML text`);
    });
  }
  if (files.schema) {
    const validate = schemaValidator(files.schema);
    if (!validate(coalesce(files.values, given))) {
      for (const e of validate.errors ?? []) problems.push(`${e.instancePath.slice(1).replace(/\//g, '.') || '(values)'}: ${e.message} (values.schema.json)`);
    }
  }
  return problems;
}

/**
 * @param load the chart files of a ../shared/addons folder @default - none: no Application is checked
 */
export function checkAddonValues(ctx: PolicyContext, load: ChartFilesLoader | undefined, records: readonly ChartIndexRecord[] = CHART_INDEX): Violation[] {
  const out: Violation[] = [];
  for (const m of ctx.ofKind('Application')) {
    const source = m.object.spec?.source;
    if (!source?.chart) continue;
    const given = source.helm?.valuesObject;
    const record = records.find((r) => r.repoURL === source.repoURL && r.chart === source.chart && r.version === String(source.targetRevision));
    if (!record) {
      out.push(violation(m, 'addon-chart-published', `chart ${source.chart} ${source.targetRevision} of ${source.repoURL}: no record that the repository published it (libs/policy/src/data/chart-index.ts)`));
      continue;
    }
    if (!isMap(given) || Object.keys(given).length === 0 || !load) continue;
    const shared = record.sharedValues;
    const files = shared && (shared.version === record.version || shared.sameExcept) ? load(shared.dir) : undefined;
    if (files && shared && shared.version !== record.version) {
      // a neighbouring version's files: right outside the keys where the two differ
      const unknown = Object.keys(given).filter((k) => shared.sameExcept!.includes(k));
      for (const k of unknown) out.push(violation(m, 'addon-values-known', `${record.addon} ${record.version}: spec.source.helm.valuesObject.${k}: ../shared/addons/${shared.dir} holds ${shared.version}, whose ${k} differs from ${record.version}'s, so a value there cannot be checked`));
      if (unknown.length > 0) continue;
    }
    if (!files) {
      out.push(violation(m, 'addon-values-known', `${record.addon} ${record.version}: its values.yaml is not in ../shared/addons${record.sharedValues ? `/${record.sharedValues.dir} at this version (it holds ${record.sharedValues.version})` : ''}, so its valuesObject cannot be checked; keep the valuesObject empty or add the chart's files`));
      continue;
    }
    for (const p of valuesProblems(record.addon, given, files)) out.push(violation(m, 'addon-values-known', `${record.addon} ${record.version}: spec.source.helm.valuesObject.${p}`));
  }
  return out;
}
