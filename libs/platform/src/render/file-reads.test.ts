/**
 * FileReads: the environment and values files of one run are read and checked once, whatever the
 * number of renders in the run (the Nx executor renders its projects one by one).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadServices, synthProjects } from './synth';
import { FileReads, renderServices } from './render';
import { ValuesError } from '../values/values';
import { scratchWorkspace } from '../testing';

describe('FileReads', () => {
  it('gives what the first read gave, without reading again', () => {
    const reads = new FileReads();
    let loads = 0;
    const load = () => ({ read: ++loads });
    expect(reads.read('a.yaml', load)).toEqual({ read: 1 });
    expect(reads.read('a.yaml', load)).toEqual({ read: 1 });
    expect(reads.read('b.yaml', load)).toEqual({ read: 2 });
    expect(loads).toBe(2);
  });

  it('throws what the first read threw, every time, without reading again', () => {
    const reads = new FileReads();
    let loads = 0;
    const problem = new Error('a.yaml: line 1: bad');
    const load = () => {
      loads++;
      throw problem;
    };
    expect(() => reads.read('a.yaml', load)).toThrow(problem);
    expect(() => reads.read('a.yaml', load)).toThrow(problem);
    expect(loads).toBe(1);
  });
});

describe('renders of one run share what they read', () => {
  let ws: ReturnType<typeof scratchWorkspace>;
  let out: string;
  beforeEach(() => {
    ws = scratchWorkspace();
    out = mkdtempSync(join(tmpdir(), 'file-reads-out-'));
  });
  afterEach(() => {
    ws.cleanup();
    rmSync(out, { recursive: true, force: true });
  });

  it('reads a system values file once for all of its services', async () => {
    const [core, backend] = await Promise.all([loadServices(ws.root, ['libs/kiteclass/kiteclass-core']), loadServices(ws.root, ['libs/kiteclass/kitehub-backend'])]);
    const reads = new FileReads();
    renderServices([core[0].service], { root: ws.root, environments: ['production'], reads });
    // the file changes on disk after the first render of the run
    const file = join(ws.root, 'environments/production/kiteclass.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nnot: [valid\n`);
    // THEN the second render of the run uses what the run read; a render of its own reads it again
    expect(renderServices([backend[0].service], { root: ws.root, environments: ['production'], reads }).length).toBeGreaterThan(0);
    expect(() => renderServices([backend[0].service], { root: ws.root, environments: ['production'] })).toThrow(ValuesError);
  });

  it('names a bad values file in the outcome of every project that reads it (the Nx executor)', async () => {
    const file = join(ws.root, 'environments/staging/kiteclass.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^namespace: .*$/m, 'namespace: Not_A_Namespace'));
    const outcomes = await synthProjects(ws.root, ['libs/kiteclass/kiteclass-core', 'libs/kiteclass/kitehub-backend'], { outDir: out });
    expect(outcomes.map((o) => o.project)).toEqual(['libs/kiteclass/kiteclass-core', 'libs/kiteclass/kitehub-backend']);
    for (const o of outcomes) expect(o.error).toContain('environments/staging/kiteclass.yaml');
    for (const o of outcomes) expect(o.error).toContain('namespace');
  });
});
