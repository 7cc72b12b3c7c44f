/**
 * Setup file of every Vitest project (vitest.config.ts): after each test, the worker's event loop
 * goes through a whole poll phase, where I/O is read.
 *
 * Why: a test worker reports progress to the main process over RPC (birpc) and fails the whole run
 * when a reply has not been read within 60 s ("[vitest-worker]: Timeout calling onTaskUpdate";
 * vitest 3.2 dist/chunks/index.*.js DEFAULT_TIMEOUT). Replies are read in the poll phase, and Vitest
 * runs a file's tests one after another through promises alone, so a file of synchronous tests
 * never reaches it: test-inputs.integration.test.ts (90 s of synchronous Nx runs) failed CI so.
 * A single test must still not block for a minute: long commands go through runCommand
 * (@gitops/platform/testing). The test beside this file fails without it.
 */
import { afterEach } from 'vitest';

// the real one, should a test install fake timers
const { setImmediate: realSetImmediate } = globalThis;

const immediate = () => new Promise<void>((resolve) => realSetImmediate(resolve));

// The first reaches a check phase, which may come right after the poll phase that ran this test;
// the second, queued from that check phase, runs in the next turn, after a poll phase of its own.
afterEach(async () => {
  await immediate();
  await immediate();
});
