import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { execa, type Options, type ResultPromise } from 'execa';
import { cpuAffinity, parseCpuList } from './process-stats.js';

/** How a child ended: exit code or signal, or the spawn error (e.g. ENOENT for a missing binary). */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
  /** True when the `timeoutMs` bound stopped it. */
  timedOut?: boolean;
}

/** Default grace period between the stop signal and SIGKILL, ms. */
export const STOP_GRACE_MS = 10_000;

/** Grace period of the throwaway servers (a PostgreSQL fast shutdown writes a checkpoint first), ms. */
export const THROWAWAY_STOP_GRACE_MS = 15_000;

/** Milliseconds a server (replica, nginx, Redis, PostgreSQL) gets to become ready after spawning. */
export const READY_TIMEOUT_MS = 30_000;

/** Options of {@link spawnTracked}. */
export interface SpawnTrackedOptions {
  cwd: string;
  /** The complete environment (default: this process's). Nothing else is merged in. */
  env?: NodeJS.ProcessEnv;
  /** File that stdout and stderr are appended to (the child writes it directly). Overrides `stdio`. */
  logFile?: string;
  /** Without `logFile`: 'inherit' (default), 'ignore', or 'pipe' (then read `stdout` and `stderr`, or the child blocks). */
  stdio?: 'inherit' | 'ignore' | 'pipe';
  /** Run as this user / group (e.g. PostgreSQL's, which refuses to run as root). */
  uid?: number;
  gid?: number;
  /** ms between the stop signal and SIGKILL (default {@link STOP_GRACE_MS}). */
  graceMs?: number;
  /** Stops the child as {@link TrackedChild.stop} does once it has run this long, ms (default: no bound). */
  timeoutMs?: number;
  /**
   * Default false. True: the child does not keep this process's event loop alive, so a throwaway
   * server a test forgot to stop cannot hold the test process open (it is still killed on exit).
   */
  unref?: boolean;
  /**
   * CPUs the child may run on, in taskset's list format (`0`, `1`, `0-1`, `0,2`): the command runs
   * as `taskset -c <cpus> <command> <args>` (util-linux), which sets the CPU affinity and execs the
   * command, so the pid stays the child's own; processes it starts inherit the affinity. Checked by
   * {@link checkCpus} before the spawn. Default: not pinned (this process's affinity is inherited).
   */
  cpus?: string;
}

/**
 * util-linux `setpriv`, where present: children are started through `setpriv --pdeathsig KILL`, so
 * the kernel kills them when this process dies in any way, SIGKILL included. The 'exit' listener
 * below does not fire under Jest (test code gets a copy of `process`). setpriv execs the command,
 * so the pid stays the child's own.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

/** util-linux `taskset`, where present: runs a command on given CPUs ({@link SpawnTrackedOptions.cpus}). */
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p)) ?? null;

/**
 * Checks that children can be pinned to the CPU list `cpus` ({@link SpawnTrackedOptions.cpus}):
 * taskset is installed and every listed CPU is one this process may run on (its own affinity, from
 * /proc/self/status, is what a container or an outer taskset left it; on a 2-core machine, `0-1`).
 * @returns the CPU numbers of the list.
 * @throws RangeError for a malformed list; Error `taskset not found ...` or `CPU 1 is not available ...`.
 */
export function checkCpus(cpus: string): number[] {
  const wanted = parseCpuList(cpus);
  if (!TASKSET) throw new Error(`cannot pin to CPUs ${cpus}: taskset not found in /usr/bin or /bin (it is in util-linux: apt-get install util-linux)`);
  const allowed = cpuAffinity(process.pid) ?? wanted; // null: no /proc to check against, taskset will say
  const missing = wanted.filter((cpu) => !allowed.includes(cpu));
  if (missing.length) {
    throw new Error(`cannot pin to CPUs ${cpus}: CPU ${missing.join(', ')} not available to this process (it may run on ${allowed.join(', ')} of this machine's CPUs)`);
  }
  return wanted;
}

/**
 * Every child still running, by pid. A single process 'exit' listener SIGKILLs their process groups,
 * so a test runner or script that exits without calling stop() leaves nothing behind (it cannot help
 * a parent that is itself SIGKILLed: pdeathsig does). execa's own `cleanup` cannot do this job: it
 * is off for detached children.
 */
const live = new Map<number, TrackedChild>();
const onExit = (): void => {
  for (const child of live.values()) child.reapGroup();
};

/**
 * A child process started by {@link spawnTracked}. It runs detached, as the leader of its own
 * process group, for two reasons: Ctrl-C in a terminal reaches only our script, which then stops
 * children in order; and what is left of the group after the leader exits (an nginx master's
 * workers, PostgreSQL backends) is SIGKILLed with `kill(-pid)`.
 */
export class TrackedChild {
  readonly pid: number | null;
  /** Resolves (never rejects) when the process has exited or failed to spawn. */
  readonly exited: Promise<ChildExit>;
  /** Aborted, with an Error `<name> exited with code 1` (see {@link describeExit}), once the process has ended. */
  readonly exitSignal: AbortSignal;
  /** The child's output streams with `stdio: 'pipe'`, else null. */
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  private done: ChildExit | null = null;
  private readonly subprocess: ResultPromise;
  private readonly graceMs: number;

  /** Use {@link spawnTracked}. */
  constructor(
    readonly name: string,
    command: string,
    args: string[],
    readonly options: SpawnTrackedOptions,
  ) {
    this.graceMs = options.graceMs ?? STOP_GRACE_MS;
    const fd = options.logFile ? openSync(options.logFile, 'a') : null;
    const output = fd ?? options.stdio ?? 'inherit';
    // taskset takes no `--` before the command; it stops parsing its own options at the command.
    const [pinned, pinnedArgs] = options.cpus ? [TASKSET ?? 'taskset', ['-c', options.cpus, command, ...args]] : [command, args];
    const [cmd, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', pinned, ...pinnedArgs]] : [pinned, pinnedArgs];
    try {
      const execaOptions: Options = {
        cwd: options.cwd,
        env: options.env ?? process.env,
        extendEnv: false, // the given env is complete: a parent's NODE_OPTIONS must stay out when removed
        uid: options.uid,
        gid: options.gid,
        detached: true,
        stdin: 'ignore',
        // A descriptor is passed to spawn() as is, so the child writes the log itself, even after we
        // exit ({ file, append } would pipe through this process). execa's types list fds up to 9 only.
        stdout: output as Options['stdout'],
        stderr: output as Options['stderr'],
        buffer: false,
        reject: false,
        // execa sends SIGKILL this long after kill() with the kill signal (SIGTERM) or after `timeout`.
        killSignal: 'SIGTERM',
        forceKillAfterDelay: this.graceMs,
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
      };
      this.subprocess = execa(cmd, argv, execaOptions);
    } finally {
      if (fd !== null) closeSync(fd); // the child holds its own copy
    }
    this.pid = this.subprocess.pid ?? null;
    this.stdout = options.stdio === 'pipe' && !options.logFile ? this.subprocess.stdout : null;
    this.stderr = options.stdio === 'pipe' && !options.logFile ? this.subprocess.stderr : null;
    const ended = new AbortController();
    this.exitSignal = ended.signal;
    this.exited = this.subprocess.then((result) => {
      const error = result.failed && result.exitCode === undefined && result.signal === undefined ? (result.cause as Error | undefined) : undefined;
      const exit: ChildExit = { code: result.exitCode ?? null, signal: (result.signal as NodeJS.Signals | undefined) ?? null, ...(error ? { error } : {}), ...(result.timedOut ? { timedOut: true } : {}) };
      this.done = exit;
      if (this.pid !== null) live.delete(this.pid);
      if (live.size === 0) process.off('exit', onExit);
      ended.abort(new Error(`${name} ${describeExit(exit)}`));
      return exit;
    });
    if (this.pid !== null) {
      // What is left of the group when the leader exits would also hold piped output open, and the
      // result (`exited`) waits for that.
      this.subprocess.once('exit', () => this.reapGroup());
      if (live.size === 0) process.on('exit', onExit);
      live.set(this.pid, this);
      if (options.unref) this.subprocess.unref();
    }
  }

  /** True from the spawn until the process has exited. */
  get running(): boolean {
    return this.pid !== null && this.done === null;
  }

  /** How the process ended, or null while it runs. */
  get exit(): ChildExit | null {
    return this.done;
  }

  /**
   * Sends `signal` (default SIGTERM) to the process and waits for the exit; whatever is left of its
   * process group is SIGKILLed as soon as the leader exits. SIGKILL follows after `graceMs`: execa's forceKillAfterDelay for
   * SIGTERM, a timer here for other signals (e.g. PostgreSQL's SIGINT / SIGQUIT shutdown modes,
   * which execa does not escalate). Resolves at once if the process is not running.
   * @returns how it ended.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ChildExit> {
    if (this.running) {
      if (this.options.unref) this.subprocess.ref(); // a script awaiting this stop must not exit before the child has
      this.subprocess.kill(signal);
      if (signal !== 'SIGTERM' && signal !== 'SIGKILL') {
        const timer = setTimeout(() => this.subprocess.kill('SIGKILL'), this.graceMs);
        void this.exited.finally(() => clearTimeout(timer));
      }
    }
    return this.exited;
  }

  /**
   * Waits for the process to be ready: `wait` gets {@link exitSignal} (so it gives up when the process
   * exits) and resolves once the server answers, e.g. `(signal) => waitForHttp(url, READY_TIMEOUT_MS, { signal })`.
   * @throws Error `<name> did not become ready: <reason>` with the log tail; the process is SIGKILLed first.
   */
  async ready(wait: (exitSignal: AbortSignal) => Promise<unknown>): Promise<void> {
    try {
      await wait(this.exitSignal);
    } catch (error) {
      await this.stop('SIGKILL');
      const log = this.options.logFile ? `\n--- ${this.options.logFile} (tail) ---\n${tail(this.options.logFile)}` : '';
      throw new Error(`${this.name} did not become ready: ${(error as Error).message}${log}`, { cause: error });
    }
  }

  /**
   * SIGKILLs the process group: what is left after the leader exited (an nginx worker whose master
   * was SIGKILLed, PostgreSQL backends), or everything when this process exits. The group id cannot
   * be reused while the group has members.
   */
  reapGroup(): void {
    if (this.pid === null) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is empty, the usual case
    }
  }
}

/**
 * Starts `command args` as a tracked child: own process group, `setpriv --pdeathsig KILL` where
 * present, stdout and stderr appended to `logFile` (or inherited / piped), SIGKILLed with its group
 * when this process exits. Never throws for a missing binary: `exited` resolves with the spawn error
 * (or, through setpriv, exit code 127).
 * With `cpus`, the command runs under `taskset -c <cpus>` (see {@link SpawnTrackedOptions.cpus}).
 * @param name used in messages, e.g. `replica-0`.
 * @throws the error of opening `logFile`; with `cpus`, the errors of {@link checkCpus}.
 */
export function spawnTracked(name: string, command: string, args: string[], options: SpawnTrackedOptions): TrackedChild {
  if (options.cpus !== undefined) checkCpus(options.cpus);
  return new TrackedChild(name, command, args, options);
}

/** True when the exit means the command was not found (ENOENT, or 127 from setpriv or a shell). */
export function notFound(exit: ChildExit | null): boolean {
  return !!exit && ((exit.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' || exit.code === 127);
}

/** Describes an exit for error messages: `exited with code 1`, `was killed by SIGKILL`, `failed to start: ...`. */
export function describeExit(exit: ChildExit): string {
  if (exit.error) return `failed to start: ${exit.error.message}`;
  if (exit.signal) return `was killed by ${exit.signal}${exit.timedOut ? ' (timed out)' : ''}`;
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
