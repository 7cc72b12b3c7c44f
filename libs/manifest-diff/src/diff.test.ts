import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synth } from '@gitops/platform/render';
import { scratchWorkspace } from '@gitops/platform/testing';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { diffTrees } from './diff';
import { formatPath, formatValue } from './fields';
import { formatMarkdown, formatText } from './format';
import { readDistDir } from './trees';

const file = (obj: Record<string, any>) => `# Rendered from test\n${stringify(obj)}`;
const deployment = (over: { replicas?: number; image?: string } = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    replicas: over.replicas ?? 3,
    template: { spec: { containers: [{ name: 'web', image: over.image ?? 'registry/web:1111aaaa' }] } },
  },
});

describe('manifest diff', () => {
  it('a production replicas change shows as that field on that object in text and markdown', async () => {
    // GIVEN a scratch copy whose production canary runs 3 pods instead of 2, rendered
    const { root, cleanup } = scratchWorkspace();
    try {
      const before = await readDistDir(join(root, 'dist'));
      const values = join(root, 'environments/production/kiteclass.yaml');
      const text = readFileSync(values, 'utf8');
      expect(text).toContain('      replicas: 2\n      weight: 10');
      writeFileSync(values, text.replace('      replicas: 2\n      weight: 10', '      replicas: 3\n      weight: 10'));
      await synth({ root, projects: ['libs/kiteclass/kiteclass-core'], environments: ['production'] });
      const after = await readDistDir(join(root, 'dist'));

      // WHEN
      const diff = diffTrees(before, after);

      // THEN the one field of the one object, in both outputs
      expect(diff.changed.map((c) => `${c.leaf} ${c.kind} ${c.name}`)).toEqual(['production/kiteclass/kiteclass-core Deployment kiteclass-core-canary']);
      expect(diff.changed[0].fields.map((f) => [f.path, f.before, f.after])).toEqual([['spec.replicas', 2, 3]]);
      expect(diff.added).toEqual([]);
      expect(diff.removed).toEqual([]);
      const line = 'production/kiteclass/kiteclass-core Deployment kiteclass-core-canary: spec.replicas 2 -> 3';
      expect(formatText(diff, { title: 't' }).split('\n')).toContain(`  ~ ${line}`);
      const md = formatMarkdown(diff, { title: 't' });
      expect(md).toContain('| production | ');
      expect(md).toContain(`<summary><code>production/kiteclass/kiteclass-core</code>: +0 -0 ~1</summary>\n\n\`\`\`text\n~ ${line}\n\`\`\`\n\n</details>`);
      expect(diff.risks).toEqual([]); // raised, not lowered
    } finally {
      cleanup();
    }
  });

  it('identical trees and a changed header comment alone are no change', () => {
    const a = new Map([['production/shop/web/Deployment.web.yaml', file(deployment())]]);
    const b = new Map([['production/shop/web/Deployment.web.yaml', file(deployment()).replace('from test', 'from elsewhere')]]);
    const diff = diffTrees(a, b);
    expect(diff.changed).toEqual([]);
    expect(formatText(diff, { title: 'x' })).toBe('Manifest diff: x\nNo changes.\n');
    expect(formatMarkdown(diff, { title: 'x' })).toBe('## Manifest diff: x\n\nNo changes to `dist/`.\n');
  });

  it('lists added and removed objects per environment with counts', () => {
    const base = new Map([
      ['staging/shop/web/Deployment.web.yaml', file(deployment())],
      ['staging/shop/web/Service.web.yaml', file({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } })],
    ]);
    const head = new Map([
      ['staging/shop/web/Deployment.web.yaml', file(deployment())],
      ['staging/shop/web/ConfigMap.web.v2.yaml', file({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web.v2' } })],
    ]);
    const diff = diffTrees(base, head);
    expect(diff.envs).toEqual([{ env: 'staging', before: 2, after: 2, added: 1, removed: 1, changed: 0 }]);
    expect(formatText(diff, { title: 'x' }).split('\n')).toEqual([
      'Manifest diff: x',
      '',
      'Risky changes (1):',
      '  ! staging: loses 1 of 2 objects (50%, more than 20%)',
      '',
      'staging: +1 -1 ~0 objects (2 -> 2)',
      '  + staging/shop/web ConfigMap web.v2 added',
      '  - staging/shop/web Service web removed',
      '',
    ]);
  });

  it('paths are dotted with [i] for arrays and bracketed keys where a key has dots or slashes', () => {
    expect(formatPath(['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe('spec.template.spec.containers[0].image');
    expect(formatPath(['metadata', 'labels', 'app.kubernetes.io/version'])).toBe('metadata.labels["app.kubernetes.io/version"]');
  });

  it('long values are shortened in the middle so their end (an image tag) stays readable', () => {
    const image = `123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/${'x'.repeat(80)}/kiteclass-core:3f9c2a1b`;
    const shown = formatValue(image, 60);
    expect(shown).toHaveLength(60);
    expect(shown.startsWith('"123456789012.dkr.ecr')).toBe(true);
    expect(shown.endsWith('kiteclass-core:3f9c2a1b"')).toBe(true);
    expect(shown).toContain('…');
    expect(formatValue(undefined)).toBe('(none)');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });

  it('risky changes come before the changes by environment, in text and markdown', () => {
    const base = new Map([['production/shop/web/Deployment.web.yaml', file(deployment())]]);
    const head = new Map([['production/shop/web/Deployment.web.yaml', file(deployment({ replicas: 1 }))]]);
    const diff = diffTrees(base, head);
    const text = formatText(diff, { title: 'x' });
    expect(text.indexOf('Risky changes (1):')).toBeGreaterThan(0);
    expect(text.indexOf('Risky changes (1):')).toBeLessThan(text.indexOf('production: +0 -0 ~1'));
    expect(text).toContain('  ! production/shop/web Deployment web: spec.replicas lowered 3 -> 1');
    const md = formatMarkdown(diff, { title: 'x' });
    expect(md.indexOf('### ⚠️ Risky changes (1)')).toBeLessThan(md.indexOf('<details>'));
    expect(md).toContain('| production | 1 → 1 | 0 | 0 | 1 | **1** |');
  });

  it('colours the text only when asked', () => {
    const base = new Map([['staging/shop/web/Deployment.web.yaml', file(deployment())]]);
    const head = new Map<string, string>();
    expect(formatText(diffTrees(base, head), { title: 'x' })).not.toContain('\u001b[');
    expect(formatText(diffTrees(base, head), { title: 'x', color: true })).toContain('\u001b[31m-\u001b[39m');
  });
});
