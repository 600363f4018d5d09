import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * Instruction counts of a running process under Valgrind's Callgrind, for the benchmark scripts: a
 * count of executed instructions does not depend on the machine's speed or on what else the machine
 * is doing, unlike CPU time (which swings by ±20 % from one session's machine to the next here).
 * The process starts with instrumentation off (`--instr-atstart=no`, so it runs at Valgrind's plain
 * speed, about 25× slower than native, while it boots and warms up), then a driver switches it on
 * around the work it measures and asks for a dump, through `callgrind_control` (Valgrind's vgdb
 * FIFOs). Threads are counted apart (`--separate-threads=yes`): the main thread is the event loop
 * running the requests; V8's compiler and GC helper threads are reported as "other threads".
 * See https://valgrind.org/docs/manual/cl-manual.html (options, callgrind_control, file format).
 */

const run = promisify(execFile);

/** What to spawn to run `command args` under Callgrind with instrumentation off until switched on. */
export interface CallgrindLaunch {
  command: 'valgrind';
  args: string[];
  /** The dumps' file-name prefix (`<dir>/<name>`); {@link readCallgrindDump} finds them by it. */
  outPrefix: string;
  /** The FIFOs' prefix (`<dir>/vgdb`), for {@link callgrindControl}. */
  vgdbPrefix: string;
}

/**
 * The valgrind command line that runs `command args` under Callgrind, instrumentation off at start,
 * threads counted apart, dumps written as `<dir>/<name>.<pid>.<n>-<thread>`.
 * @param dir where the dumps and FIFOs go (made absolute: the child may run elsewhere)
 * @param name a file-name-safe label, e.g. `replica-0`.
 */
export function callgrindLaunch(dir: string, name: string, command: string, args: string[]): CallgrindLaunch {
  const outPrefix = join(resolve(dir), name);
  const vgdbPrefix = join(resolve(dir), 'vgdb');
  return {
    command: 'valgrind',
    args: ['--tool=callgrind', '--quiet', '--instr-atstart=no', '--separate-threads=yes', `--vgdb-prefix=${vgdbPrefix}`, `--callgrind-out-file=${outPrefix}.%p`, command, ...args],
    outPrefix,
    vgdbPrefix,
  };
}

/**
 * Sends one command to the Callgrind process `pid` with `callgrind_control`: `--instr=on`,
 * `--instr=off` or `--dump` (writes the counts since the last dump and zeroes them).
 * `env` must hold the same USER, LOGNAME and HOST as the process's own environment: Valgrind names
 * its FIFOs after them (a replica's HOST is the address it listens on, not the host name).
 * callgrind_control exits 0 even when it finds no such process or cannot reach it, so its output is
 * checked instead: a line starting `Error:` (no such process), `error ` or `syscall failed` (vgdb
 * could not open the process's FIFOs, e.g. another USER or HOST) is a failure.
 * @throws Error when callgrind_control is missing, takes over 60 s, or says it did not reach a Callgrind process `pid`.
 */
export async function callgrindControl(pid: number, action: '--instr=on' | '--instr=off' | '--dump', launch: CallgrindLaunch, env: NodeJS.ProcessEnv): Promise<void> {
  const { stdout, stderr } = await run('callgrind_control', [`--vgdb-prefix=${launch.vgdbPrefix}`, action, String(pid)], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
  const said = `${stdout}${stderr}`.trim();
  if (/^(Error:|error |syscall failed)/m.test(said)) throw new Error(`callgrind_control ${action} ${pid}: ${said}`);
}

/** Instructions (Ir) of one Callgrind dump: the main thread's and the other threads' sum. */
export interface CallgrindCounts {
  /** The dump's number (1 for the first `--dump`). */
  dump: number;
  mainThread: number;
  otherThreads: number;
}

/**
 * Reads the newest dump of process `pid` from `<outPrefix>.<pid>.<n>-<thread>` files (thread 01 is
 * the main thread), each file's `totals:` line (the Callgrind format's event sums).
 * @returns the counts, or null when the process has written no dump yet.
 * @throws Error when a dump file has no `totals:` line (a dump still being written, or not Callgrind's).
 */
export function readCallgrindDump(launch: CallgrindLaunch, pid: number): CallgrindCounts | null {
  const dir = dirname(launch.outPrefix);
  const base = `${basename(launch.outPrefix)}.${pid}.`;
  const files = readdirSync(dir)
    .map((file) => ({ file, match: file.startsWith(base) ? /^(\d+)-(\d+)$/.exec(file.slice(base.length)) : null }))
    .filter((f): f is { file: string; match: RegExpExecArray } => f.match !== null)
    .map(({ file, match }) => ({ file, dump: Number(match[1]), thread: Number(match[2]) }));
  if (files.length === 0) return null;
  const dump = Math.max(...files.map((f) => f.dump));
  const counts: CallgrindCounts = { dump, mainThread: 0, otherThreads: 0 };
  for (const f of files.filter((f) => f.dump === dump)) {
    const totals = /^totals: (\d+)/m.exec(readFileSync(join(dir, f.file), 'utf8'));
    if (!totals) throw new Error(`${f.file}: no "totals:" line`);
    if (f.thread === 1) counts.mainThread += Number(totals[1]);
    else counts.otherThreads += Number(totals[1]);
  }
  return counts;
}
