/** One configured ajv instance per schema set: all errors, quiet, kubeconform-compatible formats. */
import { createRequire } from 'node:module';
import AjvModule, { type Ajv as AjvInstance } from 'ajv';

// ajv is CommonJS with a `default` export; unwrap for ESM callers.
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as typeof AjvModule;
const require = createRequire(import.meta.url);
/** ajv's raw-code node, for the `require(...)` the standalone code uses to reach the formats. */
const { _Code } = require('ajv/dist/compile/codegen/code') as { _Code: new (code: string) => unknown };
const runtime = require('./runtime.cjs') as {
  goRegExp: ((pattern: string, flags?: string) => RegExp) & { code: string };
  formats: Record<string, unknown>;
  FORMATS_CODE: string;
};

export type { AjvInstance };
export const goRegExp = runtime.goRegExp;

/** `source: true` keeps the generated code, for precompiled (standalone) validators. */
export function createAjv(source = false): AjvInstance {
  type Options = NonNullable<ConstructorParameters<typeof AjvModule>[0]>;
  return new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    logger: false,
    validateSchema: false,
    code: {
      source,
      regExp: runtime.goRegExp as unknown as NonNullable<Options['code']>['regExp'],
      formats: new _Code(runtime.FORMATS_CODE) as never,
    },
    formats: runtime.formats as Options['formats'],
  });
}
