/**
 * Progress of long runs (`[3/8] rendering kiteclass-core`), on stderr so stdout stays the
 * result: shown when stderr is a terminal, quiet in CI unless asked for with `--verbose`.
 */
export interface Progress {
  step(i: number, total: number, what: string): void;
}

export function progress(opts: { verbose?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const on = Boolean(opts.verbose) || stream.isTTY === true;
  return {
    step(i, total, what) {
      if (on) stream.write(`[${i}/${total}] ${what}\n`);
    },
  };
}
