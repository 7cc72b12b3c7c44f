/**
 * All or nothing under SIGINT and SIGTERM, for the commands that write files and then render them
 * into dist/ in one transaction of the writer (set-image and promote with --render, new-service).
 * Until the render's commit point (the writer's `onCommit`) a signal puts back what the command
 * wrote and exits: the files and dist/ are both as they were (the staged render is never swapped
 * in; the next render deletes it). From the commit point on the render is finished anyway (by this
 * process, or by the next render if this one dies), so a signal waits until the command is done:
 * the files and dist/ are both new. Either way the exit status is 130 (SIGINT) or 143 (SIGTERM).
 */

export interface AllOrNothingOptions {
  /** The command, first on the line printed on a signal. */
  readonly command: string;
  /** Puts back everything the command wrote. Synchronous: a signal handler runs it, then exits. */
  readonly restore: () => void;
  /** What to say once `restore` ran, e.g. `the values were put back; dist/ is unchanged`. */
  readonly restored: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const exitStatus = (signal: NodeJS.Signals) => (signal === 'SIGINT' ? 130 : 143);

/**
 * Runs `work`, which calls `onCommit` when its render's commit point is written (pass it to
 * `synth`). A signal before that runs `restore` and exits; one after it exits once `work` is done.
 * If `work` fails, `restore` runs and the error is rethrown.
 */
export async function allOrNothing<T>(opts: AllOrNothingOptions, work: (onCommit: () => void) => Promise<T>): Promise<T> {
  let committed = false;
  let late: NodeJS.Signals | undefined;
  const interrupted = (signal: NodeJS.Signals) => {
    if (committed) {
      late ??= signal;
      return;
    }
    try {
      opts.restore();
      process.stderr.write(`${opts.command}: ${signal}: ${opts.restored}\n`);
    } catch (e) {
      process.stderr.write(`${opts.command}: ${signal}: putting back what it wrote failed (${(e as Error).message}); check git status\n`);
    }
    process.exit(exitStatus(signal));
  };
  for (const s of SIGNALS) process.on(s, interrupted);
  try {
    return await work(() => void (committed = true));
  } catch (e) {
    opts.restore();
    throw e;
  } finally {
    for (const s of SIGNALS) process.off(s, interrupted);
    if (late) {
      process.stderr.write(`${opts.command}: ${late} came after the render was committed, so the command finished first: nothing is half done\n`);
      process.exit(exitStatus(late));
    }
  }
}

/** The writer's test hook (`holdBeforeCommit`), set by the interrupt tests with SYNTH_TEST_HOLD_BEFORE_COMMIT=1; never outside tests. */
export function holdBeforeCommitForTests(): boolean {
  return process.env.SYNTH_TEST_HOLD_BEFORE_COMMIT === '1';
}
