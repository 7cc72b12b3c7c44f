// What a render may delete and replay (issue 10, items 1-3), on scratch copies of the workspace.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadServices, renderServices, stageTransaction, synth, withWorkspaceLock } from '@gitops/platform/render';
import { commandOutput, gitWorktree, readTree, scratchWorkspace } from '@gitops/platform/testing';
import { inputFingerprint } from '../../../libs/platform/src/render/inputs';

let ws: ReturnType<typeof scratchWorkspace>;
beforeEach(() => {
  ws = scratchWorkspace();
});
afterEach(() => ws.cleanup());

/** A folder as the renderer writes it: every file starts with its header naming the folder. */
function renderedLeaf(dist: string, leaf: string): void {
  mkdirSync(join(dist, leaf), { recursive: true });
  writeFileSync(join(dist, leaf, 'Service.x.yaml'), `# Rendered from code for ${leaf}. Do not edit: change the code or environments/ and run npm run synth.\nkind: Service\n`);
}

const envsOf = (dist: string) => readdirSync(dist).sort();

/** Changes the production canary weight of kiteclass-core (read from the values file) to another valid one; returns it. */
function changeWeight(values: string): number {
  const text = readFileSync(values, 'utf8');
  const current = Number(/weight: (\d+)/.exec(text)![1]);
  const next = current === 20 ? 30 : 20;
  writeFileSync(values, text.replace(/weight: \d+/, `weight: ${next}`));
  return next;
}

describe('a full render with prune (npm run synth)', () => {
  it('with --out . deletes nothing outside dist/<env>/<system>/: the workspace and dist/ survive', async () => {
    // GIVEN files three levels below the output folder that no render wrote
    mkdirSync(join(ws.root, 'a/b/c'), { recursive: true });
    writeFileSync(join(ws.root, 'a/b/c/keep.txt'), 'mine\n');
    const dist = readTree(join(ws.root, 'dist'));
    const environments = readTree(join(ws.root, 'environments'));
    // WHEN the whole catalogue is rendered with the workspace itself as the output folder
    await synth({ root: ws.root, outDir: ws.root, prune: true });
    // THEN nothing that was there is gone
    expect(readFileSync(join(ws.root, 'a/b/c/keep.txt'), 'utf8')).toBe('mine\n');
    expect(readTree(join(ws.root, 'dist'))).toEqual(dist);
    expect(readTree(join(ws.root, 'environments'))).toEqual(environments);
    expect(existsSync(join(ws.root, 'node_modules/nx/package.json'))).toBe(true);
  });

  it('deletes a folder the renderer wrote that no service renders any more, and leaves foreign ones, reporting them', async () => {
    const out = join(ws.root, 'dist');
    const [system] = envsOf(join(out, 'production'));
    renderedLeaf(out, `production/${system}/retired-service`);
    mkdirSync(join(out, `production/${system}/hand-made`));
    writeFileSync(join(out, `production/${system}/hand-made/Secret.x.yaml`), 'kind: Secret\n');
    const result = await synth({ root: ws.root, prune: true });
    expect(result.pruned).toEqual([`production/${system}/retired-service`]);
    expect(existsSync(join(out, `production/${system}/retired-service`))).toBe(false);
    expect(readFileSync(join(out, `production/${system}/hand-made/Secret.x.yaml`), 'utf8')).toBe('kind: Secret\n');
    expect(result.foreign).toEqual([expect.stringMatching(new RegExp(`^production/${system}/hand-made: no service renders it, but it is not provably the renderer's \\(Secret.x.yaml has no renderer header\\); left alone$`))]);
  });

  it('rewrites no folder that already holds exactly the render, and rewrites one that differs (a no-op npm run synth writes nothing)', async () => {
    // GIVEN dist/ as the render makes it, and one file of another folder edited by hand
    await synth({ root: ws.root, prune: true });
    const out = join(ws.root, 'dist');
    const system = envsOf(join(out, 'production')).find((s) => s !== 'cluster-addons')!; // flat service folders
    const [kept, edited] = readdirSync(join(out, 'production', system)).slice(0, 2).map((s) => join(out, 'production', system, s));
    const inode = (dir: string) => statSync(dir).ino;
    const keptInode = inode(kept);
    const file = join(edited, readdirSync(edited)[0]);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}# edited by hand\n`);
    const editedInode = inode(edited);
    // WHEN the whole catalogue renders again
    await synth({ root: ws.root, prune: true });
    // THEN the unchanged folder is the very same folder (never swapped), the edited one was replaced and restored
    expect(inode(kept)).toBe(keptInode);
    expect(inode(edited)).not.toBe(editedInode);
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(readdirSync(ws.root).filter((e) => e.startsWith('.dist.synth-'))).toEqual([]);
  });

  it('with --env staging prunes nothing in the other environments', async () => {
    const out = join(ws.root, 'dist');
    const [system] = envsOf(join(out, 'production'));
    renderedLeaf(out, `production/${system}/retired-service`);
    const others = readTree(join(out, 'production'));
    const development = existsSync(join(out, 'development')) ? readTree(join(out, 'development')) : undefined;
    await synth({ root: ws.root, environments: ['staging'], prune: true });
    expect(readTree(join(out, 'production'))).toEqual(others);
    if (development) expect(readTree(join(out, 'development'))).toEqual(development);
  });

  it('for some projects only prunes nothing, and says why', async () => {
    const out = join(ws.root, 'dist');
    const [first] = await loadServices(ws.root);
    const leaf = `production/${first.service.system.name}/retired-service`;
    renderedLeaf(out, leaf);
    const result = await synth({ root: ws.root, projects: [first.project.root], prune: true });
    expect(existsSync(join(out, leaf))).toBe(true);
    expect(result.pruned).toEqual([]);
    expect(result.foreign).toEqual([expect.stringMatching(/^nothing pruned: only part of the catalogue was rendered/)]);
  });
});

describe('a transaction left half-applied by a killed render', () => {
  /** Stages a render of `project` with the values as they are now, and applies its first leaf only (killed midway). */
  async function killedMidSwap(projectRoot: string): Promise<string> {
    const loaded = (await loadServices(ws.root)).filter((l) => l.project.root === projectRoot);
    const leaves = renderServices(loaded.map((l) => l.service), { root: ws.root, sourceOf: () => projectRoot });
    const files = leaves.flatMap((l) => [join(ws.root, 'environments', l.env, 'environment.yaml'), join(ws.root, 'environments', l.env, `${l.system}.yaml`)]);
    const out = join(ws.root, 'dist');
    const txn = await stageTransaction(out, leaves, { inputs: inputFingerprint(ws.root, files) });
    const first = leaves[0].path;
    mkdirSync(dirname(join(txn, 'old', first)), { recursive: true });
    renameSync(join(out, first), join(txn, 'old', first));
    renameSync(join(txn, 'new', first), join(out, first));
    const dead = join(ws.root, '.dist.synth-999999999-killed');
    renameSync(txn, dead);
    return dead;
  }

  it('is discarded, not replayed, once the values it was rendered from changed', async () => {
    const values = join(ws.root, 'environments/production/kiteclass.yaml');
    const original = readFileSync(values, 'utf8');
    const before = readTree(join(ws.root, 'dist'));
    // GIVEN a render of a changed value, killed midway through its swap
    changeWeight(values);
    const project = (await loadServices(ws.root)).find((l) => l.service.name === 'kiteclass-core')!.project.root;
    const dead = await killedMidSwap(project);
    // WHEN the value is changed back, and an unrelated project is rendered
    writeFileSync(values, original);
    const notes: string[] = [];
    const other = (await loadServices(ws.root)).find((l) => l.service.system.name !== 'kiteclass')!.project.root;
    await synth({ root: ws.root, projects: [other], onNote: (l) => notes.push(l) });
    // THEN the stale render is rolled back, not applied: dist/ is as before, and the note says so
    expect(readTree(join(ws.root, 'dist'))).toEqual(before);
    expect(existsSync(dead)).toBe(false);
    expect(notes).toEqual([expect.stringMatching(/discarded .*inputs changed since \(environments\/production\/kiteclass\.yaml\)/)]);
  });

  it('is finished when its inputs are still the current ones', async () => {
    const values = join(ws.root, 'environments/production/kiteclass.yaml');
    const weight = changeWeight(values);
    const project = (await loadServices(ws.root)).find((l) => l.service.name === 'kiteclass-core')!.project.root;
    await killedMidSwap(project);
    const other = (await loadServices(ws.root)).find((l) => l.service.system.name !== 'kiteclass')!.project.root;
    const notes: string[] = [];
    await synth({ root: ws.root, projects: [other], onNote: (l) => notes.push(l) });
    expect(readFileSync(join(ws.root, 'dist/production/kiteclass/kiteclass-core/Ingress.kiteclass-core-ingress.yaml'), 'utf8')).toContain(`"weight":${weight}`);
    expect(notes).toEqual([expect.stringMatching(/finished .*still the current ones/)]);
  });
});

describe('a render and another command that changes the workspace', () => {
  it('never interleave: the render waits for the workspace lock', async () => {
    const [first] = await loadServices(ws.root);
    const events: string[] = [];
    let acquired!: () => void;
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (acquired = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    // another command (set-image, say) holds the lock ...
    const holder = withWorkspaceLock(ws.root, 'set-image (test)', async () => {
      acquired();
      await gate;
      events.push('holder done');
    });
    await holding;
    // ... when a render starts (outside the holder's call chain, so it must wait)
    const render = synth({ root: ws.root, projects: [first.project.root] }).then(() => events.push('render done'));
    // time enough for a render of one project that ignored the lock to finish first
    await new Promise((resolve) => setTimeout(resolve, 3000));
    release();
    await Promise.all([holder, render]);
    expect(events).toEqual(['holder done', 'render done']);
  });
});

describe('the bundled renderer (npm run synth)', () => {
  it('renders a changed source even when its size and modification time are as before (cp -p, rsync -a, tar, git stash keep an old time; issue 23 item 4)', async () => {
    // GIVEN a clean workspace whose bundle is built
    const { root, cleanup } = gitWorktree('stale-bundle');
    try {
      const node = (...args: string[]) => commandOutput(process.execPath, args, { cwd: root });
      await node('tools/nx-synth/renderer.mjs', '--build-only');
      // WHEN a service's code changes, keeping its size and its modification time (set back after the write)
      const file = join(root, 'libs/eks-demo/sample-app/src/index.ts');
      const { mtime } = statSync(file);
      writeFileSync(file, readFileSync(file, 'utf8').replace("component: 'api'", "component: 'ipa'"));
      utimesSync(file, mtime, mtime);
      await node('tools/nx-synth/renderer.mjs', '--all');
      // THEN the render is of the new code
      expect(readFileSync(join(root, 'dist/development/eks-demo/sample-app/Deployment.sample-app.yaml'), 'utf8')).toContain('app.kubernetes.io/component: ipa');
    } finally {
      cleanup();
    }
  });
});
