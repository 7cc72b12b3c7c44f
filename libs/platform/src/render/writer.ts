/**
 * Writes rendered leaf folders into the output folder (and removes pruned ones) so that a failed
 * or killed render never leaves a half-written folder for Argo CD to sync:
 *
 * 1. every file is written into a transaction folder beside the output (`.<out>.synth-<pid>-*`,
 *    beside the output's real path so the swap is a rename on one file system, and outside the
 *    output so nothing syncs it);
 * 2. a `commit.json` naming the leaves to write and delete, and the inputs the render was made
 *    from (a sha256 per input), is written last, atomically (the commit point);
 * 3. each leaf is swapped in with two renames (old out to `old/`, new in), each pruned leaf is
 *    renamed out to `old/`; then the transaction folder is removed. For dist/ (`serviceFolders`)
 *    the unit of a swap is the service folder `<env>/<system>/<service>` (layout.ts
 *    `serviceFolderOf`), not the leaf, so a service that changes layout (one folder for all
 *    clusters, or one per cluster) changes in one swap: no stale flat files beside new
 *    per-cluster folders, no moment with neither; and a folder is replaced only when everything
 *    in it was written by the renderer (prune.ts): anything else stops the write, output
 *    unchanged, rather than being lost.
 *
 * Every step of 3 can be undone exactly (rename back), and its state is readable from the folders
 * alone (see `rollForward` / `rollBack`), so:
 * - a swap that fails (EACCES, EXDEV, ENOTEMPTY, ...) is rolled back and the error says
 *   "unchanged"; if even the rollback fails, the error lists the leaves that were swapped;
 * - a render killed before 2 leaves the output untouched and the next render deletes its folder;
 * - a render killed during 3 is finished by the next render only if its inputs are still the
 *   current ones; otherwise it is rolled back (discarded), so a stale render is never replayed.
 */
import { closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import { serviceFolderOf } from '../layout/layout';
import { foreignInServiceFolder, isRenderedServiceFolder } from './prune';

export interface LeafFiles {
  /** `<env>/<system>/<service>` or `<env>/<system>/<service>/<cluster>`, relative to the output folder. */
  readonly path: string;
  /** File name to content. */
  readonly files: ReadonlyMap<string, string>;
}

/** What a render was made from: input name (a workspace-relative file, or `code`) to its sha256. */
export type InputFingerprint = Readonly<Record<string, string>>;

const COMMIT = 'commit.json';

const TransactionRecord = z.strictObject({
  version: z.literal(2),
  leaves: z.array(z.string()),
  deletes: z.array(z.string()),
  inputs: z.record(z.string(), z.string()).optional(),
  /** The leaves are dist/ service folders (`WriteOptions.serviceFolders`): checked again before each swap. */
  serviceFolders: z.literal(true).optional(),
});
type TransactionRecord = z.infer<typeof TransactionRecord>;
/** What renders before input fingerprints wrote: only the leaves (recovered by rolling back: its inputs are unknown). */
const LegacyTransactionRecord = z.strictObject({ leaves: z.array(z.string()) });

/** A write that failed; `unchanged` says whether the output is exactly as it was before. */
export class WriteError extends Error {
  override name = 'WriteError';
  constructor(message: string, readonly unchanged: boolean) {
    super(message);
  }
}

export interface WriteOptions {
  /**
   * Test hook for the killed-render test: after staging every file, before the commit point,
   * print `staged` on stderr and wait to be killed. Never set outside tests.
   */
  readonly holdBeforeCommit?: boolean;
  /** Folders to remove in the same transaction (a prune): service folders with `serviceFolders`. @default none */
  readonly deletes?: readonly string[];
  /**
   * The leaves are dist/ leaves `<env>/<system>/<service>[/<cluster>]` (render.ts): swap whole
   * service folders, and refuse to replace one that holds anything the renderer did not write.
   * @default false - each leaf path is swapped as given (the Argo CD generator's folders)
   */
  readonly serviceFolders?: boolean;
  /** What this render was made from, recorded in `commit.json`. @default - unknown (never rolled forward) */
  readonly inputs?: InputFingerprint;
  /**
   * For transactions left by a dead render: the names of their recorded inputs that differ from
   * the current ones (empty: still current, so the transaction is finished). @default - every
   * transaction counts as stale and is rolled back
   */
  readonly staleInputs?: (recorded: InputFingerprint) => string[];
  /** Where recovery notes go ("discarded ...", "finished ..."). @default - stderr */
  readonly onNote?: (line: string) => void;
  /**
   * Called once the commit point is written: from then on the render is finished (by this process,
   * or by the next render if this one dies), never undone (see `allOrNothing`). @default - nothing
   */
  readonly onCommit?: () => void;
}

export interface WriteResult {
  /** Service folders written (each replaced whole). */
  readonly written: readonly string[];
  /** Leaves deleted. */
  readonly deleted: readonly string[];
}

// --- fault injection (tests only) ---------------------------------------------------------------

let stepCount = 0;
/**
 * Counts every file system change of the writer; with `SYNTH_TEST_KILL_AT_STEP=<n>` the process
 * SIGKILLs itself just before change n (the fault-injection test loops n over every step).
 */
function step(): void {
  stepCount += 1;
  const killAt = Number(process.env.SYNTH_TEST_KILL_AT_STEP ?? 0);
  if (killAt > 0 && stepCount === killAt) process.kill(process.pid, 'SIGKILL');
}

// --- paths --------------------------------------------------------------------------------------

/** The output folder's real path (a symlinked dist/ is staged beside its target: same file system). */
function realOut(outDir: string): string {
  try {
    return realpathSync(outDir);
  } catch {
    return outDir;
  }
}

/** Transaction folders of `outDir` are its siblings named `.<outDir name>.synth-<pid>-<random>`. */
function txnPrefix(outDir: string): string {
  return `.${basename(outDir)}.synth-`;
}

function checkLeafPath(path: string, serviceFolders: boolean): void {
  const parts = path.split(/[\\/]/);
  if (path === '' || parts.some((p) => p === '' || p === '.' || p === '..')) throw new WriteError(`${path}: not a folder path inside the output folder`, true);
  if (serviceFolders && !serviceFolderOf(path)) throw new WriteError(`${path}: not a rendered folder (<env>/<system>/<service>[/<cluster>])`, true);
}

/**
 * The folders the leaves fill, each swapped whole: with `serviceFolders` their service folders,
 * refusing a service rendered both as one folder and per cluster; a leaf given twice is refused.
 */
function swapFolders(leaves: readonly LeafFiles[], serviceFolders: boolean): string[] {
  const byFolder = new Map<string, string[]>();
  for (const leaf of leaves) {
    const folder = serviceFolders ? serviceFolderOf(leaf.path)! : leaf.path;
    const paths = byFolder.get(folder) ?? [];
    if (paths.includes(leaf.path)) throw new WriteError(`${leaf.path}: given twice`, true);
    paths.push(leaf.path);
    byFolder.set(folder, paths);
  }
  for (const [folder, paths] of byFolder) {
    if (paths.length > 1 && paths.includes(folder)) throw new WriteError(`${folder}: both one folder for all clusters and per-cluster folders (${paths.join(', ')})`, true);
  }
  return [...byFolder.keys()];
}

/** One line per thing in the service folders that the renderer did not write (the swap would lose it). */
function foreignLines(out: string, folders: readonly string[]): string[] {
  return folders.flatMap((folder) => foreignInServiceFolder(out, folder).map((p) => `${p}: not written by the renderer, and the render replaces ${folder} as a whole; move it out of the output folder`));
}

// --- the transaction ----------------------------------------------------------------------------

/** Replaces each leaf folder under `outDir` with exactly the given files, and removes `opts.deletes`. */
export async function writeLeaves(outDir: string, leaves: readonly LeafFiles[], opts: WriteOptions = {}): Promise<WriteResult> {
  const txn = await stageTransaction(outDir, leaves, opts);
  return finishTransaction(outDir, txn);
}

/**
 * Steps 1 and 2: recovers dead transactions, stages every file and writes the commit point;
 * returns the transaction folder. Until `finishTransaction`, `outDir` is untouched.
 */
export async function stageTransaction(outDir: string, leaves: readonly LeafFiles[], opts: WriteOptions = {}): Promise<string> {
  const deletes = opts.deletes ?? [];
  const service = opts.serviceFolders ?? false;
  for (const p of [...leaves.map((l) => l.path), ...deletes]) checkLeafPath(p, service);
  for (const leaf of leaves) {
    for (const name of leaf.files.keys()) {
      // a file name is one path segment: never a way out of its leaf folder
      if (name === '' || name === '.' || name === '..' || /[\\/\0]/.test(name)) throw new WriteError(`${leaf.path}: ${JSON.stringify(name)} is not a file name`, true);
    }
  }
  const folders = swapFolders(leaves, service);
  const overlap = deletes.filter((d) => folders.includes(d));
  if (overlap.length > 0) throw new WriteError(`${overlap.join(', ')}: both written and deleted`, true);
  if (!existsSync(outDir)) {
    step();
    mkdirSync(outDir, { recursive: true });
  }
  const out = realOut(outDir);
  recoverTransactions(outDir, opts);
  // nothing the renderer did not write is ever swapped out (and deleted with the transaction)
  const foreign = service ? foreignLines(out, folders) : [];
  if (foreign.length > 0) throw new WriteError(foreign.join('\n'), true);
  step();
  const txn = mkdtempSync(join(dirname(out), `${txnPrefix(out)}${process.pid}-`));
  try {
    for (const leaf of leaves) {
      const dir = join(txn, 'new', leaf.path);
      step();
      mkdirSync(dir, { recursive: true });
      for (const [name, content] of leaf.files) {
        step();
        writeFileSync(join(dir, name), content);
      }
    }
    if (opts.holdBeforeCommit) {
      process.stderr.write('staged\n');
      await new Promise(() => setInterval(() => undefined, 1000));
    }
    const record: TransactionRecord = { version: 2, leaves: folders, deletes: [...deletes], inputs: opts.inputs, ...(service ? { serviceFolders: true } : {}) };
    writeDurably(join(txn, COMMIT), JSON.stringify(record));
  } catch (e) {
    rmSync(txn, { recursive: true, force: true });
    throw e;
  }
  opts.onCommit?.();
  return txn;
}

/**
 * Finishes (when their inputs are still current) or rolls back transactions left by renders that
 * died; transactions of live processes are left alone.
 */
export function recoverTransactions(outDir: string, opts: Pick<WriteOptions, 'staleInputs' | 'onNote'> = {}): void {
  const out = realOut(outDir);
  const parent = dirname(out);
  if (!existsSync(parent)) return;
  const prefix = txnPrefix(out);
  const note = opts.onNote ?? ((line: string) => process.stderr.write(`${line}\n`));
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (pid !== process.pid && isAlive(pid)) continue;
    const txn = join(parent, entry);
    if (!existsSync(join(txn, COMMIT))) {
      // died before its commit point: the output was never touched
      step();
      rmSync(txn, { recursive: true, force: true });
      continue;
    }
    const record = readRecord(txn, out);
    const stale = record.inputs ? (opts.staleInputs?.(record.inputs) ?? ['(no way to check them)']) : ['(not recorded)'];
    if (stale.length === 0) {
      finishTransaction(outDir, txn);
      note(`synth: finished ${relative(process.cwd(), txn) || txn}, which a killed render left half-applied (its inputs are still the current ones)`);
    } else {
      const undone = rollBackOrExplain(out, txn, record, `discarding ${txn} left by a killed render`);
      step();
      rmSync(txn, { recursive: true, force: true });
      note(`synth: discarded ${relative(process.cwd(), txn) || txn}, left by a killed render whose inputs changed since (${stale.join(', ')}); rolled back ${undone.length} folder(s)${undone.length ? `: ${undone.join(', ')}` : ''}`);
    }
  }
}

/**
 * Step 3: swaps each staged leaf in and each pruned leaf out, then removes the transaction. On
 * any error the swap is rolled back ("unchanged"); safe to run again after a crash.
 */
export function finishTransaction(outDir: string, txn: string): WriteResult {
  const out = realOut(outDir);
  const record = readRecord(txn, out);
  let deleted: string[];
  try {
    checkSameFileSystem(out, txn, [...record.leaves, ...record.deletes]);
    deleted = rollForward(out, txn, record);
  } catch (e) {
    const reason = e instanceof WriteError ? e.message : describe(e);
    const undone = rollBackOrExplain(out, txn, record, `swapping ${txn} into ${out} failed (${reason})`);
    step();
    rmSync(txn, { recursive: true, force: true });
    if (e instanceof WriteError && undone.length === 0) throw e; // refused before any change
    throw new WriteError(`swapping the render into ${out} failed (${reason}); rolled back the ${undone.length} folder(s) already swapped (${undone.join(', ') || 'none'}), so it is unchanged`, true);
  }
  step();
  rmSync(txn, { recursive: true, force: true });
  return { written: record.leaves, deleted };
}

/** Applies the record; each leaf's progress is read from the folders, so it resumes after a crash. */
function rollForward(out: string, txn: string, record: TransactionRecord): string[] {
  for (const leaf of record.leaves) {
    const staged = join(txn, 'new', leaf);
    if (!existsSync(staged)) continue; // swapped in before a crash
    const target = join(out, leaf);
    const old = join(txn, 'old', leaf);
    if (exists(target)) {
      if (exists(old)) throw new Error(`${target} and ${old} both exist; the transaction is inconsistent`);
      // checked again: something may have been put there since the transaction was staged
      const foreign = record.serviceFolders ? foreignLines(out, [leaf]) : [];
      if (foreign.length > 0) throw new WriteError(foreign.join('; '), true);
      step();
      mkdirSync(dirname(old), { recursive: true });
      step();
      renameSync(target, old);
    }
    step();
    mkdirSync(dirname(target), { recursive: true });
    step();
    renameSync(staged, target);
  }
  const deleted: string[] = [];
  for (const leaf of record.deletes) {
    const target = join(out, leaf);
    const old = join(txn, 'old', leaf);
    if (exists(old)) {
      deleted.push(leaf); // removed before a crash
      continue;
    }
    // only what the renderer provably wrote (checked again: the tree may have changed since the plan)
    if (!exists(target) || !isRenderedServiceFolder(out, leaf).ok) continue;
    step();
    mkdirSync(dirname(old), { recursive: true });
    step();
    renameSync(target, old);
    deleted.push(leaf);
    removeEmptyParents(out, leaf);
  }
  return deleted;
}

/**
 * Undoes whatever part of the record was applied, leaf by leaf in reverse (each undo is the
 * reverse rename, so a rollback that dies can be resumed, or rolled forward, from the folders).
 * Returns the leaves that were restored.
 */
function rollBack(out: string, txn: string, record: TransactionRecord): string[] {
  const undone: string[] = [];
  for (const leaf of [...record.deletes].reverse()) {
    const old = join(txn, 'old', leaf);
    if (!exists(old)) continue;
    const target = join(out, leaf);
    step();
    mkdirSync(dirname(target), { recursive: true });
    step();
    renameSync(old, target);
    undone.push(leaf);
  }
  for (const leaf of [...record.leaves].reverse()) {
    const staged = join(txn, 'new', leaf);
    const old = join(txn, 'old', leaf);
    const target = join(out, leaf);
    let touched = false;
    if (!existsSync(staged) && exists(target)) {
      // the new folder is in place: move it back where it was staged
      step();
      mkdirSync(dirname(staged), { recursive: true });
      step();
      renameSync(target, staged);
      touched = true;
    }
    if (exists(old)) {
      step();
      mkdirSync(dirname(target), { recursive: true });
      step();
      renameSync(old, target);
      touched = true;
    } else if (touched) {
      removeEmptyParents(out, leaf);
    }
    if (touched) undone.push(leaf);
  }
  return undone.reverse();
}

/** Rolls back; if that fails too, says exactly which leaves are in which state and what to do. */
function rollBackOrExplain(out: string, txn: string, record: TransactionRecord, what: string): string[] {
  try {
    return rollBack(out, txn, record);
  } catch (e) {
    const swapped = record.leaves.filter((l) => !existsSync(join(txn, 'new', l)));
    const moved = [...record.leaves, ...record.deletes].filter((l) => exists(join(txn, 'old', l)));
    throw new WriteError(
      `${what}, and rolling it back failed too (${describe(e)}); ${out} is partly changed: new folders swapped in: ${swapped.join(', ') || 'none'}; ` +
        `old folders kept in ${join(txn, 'old')}: ${moved.join(', ') || 'none'}. Fix the cause, then run the render again: it rolls ${txn} back or finishes it`,
      false,
    );
  }
}

/** A rename across file systems is a copy, not atomic (EXDEV): refuse before touching anything. */
function checkSameFileSystem(out: string, txn: string, leaves: readonly string[]): void {
  const dev = statSync(txn).dev;
  const problems = new Set<string>();
  for (const leaf of leaves) {
    let p = join(out, leaf);
    while (!existsSync(p) && p.startsWith(out + sep)) p = dirname(p);
    if (statSync(p).dev !== dev) problems.add(p);
  }
  if (problems.size > 0) {
    throw new WriteError(
      [...problems].map((p) => `${p}: on another file system than ${dirname(txn)}, so the render cannot be swapped in atomically (EXDEV); make it a plain folder (not a symlink or mount to another file system)`).join('\n'),
      true,
    );
  }
}

function readRecord(txn: string, out: string): TransactionRecord {
  const file = join(txn, COMMIT);
  try {
    const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const legacy = LegacyTransactionRecord.safeParse(json);
    if (legacy.success) return { version: 2, leaves: legacy.data.leaves, deletes: [] };
    return TransactionRecord.parse(json);
  } catch (e) {
    const reason = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') : describe(e);
    throw new WriteError(
      `${file}: not a valid transaction record (${reason}); a render died while applying it, so ${out} may be half-swapped: ` +
        `move any folders under ${join(txn, 'old')} back into ${out} (compare with git status), then delete ${txn}`,
      false,
    );
  }
}

/** Removes the now empty `<env>/<system>` and `<env>` folders of a leaf (never the output itself). */
function removeEmptyParents(out: string, leaf: string): void {
  for (let d = dirname(join(out, leaf)); d.startsWith(out + sep); d = dirname(d)) {
    try {
      if (readdirSync(d).length > 0) return;
      step();
      rmdirSync(d);
    } catch {
      return;
    }
  }
}

function writeDurably(path: string, content: string): void {
  const tmp = `${path}.tmp`;
  step();
  writeFileSync(tmp, content);
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  step();
  renameSync(tmp, path);
}

/** Exists without following a final symlink (a leaf is never followed out of the output). */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? e);
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
