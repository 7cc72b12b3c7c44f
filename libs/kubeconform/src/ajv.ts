/** One configured ajv instance per schema set: all errors, quiet, kubeconform-compatible formats. */
import { createRequire } from 'node:module';
import type AjvModule from 'ajv';
import type { Ajv as AjvInstance } from 'ajv';

// ajv is loaded only when a schema must be compiled: a run that finds its validators precompiled
// never pays for it (start-up time).
const require = createRequire(import.meta.url);
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
  const mod = require('ajv') as { default: typeof AjvModule };
  /** ajv's raw-code node, for the `require(...)` the standalone code uses to reach the formats. */
  const { _Code } = require('ajv/dist/compile/codegen/code') as { _Code: new (code: string) => unknown };
  return new mod.default({
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
