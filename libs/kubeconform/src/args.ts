/**
 * Command-line parsing with the rules of Go's `flag` package, which kubeconform uses:
 * `-flag` and `--flag` are the same, values as `-flag value` or `-flag=value`, booleans take
 * no value (`-flag=false` allowed), parsing stops at the first non-flag argument, `-` or `--`.
 */

export interface CliOptions {
  strict: boolean;
  ignoreMissingSchemas: boolean;
  /** -debug: accepted; there is nothing to download, so nothing to trace */
  debug: boolean;
  /** -exit-on-error: stop after the first invalid or failed resource */
  exitOnError: boolean;
  /** -insecure-skip-tls-verify: accepted; nothing is downloaded */
  insecureSkipTlsVerify: boolean;
  /** -v: print the version and exit */
  version: boolean;
  summary: boolean;
  verbose: boolean;
  help: boolean;
  /** checked when the run starts, as kubeconform's output.New does */
  output: string;
  kubernetesVersion: string;
  skip: string[];
  reject: string[];
  schemaLocations: string[];
  ignoreFilenamePatterns: string[];
  cache?: string;
  workers: number;
  files: string[];
}

interface FlagSpec {
  name: string;
  bool: boolean;
  help: string;
  arg?: string;
  /** shown as Go shows a non-zero default (strings quoted) */
  default?: string;
}

/** config.go FromFlags: the same flags, usage texts, argument names and defaults as kubeconform. */
export const FLAGS: FlagSpec[] = [
  { name: 'cache', bool: false, arg: 'string', help: 'cache schemas downloaded via HTTP to this folder' },
  { name: 'debug', bool: true, help: 'print debug information' },
  { name: 'exit-on-error', bool: true, help: 'immediately stop execution when the first error is encountered' },
  { name: 'h', bool: true, help: 'show help information' },
  { name: 'ignore-filename-pattern', bool: false, arg: 'value', help: 'regular expression specifying paths to ignore (can be specified multiple times)' },
  { name: 'ignore-missing-schemas', bool: true, help: 'skip files with missing schemas instead of failing' },
  { name: 'insecure-skip-tls-verify', bool: true, help: "disable verification of the server's SSL certificate. This will make your HTTPS connections insecure" },
  { name: 'kubernetes-version', bool: false, arg: 'value', help: 'version of Kubernetes to validate against, e.g.: 1.18.0', default: 'master' },
  { name: 'n', bool: false, arg: 'int', help: 'number of goroutines to run concurrently', default: '4' },
  { name: 'output', bool: false, arg: 'string', help: 'output format - json, junit, pretty, tap, text', default: '"text"' },
  { name: 'reject', bool: false, arg: 'string', help: 'comma-separated list of kinds or GVKs to reject' },
  { name: 'schema-location', bool: false, arg: 'value', help: 'override schemas location search path (can be specified multiple times)' },
  { name: 'skip', bool: false, arg: 'string', help: 'comma-separated list of kinds or GVKs to ignore' },
  { name: 'strict', bool: true, help: 'disallow additional properties not in schema or duplicated keys' },
  { name: 'summary', bool: true, help: 'print a summary at the end (ignored for junit output)' },
  { name: 'v', bool: true, help: 'show version information' },
  { name: 'verbose', bool: true, help: 'print results for all resources (ignored for tap and junit output)' },
];

/**
 * Go's flag.PrintDefaults: `  -name type` then the usage on the next line after "    \t"; a
 * one-letter flag without type keeps its usage on the same line; non-zero defaults appended.
 */
export function usage(program = 'kubeconform'): string {
  const lines = [`Usage: ${program} [OPTION]... [FILE OR FOLDER]...`];
  for (const f of FLAGS) {
    const head = `  -${f.name}${f.arg ? ` ${f.arg}` : ''}`;
    const text = `${f.help}${f.default ? ` (default ${f.default})` : ''}`;
    lines.push(head.length <= 4 ? `${head}\t${text}` : `${head}\n    \t${text}`);
  }
  return lines.join('\n');
}

/** A bad command line: message then usage on stderr, exit 1. */
export class UsageError extends Error {}

const VERSION = /^(master|\d+\.\d+\.\d+)$/;

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    strict: false,
    ignoreMissingSchemas: false,
    debug: false,
    exitOnError: false,
    insecureSkipTlsVerify: false,
    version: false,
    summary: false,
    verbose: false,
    help: false,
    output: 'text',
    kubernetesVersion: 'master',
    skip: [],
    reject: [],
    schemaLocations: [],
    ignoreFilenamePatterns: [],
    workers: 4,
    files: [],
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    let value: string | undefined = eq >= 0 ? body.slice(eq + 1) : undefined;
    if (name === 'help' || name === 'h') {
      o.help = true;
      continue;
    }
    const spec = FLAGS.find((f) => f.name === name);
    if (!spec) throw new UsageError(`flag provided but not defined: -${name}`);
    if (spec.bool) {
      if (value !== undefined && !/^(1|0|t|f|true|false|TRUE|FALSE|True|False)$/.test(value)) {
        throw new UsageError(`invalid boolean value "${value}" for -${name}: parse error`);
      }
      setBool(o, name, value === undefined || /^(1|t|true)$/i.test(value));
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = argv[++i];
    }
    setValue(o, name, value);
  }
  o.files = argv.slice(i);
  return o;
}

function setBool(o: CliOptions, name: string, v: boolean): void {
  if (name === 'strict') o.strict = v;
  else if (name === 'ignore-missing-schemas') o.ignoreMissingSchemas = v;
  else if (name === 'summary') o.summary = v;
  else if (name === 'verbose') o.verbose = v;
  else if (name === 'debug') o.debug = v;
  else if (name === 'exit-on-error') o.exitOnError = v;
  else if (name === 'insecure-skip-tls-verify') o.insecureSkipTlsVerify = v;
  else if (name === 'v') o.version = v;
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

function setValue(o: CliOptions, name: string, v: string): void {
  switch (name) {
    case 'output':
      o.output = v;
      break;
    case 'kubernetes-version':
      if (!VERSION.test(v)) {
        throw new UsageError(
          `invalid value "${v}" for flag -kubernetes-version: ${v} is not a valid version. Valid values are "master" (default) or full version x.y.z (e.g. "1.27.2")`,
        );
      }
      o.kubernetesVersion = v;
      break;
    // flag.StringVar: a repeated -skip/-reject replaces the earlier value
    case 'skip':
      o.skip = list(v);
      break;
    case 'reject':
      o.reject = list(v);
      break;
    case 'schema-location':
      o.schemaLocations.push(v);
      break;
    // Go RE2 syntax, compiled when files are walked (a bad one is an error of that walk)
    case 'ignore-filename-pattern':
      o.ignoreFilenamePatterns.push(v);
      break;
    case 'cache':
      o.cache = v;
      break;
    case 'n': {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`invalid value "${v}" for flag -n: parse error`);
      o.workers = n;
      break;
    }
  }
}
