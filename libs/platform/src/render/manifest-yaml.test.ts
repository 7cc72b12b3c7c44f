import { DEFAULT_SCHEMA, Type, dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isYaml11NonString, toYaml } from './manifest-yaml';
import { seededRandom } from '../testing';

const both = (text: string) => ({ v11: parse(text, { version: '1.1' }), v12: parse(text, { version: '1.2' }) });

describe('toYaml', () => {
  it('writes strings that YAML 1.1 would read as booleans, numbers, null or timestamps quoted, so both versions read the same', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', labels: { y: 'n' } },
      data: { mode: 'Off', on: 'yes', octal: '017', underscores: '1_000', base60: '1:20', date: '2001-12-14', tilde: '~', plain: 'kiteclass-core' },
      spec: { updateMode: 'Off', args: ['--appendonly', 'yes'], replicas: 3, enabled: true },
    };
    const text = toYaml(obj);
    expect(text).toContain("updateMode: 'Off'");
    expect(text).toContain("- 'yes'");
    expect(text).toContain("'y': 'n'");
    expect(text).toContain("'on': 'yes'");
    expect(text).toContain("base60: '1:20'");
    expect(text).toContain('plain: kiteclass-core');
    expect(text).toContain('replicas: 3');
    expect(text).toContain('enabled: true');
    const { v11, v12 } = both(text);
    expect(v11).toEqual(obj);
    expect(v12).toEqual(obj);
  });

  it('puts apiVersion, kind and metadata first and sorts every other key; leaves out undefined as JSON does', () => {
    const text = toYaml({ spec: { b: 1, a: undefined, c: [undefined, 'x'] }, metadata: { name: 'x', annotations: { z: '1', a: '-10' } }, kind: 'ConfigMap', apiVersion: 'v1' });
    expect(text).toBe(["apiVersion: v1", "kind: ConfigMap", "metadata:", "  annotations:", "    a: '-10'", "    z: '1'", "  name: x", "spec:", "  b: 1", "  c:", "    - null", "    - x", ""].join('\n'));
  });

  it('keeps a key named __proto__ as data', () => {
    const data = JSON.parse('{"__proto__": "x", "a": "y"}') as Record<string, string>;
    expect(toYaml({ apiVersion: 'v1', kind: 'ConfigMap', data })).toContain('data:\n  __proto__: x\n  a: \'y\'\n');
  });

  it('writes long and multi-line strings unfolded, and reads them back the same', () => {
    const long = 'x'.repeat(300);
    const script = 'set -e\nexec gunicorn --bind=0.0.0.0:8000\n';
    const text = toYaml({ apiVersion: 'v1', kind: 'ConfigMap', data: { long, script, json: '{"type":"forward"}' } });
    expect(text).toContain(`long: ${long}\n`);
    expect(text).toContain("json: '{\"type\":\"forward\"}'");
    expect(both(text).v11.data).toEqual({ long, script, json: '{"type":"forward"}' });
  });

  it('knows the YAML 1.1 implicit types and leaves ordinary strings alone', () => {
    for (const s of ['y', 'Y', 'yes', 'No', 'ON', 'off', '0b101', '0x1F', '0755', '+12', '1e3', '.inf', '190:20:30', 'null', '~', '2026-11-23']) {
      expect(isYaml11NonString(s), s).toBe(true);
    }
    for (const s of ['kiteclass-core', 'yes-please', 'Offline', '3f9c2a1b', '10.0.0.0/16', 'v1.2.3', '250m', '512Mi']) {
      expect(isYaml11NonString(s), s).toBe(false);
    }
  });

  it('quotes exactly what DEFAULT_SCHEMA with a YAML 1.1 type added quotes (its schema answers for all the types at once)', () => {
    // the plain way: every DEFAULT_SCHEMA type asked, and the YAML 1.1 type after them
    const reference = DEFAULT_SCHEMA.extend({ implicit: [new Type('tag:reference,2026:yaml11', { kind: 'scalar', resolve: (s: unknown) => typeof s === 'string' && isYaml11NonString(s) })] });
    const random = seededRandom(23);
    const pick = (chars: string) => chars[Math.floor(random() * chars.length)];
    // strings near every implicit type: digits, signs, dots, colons, underscores, the letters of
    // null/true/false/yes/no/on/off/inf/nan/0x/0b/0o/e, merge keys, spaces, and ordinary text
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    const word = () => Array.from({ length: Math.floor(random() * 7) }, (_, i) => pick(i === 0 && random() < 0.3 ? ascii : '0123456789+-._:~<eExXbBoOnNyYtTfFaAlLuUrRsSiI \t#/Z')).join('');
    const words = [...Array.from({ length: 20_000 }, word), '', '<<', '~', 'y', 'Yes', 'NULL', '.NaN', '-.inf', '0o17', '0b1_0', '1_000', '190:20:30', '2001-12-14t21:59:43.10-05:00', '+.5e3'];
    for (const w of words) {
      const value = { [w]: w, list: [w], n: 1, b: true, z: null };
      expect(toYaml(value), JSON.stringify(w)).toBe(dump(value, { schema: reference, lineWidth: -1, noRefs: true, sortKeys: true }));
    }
  });
});

