import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isYaml11NonString, toYaml } from './manifest-yaml';

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
});
