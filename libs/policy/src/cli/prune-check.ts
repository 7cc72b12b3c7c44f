#!/usr/bin/env tsx
/**
 * `prune-check --base <ref>`: compares dist/ of the working tree with dist/ at the base
 * (e.g. the PR's target branch) and fails on risky deletions unless they are marked intended:
 * by a commit trailer `Allow-Prune: <reason>` on a commit since the base, or `--allow-prune <reason>`.
 */
import { execFileSync } from 'node:child_process';
import { Command } from 'commander';
import { glob } from 'tinyglobby';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_ENVIRONMENT_LOSS, parseYaml } from '@gitops/platform';
import { isEntryPoint, PROCESS_OUTPUT, type CommandOutput } from '@gitops/platform/cli';
import { comparePrune, type DistObject, type DistObjectContent } from '../prune-safety';

/** The object of a rendered file (read as kubectl reads YAML; Argo CD identifies it by its group, kind, namespace and name); none when unreadable. */
function objectOf(text: string, file: string): DistObjectContent | undefined {
  const doc = parseYaml(text, file, { multi: true, goYaml: true }).documents[0]?.value;
  return doc && typeof doc === 'object' ? (doc as DistObjectContent) : undefined;
}

/** Every file of `ref`'s dist/ with its object, read in one `git cat-file --batch`. */
function baseObjects(root: string, ref: string, files: readonly string[]): DistObject[] {
  if (files.length === 0) return [];
  const out = execFileSync('git', ['cat-file', '--batch'], { cwd: root, input: files.map((f) => `${ref}:${f}`).join('\n') + '\n', maxBuffer: 256 * 1024 * 1024 });
  const objects: DistObject[] = [];
  let at = 0;
  for (const file of files) {
    const headerEnd = out.indexOf(10, at);
    const [, type, size] = out.subarray(at, headerEnd).toString('utf8').split(' ');
    if (type !== 'blob') throw new Error(`prune-check: ${ref}:${file} is not a file in git`);
    const text = out.subarray(headerEnd + 1, headerEnd + 1 + Number(size)).toString('utf8');
    objects.push({ file, object: objectOf(text, file) });
    at = headerEnd + 1 + Number(size) + 1;
  }
  return objects;
}

export interface PruneCheckOptions {
  /** git ref to compare with (the PR base). */
  base: string;
  /** Largest share of an environment a change may remove, as given on the command line. @default '0.2' */
  maxLoss: string;
  /** The deletions are intended, with this reason. @default - a commit trailer Allow-Prune, else none */
  allowPrune?: string;
  root: string;
}

const program = new Command('prune-check')
  .description('Stop changes that delete much of an environment, remove or empty a synced dist/ folder, rename objects in production, or delete what holds data (a move to another namespace or API group deletes too).')
  .requiredOption('--base <ref>', 'git ref to compare with (the PR base, e.g. origin/main)')
  .option('--max-loss <share>', 'largest share of an environment a change may remove', String(MAX_ENVIRONMENT_LOSS))
  .option('--allow-prune <reason>', 'the deletions are intended (prefer the commit trailer Allow-Prune: <reason>)')
  .option('--root <dir>', 'workspace root', process.cwd())
  .action(async (o: PruneCheckOptions) => {
    process.exitCode = await runPruneCheck(o);
  });

/** Compares dist/ with the base; returns 1 on risky deletions not marked intended, else 0. */
export async function runPruneCheck(o: PruneCheckOptions, out: CommandOutput = PROCESS_OUTPUT): Promise<number> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: o.root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const baseFiles = git('ls-tree', '-r', '--name-only', o.base, '--', 'dist').split('\n').filter(Boolean);
  const headFiles = (await glob(['dist/**/*.{yaml,yml,json}'], { cwd: o.root })).sort();
  // an object's group and namespace are part of what Argo CD prunes by, so each file is read
  const base = baseObjects(o.root, o.base, baseFiles.filter((f) => /\.(ya?ml|json)$/.test(f)));
  const head = headFiles.map((file) => ({ file, object: objectOf(readFileSync(join(o.root, file), 'utf8'), file) }));
  const { findings, changes } = comparePrune(base, head, { maxLossShare: Number(o.maxLoss) });

  out.log(`dist/ compared with ${o.base}:`);
  for (const c of changes) out.log(`  ${c.env}: ${c.before} -> ${c.after} objects (+${c.added} -${c.removed})`);
  if (findings.length === 0) {
    out.log('prune-check: no risky deletions');
    return 0;
  }
  const trailers = git('log', '--format=%(trailers:key=Allow-Prune,valueonly)', `${o.base}..HEAD`).split('\n').map((l) => l.trim()).filter(Boolean);
  const reason = o.allowPrune ?? trailers[0];
  for (const f of findings) out.error(`${reason ? 'allowed' : 'BLOCKED'} ${f.where}: ${f.message}`);
  if (reason) {
    out.log(`prune-check: ${findings.length} risky change(s) marked intended: ${reason}`);
    return 0;
  }
  out.error('prune-check: if this is intended, add the trailer "Allow-Prune: <reason>" to a commit of the PR (or pass --allow-prune "<reason>")');
  return 1;
}

if (isEntryPoint(import.meta.url)) {
  program.parseAsync().catch((e: Error) => {
    console.error(`prune-check failed: ${e.message}`);
    process.exit(1);
  });
}
