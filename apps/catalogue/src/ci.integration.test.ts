import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WORKSPACE_ROOT } from '@gitops/platform/testing';

/**
 * The shell GitHub Actions runs a step's `run` with, from its workflow syntax docs
 * (jobs.<job_id>.steps[*].shell): unspecified on Linux is `bash -e {0}`; `shell: bash` is
 * `bash --noprofile --norc -eo pipefail {0}`; a custom shell is used as given.
 */
function actionsShell(shell: string | undefined): string[] {
  if (shell === undefined) return ['bash', '-e', '-c'];
  if (shell === 'bash') return ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c'];
  if (shell === 'sh') return ['sh', '-e', '-c'];
  throw new Error(`shell ${shell}: not modelled by this test`);
}

interface Step { name?: string; run?: string; shell?: string }
const workflow = parse(readFileSync(join(WORKSPACE_ROOT, '.github/workflows/ci.yml'), 'utf8'));
const steps: { step: Step; shell: string | undefined }[] = Object.values<any>(workflow.jobs).flatMap((job) =>
  (job.steps as Step[]).map((step) => ({ step, shell: step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell })),
);

describe('CI', () => {
  it('fails a step whose checking command fails, even when its output is piped (to tee, to the job summary)', () => {
    const piped = steps.filter(({ step }) => /[^|]\|[^|]/.test(step.run ?? ''));
    expect(piped.map(({ step }) => step.name)).toContain('Prune safety (Allow-Prune trailer to mark intended deletions)');
    for (const { step, shell } of piped) {
      // the step's own command line with its first command replaced by one that fails
      const line = step.run!.split('\n').find((l) => /[^|]\|[^|]/.test(l))!;
      const failing = `false ${line.slice(line.indexOf('|'))}`.replace(/"\$GITHUB_STEP_SUMMARY"/g, '/dev/null');
      const [cmd, ...args] = actionsShell(shell);
      const result = spawnSync(cmd, [...args, failing], { encoding: 'utf8' });
      expect({ step: step.name, status: result.status }).not.toEqual({ step: step.name, status: 0 });
    }
  });

  it('.ci/run runs the prune check, the test command the README gives, validation, the drift check and the workflow check', () => {
    const script = readFileSync(join(WORKSPACE_ROOT, '.ci/run'), 'utf8');
    const readme = readFileSync(join(WORKSPACE_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm test ');
    expect(script).toMatch(/^set -euo pipefail$/m);
    expect(script).toMatch(/^npm ci\b/m);
    expect(script).toMatch(/^npm test\b/m);
    expect(script).toMatch(/^npm run -s validate$/m);
    expect(script).toMatch(/^\s*npm run -s prune-check -- --base /m);
    expect(script).toMatch(/git status --porcelain -- dist argocd/);
    expect(script).toMatch(/^npm run -s test:workflows$/m);
    expect(execFileSync('bash', ['-n', join(WORKSPACE_ROOT, '.ci/run')], { encoding: 'utf8' })).toBe('');
  });
});
