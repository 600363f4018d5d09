import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { callgrindControl, callgrindLaunch, readCallgrindDump } from './callgrind.js';
import { makeTempDir } from './temp-dir.js';

/** The environment of the children: without Jest's NODE_OPTIONS, with a HOST of its own (Valgrind names its FIFOs after it). */
const { NODE_OPTIONS: _jestOptions, ...inherited } = process.env;
const childEnv = { ...inherited, HOST: '127.0.0.1' };

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('readCallgrindDump', () => {
  it('sums the newest numbered dump of the pid: thread 01 as the main thread, the rest as other threads; null before any dump', () => {
    const dir = makeTempDir('tasklane-callgrind-');
    dirs.push(dir);
    const launch = callgrindLaunch(dir, 'server', 'node', []);
    expect(readCallgrindDump(launch, 42)).toBeNull();
    const dump = (file: string, totals: number) => writeFileSync(join(dir, file), `# callgrind format\nevents: Ir\nsummary: ${totals}\n\nfn=(1) f\n0 ${totals}\n\ntotals: ${totals}\n`);
    dump('server.42.1-01', 999);
    dump('server.42.2-01', 1_000);
    dump('server.42.2-02', 30);
    dump('server.42.2-05', 7);
    dump('server.43.3-01', 5_000); // another process
    dump('server.42-01', 77); // the dump at exit, without a number
    writeFileSync(join(dir, 'server.42'), ''); // the empty file Callgrind creates at start
    expect(readCallgrindDump(launch, 42)).toEqual({ dump: 2, mainThread: 1_000, otherThreads: 37 });
  });

  it('throws for a dump file without a totals line', () => {
    const dir = makeTempDir('tasklane-callgrind-');
    dirs.push(dir);
    writeFileSync(join(dir, 'server.7.1-01'), '# callgrind format\n');
    expect(() => readCallgrindDump(callgrindLaunch(dir, 'server', 'node', []), 7)).toThrow(/no "totals:" line/);
  });
});

describe('Callgrind on a real process (valgrind)', () => {
  it('counts only what runs while instrumentation is on: twice the bytes hashed, about twice the instructions', async () => {
    const dir = makeTempDir('tasklane-callgrind-');
    dirs.push(dir);
    // Hashes n bytes for each number n it reads on stdin, answering each digest on stdout: the work is
    // OpenSSL's, in proportion to n, not JavaScript whose cost depends on when the JIT's compile ends.
    const program =
      "const { createHash } = require('node:crypto'); process.stdout.write('ready\\n'); process.stdin.on('data', (d) => process.stdout.write(createHash('sha256').update(Buffer.alloc(Number(d), 1)).digest('hex') + '\\n'));";
    const launch = callgrindLaunch(dir, 'hash', process.execPath, ['-e', program]);
    const child = spawn(launch.command, launch.args, { env: childEnv, stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const lines = async (n: number) => {
      const deadline = Date.now() + 60_000;
      while (out.split('\n').length <= n) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no line ${n} from the child: ${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await lines(1);
    // Once uninstrumented, so that the measured calls find everything loaded.
    child.stdin!.write('1000000');
    await lines(2);
    await callgrindControl(child.pid!, '--instr=on', launch, childEnv);
    child.stdin!.write('1000000');
    await lines(3);
    await callgrindControl(child.pid!, '--dump', launch, childEnv);
    const once = readCallgrindDump(launch, child.pid!);
    child.stdin!.write('2000000');
    await lines(4);
    await callgrindControl(child.pid!, '--dump', launch, childEnv);
    await callgrindControl(child.pid!, '--instr=off', launch, childEnv);
    const twice = readCallgrindDump(launch, child.pid!);

    const digests = out.split('\n').slice(1, 4);
    expect(digests[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(digests[1]).toBe(digests[0]);
    expect(digests[2]).not.toBe(digests[0]);
    expect(once?.dump).toBe(1);
    expect(twice?.dump).toBe(2);
    // SHA-256 takes about 10 instructions per byte, and the second dump counts the second call only
    // (a dump zeroes the counters): twice the bytes, about twice the instructions.
    expect(once!.mainThread).toBeGreaterThan(5_000_000);
    expect(twice!.mainThread / once!.mainThread).toBeGreaterThan(1.7);
    expect(twice!.mainThread / once!.mainThread).toBeLessThan(2.3);
  }, 120_000);

  it('callgrindControl rejects for a pid that is not a Callgrind process', async () => {
    const dir = makeTempDir('tasklane-callgrind-');
    dirs.push(dir);
    await expect(callgrindControl(process.pid, '--dump', callgrindLaunch(dir, 'none', 'node', []), childEnv)).rejects.toThrow(/not detected/);
  });
});
