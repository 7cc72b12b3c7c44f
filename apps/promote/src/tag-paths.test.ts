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
  const set = (text: string, changes: { path: string[]; tag: string }[]) => {
    const notes: string[] = [];
    return { text: setTags(text, 'values.yaml', schema, changes, (n) => notes.push(n)), notes };
  };

  it('the anchored tag: only the named service changes; the first alias takes over the anchor with the old tag, and a note says so', () => {
    const text = 'services:\n  a:\n    tag: &release 1.0.0\n  b:\n    tag: *release\n  c:\n    tag: *release # pinned\n';
    expect(set(text, [{ path: ['services', 'a', 'tag'], tag: '1.1.0' }])).toEqual({
      text: 'services:\n  a:\n    tag: 1.1.0\n  b:\n    tag: &release 1.0.0\n  c:\n    tag: *release # pinned\n',
      notes: ['values.yaml: services.b.tag keeps 1.0.0 (it was *release, an alias of services.a.tag; it now holds the anchor &release itself)'],
    });
  });

  it('an aliased tag: only that service changes, and the anchor and the other aliases keep the old tag', () => {
    const text = 'services:\n  a:\n    tag: &release 1.0.0\n  b:\n    tag: *release\n  c:\n    tag: *release\n';
    expect(set(text, [{ path: ['services', 'b', 'tag'], tag: '1.1.0' }])).toEqual({
      text: 'services:\n  a:\n    tag: &release 1.0.0\n  b:\n    tag: 1.1.0\n  c:\n    tag: *release\n',
      notes: [],
    });
  });

  it('several tags of one anchor in one edit (promote): each service gets its own', () => {
    const text = 'services:\n  a:\n    tag: &release 1.0.0\n  b:\n    tag: *release\n  c:\n    tag: *release\n';
    const { text: out } = set(text, [{ path: ['services', 'a', 'tag'], tag: '1.1.0' }, { path: ['services', 'b', 'tag'], tag: '1.2.0' }]);
    expect(out).toBe('services:\n  a:\n    tag: 1.1.0\n  b:\n    tag: 1.2.0\n  c:\n    tag: &release 1.0.0\n');
  });

  it('is refused when the whole service map is anchored and aliased, naming the anchor and the services sharing it', () => {
    const text = 'services:\n  a: &svc\n    tag: 1.0.0\n  b: *svc\n  c: *svc\n';
    const message = 'values.yaml: services.a.tag is shared through the anchor &svc (services.a, used again as *svc by services.b, services.c): setting it would change those too; write them out in full first';
    expect(() => setTags(text, 'values.yaml', schema, [{ path: ['services', 'a', 'tag'], tag: '1.1.0' }])).toThrow(message);
    expect(() => setTags(text, 'values.yaml', schema, [{ path: ['services', 'b', 'tag'], tag: '1.1.0' }])).toThrow(message.replace('services.a.tag is', 'services.b.tag is'));
  });

  it('is set as usual when the anchor is not used by any alias', () => {
    const text = 'services:\n  a:\n    tag: &unused 1.0.0\n  b:\n    tag: 2.0.0\n';
    expect(setTags(text, 'values.yaml', schema, [{ path: ['services', 'a', 'tag'], tag: '1.1.0' }])).toBe('services:\n  a:\n    tag: &unused 1.1.0\n  b:\n    tag: 2.0.0\n');
  });
});
