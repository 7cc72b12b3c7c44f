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

export function createAjv(): AjvInstance {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    logger: false,
    validateSchema: false,
    // OpenAPI formats that constrain nothing beyond the type
    formats: { int32: true, int64: true, float: true, double: true, byte: true, binary: true, password: true },
  });
  addFormats(ajv);
  ajv.addFormat('duration', (s: string) => ISO_DURATION.test(s) || GO_DURATION.test(s));
  return ajv;
}
