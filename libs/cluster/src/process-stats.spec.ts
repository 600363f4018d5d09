import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawnTracked } from './child-process.js';
import { cpuAffinity, cpuSeconds, cpuSecondsBetween, cpuSecondsByCommand, parseCpuList, rssKb, syscallCounts, USER_HZ } from './process-stats.js';
import { makeTempDir } from './temp-dir.js';

/** A pid no process has: above the kernel's pid_max (at most 2^22). */
const NO_SUCH_PID = 2 ** 22 + 1;

/** The environment of the children: without Jest's NODE_OPTIONS. */
const { NODE_OPTIONS: _jestOptions, ...childEnv } = process.env;

/** Resolves with the child's first line of stdout. */
const firstLine = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing a line`)));
  });

const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Burns about `ms` of CPU in this process. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) Math.sqrt(Math.random());
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL');
    await exited(child);
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('process stats from /proc', () => {
  it('reads this process: CPU seconds within the 10 ms tick of process.cpuUsage(), VmRSS near memoryUsage().rss', () => {
    spin(150);
    const before = process.cpuUsage();
    const seconds = cpuSeconds(process.pid);
    const after = process.cpuUsage();
    const tick = 1 / USER_HZ;
    expect(seconds).not.toBeNull();
    expect(seconds!).toBeGreaterThanOrEqual((before.user + before.system) / 1e6 - 2 * tick);
    expect(seconds!).toBeLessThanOrEqual((after.user + after.system) / 1e6 + 2 * tick);

    const rss = rssKb(process.pid);
    const expected = process.memoryUsage().rss / 1024;
    expect(rss).not.toBeNull();
    expect(rss!).toBeGreaterThan(expected * 0.8);
    expect(rss!).toBeLessThan(expected * 1.2);
    // libuv counts the CPUs of sched_getaffinity(2), the same set.
    expect(cpuAffinity(process.pid)).toHaveLength(availableParallelism());
  });

  it('reads a child it starts while it runs, and null once it is gone', async () => {
    // 300 ms of user CPU (however long that takes on a busy machine), then idle until killed.
    const child = spawn(process.execPath, ['-e', 'while (process.cpuUsage().user < 300_000); console.log("spun"); setInterval(() => {}, 1000);'], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    await firstLine(child);
    const seconds = cpuSeconds(child.pid!);
    expect(seconds).toBeGreaterThanOrEqual(0.3 - 2 / USER_HZ);
    expect(seconds).toBeLessThan(10);
    expect(rssKb(child.pid!)).toBeGreaterThan(10_000); // a Node.js process holds tens of MB
    expect(cpuAffinity(child.pid!)).toEqual(cpuAffinity(process.pid)); // inherited

    child.kill('SIGKILL');
    await exited(child); // reaped: /proc/<pid> is gone
    expect(cpuSeconds(child.pid!)).toBeNull();
    expect(rssKb(child.pid!)).toBeNull();
    expect(cpuAffinity(child.pid!)).toBeNull();
    expect(cpuSeconds(NO_SUCH_PID)).toBeNull();
    expect(rssKb(NO_SUCH_PID)).toBeNull();
  });

  it('counts a process\'s read and write system calls', async () => {
    // Prints a line, then on each line of stdin writes 50 times to /dev/null (one write(2) each)
    // and answers on stdout; idle in between.
    const child = spawn(
      process.execPath,
      ['-e', 'const fs = require("fs"); const fd = fs.openSync("/dev/null", "w"); console.log("ready"); process.stdin.on("data", () => { for (let i = 0; i < 50; i++) fs.writeSync(fd, "x"); console.log("done"); });'],
      { env: childEnv, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    children.push(child);
    const lines: string[] = [];
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const parts = out.split('\n');
      out = parts.pop()!;
      lines.push(...parts);
    });
    const untilLines = async (n: number) => {
      for (const end = Date.now() + 10_000; lines.length < n && Date.now() < end; ) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(lines.length).toBeGreaterThanOrEqual(n);
    };
    await untilLines(1);
    const before = syscallCounts(child.pid!);
    child.stdin!.write('go\n');
    await untilLines(2);
    const after = syscallCounts(child.pid!);
    expect(before).not.toBeNull();
    // 50 writes to /dev/null and the answer's; the runtime may add a few of its own (an eventfd …).
    expect(after!.writes - before!.writes).toBeGreaterThanOrEqual(51);
    expect(after!.writes - before!.writes).toBeLessThan(70);
    // At least the read of the line from stdin.
    expect(after!.reads - before!.reads).toBeGreaterThanOrEqual(1);
    expect(syscallCounts(NO_SUCH_PID)).toBeNull();
  });

  it('finds every process of a command name, and counts the CPU between two readings', async () => {
    // A copy of sleep under a name nothing else has (comm: the executable's name, ≤ 15 characters).
    const sleepBin = ['/usr/bin/sleep', '/bin/sleep'].find((p) => existsSync(p))!;
    const dir = makeTempDir('tasklane-process-stats-');
    dirs.push(dir);
    const name = `tlstat${randomBytes(4).toString('hex')}`;
    copyFileSync(sleepBin, join(dir, name));
    const started = [0, 1].map(() => spawn(join(dir, name), ['30'], { stdio: 'ignore' }));
    children.push(...started);
    // Until both have exec'd (before that, their comm is node's).
    let reading = cpuSecondsByCommand(name);
    for (const end = Date.now() + 5000; reading.size < started.length && Date.now() < end; reading = cpuSecondsByCommand(name)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect([...reading.keys()].sort()).toEqual(started.map((c) => c.pid!).sort());
    for (const seconds of reading.values()) expect(seconds).toBeLessThan(1);
    expect(cpuSecondsByCommand(`${name}x`).size).toBe(0);

    const before = new Map([[1, 1.5], [2, 0.25], [3, 4]]); // pid 3 ended meanwhile
    const after = new Map([[1, 2], [2, 0.75], [4, 0.1]]); // pid 4 started meanwhile
    expect(cpuSecondsBetween(before, after)).toBeCloseTo(0.5 + 0.5 + 0.1, 10);
  });

  it('parses CPU lists as taskset and Cpus_allowed_list write them', () => {
    expect(parseCpuList('1')).toEqual([1]);
    expect(parseCpuList('0-3')).toEqual([0, 1, 2, 3]);
    expect(parseCpuList('4,0-1,1')).toEqual([0, 1, 4]);
    for (const bad of ['', '1-', 'a', '3-1', '0, 1']) expect(() => parseCpuList(bad)).toThrow(RangeError);
  });

  it('runs a tracked child with cpus under taskset, on those CPUs only, with its own pid', async () => {
    const cpu = cpuAffinity(process.pid)!.at(-1)!;
    const child = spawnTracked('pinned', process.execPath, ['-e', 'console.log(process.pid); setInterval(() => {}, 1000);'], {
      cwd: process.cwd(),
      env: childEnv,
      stdio: 'pipe',
      cpus: String(cpu),
    });
    try {
      const printed = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
      expect(Number(printed)).toBe(child.pid); // taskset (and setpriv) exec the command
      expect(cpuAffinity(child.pid!)).toEqual([cpu]);
    } finally {
      await child.stop('SIGKILL');
    }
    expect(() => spawnTracked('nowhere', process.execPath, [], { cwd: process.cwd(), cpus: String(cpus().length + 64) })).toThrow(/not available to this process/);
  });
});
