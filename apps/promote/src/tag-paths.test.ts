import { imageTag, ValuesError } from '@gitops/platform';
import { KiteclassValuesSchema } from '@gitops/kiteclass-system';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANY, findSchemaPaths, isSchema, tagPaths } from './tag-paths';
import { setTags } from './values-edit';

describe('tag paths', () => {
  it('finds the KiteClass tags, including a schema shared by three services and the optional canary', () => {
    expect(findSchemaPaths(KiteclassValuesSchema)).toEqual([
      ['webServices', ANY, 'tag'],
      ['services', 'kitehub-backend', 'tag'],
      ['services', 'kiteclass-gateway', 'tag'],
      ['services', 'kiteclass-core', 'tag'],
      ['services', 'kiteclass-core', 'canary', 'tag'],
      ['services', 'kiteclass-frontend', 'tag'],
    ]);
  });

  it('walks records, arrays, optionals, defaults, pipes and refinements, and ignores look-alike strings', () => {
    const schema = z.strictObject({
      apps: z.record(z.string(), z.strictObject({ tag: imageTag.optional(), note: z.string() })),
      jobs: z.array(z.strictObject({ image: z.strictObject({ tag: imageTag.refine((t) => t !== 'dev', 'no dev') }) })).default([]),
      sidecar: z.strictObject({ tag: imageTag.describe('the sidecar') }).nullable(),
      piped: imageTag.transform((t) => t.toUpperCase()),
      lookAlike: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/),
    });
    expect(findSchemaPaths(schema)).toEqual([['apps', ANY, 'tag'], ['jobs', ANY, 'image', 'tag'], ['sidecar', 'tag'], ['piped']]);
    expect(isSchema(z.string())).toBe(false);
    const values = { apps: { a: { tag: 'x1', note: 'n' }, b: { note: 'no tag' } }, jobs: [{ image: { tag: 'j1' } }], sidecar: null, piped: 'p1', lookAlike: 'l' };
    expect(tagPaths(schema, values)).toEqual([['apps', 'a', 'tag'], ['jobs', '0', 'image', 'tag'], ['piped']]);
  });

  it('a recursive schema ends', () => {
    type Node = { tag: string; children: Node[] };
    const node: z.ZodType<Node> = z.lazy(() => z.strictObject({ tag: imageTag, children: z.array(node) }));
    expect(findSchemaPaths(node)).toEqual([['tag']]);
  });
});

describe('setting tags in a values file', () => {
  const schema = z
    .strictObject({ a: z.strictObject({ tag: imageTag }), b: z.strictObject({ tag: imageTag }) })
    .refine((v) => v.a.tag !== v.b.tag, { path: ['b', 'tag'], message: 'must differ from a.tag' });

  it('keeps comments, quotes and spacing, and quotes a tag that would read as a number', () => {
    const text = '# values\na:\n  tag: "1111aaaa"   # pinned by CI\nb: { tag: 2222bbbb }\n';
    expect(setTags(text, 'f.yaml', schema, [{ path: ['a', 'tag'], tag: '3333cccc' }])).toBe('# values\na:\n  tag: "3333cccc"   # pinned by CI\nb: { tag: 2222bbbb }\n');
    expect(setTags(text, 'f.yaml', schema, [{ path: ['b', 'tag'], tag: '12345' }])).toBe('# values\na:\n  tag: "1111aaaa"   # pinned by CI\nb: { tag: "12345" }\n');
  });

  it('checks the whole file against the schema before returning, with file, line and field', () => {
    const text = 'a:\n  tag: 1111aaaa\nb:\n  tag: 2222bbbb\n';
    expect(() => setTags(text, 'f.yaml', schema, [{ path: ['b', 'tag'], tag: '1111aaaa' }])).toThrow(ValuesError);
    expect(() => setTags(text, 'f.yaml', schema, [{ path: ['b', 'tag'], tag: '1111aaaa' }])).toThrow('f.yaml:4:8: b.tag: must differ from a.tag (got "1111aaaa")');
  });
});

describe('a tag written through a YAML anchor (issue 23 item 6)', () => {
  const schema = z.strictObject({ services: z.record(z.string(), z.strictObject({ tag: imageTag, port: z.number().optional() })) });

  it('is refused when an alias uses the anchored tag: setting it would change every aliased service', () => {
    const text = 'services:\n  a:\n    tag: &release 1.0.0\n  b:\n    tag: *release\n';
    expect(() => setTags(text, 'values.yaml', schema, [{ path: ['services', 'a', 'tag'], tag: '1.1.0' }])).toThrow(
      'values.yaml: services.a.tag is written through the anchor &release (at services.a.tag), which an alias *release also uses: setting it would change that too; write this tag as its own value first',
    );
  });

  it('is refused when the whole service map is anchored and aliased', () => {
    const text = 'services:\n  a: &svc\n    tag: 1.0.0\n  b: *svc\n';
    expect(() => setTags(text, 'values.yaml', schema, [{ path: ['services', 'a', 'tag'], tag: '1.1.0' }])).toThrow(/anchor &svc \(at services\.a\)/);
  });

  it('is set as usual when the anchor is not used by any alias', () => {
    const text = 'services:\n  a:\n    tag: &unused 1.0.0\n  b:\n    tag: 2.0.0\n';
    expect(setTags(text, 'values.yaml', schema, [{ path: ['services', 'a', 'tag'], tag: '1.1.0' }])).toBe('services:\n  a:\n    tag: &unused 1.1.0\n  b:\n    tag: 2.0.0\n');
  });
});
