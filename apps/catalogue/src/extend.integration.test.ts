/**
 * Extending the platform (issue 15, "must show"): a new construct and a new system, each added
 * here as a user would add them, touch only their own files and the platform's index. Nothing
 * else is registered by hand: Nx infers the new service's project and targets, the renderer
 * finds it, the Argo CD generator covers it, and validate checks it. The placement of the system
 * on a cluster is the one line a fleet owner adds to `environments/<env>/environment.yaml`.
 * Runs in a git worktree of HEAD (the clean checkout CI has), so it sees committed code only.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commandOutput, gitWorktree } from '@gitops/platform/testing';

const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' };

/** The new construct: its own file, one line in the platform's index. */
const CONSTRUCT_FILE = 'libs/platform/src/constructs/maintenance-notice.ts';
const CONSTRUCT = `import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

export interface MaintenanceNoticeProps {
  /** \`metadata.name\` of the ConfigMap. */
  readonly name: string;
  /** The notice the front end shows. */
  readonly message: string;
  /** When the window starts (ISO 8601). @default - no window announced */
  readonly startsAt?: string;
}

/** A ConfigMap that front ends read to announce maintenance. */
export class MaintenanceNotice extends Construct {
  constructor(scope: Construct, id: string, props: MaintenanceNoticeProps) {
    super(scope, id);
    if (props.message.trim() === '') throw new Error(\`MaintenanceNotice \${props.name}: 'message' must not be empty\`);
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: props.name },
      data: { message: props.message, ...(props.startsAt ? { startsAt: props.startsAt } : {}) },
    });
  }
}
`;

/** The new system: a values schema, a definition, one service using the new construct. */
const SYSTEM_FILES: Record<string, string> = {
  'libs/bookshop/system/src/index.ts': `import { defineSystem, systemNamespace } from '@gitops/platform';
import { z } from 'zod';
export const BookshopValuesSchema = z.strictObject({ namespace: systemNamespace, notice: z.string().min(1) });
export const bookshop = defineSystem({ name: 'bookshop', environments: ['staging'], values: BookshopValuesSchema, namespace: (v) => v.namespace });
`,
  'libs/bookshop/bookshop-shared/src/index.ts': `import { defineService, MaintenanceNotice, SecureNamespace } from '@gitops/platform';
import { bookshop } from '@gitops/bookshop-system';
export default defineService({
  system: bookshop,
  name: 'bookshop-shared',
  render(chart, ctx) {
    new SecureNamespace(chart, 'Namespace', { name: ctx.namespace });
    new MaintenanceNotice(chart, 'Notice', { name: 'bookshop-notice', message: ctx.values.notice });
  },
});
`,
  'environments/staging/bookshop.yaml': 'namespace: bookshop-staging\nnotice: Reading room closed on Sunday\n',
};

let ws: { root: string; cleanup: () => void };
const run = (cmd: string, args: string[]) => commandOutput(cmd, args, { cwd: ws.root, env: nxEnv });

beforeAll(() => {
  ws = gitWorktree('extend');
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(ws.root, path)), { recursive: true });
    writeFileSync(join(ws.root, path), text);
  };
  write(CONSTRUCT_FILE, CONSTRUCT);
  appendFileSync(join(ws.root, 'libs/platform/src/index.ts'), "export * from './constructs/maintenance-notice';\n");
  for (const [path, text] of Object.entries(SYSTEM_FILES)) write(path, text);
  // the fleet owner's line: which cluster runs the system
  const env = join(ws.root, 'environments/staging/environment.yaml');
  const cluster = (parse(readFileSync(env, 'utf8')) as { clusters: { name: string }[] }).clusters[0].name;
  appendFileSync(env, `  bookshop: { clusters: [${cluster}] }\n`);
}, 120_000);
afterAll(() => ws?.cleanup());

describe('a new construct and a new system', () => {
  it('type-check with the rest of the workspace', async () => {
    await run(join(ws.root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  });

  it('get their Nx project and targets inferred, with no project.json', async () => {
    expect(existsSync(join(ws.root, 'libs/bookshop/bookshop-shared/project.json'))).toBe(false);
    const project = JSON.parse(await run(join(ws.root, 'node_modules/.bin/nx'), ['show', 'project', 'bookshop-shared', '--json']));
    expect(Object.keys(project.targets)).toEqual(expect.arrayContaining(['synth', 'validate', 'test']));
    expect(project.targets.synth.outputs).toEqual(['{workspaceRoot}/dist/staging/bookshop/bookshop-shared']);
    expect(project.tags).toEqual(expect.arrayContaining(['type:service', 'scope:bookshop']));
  });

  it('render, get their Argo CD Applications, validate, and change nothing else', async () => {
    await run(process.execPath, ['tools/nx-synth/nx.mjs', 'run-many', '-t', 'synth']);
    const notice = parse(readFileSync(join(ws.root, 'dist/staging/bookshop/bookshop-shared/ConfigMap.bookshop-notice.yaml'), 'utf8'));
    expect(notice).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'bookshop-notice', namespace: 'bookshop-staging' }, data: { message: 'Reading room closed on Sunday' } });
    await run(process.execPath, ['--import', 'tsx', 'libs/policy/src/cli/validate.ts', '--all']);
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ws.root, encoding: 'utf8' })
      .split('\n').filter(Boolean).map((l) => l.slice(3));
    const argocd = changed.filter((p) => p.startsWith('argocd/'));
    expect(argocd.length, 'the generator covers the new system').toBeGreaterThan(0);
    for (const p of argocd) expect(readFileSync(join(ws.root, p), 'utf8')).toContain('bookshop');
    expect(changed.filter((p) => !p.startsWith('argocd/') && !p.startsWith('dist/staging/bookshop/')).sort()).toEqual([
      'environments/staging/bookshop.yaml',
      'environments/staging/environment.yaml',
      'libs/bookshop/bookshop-shared/src/index.ts',
      'libs/bookshop/system/src/index.ts',
      CONSTRUCT_FILE,
      'libs/platform/src/index.ts',
    ].sort());
  });
});
