/**
 * Test fixture: a throw-away workspace root for the `validate` command line, with a helper to
 * write files into it and one to run `validate` over it in a real process.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runCommand } from '@gitops/platform/testing';

const WORKSPACE = resolve(__dirname, '../../..');
const CLI = resolve(__dirname, 'cli/validate.ts');

/** A valid ConfigMap, the control object of the fixtures. */
export const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: shop-staging\ndata:\n  mode: fast\n';

export interface ValidateFixture {
  readonly root: string;
  /** Writes `text` at `file` (relative to the root), creating folders. */
  put(file: string, text: string): void;
  /** Runs `validate <args> --root <root>`: its exit status and all it printed. */
  validate(...args: string[]): Promise<{ status: number | null; out: string }>;
  cleanup(): void;
}

export function validateFixture(prefix: string): ValidateFixture {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    root,
    put(file, text) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    },
    async validate(...args) {
      const r = await runCommand(process.execPath, ['--import', 'tsx', CLI, ...args, '--root', root], { cwd: WORKSPACE });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
