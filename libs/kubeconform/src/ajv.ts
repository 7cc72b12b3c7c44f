/** One configured ajv instance per schema set: all errors, quiet, kubeconform-compatible formats. */
import AjvModule, { type Ajv as AjvInstance } from 'ajv';
import formatsModule from 'ajv-formats';

// Both packages are CommonJS with a `default` export; unwrap for ESM callers.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule;
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as typeof formatsModule;

/** ISO 8601 durations (P1DT2H, PT5M) — what ajv-formats' `duration` accepts. */
const ISO_DURATION = /^P(?!$)((\d+Y)?(\d+M)?(\d+W)?(\d+D)?)(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
/** Go's time.ParseDuration syntax (5m, 1h30m, 1.5s, 300ms): kubeconform accepts both. */
const GO_DURATION = /^[-+]?(0|(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;

export type { AjvInstance };

/**
 * Schemas written for Kubernetes use Go (RE2) regular expressions: leading inline flags such as
 * `(?i)`, `(?P<name>...)`, `\A`/`\z`. Translate those to JavaScript; a pattern JavaScript still
 * cannot compile constrains nothing rather than breaking validation of the whole kind.
 */
export function goRegExp(pattern: string, flags = 'u'): RegExp {
  let source = pattern;
  let extra = '';
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    extra = [...inline[1]].filter((f) => f === 'i' || f === 'm' || f === 's').join('');
  }
  source = source.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  const allFlags = [...new Set([...flags, ...extra])].join('');
  try {
    return new RegExp(source, allFlags);
  } catch {
    try {
      return new RegExp(source, allFlags.replace('u', ''));
    } catch {
      return /[\s\S]*/;
    }
  }
}
goRegExp.code = 'goRegExp';

export function createAjv(): AjvInstance {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    logger: false,
    validateSchema: false,
    code: { regExp: goRegExp as unknown as NonNullable<NonNullable<ConstructorParameters<typeof AjvModule>[0]>['code']>['regExp'] },
    // OpenAPI formats that constrain nothing beyond the type
    formats: { int32: true, int64: true, float: true, double: true, byte: true, binary: true, password: true },
  });
  addFormats(ajv);
  ajv.addFormat('duration', (s: string) => ISO_DURATION.test(s) || GO_DURATION.test(s));
  return ajv;
}
