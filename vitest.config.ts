import tsconfigPaths from 'vite-tsconfig-paths';
import { defineConfig } from 'vitest/config';

/**
 * Two test tiers (STYLE.md "Test tiers"; Vitest `test.projects`):
 * - `unit` (`npm test`): in-memory tests of constructs, values, policies, readers and validators on
 *   fixtures; seconds per file.
 * - `integration` (`npm run test:integration`): files named `*.integration.test.ts`, which spawn
 *   processes, use git worktrees or clones, run Nx, or render and read the whole catalogue. They run
 *   one file at a time in child processes: each already keeps the machine's cores busy.
 */
const INTEGRATION = ['apps/**/*.integration.test.ts', 'libs/**/*.integration.test.ts', 'tools/**/*.integration.test.ts'];

export default defineConfig({
  plugins: [tsconfigPaths({ projects: ['tsconfig.base.json'] })],
  test: {
    // every test boundary lets the worker read the main process's replies (see the file)
    setupFiles: ['tools/vitest/yield-between-tests.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['apps/**/*.test.ts', 'libs/**/*.test.ts', 'tools/**/*.test.ts'],
          exclude: INTEGRATION,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          // renders spawn processes and write temp trees; the shared machines are slow
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
