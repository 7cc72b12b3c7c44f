/**
 * The import structure inside projects, which Nx's project graph does not see: no file imports
 * itself back through others (a cycle makes module load order decide what is undefined), and
 * services and systems import only the platform's public entry, `@gitops/platform`: the renderer,
 * the writer and the command helpers (`@gitops/platform/render`, `/cli`) are not theirs to use.
 * Imports are read and resolved with the TypeScript compiler's own API, as `tsc` resolves them.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { glob } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';

const config = ts.parseJsonConfigFileContent(
  ts.readConfigFile(join(WORKSPACE_ROOT, 'tsconfig.base.json'), ts.sys.readFile).config,
  ts.sys,
  WORKSPACE_ROOT,
);

/** Source files (tests and fixtures are not loaded by the code they test) → the files they import. */
async function importGraph(): Promise<Map<string, { specifier: string; file?: string }[]>> {
  const files = await glob(['apps/**/*.{ts,mts}', 'libs/**/*.{ts,mts}', 'tools/**/*.{ts,mts}'], {
    cwd: WORKSPACE_ROOT,
    ignore: ['**/node_modules/**', '**/*.test.ts', '**/fixtures/**', '**/*.d.ts'],
  });
  const graph = new Map<string, { specifier: string; file?: string }[]>();
  for (const file of files) {
    const abs = join(WORKSPACE_ROOT, file);
    const imports = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true).importedFiles.map(({ fileName }) => {
      const resolved = ts.resolveModuleName(fileName, abs, config.options, ts.sys).resolvedModule;
      const target = resolved && !resolved.isExternalLibraryImport ? relative(WORKSPACE_ROOT, resolved.resolvedFileName) : undefined;
      return { specifier: fileName, file: target };
    });
    graph.set(file, imports);
  }
  return graph;
}

/** Strongly connected components of more than one file, or of a file importing itself (Tarjan). */
function cycles(graph: Map<string, { file?: string }[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const { file: w } of graph.get(v) ?? []) {
      if (!w || !graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).some((i) => i.file === v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const graph = await importGraph();

describe('imports', () => {
  it('are read (the graph is not empty: a service imports the platform, render.ts imports the writer side)', () => {
    expect(graph.get('libs/kiteclass/kiteclass-core/src/index.ts')?.map((i) => i.specifier)).toContain('@gitops/platform');
    expect(graph.get('libs/platform/src/render/synth.ts')?.map((i) => i.file)).toContain('libs/platform/src/render/writer.ts');
  });

  it('form no cycle', () => {
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('finds a cycle where there is one (the check is not blind)', () => {
    const fixture = new Map([
      ['a.ts', [{ file: 'b.ts' }]],
      ['b.ts', [{ file: 'c.ts' }]],
      ['c.ts', [{ file: 'a.ts' }]],
      ['d.ts', [{ file: 'a.ts' }]],
    ]);
    expect(cycles(fixture)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('from services and systems reach the platform only through @gitops/platform', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      // libs/<system>/<project>/src/... other than the platform and the tool libraries
      if (!/^libs\/(?!platform\/|policy\/|kubeconform\/|manifest-diff\/)[^/]+\/[^/]+\/src\//.test(file)) continue;
      for (const { specifier, file: target } of imports) {
        const internal = target?.startsWith('libs/platform/src/') && !specifier.startsWith('.');
        if (specifier.startsWith('@gitops/platform/') && specifier !== '@gitops/platform/testing') wrong.push(`${file}: ${specifier}`);
        else if (internal && specifier !== '@gitops/platform' && specifier !== '@gitops/platform/testing') wrong.push(`${file}: ${specifier}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
