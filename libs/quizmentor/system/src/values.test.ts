import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseValues } from '@gitops/platform';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';
import { QuizmentorValuesSchema } from './values';

const FILE = 'environments/production/quizmentor.yaml';
const text = readFileSync(join(WORKSPACE_ROOT, FILE), 'utf8');

/** Parses the production file with one edit; fails the test if `from` is not in it. */
function parseWith(from: string, to: string) {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`test setup: ${from} not found`);
  return () => parseValues(next, FILE, QuizmentorValuesSchema);
}

/** Parses the production file with the value at `path` replaced (through the yaml Document API, whatever the value is today). */
function parseWithValue(path: string[], value: unknown) {
  const doc = parseDocument(text);
  if (!doc.hasIn(path)) throw new Error(`test setup: ${path.join('.')} not found`);
  doc.setIn(path, value);
  return () => parseValues(doc.toString(), FILE, QuizmentorValuesSchema);
}

describe('QuizMentor values', () => {
  it('accepts the committed production file', () => {
    expect(parseValues(text, FILE, QuizmentorValuesSchema).namespace).toBe('quizmentor-prod');
  });

  it('refuses the latest tag with file, line and field', () => {
    expect(parseWithValue(['services', 'learning-orchestrator', 'tag'], 'latest'))
      .toThrow(/environments\/production\/quizmentor.yaml:\d+:\d+: services.learning-orchestrator.tag: must be pinned: "latest" is not allowed/);
  });

  it('refuses a service with both a replica count and an HPA', () => {
    expect(parseWith('    replicas: 2\n    # EKS', '    replicas: 2\n    autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 }\n    # EKS'))
      .toThrow(/services.batch-processor.replicas: give exactly one of 'replicas' and 'autoscaling'/);
  });

  it('refuses a Redis cluster of fewer than three masters, or masters without a replica (issue 22 major 9)', () => {
    expect(parseWith('    shards: 3\n', '    shards: 1\n')).toThrow(/services.redis-cluster.shards: must be at least 3/);
    expect(parseWith('    replicasPerShard: 2\n', '    replicasPerShard: 0\n')).toThrow(/services.redis-cluster.replicasPerShard: must be at least 1: with no replica, one pod down stops every key/);
  });

  it('refuses a canary taking more than half the traffic', () => {
    expect(parseWith('      weight: 10', '      weight: 60')).toThrow(/services.learning-orchestrator.canary.weight: must be at most 50/);
  });
});
