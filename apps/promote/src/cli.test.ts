import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchWorkspace, WORKSPACE_ROOT } from '@gitops/platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TSX = join(WORKSPACE_ROOT, 'node_modules/.bin/tsx');
let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = scratchWorkspace()));
afterEach(() => cleanup());

const run = (script: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(TSX, [join('apps', script), ...args, '--root', root], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

describe('command lines', () => {
  it('set-image prints the change and exits 0; a bad tag exits 1 with the reason and writes nothing', () => {
    const before = readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8');
    const bad = run('promote/src/set-image.ts', ['--env', 'production', '--service', 'kiteclass-core', '--tag', 'latest']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('set-image failed; nothing was changed.\ninvalid tag "latest": must be pinned: "latest" is not allowed\n');
    expect(readFileSync(join(root, 'environments/production/kiteclass.yaml'), 'utf8')).toBe(before);

    const ok = run('promote/src/set-image.ts', ['--env', 'production', '--service', 'kitehub-backend', '--tag', '9f8e7d6c']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('environments/production/kiteclass.yaml: services.kitehub-backend.tag 2e8d1c4a -> 9f8e7d6c\n');
  });

  it('promote shows progress on stderr with --verbose and re-renders', () => {
    const r = run('promote/src/promote.ts', ['--system', 'kiteclass', '--service', 'kiteclass-frontend', '--from', 'staging', '--to', 'production', '--verbose']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      'environments/production/kiteclass.yaml: services.kiteclass-frontend.tag 2e8d1c4a -> 3f9c2a1b\n' +
        "promote: 1 tag(s) of service 'kiteclass-frontend' promoted from staging to production; 5 dist/ folder(s) re-rendered\n",
    );
    expect(r.stderr.split('\n').filter((l) => l.startsWith('['))).toEqual([
      '[1/5] rendering kiteclass-core',
      '[2/5] rendering kiteclass-frontend',
      '[3/5] rendering kiteclass-gateway',
      '[4/5] rendering kiteclass-shared',
      '[5/5] rendering kitehub-backend',
    ]);
    expect(readFileSync(join(root, 'dist/production/kiteclass/kiteclass-frontend/Deployment.kiteclass-frontend.yaml'), 'utf8')).toContain(':3f9c2a1b');
  });
});
