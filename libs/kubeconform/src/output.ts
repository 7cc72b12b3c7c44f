/** kubeconform's output formats: text, json, tap, junit. */
import type { ResourceResult, ValidationReport } from './validate.js';

export type OutputFormat = 'text' | 'json' | 'junit' | 'tap';
export const OUTPUT_FORMATS: OutputFormat[] = ['text', 'json', 'junit', 'tap'];

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
  const files = Array.isArray(report) ? new Set(report.map((r) => r.filename)).size : report.files;
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
  const who = r.kind && r.name !== undefined ? `${r.kind} ${r.name}` : undefined;
  switch (r.status) {
    case 'valid':
      return verbose ? `${r.filename} - ${r.kind} ${r.name ?? ''} is valid` : undefined;
    case 'invalid':
      return `${r.filename} - ${r.kind} ${r.name ?? ''} is invalid: ${r.message}`;
    case 'error':
      return who ? `${r.filename} - ${who} failed validation: ${r.message}` : `${r.filename} - failed validation: ${r.message}`;
    case 'skipped':
      // kubeconform prints the name before the kind here
      return verbose ? `${r.filename} - ${r.name ?? ''} ${r.kind} skipped` : undefined;
    default:
      return undefined;
  }
}

export function formatText(report: ValidationReport, options: OutputOptions = {}): string {
  const lines = report.results.map((r) => textLine(r, options.verbose ?? false)).filter((l): l is string => !!l);
  if (options.summary) lines.push(summaryLine(summarize(report), report.stdin));
  return lines.join('\n');
}

const JSON_STATUS: Record<ResourceResult['status'], string> = {
  valid: 'statusValid',
  invalid: 'statusInvalid',
  error: 'statusError',
  skipped: 'statusSkipped',
  empty: 'statusEmpty',
};

export function formatJson(report: ValidationReport, options: OutputOptions = {}): string {
  const shown = report.results.filter(
    (r) => r.status === 'invalid' || r.status === 'error' || (options.verbose && (r.status === 'valid' || r.status === 'skipped')),
  );
  const resources = shown.map((r) => ({
    filename: r.filename,
    kind: r.kind ?? '',
    name: r.name ?? '',
    version: r.apiVersion ?? '',
    status: JSON_STATUS[r.status],
    msg: r.message ?? '',
    ...(r.errors.length > 0 ? { validationErrors: r.errors.map((e) => ({ path: e.path, msg: e.message })) } : {}),
  }));
  const s = summarize(report);
  const out = options.summary
    ? { resources, summary: { valid: s.valid, invalid: s.invalid, errors: s.errors, skipped: s.skipped } }
    : { resources };
  return JSON.stringify(out, null, 2);
}

export function formatTap(report: ValidationReport): string {
  const lines = ['TAP version 13'];
  let n = 0;
  for (const r of report.results) {
    if (r.status === 'empty') continue;
    n++;
    const sig = r.kind ? ` (${r.apiVersion ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name ?? ''})` : '';
    if (r.status === 'valid') lines.push(`ok ${n} - ${r.filename}${sig}`);
    else if (r.status === 'skipped') lines.push(`ok ${n} - ${r.filename}${sig} # skip`);
    else lines.push(`not ok ${n} - ${r.filename}${sig} - ${r.message}`);
  }
  lines.push(`1..${n}`);
  return lines.join('\n');
}

const xml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** JUnit XML, valid against the junit-4 XSD kubeconform's tests use. One testsuite per file. */
export function formatJunit(report: ValidationReport, elapsedSeconds = 0): string {
  const byFile = new Map<string, ResourceResult[]>();
  for (const r of report.results) {
    const list = byFile.get(r.filename) ?? [];
    if (r.status !== 'empty') list.push(r);
    byFile.set(r.filename, list);
  }
  const s = summarize(report);
  const time = elapsedSeconds.toFixed(3);
  const out = [
    `<testsuites name="kubeconform" time="${time}" tests="${s.resources}" failures="${s.invalid}" disabled="${s.skipped}" errors="${s.errors}">`,
  ];
  let id = 0;
  for (const [file, results] of byFile) {
    const count = (st: ResourceResult['status']) => results.filter((r) => r.status === st).length;
    out.push(
      `  <testsuite name="${xml(file)}" id="${++id}" tests="${results.length}" failures="${count('invalid')}" errors="${count('error')}" disabled="${count('skipped')}" skipped="${count('skipped')}">`,
    );
    for (const r of results) {
      const attrs = `name="${xml(r.name ?? '')}" classname="${xml(`${r.kind ?? ''}@${r.apiVersion ?? ''}`)}"`;
      if (r.status === 'valid') out.push(`    <testcase ${attrs}></testcase>`);
      else if (r.status === 'skipped') out.push(`    <testcase ${attrs}>`, '      <skipped></skipped>', '    </testcase>');
      else {
        const tag = r.status === 'invalid' ? 'failure' : 'error';
        out.push(
          `    <testcase ${attrs}>`,
          `      <${tag} message="${xml(r.message ?? '')}" type="">${xml(r.message ?? '')}</${tag}>`,
          '    </testcase>',
        );
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
    default:
      return formatText(report, options);
  }
}
