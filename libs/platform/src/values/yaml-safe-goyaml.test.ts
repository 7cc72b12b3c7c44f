/**
 * parseYaml with `goYaml`: rendered YAML read the way kubectl and Argo CD read it
 * (sigs.k8s.io/yaml on go-yaml v2, gopkg.in/yaml.v2 resolve.go), each plain scalar whose
 * YAML 1.1 meaning differs from its YAML 1.2 one reported at its line and column.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '../testing';
import { formatFileProblem, parseYaml } from './yaml-safe';

const read = (text: string) => parseYaml(text, 'dist/x.yaml', { multi: true, goYaml: true });

describe('parseYaml({ goYaml: true })', () => {
  it('gives plain scalars their YAML 1.1 meaning and reports each one that changed, with file, line:col and field', () => {
    const text = [
      'spec:',
      '  updatePolicy:',
      '    updateMode: Off',
      '  args: [yes, "yes", 010, 1_000, !!str on, ok]',
      '  on: 1',
      '  date: 2001-12-14',
      '  kept: [true, 10, 1.5, null, "Off", text]',
      '',
    ].join('\n');
    const r = read(text);
    expect(r.problems.map(formatFileProblem)).toEqual([
      'dist/x.yaml:3:17: spec.updatePolicy.updateMode: reads as boolean false under YAML 1.1 (kubectl, Argo CD) but as string "Off" under YAML 1.2: quote it, or write the value meant',
      'dist/x.yaml:4:10: spec.args.0: reads as boolean true under YAML 1.1 (kubectl, Argo CD) but as string "yes" under YAML 1.2: quote it, or write the value meant',
      'dist/x.yaml:4:22: spec.args.2: reads as number 8 under YAML 1.1 (kubectl, Argo CD) but as number 10 under YAML 1.2: quote it, or write the value meant',
      'dist/x.yaml:4:27: spec.args.3: reads as number 1000 under YAML 1.1 (kubectl, Argo CD) but as string "1_000" under YAML 1.2: quote it, or write the value meant',
      'dist/x.yaml:5:3: spec.on: key reads as boolean true under YAML 1.1 (kubectl, Argo CD) but as string "on" under YAML 1.2: quote it, or write the value meant',
      'dist/x.yaml:6:9: spec.date: reads as timestamp 2001-12-14T00:00:00Z under YAML 1.1 (kubectl, Argo CD) but as string "2001-12-14" under YAML 1.2: quote it, or write the value meant',
    ]);
    expect(r.yaml11).toEqual(r.problems);
    // the value is what the API server would receive
    expect(r.documents[0].value).toEqual({
      spec: {
        updatePolicy: { updateMode: false },
        args: [true, 'yes', 8, 1000, 'on', 'ok'],
        true: 1,
        date: '2001-12-14T00:00:00Z',
        kept: [true, 10, 1.5, null, 'Off', 'text'],
      },
    });
  });

  it('without goYaml reads YAML 1.2 and reports nothing (values files are read by this workspace only)', () => {
    const r = parseYaml('updateMode: Off\n', 'environments/x.yaml');
    expect(r.problems).toEqual([]);
    expect(r.documents[0].value).toEqual({ updateMode: 'Off' });
  });

  it('today\'s dist/ and argocd/ read identically both ways', () => {
    const files = globSync(['dist/**/*.{yaml,yml,json}', 'argocd/**/*.{yaml,yml,json}'], { cwd: WORKSPACE_ROOT }).sort();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(join(WORKSPACE_ROOT, file), 'utf8');
      const go = parseYaml(text, file, { multi: true, goYaml: true });
      expect(go.yaml11.map(formatFileProblem), file).toEqual([]);
      expect(go.documents.map((d) => d.value), file).toEqual(parseYaml(text, file, { multi: true }).documents.map((d) => d.value));
    }
  });
});
