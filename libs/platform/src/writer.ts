/**
 * Writes rendered leaf folders into the output folder so that a failed or killed render never
 * leaves a half-written folder for Argo CD to sync:
 *
 * 1. every file is written into a transaction folder beside the output (`.dist.synth-<pid>-*`,
 *    on the same file system so the swap is a rename, and outside dist/ so nothing syncs it);
 * 2. a `commit.json` naming the leaves is written last, atomically (the commit point);
 * 3. each leaf is swapped in with two renames (old out, new in).
 *
 * Killed before step 2, the output is untouched and the next run deletes the transaction.
 * Killed during step 3 (two renames per leaf: microseconds), the next run finds `commit.json`
 * and finishes the swap, so the output is always either all old or, once recovered, all new.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, fsyncSync, openSync, closeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface LeafFiles {
  /** `<env>/<system>/<service>`, relative to the output folder. */
  readonly path: string;
  /** File name to content. */
  readonly files: ReadonlyMap<string, string>;
}

const COMMIT = 'commit.json';

/** Transaction folders of `outDir` are its siblings named `.<outDir name>.synth-<pid>-<random>`. */
function txnPrefix(outDir: string): string {
  return `.${basename(outDir)}.synth-`;
}

export interface WriteOptions {
  /**
   * Test hook for the killed-render test: after staging every file, before the commit point,
   * print `staged` on stderr and wait to be killed. Never set outside tests.
   */
  readonly holdBeforeCommit?: boolean;
}

/** Replaces each leaf folder under `outDir` with exactly the given files. */
export async function writeLeaves(outDir: string, leaves: readonly LeafFiles[], opts: WriteOptions = {}): Promise<void> {
  const txn = await stageTransaction(outDir, leaves, opts);
  finishTransaction(outDir, txn);
}

/**
 * Steps 1 and 2: stages every file and writes the commit point; returns the transaction folder.
 * Until `finishTransaction`, `outDir` is untouched.
 */
export async function stageTransaction(outDir: string, leaves: readonly LeafFiles[], opts: WriteOptions = {}): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  recoverTransactions(outDir);
  const txn = mkdtempSync(join(dirname(outDir), `${txnPrefix(outDir)}${process.pid}-`));
  try {
    for (const leaf of leaves) {
      const dir = join(txn, 'new', leaf.path);
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of leaf.files) writeFileSync(join(dir, name), content);
    }
    if (opts.holdBeforeCommit) {
      process.stderr.write('staged\n');
      await new Promise(() => setInterval(() => undefined, 1000));
    }
    writeDurably(join(txn, COMMIT), JSON.stringify({ leaves: leaves.map((l) => l.path) }));
  } catch (e) {
    rmSync(txn, { recursive: true, force: true });
    throw e;
  }
  return txn;
}

/** Finishes or discards transactions left by renders that died; live ones are left alone. */
export function recoverTransactions(outDir: string): void {
  const parent = dirname(outDir);
  if (!existsSync(parent)) return;
  const prefix = txnPrefix(outDir);
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (pid !== process.pid && isAlive(pid)) continue;
    const txn = join(parent, entry);
    if (existsSync(join(txn, COMMIT))) finishTransaction(outDir, txn);
    else rmSync(txn, { recursive: true, force: true });
  }
}

/** Step 3: swaps each staged leaf in, then removes the transaction. Safe to run again after a crash. */
export function finishTransaction(outDir: string, txn: string): void {
  const { leaves } = JSON.parse(readFileSync(join(txn, COMMIT), 'utf8')) as { leaves: string[] };
  for (const leaf of leaves) {
    const staged = join(txn, 'new', leaf);
    if (!existsSync(staged)) continue; // already swapped in before a crash
    const target = join(outDir, leaf);
    const old = join(txn, 'old', leaf);
    if (existsSync(target)) {
      mkdirSync(dirname(old), { recursive: true });
      renameSync(target, old);
    }
    mkdirSync(dirname(target), { recursive: true });
    renameSync(staged, target);
  }
  rmSync(txn, { recursive: true, force: true });
}

function writeDurably(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, content);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, path);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
