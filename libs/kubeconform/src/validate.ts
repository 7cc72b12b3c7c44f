/** Validates resources: parse, skip/reject, schema lookup, schema check — kubeconform's order. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describeFailure, type FieldError } from './errors.js';
import { decodeInput, decodeYaml } from './goyaml.js';
import { decodeLenient, fileResources, goJsonType, signature, streamResources, type RawResource } from './parse.js';
import { SchemaRegistry, type RegistryOptions } from './registry.js';

// Go (RE2) syntax translated once, for schemas' patterns and for -ignore-filename-pattern alike
const { goSource } = createRequire(import.meta.url)('./runtime.cjs') as { goSource: (pattern: string) => { source: string; flags: string } };

export type Status = 'valid' | 'invalid' | 'error' | 'skipped' | 'empty';

export interface ResourceResult {
  /** file path as given (or `stdin`) */
  filename: string;
  status: Status;
  kind?: string;
  /** metadata.name, or `<generateName>{{ generateName }}` (as resource.go Signature decodes them) */
  name?: string;
  namespace?: string;
  apiVersion?: string;
  /** one-line message for invalid/error results */
  message?: string;
  /** schema violations: kubeconform's validationErrors (JSON-pointer path, jsonschema v6 message) */
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
  /** unanchored Go (RE2) regular expressions; matching file paths are not read */
  ignoreFilenamePatterns?: string[];
}

export interface ValidationReport {
  results: ResourceResult[];
  /** number of distinct paths in the results (what kubeconform's Summary counts) */
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

  constructor(private readonly options: ValidateOptions = {}) {
    this.registry = new SchemaRegistry(options);
    this.skip = new Set(options.skip ?? []);
    this.reject = new Set(options.reject ?? []);
  }

  /** Validates every resource of a file's text (files.go: a file without resources gives one `empty` result). */
  validateDocuments(text: string, filename: string): ResourceResult[] {
    return fileResources(text).map((r) => this.validateResource(r, filename));
  }

  /** Validates standard input (stream.go: every document, empty ones included; nothing at all for no data). */
  validateStream(text: string, filename = 'stdin'): ResourceResult[] {
    return streamResources(text).map((r) => this.validateResource(r, filename));
  }

  /** validator.go ValidateResource, in its order. */
  validateResource(res: RawResource, filename: string): ResourceResult {
    const sig = signature(res);
    const result: ResourceResult = {
      filename,
      status: 'valid',
      kind: sig.kind,
      name: sig.name,
      namespace: sig.namespace,
      apiVersion: sig.apiVersion,
      errors: [],
    };
    if (!res.item && res.bytes.length === 0) return { ...result, status: 'empty' };
    const decoded = res.item ?? (this.options.strict ? decodeYaml(res.bytes, true) : decodeLenient(res));
    if ('error' in decoded) return { ...result, status: 'error', message: `error unmarshalling resource: ${decoded.error}` };
    const object = decoded.value;
    if (object === null || object === undefined) return { ...result, status: 'empty' };
    if (typeof object !== 'object' || Array.isArray(object)) {
      const message = `error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${goJsonType(object)} into Go value of type map[string]interface {}`;
      return { ...result, status: 'error', message };
    }
    if (res.item) return this.validateObject(object as Record<string, unknown>, filename, result);
    // resource.go: Resources() computed Signature() (a struct decode: keys matched ignoring case,
    // numbers as strings) and the copy it returns carries it, so SignatureFromMap answers that
    // signature, or its error, rather than reading the map
    if (sig.error) return { ...result, status: 'error', message: `error while parsing: ${sig.error}` };
    return this.validateObject(object as Record<string, unknown>, filename, result, { kind: sig.kind, apiVersion: sig.apiVersion });
  }

  /**
   * SignatureFromMap onwards. Without `identity` (an item of a List, re-marshalled upstream without
   * a signature), kind and apiVersion must be strings under exactly those keys.
   */
  validateObject(object: Record<string, unknown>, filename: string, shown?: ResourceResult, identity?: { kind: string; apiVersion: string }): ResourceResult {
    const meta = (object.metadata && typeof object.metadata === 'object' && !Array.isArray(object.metadata) ? object.metadata : {}) as Record<string, unknown>;
    const result: ResourceResult = shown ?? {
      filename,
      status: 'valid',
      kind: typeof object.kind === 'string' ? object.kind : '',
      name: typeof meta.generateName === 'string' ? `${meta.generateName}{{ generateName }}` : typeof meta.name === 'string' ? meta.name : '',
      namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
      apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
      errors: [],
    };
    const kind = identity ? identity.kind : object.kind;
    const apiVersion = identity ? identity.apiVersion : object.apiVersion;
    if (typeof kind !== 'string') return { ...result, status: 'error', message: "error while parsing: missing 'kind' key" };
    if (typeof apiVersion !== 'string') return { ...result, status: 'error', message: "error while parsing: missing 'apiVersion' key" };
    const matches = (set: Set<string>) => set.has(`${apiVersion}/${kind}`) || set.has(kind);
    if (matches(this.skip)) return { ...result, status: 'skipped' };
    if (matches(this.reject)) return { ...result, status: 'error', message: `prohibited resource kind ${kind}` };

    const schema = this.registry.lookup(apiVersion, kind);
    if (!schema.found) {
      if (schema.error) return { ...result, status: 'error', message: schema.error };
      if (this.options.ignoreMissingSchemas) return { ...result, status: 'skipped' };
      return { ...result, status: 'error', message: `could not find schema for ${kind}` };
    }
    if (schema.validate(object)) return result;
    const failure = describeFailure(schema.validate.errors ?? [], schema.id);
    return {
      ...result,
      status: 'invalid',
      errors: failure.errors,
      message: `problem validating schema. Check JSON formatting: ${failure.text.replace(/\n/g, ' ')}`,
    };
  }

  /** Validates files and folders (walked recursively, .yaml/.yml/.json only). */
  validateFiles(paths: string[], stopOnFailure = false): ValidationReport {
    const results: ResourceResult[] = [];
    const failed = () => stopOnFailure && results.some((r) => r.status === 'error' || r.status === 'invalid');
    for (const item of this.discover(paths)) {
      if (failed()) break;
      if ('error' in item) {
        results.push(item.error);
        if (item.stop) break;
        continue;
      }
      results.push(...this.validateFile(item.file));
    }
    const files = new Set(results.map((r) => r.filename)).size;
    return { results, files, stdin: false };
  }

  /** One file's results (an unreadable file is one error). */
  validateFile(file: string): ResourceResult[] {
    let text: string;
    try {
      text = decodeInput(readFileSync(file));
    } catch (err) {
      return [{ filename: file, status: 'error', message: describeFsError(file, err), errors: [] }];
    }
    return this.validateDocuments(text, file);
  }

  /**
   * files.go findFilesInFolders: each argument walked with filepath.Walk (lexical order); a file
   * named on the command line is visited like any other, so one without a .yaml/.yml/.json suffix
   * is left out. A walk error (missing path, bad -ignore-filename-pattern, tried on the first
   * manifest) is one error named by the argument, and stops discovery (main.go cancels on it).
   */
  *discover(paths: string[]): Generator<{ file: string } | { error: ResourceResult; stop: boolean }> {
    const patterns = this.options.ignoreFilenamePatterns ?? [];
    let compiled: RegExp[] | undefined;
    let patternError: string | undefined;
    try {
      compiled = patterns.map(goPattern);
    } catch (e) {
      patternError = (e as Error).message;
    }
    for (const p of paths) {
      let isDir: boolean;
      try {
        isDir = statSync(p).isDirectory();
      } catch (err) {
        // upstream cancels the run on a discovery error, racing with the walk of the next
        // argument; here the other arguments are always walked (deterministic output)
        yield { error: { filename: p, status: 'error', message: describeFsError(p, err), errors: [] }, stop: false };
        continue;
      }
      const files: string[] = [];
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else files.push(full);
        }
      };
      if (isDir) walk(p);
      else files.push(p);
      for (const file of files) {
        if (!MANIFEST_EXTENSIONS.test(file)) continue;
        if (patternError) {
          // isIgnored fails on the first manifest; filepath.Walk returns that error for the argument
          yield { error: { filename: p, status: 'error', message: patternError, errors: [] }, stop: false };
          break;
        }
        if (compiled!.some((re) => re.test(file))) continue;
        yield { file };
      }
    }
  }
}

/**
 * Go RE2 syntax for -ignore-filename-pattern (regexp.MatchString): inline flags `(?i)`, `(?s)`,
 * `(?P<name>...)`, `\A`, `\z`. An invalid one fails as Go's regexp.Compile does.
 */
function goPattern(pattern: string): RegExp {
  const { source, flags } = goSource(pattern);
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

function describeFsError(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `lstat ${file}: no such file or directory`;
  if (code === 'EISDIR') return `read ${file}: is a directory`;
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
