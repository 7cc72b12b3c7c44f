/** kubeconform's output formats (pkg/output): text, json, junit, pretty, tap. */
import type { ResourceResult, ValidationReport } from './validate.js';

export type OutputFormat = 'text' | 'json' | 'junit' | 'pretty' | 'tap';
export const OUTPUT_FORMATS: OutputFormat[] = ['json', 'junit', 'pretty', 'tap', 'text'];

export interface OutputOptions {
  /** print valid and skipped resources too */
  verbose?: boolean;
  /** print the summary */
  summary?: boolean;
}

export interface Summary {
  resources: number;
  files: number;
  valid: number;
  invalid: number;
  errors: number;
  skipped: number;
}

/** Counts results by status; `empty` results count no resource. */
export function summarize(report: ValidationReport | ResourceResult[]): Summary {
  const results = Array.isArray(report) ? report : report.results;
  // text.go counts the distinct paths of the results it wrote
  const files = new Set(results.map((r) => r.filename)).size;
  const s: Summary = { resources: 0, files, valid: 0, invalid: 0, errors: 0, skipped: 0 };
  for (const r of results) {
    if (r.status === 'empty') continue;
    s.resources++;
    if (r.status === 'valid') s.valid++;
    else if (r.status === 'invalid') s.invalid++;
    else if (r.status === 'error') s.errors++;
    else s.skipped++;
  }
  return s;
}

/** True when the run must exit 1: something invalid or in error. */
export function hasFailures(report: ValidationReport | ResourceResult[]): boolean {
  const s = summarize(report);
  return s.invalid > 0 || s.errors > 0;
}

const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;

/** `Summary: 2 resources found in 1 file - Valid: 1, Invalid: 1, Errors: 0, Skipped: 0` */
export function summaryLine(summary: Summary, stdin = false): string {
  const where = stdin ? 'parsing stdin' : `in ${plural(summary.files, 'file')}`;
  return (
    `Summary: ${plural(summary.resources, 'resource')} found ${where} - ` +
    `Valid: ${summary.valid}, Invalid: ${summary.invalid}, Errors: ${summary.errors}, Skipped: ${summary.skipped}`
  );
}

function textLine(r: ResourceResult, verbose: boolean): string | undefined {
  const kind = r.kind ?? '';
  const name = r.name ?? '';
  switch (r.status) {
    case 'valid':
      return verbose ? `${r.filename} - ${kind} ${name} is valid` : undefined;
    case 'invalid':
      return `${r.filename} - ${kind} ${name} is invalid: ${r.message}`;
    case 'error':
      return kind !== '' && name !== '' ? `${r.filename} - ${kind} ${name} failed validation: ${r.message}` : `${r.filename} - failed validation: ${r.message}`;
    case 'skipped':
      // kubeconform prints the name before the kind here
      return verbose ? `${r.filename} - ${name} ${kind} skipped` : undefined;
    default:
      return undefined;
  }
}

/** pkg/output/text.go */
export function formatText(report: ValidationReport, options: OutputOptions = {}): string {
  const lines = report.results.map((r) => textLine(r, options.verbose ?? false)).filter((l): l is string => l !== undefined);
  if (options.summary) lines.push(summaryLine(summarize(report), report.stdin));
  return lines.join('\n');
}

/** pkg/output/pretty.go: coloured marks, `path: Kind name is valid`. */
export function formatPretty(report: ValidationReport, options: OutputOptions = {}): string {
  const [reset, red, green, yellow] = ['\x1b[0m', '\x1b[31m', '\x1b[32m', '\x1b[33m'];
  const lines: string[] = [];
  for (const r of report.results) {
    const kind = r.kind ?? '';
    const name = r.name ?? '';
    if (r.status === 'valid' && options.verbose) lines.push(`${green}\u2714${reset} ${r.filename}: ${green}${kind} ${name} is valid${reset}`);
    else if (r.status === 'invalid') lines.push(`${red}\u2716${reset} ${r.filename}: ${red}${kind} ${name} is invalid: ${r.message}${reset}`);
    else if (r.status === 'error') {
      const what = kind !== '' && name !== '' ? `${kind} failed validation: ${name} ${r.message}` : `failed validation: ${name} ${r.message}`;
      lines.push(`${red}\u2716${reset} ${r.filename}: ${red}${what} ${reset}`);
    } else if (r.status === 'skipped' && options.verbose) {
      const what = kind !== '' && name !== '' ? `${kind} ${name} skipped` : kind !== '' ? `${kind} skipped` : 'skipped';
      lines.push(`${yellow}-${reset} ${r.filename}: ${yellow}${what}${reset}`);
    }
  }
  if (options.summary) lines.push(summaryLine(summarize(report), report.stdin));
  return lines.join('\n');
}

const JSON_STATUS: Record<ResourceResult['status'], string> = {
  valid: 'statusValid',
  invalid: 'statusInvalid',
  error: 'statusError',
  skipped: 'statusSkipped',
  empty: '',
};

/** encoding/json escapes <, >, & and U+2028/9 (HTML-safe) where JSON.stringify does not. */
const goJson = (value: unknown) =>
  JSON.stringify(value, null, 2)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** pkg/output/json.go: invalid and failed resources (with -verbose every result, empty ones too). */
export function formatJson(report: ValidationReport, options: OutputOptions = {}): string {
  const shown = report.results.filter((r) => options.verbose || r.status === 'invalid' || r.status === 'error');
  const resources = shown.map((r) => ({
    filename: r.filename,
    kind: r.kind ?? '',
    name: r.name ?? '',
    version: r.apiVersion ?? '',
    status: JSON_STATUS[r.status],
    msg: r.status === 'invalid' || r.status === 'error' ? (r.message ?? '') : '',
    ...(r.errors.length > 0 ? { validationErrors: r.errors.map((e) => ({ path: e.path, msg: e.message })) } : {}),
  }));
  const s = summarize(report);
  const out = options.summary
    ? { resources, summary: { valid: s.valid, invalid: s.invalid, errors: s.errors, skipped: s.skipped } }
    : { resources };
  return goJson(out);
}

/** pkg/output/tap.go: one line per result (empty ones too); the header only when there is a result. */
export function formatTap(report: ValidationReport): string {
  const lines: string[] = [];
  let n = 0;
  for (const r of report.results) {
    n++;
    if (n === 1) lines.push('TAP version 13');
    const qualified = `${r.apiVersion ?? ''}/${r.kind ?? ''}/${r.namespace ?? ''}/${r.name ?? ''}`;
    if (r.status === 'valid') lines.push(`ok ${n} - ${r.filename} (${qualified})`);
    else if (r.status === 'invalid') lines.push(`not ok ${n} - ${r.filename} (${qualified}): ${r.message}`);
    else if (r.status === 'empty') lines.push(`ok ${n} - ${r.filename} (empty)`);
    else if (r.status === 'error') lines.push(`not ok ${n} - ${r.filename}: ${r.message}`);
    else lines.push(`ok ${n} - ${r.filename} (${qualified}) # skip`);
  }
  lines.push(`1..${n}`);
  return lines.join('\n');
}

/** encoding/xml EscapeText, as attributes are written by xml.MarshalIndent. */
const xml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');

/** strconv.FormatFloat(t, 'g', -1, 64), which encoding/xml uses for a float64 attribute. */
function goFloat(t: number): string {
  if (t === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(t)));
  if (exp < -4 || exp >= 21) return t.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(t);
}

/**
 * pkg/output/junit.go: one testsuite per file (created by its first result, so a file of empty
 * documents is an empty suite), testcase name `namespace/name`, classname `Kind@apiVersion`.
 */
export function formatJunit(report: ValidationReport, elapsedSeconds = 0): string {
  const suites = new Map<string, ResourceResult[]>();
  for (const r of report.results) {
    const list = suites.get(r.filename) ?? [];
    if (r.status !== 'empty') list.push(r);
    suites.set(r.filename, list);
  }
  const s = summarize(report);
  const root = `<testsuites name="kubeconform" time="${goFloat(elapsedSeconds)}" tests="${s.resources}" failures="${s.invalid}" disabled="${s.skipped}" errors="${s.errors}">`;
  if (suites.size === 0) return `${root}</testsuites>`;
  const out = [root];
  let id = 0;
  for (const [file, results] of suites) {
    const count = (st: ResourceResult['status']) => results.filter((r) => r.status === st).length;
    const open = `  <testsuite name="${xml(file)}" id="${++id}" tests="${results.length}" failures="${count('invalid')}" errors="${count('error')}" disabled="0" skipped="${count('skipped')}">`;
    if (results.length === 0) {
      out.push(`${open}</testsuite>`);
      continue;
    }
    out.push(open);
    for (const r of results) {
      const name = r.namespace ? `${r.namespace}/${r.name ?? ''}` : (r.name ?? '');
      const attrs = `name="${xml(name)}" classname="${xml(`${r.kind ?? ''}@${r.apiVersion ?? ''}`)}" time="0"`;
      if (r.status === 'valid') out.push(`    <testcase ${attrs}></testcase>`);
      else if (r.status === 'skipped') out.push(`    <testcase ${attrs}>`, '      <skipped message=""></skipped>', '    </testcase>');
      else {
        const tag = r.status === 'invalid' ? 'failure' : 'error';
        out.push(`    <testcase ${attrs}>`, `      <${tag} message="${xml(r.message ?? '')}" type=""></${tag}>`, '    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n');
}

export function formatReport(report: ValidationReport, format: OutputFormat, options: OutputOptions = {}, elapsedSeconds = 0): string {
  switch (format) {
    case 'json':
      return formatJson(report, options);
    case 'tap':
      return formatTap(report);
    case 'junit':
      return formatJunit(report, elapsedSeconds);
    case 'pretty':
      return formatPretty(report, options);
    default:
      return formatText(report, options);
  }
}
