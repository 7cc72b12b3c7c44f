/**
 * Differential corpus derived from kubeconform v0.7.0's own tests and source (yannh/kubeconform
 * at e65429b, plus sigs.k8s.io/yaml v1.4.0 goyaml.v2 and santhosh-tekuri/jsonschema v6). Each
 * case names the upstream test or code path its expectation comes from. The expectations are
 * upstream's behaviour as that code defines it, not this implementation's output.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { splitYamlDocuments } from '../src/goyaml.js';
import { formatReport, type OutputFormat } from '../src/output.js';
import type { ResourceResult } from '../src/validate.js';
import { fileResources, signature, streamResources } from '../src/parse.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kubeconform-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** Writes a fixture and returns its path. */
function file(text: string, name = `f${++n}.yaml`): string {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
}
const stdin = (text: string) => Readable.from([Buffer.from(text)]);
async function run(argv: string[], input?: string) {
  return runCli(argv, input === undefined ? stdin('') : stdin(input));
}

const RC = 'apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: "bob"\nspec:\n  replicas: 2\n  selector:\n    app: nginx\n  template:\n    metadata:\n      name: nginx\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        ports:\n        - containerPort: 80\n';
const CM = (name: string, data = 'a: b') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  ${data}\n`;

type Split = { basis: string; input: string; want: string[] };
const splits: Split[] = [
  { basis: "pkg/resource/stream_test.go TestFromStream case 1 (leading '---')", input: '---\napiVersion: v1\nkind: ReplicationController\n', want: ['---\napiVersion: v1\nkind: ReplicationController\n'] },
  { basis: 'pkg/resource/stream_test.go TestFromStream case 2 (two documents)', input: 'apiVersion: v1\n---\napiVersion: v2\n', want: ['apiVersion: v1', 'apiVersion: v2\n'] },
  { basis: 'pkg/resource/stream_test.go TestFromStream case 3 (three documents)', input: 'apiVersion: v1\nkind: ReplicationController\n---\napiVersion: v1\nkind: Deployment\n---\napiVersion: v2\nkind: CronJob\n', want: ['apiVersion: v1\nkind: ReplicationController', 'apiVersion: v1\nkind: Deployment', 'apiVersion: v2\nkind: CronJob\n'] },
  { basis: 'pkg/resource/stream_test.go TestFromStream case 4 (multiple yaml documents)', input: 'apiVersion: v1\nkind: ReplicationController\n---\napiVersion: v1\nkind: Deployment\n', want: ['apiVersion: v1\nkind: ReplicationController', 'apiVersion: v1\nkind: Deployment\n'] },
  { basis: 'stream.go SplitYAMLDocument: the rest of the separator line is dropped', input: 'a: 1\n--- # comment\nb: 2\n', want: ['a: 1', 'b: 2\n'] },
  { basis: 'stream.go SplitYAMLDocument: "\\n---" matches a line of dashes', input: 'a: 1\n-----\nb: 2\n', want: ['a: 1', 'b: 2\n'] },
  { basis: 'stream.go SplitYAMLDocument: stream ending in "\\n---" at EOF', input: 'a: 1\n---', want: ['a: 1'] },
  { basis: 'stream.go SplitYAMLDocument + bufio.Scanner: separator line without newline at EOF loses the rest', input: 'a: 1\n---b', want: [] },
  { basis: 'stream.go SplitYAMLDocument: "---" right after a separator line has no "\\n" before it: it stays in the next token', input: 'a: 1\n---\n---\nb: 2\n', want: ['a: 1', '---\nb: 2\n'] },
  { basis: 'stream.go SplitYAMLDocument: an empty line between separators is an empty token', input: 'a: 1\n---\n\n---\nb: 2\n', want: ['a: 1', '', 'b: 2\n'] },
  { basis: 'stream.go SplitYAMLDocument: a block scalar line starting with --- splits too', input: 'a: |\n  x\n---y\nb: 2\n', want: ['a: |\n  x', 'b: 2\n'] },
  { basis: 'bufio.Scanner: no data, no token', input: '', want: [] },
];

describe('document splitting (pkg/resource/stream.go)', () => {
  for (const c of splits) it(c.basis, () => expect(splitYamlDocuments(c.input)).toEqual(c.want));
});

describe('signatures and lists (pkg/resource/resource.go)', () => {
  it('pkg/resource/resource_test.go TestSignatureFromBytes "valid deployment"', () => {
    const s = signature({ bytes: '\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: myService\n  namespace: default\n  labels:\n    app: myService\nspec:\n' });
    expect([s.kind, s.apiVersion, s.namespace, s.error]).toEqual(['Deployment', 'apps/v1', 'default', undefined]);
  });
  it('pkg/resource/resource_test.go TestSignatureFromMap', () => {
    const s = signature({ bytes: 'apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: "bob"\nspec:\n  replicas: 2\n' });
    expect([s.kind, s.apiVersion, s.namespace, s.name]).toEqual(['ReplicationController', 'v1', '', 'bob']);
  });
  const lists: [string, string, number][] = [
    ['pkg/resource/resource_test.go TestResources case 0 (List without items)', '\napiVersion: v1\nkind: List\n', 0],
    ['pkg/resource/resource_test.go TestResources case 1 (Items: [])', '\napiVersion: v1\nkind: List\nItems: []\n', 0],
    ['pkg/resource/resource_test.go TestResources case 2 (one item under Items:)', `\napiVersion: v1\nkind: List\nItems:\n- apiVersion: v1\n  kind: ReplicationController\n  metadata:\n    name: "bob"\n  spec:\n    replicas: 2\n`, 1],
    ['pkg/resource/resource_test.go TestResources case 3 (two items)', `\napiVersion: v1\nkind: List\nItems:\n- apiVersion: v1\n  kind: ReplicationController\n  metadata:\n    name: "bob"\n- apiVersion: v1\n  kind: ReplicationController\n  metadata:\n    name: "Jim"\n`, 2],
    ['resource.go Resources: kind matched case-insensitively (strings.ToLower(s.Kind) == "list")', 'apiVersion: v1\nkind: LIST\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n', 1],
    ['resource.go Resources: a List without apiVersion fails Signature() and is not expanded', 'kind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n', 1],
    ['resource.go Resources: items that are not a list decode to no items', 'apiVersion: v1\nkind: List\nitems: {a: 1}\n', 0],
  ];
  for (const [basis, text, count] of lists) {
    it(basis, () => expect(streamResources(text).length).toBe(count));
  }
  it('resource.go Signature: generateName wins over name (name = generateName + "{{ generateName }}")', () => {
    expect(signature({ bytes: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  generateName: b-\n' }).name).toBe('b-{{ generateName }}');
  });
  it('resource.go Signature + sigs.k8s.io/yaml: a numeric name is turned into a string for the struct field', () => {
    expect(signature({ bytes: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n' }).name).toBe('123');
  });
  it('resource.go Signature: fields matched like encoding/json, ignoring case (Kind:, APIVERSION:)', () => {
    const s = signature({ bytes: 'APIVERSION: v1\nKind: ConfigMap\nMetadata:\n  Name: x\n' });
    expect([s.apiVersion, s.kind, s.name]).toEqual(['v1', 'ConfigMap', 'x']);
  });
  it('files.go findResourcesInReader: a file without resources yields one empty resource', () => {
    expect(fileResources('# only a comment\n').map((r) => r.bytes.length)).toEqual([17]);
    expect(fileResources('').length).toBe(1);
  });
});

type Case = { basis: string; argv: (f: (t: string, name?: string) => string) => string[]; stdin?: string; exit: number; out: string | RegExp | ((out: string) => void) };
const cases: Case[] = [
  // acceptance.bats
  { basis: 'acceptance.bats "Pass when parsing a valid Kubernetes config YAML file"', argv: (f) => ['-summary', f(RC)], exit: 0, out: /^Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n$/ },
  { basis: 'acceptance.bats "Pass when parsing a folder containing a file with a wrong extension" (the .txt is not read)', argv: (f) => ['-summary', path.dirname(f(RC, 'ext/a.yaml')), f('garbage', 'ext/b.txt') && path.join(dir, 'ext')].slice(0, 1).concat([path.join(dir, 'ext')]), exit: 0, out: /Summary: 1 resource found in 1 file/ },
  { basis: 'acceptance.bats "Pass when parsing a Kubernetes file with string and integer quantities"', argv: (f) => ['-summary', f('apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: mem\nspec:\n  limits:\n  - default:\n      memory: 512Mi\n      cpu: 1\n    type: Container\n')], exit: 0, out: /Valid: 1,/ },
  { basis: 'acceptance.bats "Return relevant error for non-existent file"', argv: () => [path.join(dir, 'nope.yaml')], exit: 1, out: `${path.join(dir, 'nope.yaml')} - failed validation: lstat ${path.join(dir, 'nope.yaml')}: no such file or directory\n` },
  { basis: 'acceptance.bats "Fail when parsing a config with missing kind"', argv: (f) => ['-summary', f('apiVersion: v1\nmetadata:\n  name: x\n')], exit: 1, out: /failed validation: error while parsing: missing 'kind' key\nSummary: 1 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 1, Skipped: 0/ },
  { basis: 'acceptance.bats "Fail when parsing a config with missing apiVersion"', argv: (f) => [f('kind: ConfigMap\nmetadata:\n  name: x\n')], exit: 1, out: /ConfigMap x failed validation: error while parsing: missing 'apiVersion' key/ },
  { basis: 'acceptance.bats "Pass when parsing a blank config file" (Empty: no resource)', argv: (f) => ['-summary', f('')], exit: 0, out: 'Summary: 0 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0\n' },
  { basis: 'acceptance.bats "Pass when parsing a file containing only a comment"', argv: (f) => ['-summary', f('# a comment\n')], exit: 0, out: 'Summary: 0 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0\n' },
  { basis: 'acceptance.bats "Pass when using a valid, preset -output value" (json)', argv: (f) => ['-output', 'json', '-summary', f(RC)], exit: 0, out: '{\n  "resources": [],\n  "summary": {\n    "valid": 1,\n    "invalid": 0,\n    "errors": 0,\n    "skipped": 0\n  }\n}\n' },
  { basis: 'acceptance.bats "Fail when using an invalid -output value" (output.New error, no usage)', argv: (f) => ['-output', 'foo', f(RC)], exit: 1, out: '' },
  { basis: 'acceptance.bats "Fail early when passing a non valid -kubernetes-version"', argv: () => ['-kubernetes-version', '1.25'], exit: 1, out: '' },
  { basis: 'acceptance.bats "Pass when parsing a valid Kubernetes config YAML file on stdin"', argv: () => ['-summary'], stdin: RC, exit: 0, out: 'Summary: 1 resource found parsing stdin - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n' },
  { basis: 'acceptance.bats "Skip when parsing a resource from a kind to skip"', argv: (f) => ['-verbose', '-skip', 'ReplicationController', f(RC)], exit: 0, out: / - bob ReplicationController skipped\n$/ },
  { basis: 'acceptance.bats "Fail when parsing a resource from a kind to reject"', argv: (f) => ['-reject', 'ReplicationController', f(RC)], exit: 1, out: / - ReplicationController bob failed validation: prohibited resource kind ReplicationController\n$/ },
  { basis: 'acceptance.bats "Fail when parsing a List that contains an invalid resource"', argv: (f) => ['-summary', f('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n  data: 5\n')], exit: 1, out: /ConfigMap a is invalid: .*Summary: 1 resource found in 1 file - Valid: 0, Invalid: 1/s },
  { basis: 'acceptance.bats "Pass when parsing a List resource from stdin"', argv: () => ['-summary'], stdin: `apiVersion: v1\nkind: List\nitems:\n- ${CM('a').trimEnd().replace(/\n/g, '\n  ')}\n`, exit: 0, out: 'Summary: 1 resource found parsing stdin - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n' },
  { basis: 'acceptance.bats "Pass when parsing a blank List" (empty List: Empty)', argv: (f) => ['-summary', f('apiVersion: v1\nkind: List\nitems: []\n')], exit: 0, out: 'Summary: 0 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0\n' },
  { basis: 'acceptance.bats "Fail when parsing a config that is missing a kind value" (kind: null is not a string)', argv: (f) => [f('apiVersion: v1\nkind:\nmetadata:\n  name: x\n')], exit: 1, out: /failed validation: error while parsing: missing 'kind' key/ },
  { basis: 'acceptance.bats "Pass with -ignore-missing-schemas for an unknown kind"', argv: (f) => ['-summary', '-ignore-missing-schemas', f('apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n')], exit: 0, out: /Skipped: 1\n$/ },
  { basis: 'acceptance.bats "Fail when parsing a resource with a missing schema"', argv: (f) => [f('apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n')], exit: 1, out: / - Widget w failed validation: could not find schema for Widget\n$/ },
  { basis: 'acceptance.bats "Pass when displaying help with -h"', argv: () => ['-h'], exit: 0, out: /^Usage: kubeconform \[OPTION\]\.\.\. \[FILE OR FOLDER\]\.\.\./ },
  { basis: 'acceptance.bats "Fail and display help when using an incorrect flag"', argv: () => ['-xyz'], exit: 1, out: '' },
  { basis: 'acceptance.bats "Fail when parsing a config with additional properties and strict set"', argv: (f) => ['-strict', f(CM('x').replace('\ndata:', '\nextra: 1\ndata:'))], exit: 1, out: /is invalid: problem validating schema\. Check JSON formatting: jsonschema validation failed with 'https:\/\/raw\.githubusercontent\.com\/yannh\/kubernetes-json-schema\/master\/master-standalone-strict\/configmap-v1\.json#' - at '': additional properties 'extra' not allowed\n$/ },
  { basis: 'acceptance.bats "Pass when parsing a config with additional properties" (no -strict)', argv: (f) => [f(CM('x').replace('\ndata:', '\nextra: 1\ndata:'))], exit: 0, out: '' },
  { basis: 'acceptance.bats "Fail when parsing a config with duplicate properties and strict set" (UnmarshalStrict)', argv: (f) => ['-strict', f(CM('x', 'a: b\n  a: c'))], exit: 1, out: / - ConfigMap x failed validation: error unmarshalling resource: error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key "a" already set in map\n$/ },
  { basis: 'acceptance.bats "Pass when parsing a config with duplicate properties" (no -strict: last wins)', argv: (f) => [f(CM('x', 'a: b\n  a: c'))], exit: 0, out: '' },
  { basis: 'acceptance.bats "Fail when -ignore-filename-pattern is given an invalid regexp" (a walk error, reported per path)', argv: (f) => ['-summary', '-ignore-filename-pattern', '(', f(RC)], exit: 1, out: /failed validation: error parsing regexp: .*\nSummary: 1 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 1, Skipped: 0\n$/ },
  { basis: 'acceptance.bats "Pass when using -ignore-filename-pattern" (Go RE2 inline flag (?i))', argv: (f) => ['-summary', '-ignore-filename-pattern', '(?i)IGNORED', f('garbage: [', 'ignored.yaml'), f(RC)], exit: 0, out: 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0\n' },
  { basis: 'acceptance.bats "Pass when using -output junit" (skipped testcase with message="")', argv: (f) => ['-output', 'junit', '-skip', 'ConfigMap', f(CM('x'))], exit: 0, out: /<testcase name="x" classname="ConfigMap@v1" time="0">\n      <skipped message=""><\/skipped>\n    <\/testcase>/ },
  { basis: 'config.go FromFlags + Go flag.PrintDefaults: the whole -h text', argv: () => ['-h'], exit: 0, out: [
    'Usage: kubeconform [OPTION]... [FILE OR FOLDER]...',
    '  -cache string', '    \tcache schemas downloaded via HTTP to this folder',
    '  -debug', '    \tprint debug information',
    '  -exit-on-error', '    \timmediately stop execution when the first error is encountered',
    '  -h\tshow help information',
    '  -ignore-filename-pattern value', '    \tregular expression specifying paths to ignore (can be specified multiple times)',
    '  -ignore-missing-schemas', '    \tskip files with missing schemas instead of failing',
    '  -insecure-skip-tls-verify', "    \tdisable verification of the server's SSL certificate. This will make your HTTPS connections insecure",
    '  -kubernetes-version value', '    \tversion of Kubernetes to validate against, e.g.: 1.18.0 (default master)',
    '  -n int', '    \tnumber of goroutines to run concurrently (default 4)',
    '  -output string', '    \toutput format - json, junit, pretty, tap, text (default "text")',
    '  -reject string', '    \tcomma-separated list of kinds or GVKs to reject',
    '  -schema-location value', '    \toverride schemas location search path (can be specified multiple times)',
    '  -skip string', '    \tcomma-separated list of kinds or GVKs to ignore',
    '  -strict', '    \tdisallow additional properties not in schema or duplicated keys',
    '  -summary', '    \tprint a summary at the end (ignored for junit output)',
    '  -v\tshow version information',
    '  -verbose', '    \tprint results for all resources (ignored for tap and junit output)',
    '',
  ].join('\n') },
  // cmd/kubeconform/main.go
  { basis: 'main.go: -exit-on-error stops writing after the first failure', argv: (f) => ['-exit-on-error', f('kind: X\n'), f('kind: Y\n')], exit: 1, out: (o) => expect(o.trim().split('\n')).toHaveLength(1) },
  { basis: 'main.go: "-" with other files is a file name, not stdin', argv: (f) => ['-summary', '-', f(CM('x'))], exit: 1, out: /^- - failed validation: lstat -: no such file or directory\n/ },
  { basis: 'main.go: -v prints the version', argv: () => ['-v'], exit: 0, out: /./ },
  { basis: 'config.go: -insecure-skip-tls-verify and -debug are accepted', argv: (f) => ['-insecure-skip-tls-verify', '-debug', '-summary', f(CM('x'))], exit: 0, out: /Valid: 1,/ },
  { basis: 'config.go: a repeated -skip replaces the earlier value (flag.StringVar)', argv: (f) => ['-skip', 'ConfigMap', '-skip', 'Secret', '-summary', f(CM('x'))], exit: 0, out: /Valid: 1, Invalid: 0, Errors: 0, Skipped: 0/ },
  { basis: 'validator.go: an unknown -kubernetes-version is a missing schema per resource, with a Summary', argv: (f) => ['-summary', '-kubernetes-version', '1.99.0', f(CM('x'))], exit: 1, out: / - ConfigMap x failed validation: could not find schema for ConfigMap\nSummary: 1 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 1, Skipped: 0\n$/ },
  { basis: 'validator.go + the schema repository: -kubernetes-version 1.20.0 has no autoscaling/v2 HorizontalPodAutoscaler (served from 1.23, pluto versions.yaml)', argv: (f) => ['-kubernetes-version', '1.20.0', f('apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n  maxReplicas: 2\n')], exit: 1, out: / - HorizontalPodAutoscaler h failed validation: could not find schema for HorizontalPodAutoscaler\n$/ },
  { basis: 'validator.go + the schema repository: -kubernetes-version 1.23.0 serves it, and names the v1.23.0 schema URL', argv: (f) => ['-kubernetes-version', '1.23.0', f('apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: d}\n  maxReplicas: two\n')], exit: 1, out: /'https:\/\/raw\.githubusercontent\.com\/yannh\/kubernetes-json-schema\/master\/v1\.23\.0-standalone\/horizontalpodautoscaler-autoscaling-v2\.json#' - at '\/spec\/maxReplicas': got string, want null or integer\n$/ },
  { basis: 'validator.go + the schema repository: -kubernetes-version 1.20.0 serves v1 ConfigMap', argv: (f) => ['-summary', '-kubernetes-version', '1.20.0', f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n')], exit: 0, out: /Valid: 1,/ },
  { basis: 'files.go isYAMLFile: a file named on the command line without a manifest suffix is not read', argv: (f) => ['-summary', f('garbage: [', 'notes.txt')], exit: 0, out: 'Summary: 0 resource found in 0 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0\n' },
  { basis: 'files.go: the same file given twice is validated twice, counted once (text.go counts distinct paths)', argv: (f) => { const p = f(CM('x')); return ['-summary', p, p]; }, exit: 0, out: 'Summary: 2 resources found in 1 file - Valid: 2, Invalid: 0, Errors: 0, Skipped: 0\n' },
  // validator.go ValidateResource
  { basis: 'validator.go: a top-level sequence fails json decoding into map[string]interface{}', argv: (f) => [f('- a\n- b\n')], exit: 1, out: / - failed validation: error unmarshalling resource: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map\[string\]interface \{\}\n$/ },
  { basis: 'validator.go: a top-level scalar likewise', argv: (f) => [f('hello\n')], exit: 1, out: /json: cannot unmarshal string into Go value of type map\[string\]interface \{\}\n$/ },
  { basis: 'validator.go: "null" decodes to a nil map: Empty', argv: (f) => ['-summary', f('null\n')], exit: 0, out: 'Summary: 0 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0\n' },
  { basis: 'resource.go Resources/Signature: SignatureFromMap answers the cached Signature(), whose struct decode made the numeric kind the string "5" (checked against the real kubeconform v0.7.0)', argv: (f) => [f('apiVersion: v1\nkind: 5\nmetadata:\n  name: x\n')], exit: 1, out: / - 5 x failed validation: could not find schema for 5\n$/ },
  { basis: 'resource.go: the cached Signature() matches keys ignoring case, so `Kind:` finds the schema, which then misses `kind` (checked against the real kubeconform v0.7.0)', argv: (f) => [f('apiVersion: v1\nKind: ConfigMap\nmetadata:\n  name: x\n')], exit: 1, out: / - ConfigMap x is invalid: .* - at '': missing property 'kind'\n$/ },
  { basis: 'resource.go: a Signature() decoding error (an array as name) is the resource\'s error (checked against the real kubeconform v0.7.0)', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x]\n')], exit: 1, out: / - failed validation: error while parsing: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field .Metadata.Name of type string\n$/ },
  { basis: 'validator.go: a numeric metadata.name is invalid against the schema (type string)', argv: (f) => ['-output', 'json', f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 123\n')], exit: 1, out: /"path": "\/metadata\/name",\n\s+"msg": "got number, want null or string"/ },
  { basis: 'goyaml.v2 resolve.go: plain yes is a YAML 1.1 boolean (ConfigMap data must be strings)', argv: (f) => ['-output', 'json', f(CM('x', 'enabled: yes'))], exit: 1, out: /"path": "\/data\/enabled",\n\s+"msg": "got boolean, want null or string"/ },
  { basis: 'goyaml.v2 resolve.go: plain on/off are booleans too', argv: (f) => [f(CM('x', 'a: "on"\n  b: off'))], exit: 1, out: /at '\/data\/b': got boolean, want null or string/ },
  { basis: 'goyaml.v2 resolve.go: plain n is the boolean false, even as a name', argv: (f) => [f('apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n')], exit: 1, out: / - Namespace false is invalid: .* - at '\/metadata\/name': got boolean, want null or string\n$/ },
  { basis: 'jsonschema v6 kind.go Enum: "value must be one of \'a\', \'b\'" (bundled enum; null stays accepted)', argv: (f) => [f('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    imagePullPolicy: Sometimes\n  - name: d\n    image: i\n    imagePullPolicy: null\n')], exit: 1, out: /at '\/spec\/containers\/0\/imagePullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'\n$/ },
  { basis: 'goyaml.v2 resolve.go: quoted "yes" stays a string', argv: (f) => [f(CM('x', 'a: "yes"'))], exit: 0, out: '' },
  { basis: 'goyaml.v2 resolve.go: 0755 is an octal integer (not a string)', argv: (f) => [f(CM('x', 'mode: 0755'))], exit: 1, out: /at '\/data\/mode': got number, want null or string/ },
  { basis: 'goyaml.v2 decode.go scalar: an unquoted date is a timestamp, kept as its text (a string) in interface{}', argv: (f) => [f(CM('x', 'day: 2024-01-02'))], exit: 0, out: '' },
  { basis: 'goyaml.v2 decode.go scalar: the timestamp text is kept as written, so a date is not a date-time (checked against the real kubeconform v0.7.0)', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  creationTimestamp: 2024-01-01\n')], exit: 1, out: /at '\/metadata\/creationTimestamp': '2024-01-01' is not valid date-time: less than 20 characters long\n$/ },
  { basis: 'goyaml.v2 resolve.go: ~ and Null are null, which the standalone schemas allow', argv: (f) => [f(CM('x', 'a: ~'))], exit: 0, out: '' },
  { basis: 'goyaml.v2 Unmarshal reads the first document only: what follows "..." is ignored', argv: (f) => [f(`${CM('x')}...\ngarbage: [\n`)], exit: 0, out: '' },
  { basis: 'goyaml.v2 scanner: a tab in indentation "found character that cannot start any token", line within the document', argv: (f) => [f(`${CM('a')}---\n${'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: b\n'}`)], exit: 1, out: /failed validation: error unmarshalling resource: error converting YAML to JSON: yaml: line 4: found character that cannot start any token\n$/ },
  { basis: 'goyaml.v2 scannerc.go "mapping values are not allowed in this context" (a scanner error: line 1-based)', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a: b\n')], exit: 1, out: /yaml: line 4: mapping values are not allowed in this context\n$/ },
  { basis: 'goyaml.v2 parserc.go "did not find expected key" (a parser error: decode.go prints its 0-based line)', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: a\n  labels: {}\n')], exit: 1, out: /yaml: line 4: did not find expected key\n$/ },
  { basis: 'goyaml.v2 scannerc.go "found character that cannot start any token" for @', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: @x\n')], exit: 1, out: /yaml: line 4: found character that cannot start any token\n$/ },
  { basis: 'goyaml.v2 scannerc.go "could not find expected \':\'" for a key line without a colon', argv: (f) => [f('apiVersion: v1\nkind\nmetadata:\n  name: x\n')], exit: 1, out: /yaml: line 3: could not find expected ':'\n$/ },
  { basis: 'goyaml.v2 limit_test.go "1000kb of deeply nested slices": exceeded max depth of 10000', argv: (f) => [f('['.repeat(1000 * 1024))], exit: 1, out: / - failed validation: error unmarshalling resource: error converting YAML to JSON: yaml: exceeded max depth of 10000\n$/ },
  { basis: 'goyaml.v2 limit_test.go "1000kb of deeply nested maps" (x: {{{…)', argv: (f) => [f(`x: ${'{'.repeat(1000 * 1024)}`)], exit: 1, out: /yaml: exceeded max depth of 10000\n$/ },
  { basis: 'goyaml.v2 limits + validator.go: nesting within the depth limit parses; a document that is a sequence is the map-decoding error', argv: (f) => [f(`${CM('x').replace('data:\n  a: b', 'data:\n  a: "1"')}---\n${'['.repeat(50)}1${']'.repeat(50)}\n`)], exit: 1, out: /json: cannot unmarshal array into Go value of type map\[string\]interface \{\}\n$/ },
  { basis: 'goyaml.v2 decode.go: strict duplicate keys, each one, lines counted within the document', argv: (f) => ['-strict', f(`${CM('a')}---\napiVersion: v1\nkind: ConfigMap\nkind: ConfigMap\nmetadata:\n  name: b\n  name: b\n`)], exit: 1, out: /yaml: unmarshal errors:\n  line 3: key "kind" already set in map\n  line 6: key "name" already set in map\n$/ },
  { basis: 'validator.go: IntOrString null matches both oneOf branches of the standalone schema (invalid)', argv: (f) => [f('apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n    targetPort: null\n')], exit: 1, out: /at '\/spec\/ports\/0\/targetPort': oneOf failed, subschemas 0, 1 matched\n$/ },
  { basis: 'jsonschema v6 validator.go Validate: a root error that is a group is unwrapped once', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 1\n  namespace: 2\n')], exit: 1, out: /configmap-v1\.json#' - at '\/metadata\/name': got number, want null or string - at '\/metadata\/namespace': got number, want null or string\n$/ },
  { basis: 'jsonschema v6 validator.go + output.go: a property with several errors beside another error is a "validation failed" group, its causes indented', argv: (f) => ['-output', 'json', f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 1\n  namespace: 2\ndata: 5\n')], exit: 1, out: (o) => {
    const r = JSON.parse(o).resources[0];
    expect(r.validationErrors).toEqual(expect.arrayContaining([{ path: '/metadata', msg: 'validation failed' }, { path: '/data', msg: 'got number, want null or object' }]));
    expect(r.msg).toContain("- at '/metadata': validation failed   - at '/metadata/name': got number, want null or string   - at '/metadata/namespace': got number, want null or string");
  } },
  { basis: 'jsonschema v6 kind.go Required: "missing property \'x\'" at the object', argv: (f) => ['-output', 'json', f('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template: {}\n')], exit: 1, out: /"path": "\/spec",\n\s+"msg": "missing property 'selector'"/ },
  { basis: 'registry.go schemaPath: the kind is lowercased in the URL, so "configmap" finds the schema; its kind enum makes it invalid', argv: (f) => [f('apiVersion: v1\nkind: configmap\nmetadata:\n  name: x\n')], exit: 1, out: / - configmap x is invalid: .*configmap-v1\.json#' - at '\/kind': value must be 'ConfigMap'\n$/ },
  { basis: 'registry.go schemaPath: group and version are lowercased in KindSuffix, so "Apps/V1" finds the Deployment schema; its apiVersion enum makes it invalid', argv: (f) => ['-output', 'json', f('apiVersion: Apps/V1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector: {}\n  template: {}\n')], exit: 1, out: /"path": "\/apiVersion",\n\s+"msg": "value must be 'apps\/v1'"/ },
  { basis: 'registry.go schemaPath: {{ .Group }} is groupParts[0], i.e. "v1" for a core kind; v6 names the local schema by its file URL', argv: (f) => { f('{"properties": {"data": {"type": "string"}}}', 'tpl/v1/configmap.json'); return ['-schema-location', `${dir}/tpl/{{ .Group }}/{{ .ResourceKind }}.json`, f(CM('x'))]; }, exit: 1, out: new RegExp(`jsonschema validation failed with 'file://${dir}/tpl/v1/configmap\\.json#' - at '/data': got object, want string\\n$`) },
  { basis: 'validator.go downloadSchema: a local schema that is not JSON sends the lookup to the next location', argv: (f) => { f('not json', 'bad/v1/configmap.json'); return ['-summary', '-schema-location', `${dir}/bad/{{ .Group }}/{{ .ResourceKind }}.json`, '-schema-location', 'default', f(CM('x'))]; }, exit: 0, out: /Valid: 1,/ },
  { basis: 'validator.go downloadSchema: a local schema that does not compile sends the lookup to the next location, then "could not find schema"', argv: (f) => { f('{"type": 5}', 'broken/v1/configmap.json'); return ['-schema-location', `${dir}/broken/{{ .Group }}/{{ .ResourceKind }}.json`, f(CM('x'))]; }, exit: 1, out: / - ConfigMap x failed validation: could not find schema for ConfigMap\n$/ },
  { basis: 'jsonschema v6 format.go validateDateTime (asserted for draft-04) + kind.go Format: the reason follows the value', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  creationTimestamp: "2024-13-01T00:00:00Z"\n')], exit: 1, out: /at '\/metadata\/creationTimestamp': '2024-13-01T00:00:00Z' is not valid date-time: invalid date element: parsing time "2024-13-01": month out of range\n$/ },
  { basis: 'jsonschema v6 format.go validateDateTime: a space instead of T is refused ("11th character must be t or T")', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  creationTimestamp: "2024-01-02 03:04:05Z"\n')], exit: 1, out: /is not valid date-time: 11th character must be t or T\n$/ },
  { basis: 'jsonschema v6 format.go validateTime: an offset without colon is refused', argv: (f) => [f('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  creationTimestamp: "2024-01-02T03:04:05+0100"\n')], exit: 1, out: /is not valid date-time: invalid time element: offset must be 6 characters long\n$/ },
  // pkg/output
  { basis: 'pkg/output/text.go: valid with -verbose "<path> - <Kind> <name> is valid"', argv: (f) => ['-verbose', f(CM('x'), 'v.yaml')], exit: 0, out: `${path.join(dir, 'v.yaml')} - ConfigMap x is valid\n` },
  { basis: 'pkg/output/text.go: error without a name "<path> - failed validation: <err>"', argv: (f) => [f('apiVersion: v1\nkind: Widget\n', 'noname.yaml')], exit: 1, out: `${path.join(dir, 'noname.yaml')} - failed validation: could not find schema for Widget\n` },
  { basis: 'pkg/output/json.go: -verbose lists empty documents too (status "")', argv: (f) => ['-output', 'json', '-verbose', f('')], exit: 0, out: /"status": "",\n\s+"msg": ""/ },
  { basis: 'pkg/output/json.go: encoding/json escapes <, > and & in messages', argv: (f) => ['-output', 'json', '-reject', 'ConfigMap', f(CM('a<b>&'))], exit: 1, out: /"name": "a\\u003cb\\u003e\\u0026"/ },
  { basis: 'pkg/output/tap.go: invalid uses "(<qualified>): ", error uses ": " with no signature', argv: (f) => ['-output', 'tap', f(CM('x', 'a: 1')), f('kind: X\n')], exit: 1, out: /^TAP version 13\nnot ok 1 - .* \(v1\/ConfigMap\/\/x\): problem validating schema.*\nnot ok 2 - .*: error while parsing: missing 'apiVersion' key\n1\.\.2\n$/ },
  { basis: 'pkg/output/tap.go: an empty file is "ok N - <path> (empty)"', argv: (f) => ['-output', 'tap', f('')], exit: 0, out: /^TAP version 13\nok 1 - .* \(empty\)\n1\.\.1\n$/ },
  { basis: 'pkg/output/tap.go: empty stdin writes no header, only the plan "1..0"', argv: () => ['-output', 'tap'], stdin: '', exit: 0, out: '1..0\n' },
  { basis: 'pkg/output/tap.go: skipped "ok N - <path> (<qualified>) # skip"', argv: (f) => ['-output', 'tap', '-skip', 'ConfigMap', f(CM('x'))], exit: 0, out: /ok 1 - .* \(v1\/ConfigMap\/\/x\) # skip\n/ },
  { basis: 'pkg/output/junit.go: a file of empty documents is an empty testsuite', argv: (f) => ['-output', 'junit', f('# nothing\n')], exit: 0, out: /<testsuite name=".*" id="1" tests="0" failures="0" errors="0" disabled="0" skipped="0"><\/testsuite>\n<\/testsuites>\n$/ },
  { basis: 'pkg/output/junit.go: testcase name is namespace/name, failure has message and type=""', argv: (f) => ['-output', 'junit', f(CM('x', 'a: 1').replace('  name: x', '  name: x\n  namespace: ns'))], exit: 1, out: /<testcase name="ns\/x" classname="ConfigMap@v1" time="0">\n      <failure message="problem validating schema.*" type=""><\/failure>/ },
  { basis: 'pkg/output/junit.go: no result at all is an empty testsuites element', argv: () => ['-output', 'junit'], stdin: '', exit: 0, out: /^<testsuites name="kubeconform" time="[0-9.e-]+" tests="0" failures="0" disabled="0" errors="0"><\/testsuites>\n$/ },
  { basis: 'pkg/output/pretty.go: invalid line with the cross mark', argv: (f) => ['-output', 'pretty', f(CM('x', 'a: 1'))], exit: 1, out: /^\x1b\[31m\u2716\x1b\[0m .*: \x1b\[31mConfigMap x is invalid: / },
  { basis: 'pkg/output/pretty.go: -verbose valid line with the check mark, and the summary', argv: (f) => ['-output', 'pretty', '-verbose', '-summary', f(CM('x'))], exit: 0, out: /^\x1b\[32m\u2714\x1b\[0m .*: \x1b\[32mConfigMap x is valid\x1b\[0m\nSummary: 1 resource found in 1 file/ },
  { basis: 'stream.go FromStream: stdin keeps empty documents as Empty results (not counted)', argv: () => ['-summary', '-output', 'tap'], stdin: `${CM('a')}---\n\n---\n${CM('b')}`, exit: 0, out: /^TAP version 13\nok 1 - stdin \(v1\/ConfigMap\/\/a\)\nok 2 - stdin \(empty\)\nok 3 - stdin \(v1\/ConfigMap\/\/b\)\n1\.\.3\n$/ },
];

describe('command line against upstream behaviour', () => {
  for (const c of cases) {
    it(c.basis, async () => {
      const r = await run(c.argv(file), c.stdin);
      expect(r.exitCode).toBe(c.exit);
      if (typeof c.out === 'string') expect(r.stdout).toBe(c.out);
      else if (c.out instanceof RegExp) expect(r.stdout).toMatch(c.out);
      else c.out(r.stdout);
    });
  }
});

/** The deployment every pkg/output test uses, as the result its Signature() gives. */
const deployment = (status: ResourceResult['status'], filename = 'deployment.yml', message?: string, errors: ResourceResult['errors'] = []): ResourceResult => ({
  filename, status, kind: 'Deployment', name: 'my-app', namespace: '', apiVersion: 'apps/v1', message, errors,
});
const empty = (filename = 'deployment.yml'): ResourceResult => ({ filename, status: 'empty', kind: '', name: '', namespace: '', apiVersion: '', errors: [] });
type Out = { basis: string; format: OutputFormat; summary: boolean; verbose: boolean; results: ResourceResult[]; want: string };
const outputs: Out[] = [
  { basis: 'pkg/output/text_test.go TestTextWrite "a single deployment, no summary, no verbose"', format: 'text', summary: false, verbose: false, results: [], want: '' },
  { basis: 'pkg/output/text_test.go TestTextWrite "a single deployment, summary, no verbose"', format: 'text', summary: true, verbose: false, results: [deployment('valid')], want: 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0' },
  { basis: 'pkg/output/text_test.go TestTextWrite "a single deployment, verbose, with summary"', format: 'text', summary: true, verbose: true, results: [deployment('valid')], want: 'deployment.yml - Deployment my-app is valid\nSummary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0' },
  { basis: 'pkg/output/json_test.go TestJSONWrite "a single deployment, no summary, no verbose"', format: 'json', summary: false, verbose: false, results: [], want: '{\n  "resources": []\n}' },
  { basis: 'pkg/output/json_test.go TestJSONWrite "a single deployment, summary, no verbose"', format: 'json', summary: true, verbose: false, results: [deployment('valid')], want: '{\n  "resources": [],\n  "summary": {\n    "valid": 1,\n    "invalid": 0,\n    "errors": 0,\n    "skipped": 0\n  }\n}' },
  { basis: 'pkg/output/json_test.go TestJSONWrite "a single deployment, verbose, with summary"', format: 'json', summary: true, verbose: true, results: [deployment('valid')], want: '{\n  "resources": [\n    {\n      "filename": "deployment.yml",\n      "kind": "Deployment",\n      "name": "my-app",\n      "version": "apps/v1",\n      "status": "statusValid",\n      "msg": ""\n    }\n  ],\n  "summary": {\n    "valid": 1,\n    "invalid": 0,\n    "errors": 0,\n    "skipped": 0\n  }\n}' },
  { basis: 'pkg/output/json_test.go TestJSONWrite "a single invalid deployment, verbose, with summary"', format: 'json', summary: true, verbose: true, results: [deployment('invalid', 'deployment.yml', 'bar', [{ path: 'foo', message: 'bar' }])], want: '{\n  "resources": [\n    {\n      "filename": "deployment.yml",\n      "kind": "Deployment",\n      "name": "my-app",\n      "version": "apps/v1",\n      "status": "statusInvalid",\n      "msg": "bar",\n      "validationErrors": [\n        {\n          "path": "foo",\n          "msg": "bar"\n        }\n      ]\n    }\n  ],\n  "summary": {\n    "valid": 0,\n    "invalid": 1,\n    "errors": 0,\n    "skipped": 0\n  }\n}' },
  { basis: 'pkg/output/tap_test.go TestTapWrite "a single deployment, summary, no verbose"', format: 'tap', summary: true, verbose: false, results: [deployment('valid')], want: 'TAP version 13\nok 1 - deployment.yml (apps/v1/Deployment//my-app)\n1..1' },
  { basis: 'pkg/output/tap_test.go TestTapWrite "a single deployment, verbose, with summary"', format: 'tap', summary: true, verbose: true, results: [deployment('valid')], want: 'TAP version 13\nok 1 - deployment.yml (apps/v1/Deployment//my-app)\n1..1' },
  { basis: 'pkg/output/pretty_test.go TestPrettyTextWrite "a single deployment, no summary, no verbose"', format: 'pretty', summary: false, verbose: false, results: [], want: '' },
  { basis: 'pkg/output/pretty_test.go TestPrettyTextWrite "a single deployment, summary, no verbose"', format: 'pretty', summary: true, verbose: false, results: [deployment('valid')], want: 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0' },
  { basis: 'pkg/output/pretty_test.go TestPrettyTextWrite "a single deployment, verbose, with summary"', format: 'pretty', summary: true, verbose: true, results: [deployment('valid')], want: '\x1b[32m\u2714\x1b[0m deployment.yml: \x1b[32mDeployment my-app is valid\x1b[0m\nSummary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0' },
  { basis: 'pkg/output/junit_test.go TestJunitWrite "an empty result"', format: 'junit', summary: true, verbose: false, results: [], want: '<testsuites name="kubeconform" time="" tests="0" failures="0" disabled="0" errors="0"></testsuites>' },
  { basis: 'pkg/output/junit_test.go TestJunitWrite "a single deployment, summary, no verbose"', format: 'junit', summary: true, verbose: false, results: [deployment('valid')], want: '<testsuites name="kubeconform" time="" tests="1" failures="0" disabled="0" errors="0">\n  <testsuite name="deployment.yml" id="1" tests="1" failures="0" errors="0" disabled="0" skipped="0">\n    <testcase name="my-app" classname="Deployment@apps/v1" time=""></testcase>\n  </testsuite>\n</testsuites>' },
  { basis: 'pkg/output/junit_test.go TestJunitWrite "a deployment, an empty resource, summary, no verbose"', format: 'junit', summary: true, verbose: false, results: [deployment('valid'), empty()], want: '<testsuites name="kubeconform" time="" tests="1" failures="0" disabled="0" errors="0">\n  <testsuite name="deployment.yml" id="1" tests="1" failures="0" errors="0" disabled="0" skipped="0">\n    <testcase name="my-app" classname="Deployment@apps/v1" time=""></testcase>\n  </testsuite>\n</testsuites>' },
  { basis: 'pkg/output/junit_test.go TestJunitWrite "one error, one invalid"', format: 'junit', summary: true, verbose: false, results: [deployment('error', 'deployment.yml', 'error validating deployment.yml'), deployment('error', 'deployment2.yml', 'error validating deployment.yml'), deployment('invalid', 'deployment3.yml', 'deployment3.yml is invalid')], want: '<testsuites name="kubeconform" time="" tests="3" failures="1" disabled="0" errors="2">\n  <testsuite name="deployment.yml" id="1" tests="1" failures="0" errors="1" disabled="0" skipped="0">\n    <testcase name="my-app" classname="Deployment@apps/v1" time="">\n      <error message="error validating deployment.yml" type=""></error>\n    </testcase>\n  </testsuite>\n  <testsuite name="deployment2.yml" id="2" tests="1" failures="0" errors="1" disabled="0" skipped="0">\n    <testcase name="my-app" classname="Deployment@apps/v1" time="">\n      <error message="error validating deployment.yml" type=""></error>\n    </testcase>\n  </testsuite>\n  <testsuite name="deployment3.yml" id="3" tests="1" failures="1" errors="0" disabled="0" skipped="0">\n    <testcase name="my-app" classname="Deployment@apps/v1" time="">\n      <failure message="deployment3.yml is invalid" type=""></failure>\n    </testcase>\n  </testsuite>\n</testsuites>' },
];

describe('output formats (pkg/output/*_test.go)', () => {
  for (const c of outputs) {
    it(c.basis, () => {
      const text = formatReport({ results: c.results, files: 0, stdin: false }, c.format, { summary: c.summary, verbose: c.verbose }, 0.25);
      // junit_test.go blanks every time="…" before comparing
      expect(c.format === 'junit' ? text.replace(/time="[^"]*"/g, 'time=""') : text).toBe(c.want);
    });
  }
});

it('the corpus is larger than ../shared/conformance (66 cases)', () => {
  expect(splits.length + 17 + cases.length + outputs.length).toBeGreaterThan(66);
});
