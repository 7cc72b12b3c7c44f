/**
 * What `readDist` found in each file of dist/, keyed by the file's bytes, kept between runs.
 *
 * Why: the affected render through Nx generates argocd/ from the whole of dist/ on disk (its other
 * folders were rendered by earlier runs), and parsing every file again cost more than rendering:
 * 14 s for the 18,000 files of a 1,000-service catalogue. Hashing them costs a fraction of that.
 *
 * Exact by construction, so it can never be stale: an entry is used only for the very bytes it was
 * made from (SHA-256 of the file), and only by the code that made it (`code`: for the bundled
 * renderer, tools/nx-synth/renderer.mjs, the SHA-256 of the code that decides what a file of dist/
 * holds, bundled on its own when the renderer is built: the platform's render path and writer, and
 * readDist and distLeavesOf; a memo written by other code is discarded whole). The services are not
 * part of that code: a change to one leaves the memo, so the affected render of that service does
 * not parse all of dist/ again (at 1,000 services it did: 14.8 s, more than the whole render).
 * Entries come from parsing a file, or from a render that wrote those bytes (the objects it
 * serialised into them: what `distLeavesOf` gives for `npm run synth`, and a test checks that
 * `readDist` reads the same back). A file with problems is never remembered: it is parsed, and
 * reported, every time. The memo is only a speed-up: one that cannot be read is empty, and one that
 * cannot be saved is said in one line.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the bundled renderer keeps it, relative to the workspace root (git-ignored). */
export const DIST_MEMO_FILE = 'tmp/argocd/dist-read.json';

interface MemoFile<T> {
  readonly code: string;
  readonly entries: Record<string, readonly T[]>;
}

/** `T`: what is kept of each object of a file (tree.ts FileObject), as JSON. */
export class DistMemo<T> {
  /** The entries of this run: those of the files read or written now. */
  private readonly current = new Map<string, readonly T[]>();
  /** Whether this run found bytes the stored memo did not know. */
  private grew = false;
  /** Files looked up and found, and not found (parsed), in this run. */
  readonly lookups = { found: 0, missing: 0 };

  private constructor(
    private readonly file: string,
    private readonly code: string,
    private readonly stored: ReadonlyMap<string, readonly T[]>,
  ) {}

  /** The memo at `file` if `code` wrote it, else an empty one. */
  static open<T>(file: string, code: string): DistMemo<T> {
    let stored = new Map<string, readonly T[]>();
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as MemoFile<T>;
      if (saved.code === code && saved.entries && typeof saved.entries === 'object') stored = new Map(Object.entries(saved.entries));
    } catch {
      // none yet, or unreadable: every file is parsed
    }
    return new DistMemo(file, code, stored);
  }

  /** The key of a file's bytes. */
  static digest(bytes: Uint8Array | string): string {
    return createHash('sha256').update(bytes).digest('base64url');
  }

  get(digest: string): readonly T[] | undefined {
    const known = this.current.get(digest) ?? this.stored.get(digest);
    if (known) this.current.set(digest, known);
    this.lookups[known ? 'found' : 'missing']++;
    return known;
  }

  set(digest: string, objects: readonly T[]): void {
    if (!this.stored.has(digest)) this.grew = true;
    this.current.set(digest, objects);
  }

  /**
   * Writes this run's entries (a file no longer in dist/ drops out), to a temporary file renamed
   * over the memo so no reader sees half of one. Returns why it could not, instead of failing a
   * render that succeeded.
   */
  save(): string | undefined {
    // the same entries as stored (none new, and as many): nothing to write
    if (!this.grew && this.current.size === this.stored.size) return undefined;
    const text = JSON.stringify({ code: this.code, entries: Object.fromEntries(this.current) } satisfies MemoFile<T>);
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(temporary, text);
      renameSync(temporary, this.file);
      return undefined;
    } catch (e) {
      return `argocd: the memo of dist/ (${this.file}) was not saved, the next run parses dist/ again: ${(e as Error).message}`;
    }
  }
}
