import { stat } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The setup file yield-between-tests.ts: between two synchronous tests the worker's event loop
 * reaches its poll phase, where the main process's RPC replies are read (without it, a file of
 * synchronous tests longer than a minute fails the run: "Timeout calling onTaskUpdate").
 */
describe('between two synchronous tests', () => {
  let read = false;

  it('a test starts an I/O operation and does not wait for it', () => {
    stat(__filename, () => (read = true));
    // busy until the read has surely completed in the thread pool, without turning the event loop
    const until = Date.now() + 200;
    while (Date.now() < until);
    expect(read).toBe(false);
  });

  it('the next test finds its callback run: the event loop went through its poll phase in between', () => {
    expect(read).toBe(true);
  });
});
