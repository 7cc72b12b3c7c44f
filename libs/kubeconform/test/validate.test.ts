import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateDocuments, validateFiles, type ResourceResult } from '../src/index.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

const deployment = (container: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
${container}`;

function only(results: ResourceResult[]): ResourceResult {
  expect(results).toHaveLength(1);
  return results[0];
}

describe('schema validation of built-in kinds', () => {
  it('every kind the repository renders is valid in strict mode', () => {
    const report = validateFiles([path.join(fixtures, 'valid-kinds.yaml')], { strict: true });
    const notValid = report.results.filter((r) => r.status !== 'valid');
    expect(notValid).toEqual([]);
    expect(report.results.map((r) => r.kind)).toEqual([
      'Namespace', 'ServiceAccount', 'ConfigMap', 'ResourceQuota', 'Deployment', 'Service', 'Ingress',
      'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodDisruptionBudget', 'StatefulSet', 'Job',
      'ClusterSecretStore', 'ExternalSecret', 'AppProject', 'Application', 'ApplicationSet',
      'PrometheusRule', 'ServiceMonitor', 'VirtualService', 'DestinationRule', 'Schedule',
      'PrometheusServiceLevel', 'VerticalPodAutoscaler',
    ]);
  });

  it('an unknown field is invalid with strict and accepted without', () => {
    const text = deployment('        - {name: web, image: nginx, colour: blue}');
    const strict = only(validateDocuments(text, 'd.yaml', { strict: true }));
    expect(strict.status).toBe('invalid');
    expect(strict.errors).toEqual([
      { path: '/spec/template/spec/containers/0', message: "additional properties 'colour' not allowed" },
    ]);
    expect(only(validateDocuments(text, 'd.yaml')).status).toBe('valid');
  });

  it('a wrong type is invalid and names the field', () => {
    const r = only(validateDocuments(deployment('        - {name: web, image: nginx}').replace('spec:\n  selector', 'spec:\n  replicas: two\n  selector'), 'd.yaml'));
    expect(r.status).toBe('invalid');
    expect(r.errors).toEqual([{ path: '/spec/replicas', message: 'got string, want null or integer' }]);
  });

  it('a fractional replica count is invalid because replicas is an integer', () => {
    const text = deployment('        - {name: web, image: nginx}').replace('spec:\n  selector', 'spec:\n  replicas: 1.5\n  selector');
    expect(only(validateDocuments(text, 'd.yaml')).errors).toEqual([{ path: '/spec/replicas', message: 'got number, want null or integer' }]);
  });

  it('a cpu quantity that is not a Kubernetes quantity is invalid', () => {
    const r = only(validateDocuments(deployment('        - {name: web, image: nginx, resources: {requests: {cpu: lots}}}'), 'd.yaml'));
    expect(r.status).toBe('invalid');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].path).toBe('/spec/template/spec/containers/0/resources/requests/cpu');
    // Quantity is string-or-number (oneOf) as in the standalone schemas; the string branch adds the quantity pattern
    expect(r.errors[0].message).toBe('oneOf failed, none matched');
    expect(r.message).toMatch(/- at '\/spec\/template\/spec\/containers\/0\/resources\/requests\/cpu': oneOf failed, none matched {3}- at '[^']*': 'lots' does not match pattern/);
  });

  it('quantities may be strings or numbers and int-or-string ports may be either', () => {
    const text = `${deployment('        - {name: web, image: nginx, resources: {requests: {cpu: 0.5, memory: 128Mi}, limits: {cpu: "1", memory: 1e9}}}')}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80, targetPort: 8080}, {port: 81, targetPort: http}]
`;
    expect(validateDocuments(text, 'd.yaml', { strict: true }).map((r) => r.status)).toEqual(['valid', 'valid']);
  });

  it('a container without a name is missing a required field', () => {
    const r = only(validateDocuments(deployment('        - {image: nginx}'), 'd.yaml'));
    expect(r.status).toBe('invalid');
    expect(r.errors).toEqual([{ path: '/spec/template/spec/containers/0', message: "missing property 'name'" }]);
    expect(r.message).toContain("- at '/spec/template/spec/containers/0': missing property 'name'");
  });

  it('removed API versions have no schema', () => {
    const text = `apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: old}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: old}
`;
    const results = validateDocuments(text, 'old.yaml');
    expect(results.map((r) => [r.status, r.message])).toEqual([
      ['error', 'could not find schema for Ingress'],
      ['error', 'could not find schema for PodSecurityPolicy'],
    ]);
    expect(validateDocuments(text, 'old.yaml', { ignoreMissingSchemas: true }).map((r) => r.status)).toEqual(['skipped', 'skipped']);
  });

  it('null fields are accepted like kubeconform does', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, creationTimestamp: null}\ndata: null\n';
    expect(only(validateDocuments(text, 'c.yaml', { strict: true })).status).toBe('valid');
  });
});

describe('schema validation of custom resources', () => {
  it('an ExternalSecret with a misspelt field is invalid in strict mode', () => {
    const text = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db}
spec:
  secretStoreRef: {name: vault, kind: ClusterSecretStore}
  target: {name: db}
  data:
    - secretKey: password
      remoteRef: {key: db, proprety: password}
`;
    const r = only(validateDocuments(text, 'es.yaml', { strict: true }));
    expect(r.status).toBe('invalid');
    expect(r.errors).toEqual([{ path: '/spec/data/0/remoteRef', message: "additional properties 'proprety' not allowed" }]);
  });

  it('an ApplicationSet whose template lacks the project is invalid', () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps}
spec:
  generators: [{list: {elements: [{name: a}]}}]
  template:
    metadata: {name: '{{name}}'}
    spec:
      source: {repoURL: https://example.com/repo.git}
      destination: {namespace: a}
`;
    const r = only(validateDocuments(text, 'as.yaml', { strict: true }));
    expect(r.status).toBe('invalid');
    expect(r.errors).toEqual([{ path: '/spec/template/spec', message: "missing property 'project'" }]);
  });

  it('a VerticalPodAutoscaler update mode outside the enum is invalid', () => {
    const text = `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: web}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  updatePolicy: {updateMode: Sometimes}
`;
    const r = only(validateDocuments(text, 'vpa.yaml'));
    expect(r.errors).toEqual([
      { path: '/spec/updatePolicy/updateMode', message: "value must be one of 'Off', 'Initial', 'Recreate', 'Auto', 'InPlaceOrRecreate'" },
    ]);
  });

  it('a Velero Schedule without a cron expression is invalid', () => {
    const text = 'apiVersion: velero.io/v1\nkind: Schedule\nmetadata: {name: s}\nspec:\n  template: {ttl: 1h}\n';
    expect(only(validateDocuments(text, 's.yaml')).errors).toEqual([{ path: '/spec', message: "missing property 'schedule'" }]);
  });

  it('a Sloth SLO objective above 100 is invalid', () => {
    const text = `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: {name: web}
spec:
  service: web
  slos:
    - name: availability
      objective: 120
      sli: {raw: {errorRatioQuery: x}}
      alerting: {pageAlert: {disable: true}, ticketAlert: {disable: true}}
`;
    expect(only(validateDocuments(text, 'slo.yaml')).errors).toEqual([{ path: '/spec/slos/0/objective', message: 'maximum: got 120, want 100' }]);
  });
});

describe('parsing', () => {
  it('a duplicate key is an error with strict and accepted without', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: "1"\n  a: "2"\n';
    const strict = only(validateDocuments(text, 'dup.yaml', { strict: true }));
    expect(strict.status).toBe('error');
    expect(strict.message).toBe('error unmarshalling resource: error converting YAML to JSON: yaml: unmarshal errors:\n  line 6: key "a" already set in map');
    expect(only(validateDocuments(text, 'dup.yaml')).status).toBe('valid');
  });

  it('a YAML syntax error is an error that names the line', () => {
    const r = only(validateDocuments('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c\ndata: x\n', 'broken.yaml'));
    expect(r.status).toBe('error');
    expect(r.filename).toBe('broken.yaml');
    expect(r.message).toMatch(/^error unmarshalling resource: error converting YAML to JSON: yaml: line \d+: /);
  });

  it('a List is expanded into its items and an empty List holds nothing', () => {
    const list = `apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: b}, data: {x: 1}}
`;
    expect(validateDocuments(list, 'l.yaml').map((r) => [r.name, r.status])).toEqual([
      ['a', 'valid'],
      ['b', 'invalid'],
    ]);
    expect(validateDocuments('apiVersion: v1\nkind: List\nitems: []\n', 'e.yaml').map((r) => r.status)).toEqual(['empty']);
  });

  it('missing kind and missing apiVersion are errors', () => {
    const results = validateDocuments('key: value\n---\nkind: ConfigMap\nmetadata: {name: c}\n', 'm.yaml');
    expect(results.map((r) => [r.status, r.message])).toEqual([
      ['error', "error while parsing: missing 'kind' key"],
      ['error', "error while parsing: missing 'apiVersion' key"],
    ]);
  });

  it('empty and comment-only documents are not resources', () => {
    expect(validateDocuments('---\n# nothing\n---\n', 'c.yaml').map((r) => r.status)).toEqual(['empty']);
  });
});

describe('skip and reject', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';

  it('skip takes a kind or apiVersion/kind', () => {
    expect(only(validateDocuments(text, 'c.yaml', { skip: ['ConfigMap'] })).status).toBe('skipped');
    expect(only(validateDocuments(text, 'c.yaml', { skip: ['v1/ConfigMap'] })).status).toBe('skipped');
    expect(only(validateDocuments(text, 'c.yaml', { skip: ['v2/ConfigMap'] })).status).toBe('valid');
  });

  it('reject makes the resource an error', () => {
    const r = only(validateDocuments(text, 'c.yaml', { reject: ['ConfigMap'] }));
    expect([r.status, r.message]).toEqual(['error', 'prohibited resource kind ConfigMap']);
  });
});

describe('files and folders', () => {
  it('a missing file is an error and folders are walked for manifests only', () => {
    const report = validateFiles([path.join(fixtures, 'does-not-exist.yaml'), path.join(fixtures, 'folder')]);
    expect(report.results[0].status).toBe('error');
    expect(report.results[0].message).toMatch(/no such file or directory/);
    expect(report.results.slice(1).map((r) => path.relative(fixtures, r.filename))).toEqual([
      'folder/a.yaml',
      'folder/nested/b.json',
    ]);
    // text.go counts every path it wrote a result for, the missing one included
    expect(report.files).toBe(3);
  });

  it('ignore-filename-pattern leaves matching files out', () => {
    const report = validateFiles([path.join(fixtures, 'folder')], { ignoreFilenamePatterns: ['nested'] });
    expect(report.results.map((r) => path.basename(r.filename))).toEqual(['a.yaml']);
  });
});
