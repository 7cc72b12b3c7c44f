/**
 * Test fixtures shared by every project's tests (import from `@gitops/platform/testing`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EnvironmentName } from '../values/environment';
import { renderServices, type RenderedLeaf, type RenderedObject } from '../render/render';
import type { ServiceDefinition } from '../constructs/service';

/** The repository root. */
export const WORKSPACE_ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');

/** Renders one service for one environment from the repository's own `environments/`. */
export function renderLeaf(service: ServiceDefinition, env: EnvironmentName, root = WORKSPACE_ROOT): RenderedLeaf {
  const [leaf] = renderServices([service], { root, environments: [env] });
  if (!leaf) throw new Error(`${service.name} does not run in ${env}`);
  return leaf;
}

/** The object of that kind and name; fails with the names that exist. */
export function findObject<T = any>(objects: readonly RenderedObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind} ${name}; rendered: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return found as T;
}

/** Every object of a kind. */
export function objectsOfKind<T = any>(objects: readonly RenderedObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

/** The first container of a workload. */
export function mainContainer(workload: any): any {
  return workload.spec.template.spec.containers[0];
}

/** An environment variable of a container, by name. */
export function envVar(container: any, name: string): any {
  const found = (container.env ?? []).find((e: any) => e.name === name);
  if (!found) throw new Error(`no env ${name} in ${container.name}`);
  return found;
}

/**
 * A throw-away copy of the workspace: `environments/` and `dist/` are copied (tests change
 * them), code and node_modules are linked. Remove it with `cleanup()`.
 */
export function scratchWorkspace(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'gitops-scratch-'));
  for (const linked of ['libs', 'apps', 'node_modules', 'package.json', 'tsconfig.base.json', 'tsconfig.json', 'nx.json']) {
    try {
      statSync(join(WORKSPACE_ROOT, linked));
      symlinkSync(join(WORKSPACE_ROOT, linked), join(root, linked));
    } catch {
      // not every workspace has every folder
    }
  }
  cpSync(join(WORKSPACE_ROOT, 'environments'), join(root, 'environments'), { recursive: true });
  cpSync(join(WORKSPACE_ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file under `dir` (relative path → content), for byte-for-byte comparisons. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/**
 * A git worktree of HEAD with the checkout's node_modules linked: a clean workspace as CI's clone
 * has it, for tests that run Nx. Remove it with `cleanup()`.
 */
export function gitWorktree(prefix: string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  execFileSync('git', ['worktree', 'add', '--detach', root, 'HEAD'], { cwd: WORKSPACE_ROOT, stdio: 'ignore' });
  symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(root, 'node_modules'));
  return {
    root,
    cleanup: () => {
      execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: WORKSPACE_ROOT, stdio: 'ignore' });
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * A git worktree of HEAD with this checkout's working tree copied over it (tracked and untracked
 * files git does not ignore; deleted ones deleted) and committed, node_modules linked: what a new
 * user has after cloning this change. `git status` in it starts clean. Remove it with `cleanup()`.
 */
export function workingTreeCopy(prefix: string): { root: string; cleanup: () => void } {
  const copy = gitWorktree(prefix);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@localhost', ...args], { cwd: copy.root, stdio: 'ignore' });
  execFileSync('bash', ['-c', `git ls-files -z -co --exclude-standard | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "${copy.root}"; git ls-files -z -d | (cd "${copy.root}" && xargs -0 -r rm -f --)`], { cwd: WORKSPACE_ROOT });
  git('add', '-A');
  git('commit', '-qm', 'working tree', '--allow-empty');
  return copy;
}

/** A seeded generator (mulberry32): the same seed gives the same sequence, so a generated test case can be run again. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { turnEventLoop } from './event-loop';

/** What a finished command printed, as spawnSync reports it. */
export interface CommandRun {
  readonly status: number | null;
  /** The signal that ended it, if one did. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly cwd: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Written to its standard input, which is then closed. @default nothing (stdin is /dev/null) */
  readonly input?: string | Buffer;
}

/**
 * Runs a command without blocking the test worker. Every command a test runs that is more than a
 * quick git call goes through this, never spawnSync/execFileSync: a test that blocks the worker's
 * event loop for a minute (one long command, or a loop of short ones with no await between them)
 * makes Vitest's worker RPC fail the whole run ("Timeout calling onTaskUpdate": birpc's 60 s timer
 * fires before the main process's reply is read; vitest 3.2 dist/chunks/index.*.js DEFAULT_TIMEOUT).
 */
export function runCommand(cmd: string, args: readonly string[], options: CommandOptions): Promise<CommandRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolveRun({ status, signal, stdout, stderr }));
    // a command that exits without reading its input is not an error of the test's
    if (options.input !== undefined) child.stdin!.on('error', () => {}).end(options.input);
  });
}

/** Runs a command that must succeed (as execFileSync): its standard output, or an error with what it printed. */
export async function commandOutput(cmd: string, args: readonly string[], options: CommandOptions): Promise<string> {
  const run = await runCommand(cmd, args, options);
  if (run.status !== 0) {
    throw new Error(`${[cmd, ...args].join(' ')} (in ${options.cwd}) ended with ${run.signal ?? `exit code ${run.status}`}:\n${run.stderr}${run.stdout}`);
  }
  return run.stdout;
}
