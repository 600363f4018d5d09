import { readdirSync, readFileSync } from 'node:fs';

/**
 * Readers of a process's CPU time, resident memory and CPU affinity from Linux's /proc (proc(5)),
 * for the benchmark scripts. Every reader takes a pid and returns null (or leaves the process out)
 * when the process is gone or /proc cannot be read, so a sampler never throws because a replica or
 * a PostgreSQL backend ended between two readings. Linux only: elsewhere every reader returns null.
 */

/**
 * Clock ticks per second of the utime and stime fields of /proc/<pid>/stat (USER_HZ, what
 * `getconf CLK_TCK` prints). Fixed at 100 by the kernel ABI on x86-64 and arm64, whatever the
 * kernel's internal HZ.
 */
export const USER_HZ = 100;

/** proc(5) field numbers of /proc/<pid>/stat (1-based, as the man page counts them). */
const STAT_UTIME = 14;
const STAT_STIME = 15;

/** The text of /proc/<pid>/<file>, or null when the process is gone (ENOENT, ESRCH) or it is unreadable. */
function readProc(pid: number | string, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * CPU time a process has used so far, user plus system (fields 14 `utime` and 15 `stime` of
 * /proc/<pid>/stat, in clock ticks of {@link USER_HZ}), in seconds with a resolution of 10 ms.
 * Time of its children is not included (cutime and cstime are left out). A zombie still reports
 * its total until it is reaped.
 * @returns seconds, or null when the process is gone.
 */
export function cpuSeconds(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  if (stat === null) return null;
  // Field 2 (comm, in parentheses) may hold spaces and ')': split after its last ')'. The rest
  // starts at field 3 (state), so field n is at index n - 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[STAT_UTIME - 3]);
  const stime = Number(fields[STAT_STIME - 3]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : null;
}

/**
 * The read and write system calls a process has made so far: `syscr` and `syscw` of /proc/<pid>/io,
 * which the kernel counts in read, readv, write, writev and sendfile (fs/read_write.c), not in
 * recv/send/sendmsg; Node.js' TCP sockets and pipes use the former (libuv). A count, so unlike CPU
 * time it does not depend on the machine's speed: the figure to compare round trips and socket
 * writes across machines.
 * @returns counts, or null when the process is gone or its io file cannot be read.
 */
export function syscallCounts(pid: number): { reads: number; writes: number } | null {
  const io = readProc(pid, 'io');
  const reads = io === null ? null : /^syscr:\s+(\d+)/m.exec(io);
  const writes = io === null ? null : /^syscw:\s+(\d+)/m.exec(io);
  return reads && writes ? { reads: Number(reads[1]), writes: Number(writes[1]) } : null;
}

/**
 * Resident set size of a process: the `VmRSS` line of /proc/<pid>/status, in KiB (the file says
 * "kB" and means 1024 bytes). Anonymous, file-backed and shared-memory pages resident now.
 * @returns KiB, or null when the process is gone or has no memory map (a zombie, a kernel thread).
 */
export function rssKb(pid: number): number | null {
  const status = readProc(pid, 'status');
  const m = status === null ? null : /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) : null;
}

/**
 * The CPUs a process may run on: the `Cpus_allowed_list` line of /proc/<pid>/status (e.g. `0-1`,
 * `1`, `0,2-3`; what `taskset -cp <pid>` prints), expanded and sorted.
 * @returns CPU numbers, or null when the process is gone.
 */
export function cpuAffinity(pid: number): number[] | null {
  const status = readProc(pid, 'status');
  const m = status === null ? null : /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
  return m ? parseCpuList(m[1]) : null;
}

/**
 * Expands a CPU list in the kernel's and taskset's format (`0`, `0-3`, `0,2-3`) into CPU numbers,
 * sorted and without duplicates.
 * @throws RangeError when `list` is not such a list.
 */
export function parseCpuList(list: string): number[] {
  if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(list)) throw new RangeError(`not a CPU list (e.g. 0, 0-3, 0,2-3): ${JSON.stringify(list)}`);
  const cpus = new Set<number>();
  for (const part of list.split(',')) {
    const [from, to = from] = part.split('-').map(Number);
    if (to < from) throw new RangeError(`not a CPU list: range ${part} runs backwards`);
    for (let cpu = from; cpu <= to; cpu++) cpus.add(cpu);
  }
  return [...cpus].sort((a, b) => a - b);
}

/**
 * CPU seconds ({@link cpuSeconds}) of every running process whose command name is `comm`, e.g.
 * `postgres` for a PostgreSQL server and all its backends. The name is /proc/<pid>/comm: the
 * executable's base name cut to 15 characters (or what the process set with prctl(PR_SET_NAME));
 * PostgreSQL's `postgres: user db ...` titles are argv, not comm, so its backends match. Processes
 * that end while /proc is walked are left out.
 * @returns pid → CPU seconds (empty when none runs).
 */
export function cpuSecondsByCommand(comm: string): Map<number, number> {
  const byPid = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return byPid;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || readProc(entry, 'comm')?.trimEnd() !== comm) continue;
    const seconds = cpuSeconds(Number(entry));
    if (seconds !== null) byPid.set(Number(entry), seconds);
  }
  return byPid;
}

/**
 * CPU seconds a group of processes used between two {@link cpuSecondsByCommand} readings: for every
 * pid of `after`, its seconds minus those of `before` (0 there for a process started meanwhile). A
 * process that ended between the readings is not in `after`, so it counts nothing: its time up to
 * the first reading is already out of the window, the rest is lost.
 */
export function cpuSecondsBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}
