/**
 * Bad fleet input (issue 11): each stops the render with file, position, field and reason, and
 * leaves dist/ unchanged. Edits go through the YAML document, reading today's clusters from the
 * file, so adding or renaming a cluster never turns these red.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument, type Document } from 'yaml';
import { synth } from '@gitops/platform/render';
import { readTree, scratchWorkspace } from '@gitops/platform/testing';

let ws: ReturnType<typeof scratchWorkspace>;
beforeEach(() => {
  ws = scratchWorkspace();
});
afterEach(() => ws.cleanup());

const FILE = 'environments/staging/environment.yaml';

/** Edits the scratch environment file as a YAML document; returns the edited text. */
function edit(change: (doc: Document, clusters: any[]) => void): string {
  const path = join(ws.root, FILE);
  const doc = parseDocument(readFileSync(path, 'utf8'));
  const clusters = (doc.toJS() as { clusters: any[] }).clusters;
  if (clusters.length < 2) throw new Error(`test setup: ${FILE} needs two clusters`);
  change(doc, clusters);
  const text = doc.toString();
  writeFileSync(path, text);
  return text;
}

/** The 1-based line of the first line of `text` that contains `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

async function renderFails(): Promise<string[]> {
  const before = readTree(join(ws.root, 'dist'));
  const error = await synth({ root: ws.root, prune: true }).then(() => undefined, (e: Error) => e);
  expect(error, 'the render should have failed').toBeInstanceOf(Error);
  expect(readTree(join(ws.root, 'dist'))).toEqual(before);
  return error!.message.split('\n').filter((l) => l.startsWith(FILE));
}

describe('a bad fleet in environments/staging/environment.yaml', () => {
  it('a system placed on a cluster that does not exist', async () => {
    const text = edit((doc) => doc.setIn(['systems', 'django', 'clusters', 0], 'no-such-cluster'));
    const lines = await renderFails();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${FILE}:${lineOf(text, 'no-such-cluster')}:\\d+: systems\\.django\\.clusters\\.0: no cluster no-such-cluster in clusters \\(`));
  });

  it('a load-balancer subnet outside its cluster\'s VPC (issue 23 item 8)', async () => {
    const text = edit((doc) => doc.setIn(['clusters', 0, 'network', 'loadBalancerSubnets', 0], '192.168.77.0/24'));
    const lines = await renderFails();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${FILE}:${lineOf(text, '192.168.77.0/24')}:\\d+: clusters\\.0\\.network\\.loadBalancerSubnets\\.0: 192\\.168\\.77\\.0/24 is not inside the cluster's VPC `));
  });

  it('a placement for a system that does not exist (issue 23 item 8)', async () => {
    edit((doc, clusters) => doc.setIn(['systems', 'quizmenter'], doc.createNode({ clusters: [clusters[0].name] })));
    const error = await synth({ root: ws.root, prune: true }).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(new RegExp(`^${FILE}(:\\d+:\\d+)?: systems\\.quizmenter: no system quizmenter in the catalogue \\(systems: cluster-addons, django, eks-demo, kiteclass, quizmentor\\)`, 'm'));
  });

  it('two clusters with one name, and two with one server', async () => {
    edit((doc, clusters) => {
      doc.setIn(['clusters', 1, 'name'], clusters[0].name);
      doc.setIn(['clusters', 1, 'server'], `${clusters[0].server}/`);
    });
    const lines = await renderFails();
    // (the renamed cluster also leaves the placements that named it dangling: reported too)
    expect(lines.some((l) => /: clusters\.1\.name: name is listed twice; each cluster appears once/.test(l))).toBe(true);
    expect(lines.some((l) => /: clusters\.1\.server: .* is the same server as clusters\[0\]/.test(l))).toBe(true);
  });

  it('a non-https server', async () => {
    const text = edit((doc, clusters) => doc.setIn(['clusters', 0, 'server'], clusters[0].server.replace('https://', 'http://')));
    const lines = await renderFails();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${FILE}:${lineOf(text, 'server: http://')}:\\d+: clusters\\.0\\.server: must be an https:// URL`));
  });

  it('a Kubernetes version that cannot be validated', async () => {
    const text = edit((doc) => doc.setIn(['clusters', 0, 'kubernetesVersion'], '1.19'));
    const lines = await renderFails();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${FILE}:${lineOf(text, 'kubernetesVersion: "1.19"')}:\\d+: clusters\\.0\\.kubernetesVersion: 1\\.19 cannot be validated: the bundled schemas cover 1\\.20 to 1\\.36`));
  });

  it('a region-bound certificate ARN in another region than its cluster', async () => {
    let system = '';
    const text = edit((doc, clusters) => {
      const i = clusters.findIndex((c) => Object.keys(c.certificates ?? {}).length > 0);
      system = Object.keys(clusters[i].certificates)[0];
      const other = clusters[i].region === 'eu-west-1' ? 'eu-central-1' : 'eu-west-1';
      doc.setIn(['clusters', i, 'certificates', system], clusters[i].certificates[system].replace(`:${clusters[i].region}:`, `:${other}:`));
    });
    const lines = await renderFails();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${FILE}:${lineOf(text, 'arn:aws:acm:eu-')}:\\d+: clusters\\.\\d+\\.certificates\\.${system}: is in eu-[a-z]+-1; the cluster is in `));
  });

  it('a stateful singleton placed on two clusters, with no word on how it replicates', async () => {
    edit((doc, clusters) => doc.setIn(['systems', 'quizmentor'], doc.createNode({ clusters: [clusters[0].name, clusters[1].name], singletons: { clusters: [clusters[0].name, clusters[1].name] } })));
    const lines = await renderFails();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${FILE}:\\d+:\\d+: systems\\.quizmentor\\.singletons\\.clusters: a stateful singleton placed on several clusters makes independent copies`));
  });

  it('a system with no placement', async () => {
    edit((doc) => doc.deleteIn(['systems', 'django']));
    expect(await renderFails()).toEqual([`${FILE}: systems.django: no placement: say which clusters the system runs on (clusters: ${((parseDocument(readFileSync(join(ws.root, FILE), 'utf8')).toJS() as any).clusters as any[]).map((c) => c.name).join(', ')})`]);
  });
});
