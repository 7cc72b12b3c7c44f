/**
 * What every command line of the workspace shares: a `run(options, output)` that tests call in
 * process, and a thin entry that parses flags and calls it (kubeconform's cmd/kubeconform/main.go
 * -> realMain; argocd-autopilot's `RunX(ctx, opts) error`).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where a command writes: the process's streams for the CLI, a buffer in tests. */
export interface CommandOutput {
  /** One line of the command's report (stdout). */
  log(line: string): void;
  /** One line of problems (stderr). */
  error(line: string): void;
  /** Text as is, without an added newline (stdout). */
  write(text: string): void;
}

/** The process's own streams. */
export const PROCESS_OUTPUT: CommandOutput = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
  write: (text) => void process.stdout.write(text),
};

/** An output that keeps what a command wrote, for tests that run it in process. */
export function bufferedOutput(): CommandOutput & { readonly stdout: () => string; readonly stderr: () => string } {
  let out = '';
  let err = '';
  return {
    log: (line) => void (out += `${line}\n`),
    error: (line) => void (err += `${line}\n`),
    write: (text) => void (out += text),
    stdout: () => out,
    stderr: () => err,
  };
}

/** True when the module at `moduleUrl` is the script this process was started with (not imported by a test). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  // a module bundled into CommonJS (tools/nx-synth/renderer.mjs) has no import.meta.url: never the entry point
  if (!script || !moduleUrl) return false;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const self = real(fileURLToPath(moduleUrl));
  return real(script) === self || real(`${script}.ts`) === self;
}
