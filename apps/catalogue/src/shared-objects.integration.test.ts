/**
 * Issue 10 item 7, end to end: a new QuizMentor service named `postgres` (the platform's
 * WebService pattern, as `new-service` makes it) renders a `NetworkPolicy/postgres-netpol` that
 * postgres-primary already renders in the same namespace (its `postgres-replica` Service, the
 * clash this test used before, is gone since issue 22). A render of the whole system refuses
 * it; a render of the new service alone (as `nx affected` runs it) is caught by validate's policy
 * over dist/. Names and values are read from the values files, not written out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { defineService, WebService } from '@gitops/platform';
import { loadServices, renderServices, RenderError } from '@gitops/platform/render';
import { scratchWorkspace } from '@gitops/platform/testing';
import { checkPolicies, formatViolation, readManifests, type Manifest } from '@gitops/policy';
import { quizmentor } from '@gitops/quizmentor-system';

const NAME = 'postgres';
/** What the new service renders that postgres-primary renders too. */
const KIND = 'NetworkPolicy';
const CLASH = `${NAME}-netpol`;
const FILE = 'environments/production/quizmentor.yaml';

let ws: ReturnType<typeof scratchWorkspace>;
beforeEach(() => {
  ws = scratchWorkspace();
  // GIVEN the values of a web service named postgres, as new-service writes them
  const doc = parseDocument(readFileSync(join(ws.root, FILE), 'utf8'));
  doc.setIn(['webServices', NAME], doc.createNode({
    tag: 'v1.0.0', port: 8080, replicas: 2, livenessPath: '/healthz', readinessPath: '/ready',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  }));
  writeFileSync(join(ws.root, FILE), doc.toString());
});
afterEach(() => ws.cleanup());

const replicaService = defineService({
  system: quizmentor,
  name: NAME,
  render: (chart, ctx) => new WebService(chart, NAME, { ctx, name: NAME }),
});

describe('a new service whose objects another service already renders', () => {
  it('stops a render of the system, naming both files', async () => {
    const namespace = parseDocument(readFileSync(join(ws.root, FILE), 'utf8')).get('namespace') as string;
    const existing = (await loadServices(ws.root)).map((l) => l.service).filter((s) => s.system.name === 'quizmentor');
    // the existing service that renders the clashing object, found in the render itself
    const owner = renderServices(existing, { root: ws.root, environments: ['production'] })
      .find((l) => l.objects.some((o) => o.kind === KIND && o.metadata.name === CLASH));
    if (!owner) throw new Error(`test setup: no quizmentor service renders ${KIND} ${CLASH}`);

    const error = (() => {
      try {
        renderServices([...existing, replicaService], { root: ws.root, environments: ['production'] });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(RenderError);
    expect(error!.message).toContain(
      `dist/production/quizmentor/${NAME}/${KIND}.${CLASH}.yaml: ${KIND} ${CLASH}: [unique-object] ${KIND} ${CLASH} in namespace ${namespace} is also rendered by dist/${owner.path}/${KIND}.${CLASH}.yaml`,
    );
  });

  it('is caught by the policy when the new service is rendered alone (nx affected)', async () => {
    const [leaf] = renderServices([replicaService], { root: ws.root, environments: ['production'] });
    const rendered: Manifest[] = leaf.objects.map((object) => ({ file: `dist/${leaf.path}/${object.kind}.${object.metadata.name}.yaml`, env: 'production', object: object as any }));
    const committed = await readManifests(ws.root, ['dist']);
    const found = checkPolicies([...committed, ...rendered]).violations.map(formatViolation);
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^dist/production/quizmentor/${NAME}/${KIND}\\.${CLASH}\\.yaml: ${KIND} ${CLASH}: \\[unique-object\\] `)),
      expect.stringMatching(new RegExp(`^dist/production/quizmentor/[^/]+/${KIND}\\.${CLASH}\\.yaml: ${KIND} ${CLASH}: \\[unique-object\\] .* is also rendered by dist/production/quizmentor/${NAME}/`)),
    ]));
  });
});
