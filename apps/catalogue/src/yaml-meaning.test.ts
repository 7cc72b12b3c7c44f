import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';

/**
 * kubectl, Argo CD and kubeconform read these files with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1);
 * our own tools read YAML 1.2. Every committed manifest must mean the same to both, or a value
 * such as `updateMode: Off` reaches the API server as `false`.
 */
const files = ['dist', 'argocd'].flatMap((dir) =>
  readdirSync(join(WORKSPACE_ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => join(dir, f)),
);
const read = (text: string, version: '1.1' | '1.2') => parseAllDocuments(text, { version }).map((d) => d.toJS());

describe('every file in dist/ and argocd/', () => {
  it('exists', () => expect(files.length).toBeGreaterThan(0));

  it('parses to the same data under YAML 1.1 and YAML 1.2', () => {
    const differing = files.filter((f) => {
      const text = readFileSync(join(WORKSPACE_ROOT, f), 'utf8');
      return JSON.stringify(read(text, '1.1')) !== JSON.stringify(read(text, '1.2'));
    });
    expect(differing).toEqual([]);
  });
});
