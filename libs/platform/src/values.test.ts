import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AutoscalingSchema, cpuQuantity, hostName, imageTag, memoryQuantity, parseQuantity, replicas } from './schemas';
import { parseValues, ValuesError } from './values';

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
    expect(problem(GOOD + 'host: other.example.com\n')).toMatch(
      /^environments\/production\/demo\.yaml:7:1: YAML syntax error: Map keys must be unique/,
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

describe('parseQuantity', () => {
  it('compares quantities across units', () => {
    expect(parseQuantity('1000m')).toBe(1);
    expect(parseQuantity('1Gi')).toBe(1024 * parseQuantity('1Mi'));
    expect(parseQuantity('1e3')).toBe(1000);
  });
});
