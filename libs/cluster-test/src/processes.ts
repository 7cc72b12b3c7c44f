/**
 * The harness's child processes: each logs to its own file, and every one is stopped when the
 * harness ends, fails, or is interrupted (SIGINT, SIGTERM) - nothing is left running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface StartedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Set once the process has exited, with a line that names it and its log. */
  exited?: string;
}

/** A component that failed: one line naming it and its log file. */
export class ComponentError extends Error {
  constructor(readonly component: string, readonly logFile: string, reason: string) {
    super(`${component}: ${reason} (log: ${logFile})`);
  }
}

const running = new Set<StartedProcess>();
let handlersInstalled = false;

/** Stops every process still running (SIGTERM, then SIGKILL after `graceMs`). */
export async function stopAll(graceMs = 5000): Promise<void> {
  const alive = [...running].filter((p) => !p.exited);
  for (const p of alive) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive.some((p) => !p.exited) && Date.now() < deadline) await sleep(50);
  for (const p of alive.filter((p) => !p.exited)) signal(p, 'SIGKILL');
  running.clear();
}

/** The process group: components may start children of their own. */
function signal(p: StartedProcess, sig: NodeJS.Signals): void {
  try {
    if (p.child.pid) process.kill(-p.child.pid, sig);
  } catch {
    // already gone
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const killNow = () => {
    for (const p of running) signal(p, 'SIGKILL');
  };
  // a harness killed by a signal or ending through process.exit stops its children synchronously
  process.on('exit', killNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      process.stderr.write(`cluster-test: ${sig}: stopping every component\n`);
      killNow();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Starts `binary args`, its output appended to `logFile`. */
export function startProcess(name: string, binary: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env): StartedProcess {
  installHandlers();
  const fd = openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', fd, fd], detached: true, env });
  closeSync(fd);
  const started: StartedProcess = { name, logFile, child };
  running.add(started);
  child.on('error', (e) => (started.exited = `${name} did not start: ${e.message}`));
  child.on('exit', (code, sig) => {
    started.exited ??= `${name} exited (${sig ?? `code ${code}`})`;
    running.delete(started);
  });
  return started;
}

/** Waits until `ready()` holds; fails with the component's log line when it dies or the deadline passes. */
export async function waitFor(p: StartedProcess, ready: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.exited) throw new ComponentError(p.name, p.logFile, `${p.exited} before it was ${what}; last log line: ${lastLogLine(p.logFile)}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new ComponentError(p.name, p.logFile, `not ${what} after ${timeoutMs / 1000} s; last log line: ${lastLogLine(p.logFile)}`);
    await sleep(200);
  }
}

export function lastLogLine(logFile: string): string {
  try {
    const lines = readFileSync(logFile, 'utf8').trim().split('\n');
    return lines[lines.length - 1]?.slice(0, 400) || '(empty)';
  } catch {
    return '(no log)';
  }
}

/** A free loopback port (the kernel's choice); a component that then finds it taken fails with its log. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
