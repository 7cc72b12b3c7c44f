/**
 * One turn of the event loop through its poll phase, where a Vitest worker reads the main
 * process's RPC replies: after each test (tools/vitest/yield-between-tests.ts) and inside a test's
 * long synchronous loop. Its own module, with no imports, so the setup file of every test file
 * stays light.
 */

// the real one, should a test install fake timers
const { setImmediate: realSetImmediate } = globalThis;

const immediate = () => new Promise<void>((resolve) => realSetImmediate(resolve));

/**
 * The first immediate reaches a check phase, which may come right after the poll phase that ran
 * the caller; the second, queued from that check phase, runs in the next turn, after a poll phase
 * of its own.
 */
export async function turnEventLoop(): Promise<void> {
  await immediate();
  await immediate();
}
