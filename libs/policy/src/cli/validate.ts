#!/usr/bin/env tsx
/**
 * `validate`: Nx runs it per project (`nx affected -t validate`); `--all` checks dist/ and argocd/.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { formatValidateResult, projectTargets, validate } from '../validate';

const program = new Command('validate')
  .description('Validate rendered manifests strictly (kubeconform-compatible) and check the policy rules.')
  .argument('[projects...]', 'project folders, e.g. libs/kiteclass/kiteclass-core (their synth outputs are checked)')
  .option('--all', 'check all of dist/ and argocd/')
  .option('--root <dir>', 'workspace root', process.cwd())
  .option('--on <date>', 'judge add-on and Kubernetes support windows on this day (YYYY-MM-DD) instead of today (UTC)')
  .option('--kubernetes-version <minor>', "validate dist/ at this Kubernetes minor (e.g. 1.33) instead of each folder's clusters' versions: what breaks on upgrading to it")
  .action(async (projects: string[], o: { all?: boolean; root: string; kubernetesVersion?: string; on?: string }) => {
    if (!o.all && projects.length === 0) program.error('name the projects to validate, or pass --all');
    // --all: dist/ must exist (argocd/ is checked when present); an absent dist/ is nothing to validate, not a pass.
    if (o.all && !existsSync(join(o.root, 'dist'))) throw new Error('nothing to validate: dist/ does not exist (run npm run synth first)');
    const targets = o.all
      ? ['dist', 'argocd'].filter((d) => existsSync(join(o.root, d)))
      : projects.flatMap((p) => projectTargets(o.root, p));
    const result = await validate(o.root, targets, undefined, { kubernetesVersion: o.kubernetesVersion, on: o.on });
    const text = formatValidateResult(result, o.root);
    const failed = result.schemaFailures.length > 0 || result.policy.violations.length > 0;
    (failed ? console.error : console.log)(text);
    process.exitCode = failed ? 1 : 0;
  });

program.parseAsync().catch((e: Error) => {
  console.error(`validate failed: ${e.message}`);
  process.exit(1);
});
