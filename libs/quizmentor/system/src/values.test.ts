import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('QuizMentor values', () => {
  it('accepts the committed production file', () => {
    expect(parseValues(text, FILE, QuizmentorValuesSchema).namespace).toBe('quizmentor-prod');
  });

  it('refuses the latest tag with file, line and field', () => {
    expect(parseWith('tag: sha-4f2c9e1\n    resources:\n      requests: { cpu: 250m, memory: 512Mi }\n      limits: { cpu: 500m, memory: 1Gi }\n    # the', 'tag: latest\n    resources:\n      requests: { cpu: 250m, memory: 512Mi }\n      limits: { cpu: 500m, memory: 1Gi }\n    # the'))
      .toThrow(/environments\/production\/quizmentor.yaml:\d+:\d+: services.learning-orchestrator.tag: must be pinned: "latest" is not allowed/);
  });

  it('refuses a service with both a replica count and an HPA', () => {
    expect(parseWith('    replicas: 2\n    # EKS', '    replicas: 2\n    autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 }\n    # EKS'))
      .toThrow(/services.batch-processor.replicas: give exactly one of 'replicas' or 'autoscaling'/);
  });

  it('refuses a Redis cluster of fewer than three pods', () => {
    expect(parseWith('    replicas: 3\n', '    replicas: 1\n')).toThrow(/services.redis-cluster.replicas: must be at least 3/);
  });

  it('refuses a canary taking more than half the traffic', () => {
    expect(parseWith('      weight: 10', '      weight: 60')).toThrow(/services.learning-orchestrator.canary.weight: must be at most 50/);
  });
});
