/**
 * What a render is made from, as sha256 digests, so that a transaction left by a killed render is
 * only ever finished while its inputs are still the current ones (writer.ts).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { globSync } from 'tinyglobby';
import type { InputFingerprint } from './writer';
// the code: libraries' sources and project files, the executor, the locked dependencies
import CODE_INPUTS from './code-inputs.json';

/** The input name that stands for the code (every non-test source file the renderer may load). */
export const CODE_INPUT = 'code';


function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function fileDigest(path: string): string {
  try {
    return sha256(readFileSync(path));
  } catch {
    return 'missing';
  }
}

/** One digest over every code file (path and content). */
function codeDigest(root: string): string {
  const files = globSync(CODE_INPUTS.globs, { cwd: root, ignore: CODE_INPUTS.ignore, followSymbolicLinks: true }).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f}\0${fileDigest(join(root, f))}\n`);
  return hash.digest('hex');
}

/** The fingerprint of a render that read `files` (absolute or root-relative) with the current code. */
export function inputFingerprint(root: string, files: Iterable<string>): InputFingerprint {
  const out: Record<string, string> = {};
  for (const f of [...new Set([...files].map((f) => (isAbsolute(f) ? relative(root, f) : f)))].sort()) out[f] = fileDigest(join(root, f));
  out[CODE_INPUT] = codeDigest(root);
  return out;
}

/** The recorded inputs that differ from the files (and code) of `root` now. */
export function staleInputs(root: string, recorded: InputFingerprint): string[] {
  return Object.entries(recorded)
    .filter(([name, digest]) => (name === CODE_INPUT ? codeDigest(root) : fileDigest(join(root, name))) !== digest)
    .map(([name]) => name);
}
