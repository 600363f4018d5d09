import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import pg from 'pg';

/** Repository root: this file is libs/cluster/src/scratch-database.ts, or libs/cluster/dist/scratch-database.js once built. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The API's DataSource for the TypeORM CLI, as built by `npm run build` (relative to the repository root). */
export const DEFAULT_DATA_SOURCE = 'dist/apps/api/src/database/data-source.js';

/** Longest a migration run may take, ms. */
const MIGRATE_TIMEOUT_MS = 120_000;

/** A database name we create or drop ourselves: never quoted input from elsewhere. */
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The URL of database `name` on the server of `serverUrl` (user, password, host, port and query kept).
 * @param serverUrl any postgres:// URL on that server, e.g. an admin URL ending in `/postgres`.
 * @throws TypeError when `serverUrl` is not a URL.
 */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs `fn` on one connection to `url` (5 s connect timeout) and closes it. @throws the connection or query error */
async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined); // a server that goes away mid-query fails the query; do not crash
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new RangeError(`database name must match ${NAME}, got ${JSON.stringify(name)}`);
  return name;
}

/**
 * Creates database `name` on the server of `adminUrl` (a URL whose user may CREATE DATABASE).
 * @param options.ifNotExists leave an existing database as it is instead of failing.
 * @returns the new database's URL (see {@link databaseUrl}).
 * @throws RangeError for a name that is not `[a-z_][a-z0-9_]*`; the pg error when the server is
 *   unreachable or refuses (e.g. 42P04 duplicate_database without `ifNotExists`).
 */
export async function createDatabase(adminUrl: string, name: string, options: { ifNotExists?: boolean } = {}): Promise<string> {
  checkName(name);
  await withClient(adminUrl, async (client) => {
    if (options.ifNotExists && (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) return;
    await client.query(`CREATE DATABASE "${name}"`);
  });
  return databaseUrl(adminUrl, name);
}

/**
 * Drops database `name` on the server of `adminUrl` if it exists, `WITH (FORCE)`: sessions still
 * connected (a replica that was SIGKILLed, a leaked pool) are terminated rather than blocking it.
 * @throws RangeError for an invalid name; the pg error when the server is unreachable or refuses.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  checkName(name);
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Options of {@link migrateDatabase}. */
export interface MigrateOptions {
  /** Repository root (default: the one this lib is in). */
  root?: string;
  /** Built DataSource module, relative to `root` (default {@link DEFAULT_DATA_SOURCE}). */
  dataSource?: string;
  /** Extra environment for the CLI (it otherwise gets PATH, HOME, DATABASE_URL, JWT_SECRET, LOG_LEVEL only). */
  env?: Record<string, string>;
}

/**
 * Applies every pending migration of the API to the database at `url` by running the TypeORM CLI
 * (`typeorm migration:run -d dist/apps/api/src/database/data-source.js`) with DATABASE_URL=`url`:
 * exactly what `npm run migration:run` does in production, so scratch databases get the migrations
 * a release runs, through the same validated configuration. A CLI rather than a migrate callback
 * because libs never import apps, and a callback would have every caller import the API's built
 * TypeORM options itself (the copies this toolkit replaced); the cost is one Node process, under a
 * second. The data source refuses DATABASE_URL without JWT_SECRET, so the CLI gets a random one
 * (it signs nothing). Needs `npm run build` first.
 * @throws Error when the built data source is missing, or the CLI fails or runs over 120 s (with its output).
 */
export async function migrateDatabase(url: string, options: MigrateOptions = {}): Promise<void> {
  const root = options.root ?? ROOT;
  const dataSource = resolve(root, options.dataSource ?? DEFAULT_DATA_SOURCE);
  if (!existsSync(dataSource)) throw new Error(`built data source not found at ${dataSource}: run \`npm run build\` first`);
  const result = await execa(process.execPath, [resolve(root, 'node_modules/typeorm/cli.js'), 'migration:run', '-d', dataSource], {
    cwd: root,
    // A minimal environment: the parent's (e.g. Jest's NODE_OPTIONS, another DATABASE_URL) stays out.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? root,
      DATABASE_URL: url,
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    extendEnv: false,
    all: true,
    reject: false,
    timeout: MIGRATE_TIMEOUT_MS,
  });
  if (result.failed) {
    const output = String(result.all ?? '').trimEnd().split('\n').slice(-30).join('\n');
    throw new Error(`migrations failed on ${redactUrl(url)}: ${result.shortMessage}\n${output}`);
  }
}

/** A database made by {@link createScratchDatabase}. */
export interface ScratchDatabase {
  /** e.g. `tasklane_test_3f9a1c0b2e` */
  readonly name: string;
  /** Its postgres:// URL. */
  readonly url: string;
  /** Drops it (WITH (FORCE)). Idempotent; concurrent calls share one attempt. @throws the pg error (the next call tries again) */
  drop(): Promise<void>;
}

/** Options of {@link createScratchDatabase}. */
export interface ScratchDatabaseOptions extends MigrateOptions {
  /** Name prefix, `[a-z_][a-z0-9_]*` (default `tasklane_scratch`); 10 random hex digits follow after `_`. */
  prefix?: string;
  /** Apply the migrations (default true). */
  migrate?: boolean;
}

/**
 * Creates a uniquely named database `<prefix>_<10 hex digits>` on the server of `adminUrl` and,
 * unless `migrate: false`, applies the API's migrations to it ({@link migrateDatabase}).
 * @returns the database, with drop().
 * @throws as {@link createDatabase} and {@link migrateDatabase}; a database created before a failed
 *   migration is dropped again.
 */
export async function createScratchDatabase(adminUrl: string, options: ScratchDatabaseOptions = {}): Promise<ScratchDatabase> {
  const { prefix = 'tasklane_scratch', migrate = true } = options;
  const name = checkName(`${prefix}_${randomBytes(5).toString('hex')}`);
  const url = await createDatabase(adminUrl, name);
  let dropping: Promise<void> | null = null;
  const drop = (): Promise<void> =>
    (dropping ??= dropDatabase(adminUrl, name).catch((error: unknown) => {
      dropping = null;
      throw error;
    }));
  if (migrate) {
    try {
      await migrateDatabase(url, options);
    } catch (error) {
      await drop().catch(() => undefined);
      throw error;
    }
  }
  return { name, url, drop };
}

/** postgres://user:secret@host/db → postgres://user:***@host/db */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
