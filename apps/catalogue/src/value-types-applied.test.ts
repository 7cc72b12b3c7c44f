/**
 * Every values schema takes hosts, CIDRs, schedules, buckets, label keys and tags through the
 * platform's strict value types (issue 10 item 9): each bad value, put into the real values file of
 * its system, is refused with file, line, field and reason. The files are read as they are today,
 * so a promotion or a new service never turns this red.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { DjangoValuesSchema } from '@gitops/django-system';
import { EksDemoValuesSchema } from '@gitops/eks-demo-system';
import { KiteclassValuesSchema } from '@gitops/kiteclass-system';
import { EnvironmentSchema, parseValues } from '@gitops/platform';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { QuizmentorValuesSchema } from '@gitops/quizmentor-system';
import { ArgoCdConfigSchema } from '../../argocd/src/config';

const SCHEMAS: Record<string, z.ZodType> = {
  kiteclass: KiteclassValuesSchema, quizmentor: QuizmentorValuesSchema, 'eks-demo': EksDemoValuesSchema, django: DjangoValuesSchema,
  // the clusters' network facts live in environment.yaml (the fleet)
  environment: EnvironmentSchema,
};

/** The problems of `file` (relative to the workspace) once the value at `path` is `value`; '' when it passes. */
function problemsWith(file: string, schema: z.ZodType, path: (string | number)[], value: unknown): string {
  const doc = parseDocument(readFileSync(join(WORKSPACE_ROOT, file), 'utf8'));
  if (path.length > 0 && !doc.hasIn(path.slice(0, -1))) throw new Error(`test setup: ${file} has no ${path.slice(0, -1).join('.')}`);
  if (path.length > 0) doc.setIn(path, value);
  try {
    parseValues(doc.toString(), file, schema);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\!]/g, '\\$&');

const CASES: { system: string; path: (string | number)[]; value: unknown; reason: string }[] = [
  { system: 'kiteclass', path: ['namespace'], value: 'kube-system', reason: 'a system renders a namespace of its own' },
  { system: 'django', path: ['namespace'], value: 'velero', reason: 'a system renders a namespace of its own' },
  { system: 'kiteclass', path: ['ingress', 'apiHost'], value: '203.0.113.10', reason: 'must be a DNS name, not an IP address' },
  { system: 'kiteclass', path: ['ingress', 'coreHost'], value: `${'a'.repeat(64)}.kiteclass.com`, reason: 'at most 63 characters' },
  { system: 'kiteclass', path: ['config', 'redisHost'], value: '*.cache.amazonaws.com', reason: 'no wildcard' },
  { system: 'environment', path: ['clusters', 0, 'network', 'vpcCidr'], value: '999.20.0.0/99', reason: 'must be an IPv4 CIDR' },
  { system: 'kiteclass', path: ['backup', 'schedule'], value: '99 99 99 99 99', reason: 'must be a valid cron expression' },
  { system: 'kiteclass', path: ['config', 's3Bucket'], value: 'a..b', reason: 'must not have two adjacent periods' },
  { system: 'kiteclass', path: ['services', 'kiteclass-core', 'tag'], value: 'LATEST', reason: 'must be pinned' },
  { system: 'quizmentor', path: ['services', 'batch-processor', 'spotNodeSelector', 'bad key!'], value: 'x', reason: 'must be a Kubernetes label key' },
  { system: 'quizmentor', path: ['ingress', 'host'], value: '10.0.0.1', reason: 'must be a DNS name, not an IP address' },
  { system: 'eks-demo', path: ['ingress', 'host'], value: '10.0.0.1', reason: 'must be a DNS name, not an IP address' },
  { system: 'environment', path: ['clusters', 0, 'network', 'loadBalancerSubnets', 0], value: '10.20.0.1/16', reason: 'network address' },
  { system: 'environment', path: ['clusters', 0, 'server'], value: 'http://a.example.com', reason: 'must be an https:// URL' },
  { system: 'environment', path: ['clusters', 0, 'kubernetesVersion'], value: '1.19', reason: '1.19 cannot be validated' },
  { system: 'django', path: ['database', 'host'], value: '10.0.4.12', reason: 'not an IP address' },
];

describe('the values schemas use the strict value types', () => {
  for (const env of ['staging', 'production']) {
    for (const c of CASES) {
      it(`${env} ${c.system}: ${c.path.join('.')} = ${JSON.stringify(c.value)} is refused`, () => {
        const file = `environments/${env}/${c.system}.yaml`;
        // the file as committed passes: only the one bad value makes it fail
        expect(problemsWith(file, SCHEMAS[c.system], [], undefined)).toBe('');
        const message = problemsWith(file, SCHEMAS[c.system], c.path, c.value);
        expect(message).toMatch(new RegExp(`^${escape(file)}:\\d+:\\d+: ${escape(c.path.join('.'))}: `));
        expect(message).toContain(c.reason);
        expect(message.split('\n')).toHaveLength(1);
      });
    }
  }

  it('a quantity written as a YAML number reaches the render as its canonical string', () => {
    const file = 'environments/production/kiteclass.yaml';
    const doc = parseDocument(readFileSync(join(WORKSPACE_ROOT, file), 'utf8'));
    doc.setIn(['services', 'kiteclass-core', 'resources', 'requests', 'cpu'], 0.25);
    doc.setIn(['services', 'kiteclass-core', 'resources', 'limits', 'memory'], 2147483648);
    const values = parseValues(doc.toString(), file, KiteclassValuesSchema);
    expect(values.services['kiteclass-core'].resources.requests.cpu).toBe('250m');
    expect(values.services['kiteclass-core'].resources.limits.memory).toBe('2147483648');
  });

  it('argocd.yaml: a sync window schedule is a cron expression the Argo CD controller parses', () => {
    const file = 'environments/argocd.yaml';
    const doc = parseDocument(readFileSync(join(WORKSPACE_ROOT, file), 'utf8'));
    const windows = doc.getIn(['syncWindows', 'production']) as { items: unknown[] } | undefined;
    if (!windows?.items.length) throw new Error('test setup: environments/argocd.yaml has no production sync window');
    expect(problemsWith(file, ArgoCdConfigSchema, ['syncWindows', 'production', 0, 'schedule'], '0 22 * * 9')).toContain('syncWindows.production.0.schedule: must be a valid cron expression');
  });
});
