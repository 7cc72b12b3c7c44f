/**
 * Where one render sees several systems, it refuses what two Argo CD Applications would fight
 * over (issue 10 item 7): a namespace named by two systems' values, one object from two folders.
 * (`validate`'s policy rules check the same over dist/, for renders of one system at a time.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadServices } from './synth';
import { renderServices, RenderError } from './render';
import { scratchWorkspace } from '../testing';

let ws: ReturnType<typeof scratchWorkspace>;
beforeEach(() => {
  ws = scratchWorkspace();
});
afterEach(() => ws.cleanup());

const valuesOf = (file: string) => parseDocument(readFileSync(join(ws.root, file), 'utf8'));

async function renderError(): Promise<string> {
  const services = (await loadServices(ws.root)).map((l) => l.service);
  try {
    renderServices(services, { root: ws.root, environments: ['production'] });
  } catch (e) {
    expect(e).toBeInstanceOf(RenderError);
    return (e as Error).message;
  }
  throw new Error('expected the render to fail');
}

describe('a render of several systems', () => {
  it('refuses a namespace that two systems name', async () => {
    // GIVEN KiteClass's production values name QuizMentor's namespace
    const quizmentor = valuesOf('environments/production/quizmentor.yaml').get('namespace') as string;
    const file = 'environments/production/kiteclass.yaml';
    const kiteclass = valuesOf(file);
    kiteclass.set('namespace', quizmentor);
    writeFileSync(join(ws.root, file), kiteclass.toString());
    // THEN the render names the Namespace both systems render, and the objects in it
    const message = await renderError();
    expect(message).toContain(`dist/production/kiteclass/kiteclass-shared/Namespace.${quizmentor}.yaml: Namespace ${quizmentor}: [namespace-one-system] namespace ${quizmentor} is rendered by systems kiteclass, quizmentor: a namespace belongs to one system`);
    expect(message).toContain(`dist/production/kiteclass/kiteclass-shared/Namespace.${quizmentor}.yaml: Namespace ${quizmentor}: [unique-object] Namespace ${quizmentor} (cluster-scoped) is also rendered by dist/production/quizmentor/`);
    expect(message.split('\n').every((line) => /^(render failed|dist\/production\/)/.test(line))).toBe(true);
  });

  it('renders the catalogue as it is', async () => {
    const services = (await loadServices(ws.root)).map((l) => l.service);
    expect(renderServices(services, { root: ws.root }).length).toBeGreaterThan(0);
  });
});
