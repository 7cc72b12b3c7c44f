/**
 * The incremental path at scale, through Nx itself (issue 23 item 1): a git worktree of HEAD with a
 * system of N services added the way a user adds them (`npm run new-service -- --create-system`
 * once, then its library and values entry copied for the others), committed, rendered and
 * committed again. Each round, side by side: `npm run synth` (the whole catalogue, one process),
 * `nx run-many -t synth` (the whole catalogue through Nx), and `nx affected -t synth` after a change
 * to the code of one service, once when the renderer's bundle must be rebuilt for it and once more
 * when it is current. (A change to a system's values file makes every service of that system
 * affected: Nx cannot know which service reads which key.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NxScaleOptions {
  readonly root: string;
  readonly scratch: string;
  readonly services: number;
  readonly runs: number;
  /** Wall time of a command in ms (fails loudly), run.ts's. */
  readonly timed: (cmd: string, args: string[], cwd?: string) => { ms: number; out: string };
  /** Prints a figure's median; returns it. */
  readonly row: (label: string, samples: number[]) => number;
}

export interface NxScaleFigures {
  readonly synth: number;
  readonly fullNx: number;
  readonly affectedRebuilt: number;
  readonly affectedCurrent: number;
}

export function runNxScaleBench(o: NxScaleOptions): NxScaleFigures {
  const tree = join(o.scratch, 'nx-scale');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], { cwd: tree, encoding: 'utf8' });
  execFileSync('git', ['worktree', 'add', '--detach', tree, 'HEAD'], { cwd: o.root, stdio: 'ignore' });
  try {
    symlinkSync(join(o.root, 'node_modules'), join(tree, 'node_modules'));
    const node = process.execPath;
    const nx = join(o.root, 'node_modules/.bin/nx');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // a system of N services, added as a user adds them
    o.timed(node, ['tools/nx-synth/new-service.mjs', '--name', 'svc-0', '--system', 'synthetic', '--create-system', '--environments', 'development,staging,production'], tree);
    const source = readFileSync(join(tree, 'libs/synthetic/svc-0/src/index.ts'), 'utf8');
    for (let i = 1; i < o.services; i++) {
      mkdirSync(join(tree, `libs/synthetic/svc-${i}/src`), { recursive: true });
      writeFileSync(join(tree, `libs/synthetic/svc-${i}/src/index.ts`), source.replaceAll('svc-0', `svc-${i}`));
    }
    for (const env of ['development', 'staging', 'production']) {
      const file = join(tree, `environments/${env}/synthetic.yaml`);
      const text = readFileSync(file, 'utf8');
      const entry = /^ {2}svc-0:\n(?: {4}.*\n)+/m.exec(text)![0];
      writeFileSync(file, text.replace(entry, Array.from({ length: o.services }, (_, i) => entry.replace('svc-0:', `svc-${i}:`)).join('')));
    }
    git('add', '-A');
    git('commit', '-qm', `${o.services} services`);
    const build = o.timed(node, ['tools/nx-synth/renderer.mjs', '--build-only'], tree).ms;
    o.timed(npm, ['run', '-s', 'synth'], tree);
    git('add', '-A');
    git('commit', '-qm', 'rendered');
    o.timed(nx, ['show', 'projects'], tree); // Nx's project graph, made once as on a developer's machine
    const objects = /(\d+) objects/.exec(o.timed(npm, ['run', '-s', 'synth'], tree).out)?.[1];
    console.log(`\nthe incremental path at ${o.services} services, through Nx (a system of ${o.services} services added to a worktree of HEAD, ${objects} objects in all; bundle built in ${(build / 1000).toFixed(2)} s):`);

    const changed = `libs/synthetic/svc-${Math.floor(o.services / 2)}/src/index.ts`;
    const synth: number[] = [];
    const fullNx: number[] = [];
    const rebuilt: number[] = [];
    const current: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      synth.push(o.timed(npm, ['run', '-s', 'synth'], tree).ms);
      if (git('status', '--porcelain', '--', 'dist', 'argocd') !== '') throw new Error('npm run synth changed the committed render');
      fullNx.push(o.timed(nx, ['run-many', '-t', 'synth'], tree).ms);
      // one service's code changes (a line no run wrote before): its bundle is rebuilt, it renders
      writeFileSync(join(tree, changed), `${source.replaceAll('svc-0', `svc-${Math.floor(o.services / 2)}`)}// round ${i} of the bench\n`);
      const first = o.timed(nx, ['affected', '-t', 'synth', '--base=HEAD'], tree);
      const ran = [...new Set(first.out.match(/^synth [a-z0-9-]+(?=: \d+ folders)/gm) ?? [])];
      if (ran.length !== 1) throw new Error(`nx affected rendered ${ran.length} projects, not the one changed: ${ran.slice(0, 5).join(', ')}`);
      rebuilt.push(first.ms);
      current.push(o.timed(nx, ['affected', '-t', 'synth', '--base=HEAD'], tree).ms);
      git('checkout', '--', changed);
    }
    return {
      synth: o.row('npm run synth (the whole catalogue and argocd/, one process)', synth),
      fullNx: o.row('full render through Nx: nx run-many -t synth', fullNx),
      affectedRebuilt: o.row("affected, one service's code changed: nx affected -t synth (bundle rebuilt)", rebuilt),
      affectedCurrent: o.row('the same again, the bundle current', current),
    };
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: o.root, stdio: 'ignore' });
  }
}
