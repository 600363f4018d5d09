import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** How a child ended: exit code or signal, or the spawn error (e.g. ENOENT for a missing binary). */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** Default grace period between SIGTERM and SIGKILL, ms. */
export const STOP_GRACE_MS = 10_000;

/**
 * util-linux `setpriv`, where present: children are started through `setpriv --pdeathsig KILL`, so
 * the kernel kills them when this process dies in any way, SIGKILL included. The 'exit' listener
 * below does not fire under Jest (test code gets a copy of `process`). setpriv execs the command,
 * so the pid stays the child's own.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/**
 * Every child still running, by pid. A single process 'exit' listener SIGKILLs them all, so a test
 * runner or script that exits without calling stop() leaves nothing behind (it cannot help a parent
 * that is itself SIGKILLed).
 */
const live = new Map<number, LoggedChild>();
const onExit = (): void => {
  for (const child of live.values()) child.signalGroup('SIGKILL');
};

/**
 * A child process whose stdout and stderr append to one log file. It is spawned `detached`, as the
 * leader of its own process group, for two reasons: Ctrl-C in a terminal reaches only our script,
 * which then stops children in order; and signals go to the whole group (`kill(-pid)`), so an nginx
 * master's workers die with it even when it is SIGKILLed.
 */
export class LoggedChild {
  readonly pid: number | null;
  /** Resolves (never rejects) when the process has exited or failed to spawn. */
  readonly exited: Promise<ChildExit>;
  private done: ChildExit | null = null;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
  ) {
    const fd = openSync(options.logFile, 'a');
    try {
      const [cmd, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
      const child = spawn(cmd, argv, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', fd, fd] });
      this.pid = child.pid ?? null;
      this.exited = new Promise((resolve) => {
        const finish = (exit: ChildExit): void => {
          if (this.done) return;
          this.done = exit;
          if (this.pid !== null) live.delete(this.pid);
          if (live.size === 0) process.off('exit', onExit);
          resolve(exit);
        };
        child.once('exit', (code, signal) => finish({ code, signal }));
        child.once('error', (error) => finish({ code: null, signal: null, error }));
      });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    if (this.pid !== null) {
      if (live.size === 0) process.on('exit', onExit);
      live.set(this.pid, this);
    }
  }

  get running(): boolean {
    return this.pid !== null && this.done === null;
  }

  /** How the process ended, or null while it runs. */
  get exit(): ChildExit | null {
    return this.done;
  }

  /** Sends `signal` to the child's process group; no-op once it has exited. */
  signalGroup(signal: NodeJS.Signals): void {
    if (!this.running || this.pid === null) return;
    try {
      process.kill(-this.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /**
   * Sends `signal` (default SIGTERM) and waits for the exit; escalates to SIGKILL after `graceMs`.
   * Resolves at once if the process is not running.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = STOP_GRACE_MS): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.signalGroup(signal);
    if (signal !== 'SIGKILL') {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const first = await Promise.race([this.exited, timeout]);
      clearTimeout(timer);
      if (first === 'timeout') this.signalGroup('SIGKILL');
    }
    const exit = await this.exited;
    this.reapGroup();
    return exit;
  }

  /**
   * SIGKILLs whatever is left in the process group after the leader exited (an nginx worker whose
   * master died some other way). The group id cannot be reused while the group has members.
   */
  private reapGroup(): void {
    if (this.pid === null) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is empty, the usual case
    }
  }
}

/** Describes an exit for error messages: `exited with code 1`, `was killed by SIGKILL`, `failed to start: ...`. */
export function describeExit(exit: ChildExit): string {
  if (exit.error) return `failed to start: ${exit.error.message}`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/** The last `lines` lines of a text file (reading at most its last 64 KiB), or a note if unreadable. */
export function tail(file: string, lines = 30): string {
  try {
    const size = statSync(file).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    const fd = openSync(file, 'r');
    try {
      let read = 0;
      while (read < length) {
        const n = readSync(fd, buffer, read, length - read, size - length + read);
        if (n === 0) break;
        read += n;
      }
    } finally {
      closeSync(fd);
    }
    const text = buffer.toString('utf8').trimEnd();
    return text ? text.split('\n').slice(-lines).join('\n') : '(empty)';
  } catch (error) {
    return `(cannot read ${file}: ${(error as Error).message})`;
  }
}
