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
import { turnEventLoop } from '../../libs/platform/src/testing/event-loop';

afterEach(turnEventLoop);
