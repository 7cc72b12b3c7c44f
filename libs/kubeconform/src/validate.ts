/** Validates resources: parse, skip/reject, schema lookup, schema check — kubeconform's order. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeAll, type FieldError } from './errors.js';
import { parseResources } from './parse.js';
import { SchemaRegistry, type RegistryOptions } from './registry.js';

export type Status = 'valid' | 'invalid' | 'error' | 'skipped' | 'empty';

export interface ResourceResult {
  /** file path as given (or `stdin`) */
  filename: string;
  status: Status;
  kind?: string;
  /** metadata.name, or `<generateName>{{ generateName }}` */
  name?: string;
  namespace?: string;
  apiVersion?: string;
  /** one-line message for invalid/error results */
  message?: string;
  /** schema violations, each with its field path */
  errors: FieldError[];
}

export interface ValidateOptions extends RegistryOptions {
  /** unknown fields invalid (strict schema variant) and duplicate YAML keys an error */
  strict?: boolean;
  /** no schema found → skipped instead of error */
  ignoreMissingSchemas?: boolean;
  /** kinds to skip: `Kind` or `<apiVersion>/<Kind>` */
  skip?: string[];
  /** kinds to reject: `Kind` or `<apiVersion>/<Kind>` */
  reject?: string[];
  /** unanchored regular expressions; matching file paths are not read */
  ignoreFilenamePatterns?: string[];
}

export interface ValidationReport {
  results: ResourceResult[];
  /** number of files read (stdin counts as one) */
  files: number;
  /** true when the input was standard input */
  stdin: boolean;
}

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** Holds one schema registry, so schemas compile once across many calls. */
export class Validator {
  readonly registry: SchemaRegistry;
  private readonly skip: Set<string>;
  private readonly reject: Set<string>;
  private readonly ignore: RegExp[];

  constructor(private readonly options: ValidateOptions = {}) {
    this.registry = new SchemaRegistry(options);
    this.skip = new Set(options.skip ?? []);
    this.reject = new Set(options.reject ?? []);
    this.ignore = (options.ignoreFilenamePatterns ?? []).map((p) => new RegExp(p));
  }

  /** Validates every resource of a YAML/JSON stream; a stream without resources gives one `empty` result. */
  validateDocuments(text: string, filename: string): ResourceResult[] {
    const parsed = parseResources(text, { strict: this.options.strict });
    if (parsed.length === 0) return [{ filename, status: 'empty', errors: [] }];
    return parsed.map((r) =>
      r.error !== undefined
        ? { filename, status: 'error', message: r.error, errors: [] }
        : this.validateObject(r.object ?? {}, filename),
    );
  }

  validateObject(object: Record<string, unknown>, filename: string): ResourceResult {
    const meta = (object.metadata && typeof object.metadata === 'object' ? object.metadata : {}) as Record<string, unknown>;
    const name =
      typeof meta.name === 'string'
        ? meta.name
        : typeof meta.generateName === 'string'
          ? `${meta.generateName}{{ generateName }}`
          : undefined;
    const result: ResourceResult = {
      filename,
      status: 'valid',
      kind: typeof object.kind === 'string' ? object.kind : undefined,
      name,
      namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
      apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : undefined,
      errors: [],
    };
    const { kind, apiVersion } = result;
    if (!kind) return { ...result, status: 'error', message: "error while parsing: missing 'kind' key" };
    if (!apiVersion) return { ...result, status: 'error', message: "error while parsing: missing 'apiVersion' key" };
    const matches = (set: Set<string>) => set.has(kind) || set.has(`${apiVersion}/${kind}`);
    if (matches(this.skip)) return { ...result, status: 'skipped' };
    if (matches(this.reject)) return { ...result, status: 'error', message: `prohibited resource kind ${kind}` };

    const schema = this.registry.lookup(apiVersion, kind);
    if (!schema.found) {
      if (schema.error) return { ...result, status: 'error', message: schema.error };
      if (this.options.ignoreMissingSchemas) return { ...result, status: 'skipped' };
      return { ...result, status: 'error', message: `could not find schema for ${kind}` };
    }
    if (schema.validate(withoutNulls(object))) return result;
    const errors = describeAll(schema.validate.errors ?? []);
    const detail = errors.map((e) => `at '${e.path}': ${e.message}`).join(' - ');
    return {
      ...result,
      status: 'invalid',
      errors,
      message: `problem validating schema. Check JSON formatting: jsonschema validation failed with '${schema.id}' - ${detail}`,
    };
  }

  /** Validates files and folders (walked recursively, .yaml/.yml/.json only). */
  validateFiles(paths: string[]): ValidationReport {
    const results: ResourceResult[] = [];
    let files = 0;
    for (const file of this.expand(paths, results)) {
      files++;
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        results.push({ filename: file, status: 'error', message: describeFsError(file, err), errors: [] });
        continue;
      }
      results.push(...this.validateDocuments(text, file));
    }
    return { results, files, stdin: false };
  }

  private expand(paths: string[], results: ResourceResult[]): string[] {
    const out: string[] = [];
    const ignored = (p: string) => this.ignore.some((re) => re.test(p));
    for (const p of paths) {
      let isDir: boolean;
      try {
        isDir = statSync(p).isDirectory();
      } catch (err) {
        results.push({ filename: p, status: 'error', message: describeFsError(p, err), errors: [] });
        continue;
      }
      if (!isDir) {
        if (!ignored(p)) out.push(p);
        continue;
      }
      // lexical order, like Go's filepath.Walk
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (MANIFEST_EXTENSIONS.test(entry.name) && !ignored(full)) out.push(full);
        }
      };
      walk(p);
    }
    return out;
  }
}

/** kubeconform's schemas accept null for every field; dropping null properties has the same effect. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

function describeFsError(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `lstat ${file}: no such file or directory`;
  if (code === 'EACCES') return `open ${file}: permission denied`;
  return (err as Error).message;
}

const validators = new Map<string, Validator>();

/** A shared validator per distinct option set (schemas compile once per process). */
export function getValidator(options: ValidateOptions = {}): Validator {
  const key = JSON.stringify(options);
  let v = validators.get(key);
  if (!v) {
    v = new Validator(options);
    validators.set(key, v);
  }
  return v;
}

export function validateDocuments(text: string, filename: string, options: ValidateOptions = {}): ResourceResult[] {
  return getValidator(options).validateDocuments(text, filename);
}

export function validateFiles(paths: string[], options: ValidateOptions = {}): ValidationReport {
  return getValidator(options).validateFiles(paths);
}
