/**
 * One lock per workspace for every command that writes values files or `dist/` (synth, set-image,
 * promote, new-service), so two of them never interleave a read-modify-write and lose an update.
 *
 * The lock is proper-lockfile's `mkdir` lock (atomic on every file system, refreshed while held,
 * taken over once stale, i.e. when its holder died), at `<root>/.gitops.lock`.
 *
 * Re-entrant: within one holder's async call chain (AsyncLocalStorage, so two concurrent calls
 * in one process still exclude each other), and in the child processes a holder starts
 * (new-service runs Nx) through `GITOPS_WORKSPACE_LOCK`, which a holder sets to `<lock path>#<its pid>`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { join, resolve } from 'node:path';
import { check, lock } from 'proper-lockfile';

/** The lock folder, relative to the workspace root (git-ignored). */
export const LOCK_FILE = '.gitops.lock';
/** Set for child processes of a lock holder: they run under their parent's lock. */
export const LOCK_ENV = 'GITOPS_WORKSPACE_LOCK';

export class WorkspaceLockedError extends Error {
  override name = 'WorkspaceLockedError';
}

export interface LockOptions {
  /** How long to wait for another command to finish, in ms. @default 120000 */
  readonly waitMs?: number;
}

/** The lock paths the current async call chain holds. */
const held = new AsyncLocalStorage<ReadonlySet<string>>();

/** Runs `fn` holding the workspace lock of `root`; waits for a running command, then fails naming it. */
export async function withWorkspaceLock<T>(root: string, command: string, fn: () => Promise<T> | T, opts: LockOptions = {}): Promise<T> {
  const path = join(resolve(root), LOCK_FILE);
  const mine = held.getStore() ?? new Set<string>();
  if (mine.has(path)) return fn();
  // a child of the holder (it names another process, so a second call in this one still waits)
  const inherited = process.env[LOCK_ENV]?.split('#');
  if (inherited?.[0] === path && inherited[1] !== String(process.pid) && (await check(root, { lockfilePath: path, realpath: false }))) return fn();
  const waitMs = opts.waitMs ?? 120_000;
  let release: () => Promise<void>;
  try {
    release = await lock(root, {
      lockfilePath: path,
      realpath: false,
      // a holder refreshes the folder's mtime every 5 s; one not refreshed for 15 s died
      stale: 15_000,
      update: 5_000,
      retries: { retries: Math.max(0, Math.ceil(waitMs / 250)), factor: 1, minTimeout: 250, maxTimeout: 250 },
      onCompromised: (e) => {
        throw new WorkspaceLockedError(`${command}: lost the workspace lock ${path} (${e.message}); another command may have changed the workspace, check git status`);
      },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    throw new WorkspaceLockedError(
      `${command}: another command is changing this workspace (lock ${path} held for over ${Math.round(waitMs / 1000)} s); ` +
        'wait for it to finish, or remove that folder if no synth, set-image, promote or new-service is running',
    );
  }
  const previous = process.env[LOCK_ENV];
  process.env[LOCK_ENV] = `${path}#${process.pid}`;
  try {
    return await held.run(new Set([...mine, path]), fn);
  } finally {
    if (previous === undefined) delete process.env[LOCK_ENV];
    else process.env[LOCK_ENV] = previous;
    await release();
  }
}
