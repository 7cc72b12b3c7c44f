import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseArgs, runCli, summaryLine, UsageError } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const mixed = path.relative(process.cwd(), path.join(here, 'fixtures/mixed.yaml'));
const valid = path.relative(process.cwd(), path.join(here, 'fixtures/folder/a.yaml'));

const stdinOf = (text: string) => Readable.from([text]);

describe('command-line flags', () => {
  it('accepts single- and double-dash flags, = values, and repeated flags like Go', () => {
    const o = parseArgs(['-strict', '--summary', '-output=json', '-skip', 'A,B', '--ignore-filename-pattern', 'x', '-ignore-filename-pattern=y', 'f.yaml', '-verbose']);
    expect(o).toMatchObject({ strict: true, summary: true, output: 'json', skip: ['A', 'B'], ignoreFilenamePatterns: ['x', 'y'], verbose: false });
    expect(o.files).toEqual(['f.yaml', '-verbose']);
  });

  it('rejects unknown flags and malformed Kubernetes versions with the kubeconform message', () => {
    expect(() => parseArgs(['-xyz'])).toThrow(new UsageError('flag provided but not defined: -xyz'));
    expect(() => parseArgs(['-kubernetes-version', '1.25'])).toThrow(
      'invalid value "1.25" for flag -kubernetes-version: 1.25 is not a valid version. Valid values are "master" (default) or full version x.y.z (e.g. "1.27.2")',
    );
  });
});

describe('summary line', () => {
  it('uses the plural only above one and says parsing stdin for standard input', () => {
    const base = { valid: 0, invalid: 0, errors: 0, skipped: 0 };
    expect(summaryLine({ ...base, resources: 0, files: 1 })).toBe('Summary: 0 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 0, Skipped: 0');
    expect(summaryLine({ ...base, resources: 2, files: 2, valid: 2 })).toBe('Summary: 2 resources found in 2 files - Valid: 2, Invalid: 0, Errors: 0, Skipped: 0');
    expect(summaryLine({ ...base, resources: 1, files: 1, valid: 1 }, true)).toBe('Summary: 1 resource found parsing stdin - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0');
  });
});

describe('output formats', () => {
  it('text prints failures, and valid and skipped resources only with -verbose', async () => {
    const quiet = await runCli(['-skip', 'Secret', '-summary', mixed]);
    const lines = quiet.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${mixed} - ConfigMap bad is invalid: problem validating schema\\..* at '/data/a': got number, want null or string$`));
    expect(lines[1]).toBe(`${mixed} - Widget unknown failed validation: could not find schema for Widget`);
    expect(lines[2]).toBe('Summary: 4 resources found in 1 file - Valid: 1, Invalid: 1, Errors: 1, Skipped: 1');
    const verbose = await runCli(['-skip', 'Secret', '-verbose', mixed]);
    expect(verbose.stdout).toContain(`${mixed} - ConfigMap good is valid`);
    expect(verbose.stdout).toContain(`${mixed} - skipped Secret skipped`);
  });

  it('json lists non-valid resources with their field errors and the summary', async () => {
    const r = await runCli(['-output', 'json', '-summary', '-skip', 'Secret', mixed]);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toEqual({ valid: 1, invalid: 1, errors: 1, skipped: 1 });
    expect(json.resources).toHaveLength(2);
    expect(json.resources[0]).toMatchObject({
      filename: mixed,
      kind: 'ConfigMap',
      name: 'bad',
      version: 'v1',
      status: 'statusInvalid',
      validationErrors: [{ path: '/data/a', msg: 'got number, want null or string' }],
    });
    expect(json.resources[1]).toMatchObject({ kind: 'Widget', status: 'statusError', msg: 'could not find schema for Widget' });
  });

  it('tap numbers every resource and marks skips', async () => {
    const r = await runCli(['-output', 'tap', '-skip', 'Secret', mixed]);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('TAP version 13');
    expect(lines[1]).toBe(`ok 1 - ${mixed} (v1/ConfigMap/apps/good)`);
    expect(lines[2]).toMatch(new RegExp(`^not ok 2 - ${mixed} \\(v1/ConfigMap//bad\\): problem validating schema`));
    // tap.go: an error line carries no signature
    expect(lines[3]).toBe(`not ok 3 - ${mixed}: could not find schema for Widget`);
    expect(lines[4]).toBe(`ok 4 - ${mixed} (v1/Secret//skipped) # skip`);
    expect(lines[5]).toBe('1..4');
  });

  it('junit has one testsuite per file and a testcase per resource', async () => {
    const r = await runCli(['-output', 'junit', '-skip', 'Secret', mixed]);
    expect(r.stdout).toMatch(/^<testsuites name="kubeconform" time="[\d.]+" tests="4" failures="1" disabled="1" errors="1">/);
    // junit.go: Disabled of a suite is never counted; testcases carry time="0"
    expect(r.stdout).toContain(`<testsuite name="${mixed}" id="1" tests="4" failures="1" errors="1" disabled="0" skipped="1">`);
    expect(r.stdout).toContain('<testcase name="apps/good" classname="ConfigMap@v1" time="0"></testcase>');
    expect(r.stdout).toMatch(/<testcase name="bad" classname="ConfigMap@v1" time="0">\s*<failure message="problem validating schema/);
    expect(r.stdout).toMatch(/<testcase name="unknown" classname="Widget@example.com\/v1" time="0">\s*<error message="could not find schema for Widget" type=""><\/error>/);
    expect(r.stdout).toMatch(/<testcase name="skipped" classname="Secret@v1" time="0">\s*<skipped message=""><\/skipped>/);
    expect(r.stdout.trim().endsWith('</testsuites>')).toBe(true);
  });

  it('reads standard input when given - and reports it as stdin', async () => {
    const r = await runCli(['-summary', '-verbose', '-'], stdinOf('apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n'));
    expect(r.stdout.trim().split('\n')).toEqual([
      'stdin - Namespace ns1 is valid',
      'Summary: 1 resource found parsing stdin - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0',
    ]);
    expect(r.exitCode).toBe(0);
  });

  it('a Kubernetes version that is not bundled finds no schema, per resource (upstream: a 404 per schema)', async () => {
    const r = await runCli(['-summary', '-kubernetes-version', '1.99.0', valid]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/failed validation: could not find schema for ConfigMap\nSummary: 1 resource found in 1 file - Valid: 0, Invalid: 0, Errors: 1, Skipped: 0\n$/);
    expect((await runCli(['-kubernetes-version', '1.36.0', valid])).exitCode).toBe(0);
  });
});

describe('the cli process', () => {
  const run = (args: string[]) =>
    spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), [path.join(repoRoot, 'libs/kubeconform/src/cli.ts'), ...args], {
      encoding: 'utf8',
      input: '',
    });

  it('exits 0 when everything is valid and 1 when something is invalid or in error', () => {
    const ok = run(['-summary', '-skip', 'Secret', valid]);
    expect([ok.status, ok.stdout.trim()]).toEqual([0, 'Summary: 1 resource found in 1 file - Valid: 1, Invalid: 0, Errors: 0, Skipped: 0']);
    const bad = run(['-summary', mixed]);
    expect([bad.status, bad.stdout.trim().split('\n').pop()]).toEqual([
      1,
      'Summary: 4 resources found in 1 file - Valid: 2, Invalid: 1, Errors: 1, Skipped: 0',
    ]);
  });

  it('a bad flag prints the message and usage and exits 1', async () => {
    const r = await runCli(['-xyz']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual(['flag provided but not defined: -xyz', 'Usage: kubeconform [OPTION]... [FILE OR FOLDER]...']);
    const help = await runCli(['-h']);
    expect([help.exitCode, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: kubeconform [OPTION]... [FILE OR FOLDER]...']);
  });
});

describe('worker threads (-n)', () => {
  it('-n 2 validates on a worker too and prints exactly what -n 1 prints, in file order', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'kubeconform-workers-'));
    try {
      // 2,000 files: enough for a second thread (one per 1,000 files); failures spread over the batches
      for (let i = 0; i < 2000; i++) {
        const sub = path.join(dir, `d${String(i % 20).padStart(2, '0')}`);
        mkdirSync(sub, { recursive: true });
        const data = i % 97 === 0 ? 'data: {a: 1}' : 'data: {a: "1"}';
        writeFileSync(path.join(sub, `cm-${String(i).padStart(4, '0')}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n${data}\n`);
      }
      const one = await runCli(['-n', '1', '-summary', dir]);
      const two = await runCli(['-n', '2', '-summary', dir]);
      expect(one.stdout.split('\n').filter((l) => l.includes('is invalid'))).toHaveLength(21);
      expect(two).toEqual(one);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
