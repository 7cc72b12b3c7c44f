import { createProjectGraphAsync } from 'nx/src/devkit-exports';
import { describe, expect, it } from 'vitest';

/**
 * Module boundaries by tags, checked on Nx's own project graph (what `nx affected` uses):
 * a service may use the platform and its own system's library, never another service.
 */
const ALLOWED: Record<string, (from: Tags, to: Tags) => boolean> = {
  'type:platform': (_f, to) => to.type === 'type:platform',
  'type:system': (f, to) => to.type === 'type:platform' || (to.type === 'type:system' && to.scope === f.scope),
  'type:service': (f, to) => to.type === 'type:platform' || (to.type === 'type:system' && to.scope === f.scope),
  'type:tool': () => true,
};

interface Tags {
  type?: string;
  scope?: string;
}

const graph = await createProjectGraphAsync({ exitOnError: false });
const tagsOf = (name: string): Tags => {
  const tags: string[] = graph.nodes[name]?.data.tags ?? [];
  return { type: tags.find((t) => t.startsWith('type:')), scope: tags.find((t) => t.startsWith('scope:')) };
};

describe('module boundaries', () => {
  it('every project has one type tag and one scope tag', () => {
    for (const [name, node] of Object.entries(graph.nodes)) {
      const tags: string[] = node.data.tags ?? [];
      expect(tags.filter((t) => t.startsWith('type:')), name).toHaveLength(1);
      expect(tags.filter((t) => t.startsWith('scope:')), name).toHaveLength(1);
      expect(Object.keys(ALLOWED), name).toContain(tagsOf(name).type);
    }
  });

  it('every import between projects is one its tags allow', () => {
    const violations: string[] = [];
    for (const [from, deps] of Object.entries(graph.dependencies)) {
      if (!graph.nodes[from]) continue;
      for (const dep of deps) {
        if (!graph.nodes[dep.target]) continue; // npm packages
        const f = tagsOf(from);
        const t = tagsOf(dep.target);
        if (!ALLOWED[f.type!]?.(f, t)) violations.push(`${from} (${f.type}, ${f.scope}) -> ${dep.target} (${t.type}, ${t.scope})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('sees the services depend on the platform library (the graph is not empty)', () => {
    expect(graph.dependencies['kiteclass-core']?.map((d) => d.target)).toEqual(expect.arrayContaining(['platform', 'kiteclass-system']));
  });
});
