/** @gitops/kubeconform — a kubeconform-compatible Kubernetes manifest validator with bundled schemas. */
export {
  Validator,
  getValidator,
  validateDocuments,
  validateFiles,
  type ResourceResult,
  type Status,
  type ValidateOptions,
  type ValidationReport,
} from './validate.js';
export {
  summarize,
  summaryLine,
  hasFailures,
  formatReport,
  formatText,
  formatJson,
  formatTap,
  formatJunit,
  OUTPUT_FORMATS,
  type OutputFormat,
  type OutputOptions,
  type Summary,
} from './output.js';
export { SchemaRegistry, StartupError, BUNDLED_KUBERNETES_VERSION, isBundledVersion, type RegistryOptions, type SchemaLookup } from './registry.js';
export { convertCrds, openApiToJsonSchema, type ConvertOptions, type ConvertedSchema } from './crd.js';
export { fieldPath, type FieldError } from './errors.js';
export { parseResources, type ParsedResource } from './parse.js';
export { runCli, type CliResult } from './cli.js';
export { parseArgs, usage, UsageError, type CliOptions } from './args.js';
export { exportSchemas, schemaFileName, type ExportOptions, type ExportResult } from './export.js';
export { decodeYaml, type Decoded } from './goyaml.js';
