import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AutoscalingSchema, cpuQuantity, hostName, imageTag, memoryQuantity, parseQuantity, replicas } from './schemas';
import { loadValues, parseValues, ValuesError } from './values';

const Schema = z.strictObject({
  host: hostName,
  service: z.strictObject({
    tag: imageTag,
    replicas,
    cpu: cpuQuantity,
    memory: memoryQuantity,
    autoscaling: AutoscalingSchema.optional(),
  }),
});

const GOOD = `host: api.example.com
service:
  tag: 2e8d1c4a
  replicas: 2
  cpu: 250m
  memory: 1Gi
`;

function problem(text: string): string {
  try {
    parseValues(text, 'environments/production/demo.yaml', Schema);
  } catch (e) {
    expect(e).toBeInstanceOf(ValuesError);
    return (e as Error).message;
  }
  throw new Error('expected the values to be refused');
}

describe('parseValues', () => {
  it('returns typed values when the file is valid', () => {
    expect(parseValues(GOOD, 'demo.yaml', Schema)).toEqual({
      host: 'api.example.com',
      service: { tag: '2e8d1c4a', replicas: 2, cpu: '250m', memory: '1Gi' },
    });
  });

  it('refuses a negative replica count, naming file, line, field and value', () => {
    expect(problem(GOOD.replace('replicas: 2', 'replicas: -1'))).toBe(
      'environments/production/demo.yaml:4:13: service.replicas: must not be negative (got -1)',
    );
  });

  it('refuses a CPU quantity that is not a quantity', () => {
    expect(problem(GOOD.replace('cpu: 250m', 'cpu: lots'))).toBe(
      'environments/production/demo.yaml:5:8: service.cpu: must be a Kubernetes CPU quantity such as 250m or 1 (got "lots")',
    );
  });

  it('refuses a memory quantity with a unit Kubernetes does not know', () => {
    expect(problem(GOOD.replace('memory: 1Gi', 'memory: 1GB'))).toBe(
      'environments/production/demo.yaml:6:11: service.memory: must be a Kubernetes memory quantity such as 512Mi or 1Gi (got "1GB")',
    );
  });

  it('refuses a malformed image tag and the latest tag', () => {
    expect(problem(GOOD.replace('tag: 2e8d1c4a', 'tag: "v1:2"'))).toBe(
      'environments/production/demo.yaml:3:8: service.tag: must be an OCI image tag (letters, digits, _ . -; at most 128) (got "v1:2")',
    );
    expect(problem(GOOD.replace('tag: 2e8d1c4a', 'tag: latest'))).toBe(
      'environments/production/demo.yaml:3:8: service.tag: must be pinned: "latest" is not allowed (got "latest")',
    );
  });

  it('refuses a host that is not a DNS name', () => {
    expect(problem(GOOD.replace('api.example.com', 'api_example.com'))).toBe(
      'environments/production/demo.yaml:1:7: host: must be a DNS host name such as api.example.com (a leading *. is allowed) (got "api_example.com")',
    );
  });

  it('refuses an unknown key, pointing at the key', () => {
    expect(problem(GOOD.replace('  replicas: 2', '  replica: 2'))).toBe(
      'environments/production/demo.yaml:3:3: service.replicas: required, but missing\n' +
        "environments/production/demo.yaml:4:12: service.replica: unknown key (check the spelling; allowed keys are in the system's values schema)",
    );
  });

  it('refuses a YAML syntax error with its line', () => {
    expect(problem(GOOD.replace('  cpu: 250m', '  cpu: [250m'))).toMatch(
      /^environments\/production\/demo\.yaml:6:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
    );
  });

  it('refuses a key given twice instead of keeping the last one', () => {
    expect(problem(GOOD + 'host: other.example.com\n')).toBe(
      'environments/production/demo.yaml:7:1: host: YAML syntax error: Map keys must be unique; "host" is already set at 1:1',
    );
  });

  it('refuses an HPA whose minimum is above its maximum', () => {
    const text = GOOD + '  autoscaling: { minReplicas: 12, maxReplicas: 10, cpuUtilization: 70 }\n';
    expect(problem(text)).toBe(
      'environments/production/demo.yaml:7:31: service.autoscaling.minReplicas: must not be above maxReplicas (got 12)',
    );
  });

  it('reports every problem of a file at once', () => {
    const message = problem(GOOD.replace('cpu: 250m', 'cpu: lots').replace('replicas: 2', 'replicas: -3'));
    expect(message.split('\n')).toHaveLength(2);
  });
});

/** A schema with a map of services, like `webServices` in every system's values. */
const Services = z.strictObject({ webServices: z.record(z.string(), z.strictObject({ replicas })) });

function problemOf(text: string, schema: z.ZodType = Services): string {
  try {
    parseValues(text, 'environments/staging/demo.yaml', schema);
  } catch (e) {
    expect(e).toBeInstanceOf(ValuesError);
    return (e as Error).message;
  }
  throw new Error('expected the values to be refused');
}

describe('parseValues under hostile input', () => {
  it('refuses a YAML alias bomb ("billion laughs") naming the file, line and column', () => {
    const bomb = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f']]) {
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    expect(problemOf(bomb.join('\n') + '\n')).toBe(
      'environments/staging/demo.yaml:2:8: b.0: YAML aliases expand too much (more than 100 alias uses; an "alias bomb"?): write the values out instead',
    );
  });

  it('refuses a self-referencing alias instead of building an endless value', () => {
    expect(problemOf('webServices:\n  api: &x\n    replicas: 2\n    again: *x\n')).toBe(
      'environments/staging/demo.yaml:4:12: webServices.api.again: alias *x refers to the node it is part of, which would make the value endless',
    );
  });

  it('shows .inf and 1e999 as written, not as "null"', () => {
    expect(problemOf('webServices:\n  api: { replicas: .inf }\n')).toMatch(/^environments\/staging\/demo\.yaml:2:20: webServices\.api\.replicas: .* \(got \.inf\)$/);
    expect(problemOf('webServices:\n  api: { replicas: 1e999 }\n')).toMatch(/^environments\/staging\/demo\.yaml:2:20: webServices\.api\.replicas: .* \(got 1e999\)$/);
  });

  it('refuses __proto__ as a key instead of dropping it silently', () => {
    expect(problemOf('webServices:\n  api: { replicas: 2 }\n  __proto__: { replicas: 3 }\n')).toBe(
      'environments/staging/demo.yaml:3:3: webServices.__proto__: "__proto__" cannot be a key: a JavaScript object cannot hold it as data, so it would be silently dropped',
    );
  });

  it('keeps keys named constructor and prototype (an object holds them as data)', () => {
    expect(parseValues('webServices:\n  constructor: { replicas: 1 }\n  prototype: { replicas: 2 }\n', 'demo.yaml', Services)).toEqual({
      webServices: { constructor: { replicas: 1 }, prototype: { replicas: 2 } },
    });
  });

  it('checks duplicate keys in linear time: 100,000 keys with one repeated', () => {
    // Comparing each key with every earlier one took 11.7 s for 40,000 keys; this would take minutes.
    const n = 100_000;
    const keys = Array.from({ length: n }, (_, i) => `  s${i}: 1`);
    const text = `counts:\n${keys.join('\n')}\n  s7: 2\n`;
    expect(problemOf(text, z.strictObject({ counts: z.record(z.string(), replicas) }))).toBe(
      `environments/staging/demo.yaml:${n + 2}:3: counts.s7: YAML syntax error: Map keys must be unique; "s7" is already set at 9:3`,
    );
  });

  it('refuses 200,000 bad entries under one key with a line each (zod\'s jitless check overflowed the stack there)', () => {
    const n = 200_000;
    const text = `counts:\n${Array.from({ length: n }, (_, i) => `  k${i}: -1`).join('\n')}\n`;
    const lines = problemOf(text, z.strictObject({ counts: z.record(z.string(), z.number().int().min(0, 'must not be negative')) })).split('\n');
    expect(lines).toHaveLength(n);
    expect(lines[0]).toBe('environments/staging/demo.yaml:2:7: counts.k0: must not be negative (got -1)');
  });

  it('reports many bad entries in linear time, one line each', () => {
    // Converting the document again for each problem took 209 s for 3,000 bad entries.
    const n = 20_000;
    const text = `webServices:\n${Array.from({ length: n }, (_, i) => `  s${i}: { replicas: -1 }`).join('\n')}\n`;
    const lines = problemOf(text).split('\n');
    expect(lines).toHaveLength(n);
    const last = `  s${n - 1}: { replicas: -1 }`;
    expect(lines[n - 1]).toBe(`environments/staging/demo.yaml:${n + 1}:${last.indexOf('-1') + 1}: webServices.s${n - 1}.replicas: must not be negative (got -1)`);
  });
});

describe('loadValues decodes the file as strict UTF-8', () => {
  const file = (bytes: Uint8Array) => {
    const dir = mkdtempSync(join(tmpdir(), 'values-utf8-'));
    writeFileSync(join(dir, 'demo.yaml'), bytes);
    try {
      loadValues(join(dir, 'demo.yaml'), Services, dir);
    } catch (e) {
      expect(e).toBeInstanceOf(ValuesError);
      return (e as Error).message;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    throw new Error('expected the file to be refused');
  };

  it('refuses a UTF-16 file, saying to save it as UTF-8', () => {
    const text = 'webServices:\n  api: { replicas: 2 }\n';
    expect(file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toBe(
      'demo.yaml:1:1: the file is encoded as UTF-16 (it starts with a UTF-16 byte-order mark): save it as UTF-8',
    );
    expect(file(Buffer.from(text, 'utf16le'))).toBe('demo.yaml:1:1: the file is encoded as UTF-16 or UTF-32 (it holds NUL bytes): save it as UTF-8');
  });

  it('refuses a stray NUL byte in a UTF-8 file at its line and column (it is no UTF-16 file)', () => {
    const bytes = Buffer.concat([Buffer.from('webServices:\n  api: { replicas: 2 }\n  web: { rep'), Buffer.from([0]), Buffer.from('licas: 2 }\n')]);
    expect(file(bytes)).toBe('demo.yaml:3:13: a NUL byte (0x00), which YAML and JSON do not allow: remove it');
  });

  it('refuses a byte that is not UTF-8 at its line and column, instead of rendering U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('webServices:\n  # caf\u00e9 \uFFFD\n  caf'), Buffer.from([0xe9]), Buffer.from(': { replicas: 2 }\n')]);
    expect(file(bytes)).toBe('demo.yaml:3:6: byte 0xE9 is not UTF-8 (the file must be UTF-8; was it saved as Latin-1 or Windows-1252?)');
  });
});

describe('parseQuantity', () => {
  it('compares quantities across units', () => {
    expect(parseQuantity('1000m')).toBe(1);
    expect(parseQuantity('1Gi')).toBe(1024 * parseQuantity('1Mi'));
    expect(parseQuantity('1e3')).toBe(1000);
  });
});
