import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes'].includes(String(value).toLowerCase());

/**
 * Signing keys that were ever published (in this repository's history): anyone could mint tokens
 * with them, so they are refused whenever NODE_ENV=production or DATABASE_URL is set.
 */
export const REFUSED_JWT_SECRETS: readonly string[] = ['tasklane-dev-secret-do-not-use-in-production'];

/** Shortest ACCESS_TOKEN_TTL and REFRESH_TOKEN_ABSOLUTE_TTL outside NODE_ENV=test (seconds); tests may go down to 1 s to watch expiry happen. */
const MIN_TOKEN_TTL_S = 60;

/**
 * Environment variables of the API, validated at boot. See the configuration table in docs/operations.md.
 * Durations are in seconds unless the name says otherwise.
 */
export class Env {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** postgres://user:pass@host:port/db. Unset: start an embedded PostgreSQL under EMBEDDED_PG_DIR. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must start with postgres:// or postgresql://' })
  DATABASE_URL?: string;

  @IsString()
  EMBEDDED_PG_DIR = '.data/postgres';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  /** Pool size per replica; the PostgreSQL max_connections budget is replicas × this. */
  @Transform(toInt) @IsInt() @Min(1) @Max(200)
  DB_POOL_SIZE = 20;

  /** Milliseconds a request waits for a pooled connection before failing with 503. */
  @Transform(toInt) @IsInt() @Min(100)
  DB_POOL_TIMEOUT_MS = 5000;

  /** Run pending migrations at boot (default: on with the embedded database, off otherwise). */
  @IsOptional() @Transform(toBool) @IsBoolean()
  MIGRATIONS_RUN?: boolean;

  /** redis://host:port. Unset: in-memory Socket.IO adapter, which only serves a single replica. */
  @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string;

  /**
   * HS256 signing key, at least 32 characters. Required with NODE_ENV=production or DATABASE_URL.
   * Unset otherwise (the embedded quick start): a random key kept in `<dirname EMBEDDED_PG_DIR>/jwt-secret`
   * (config/jwt-secret.ts), created on first start.
   */
  @IsOptional() @IsString() @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Access token (JWT) lifetime; at least 60 (1 with NODE_ENV=test). */
  @Transform(toInt) @IsInt() @Min(1)
  ACCESS_TOKEN_TTL = 900;

  /** Lifetime of one refresh token: a session unused this long ends. Each refresh issues a new one. */
  @Transform(toInt) @IsInt() @Min(60)
  REFRESH_TOKEN_TTL = 30 * 24 * 3600;

  /** Absolute lifetime of a session (token family) from its login or register; rotation does not extend it. At least 60 (1 with NODE_ENV=test). */
  @Transform(toInt) @IsInt() @Min(1)
  REFRESH_TOKEN_ABSOLUTE_TTL = 30 * 24 * 3600;

  /** Most events a `board:join` ack or one `GET …/events` page carries (the REST `limit` is at most 1000 too). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  EVENTS_PAGE_MAX = 1000;

  /** How long an invitation to a board can be accepted (seconds; default 14 days). Past it, it counts as not pending. */
  @Transform(toInt) @IsInt() @Min(1)
  INVITATION_TTL_S = 14 * 24 * 3600;

  /** Most members plus pending invitations a board may have; one more invitation is 409 LIMIT_REACHED. */
  @Transform(toInt) @IsInt() @Min(1)
  MEMBERS_PER_BOARD_MAX = 500;

  /** How often each replica's outbox relay looks for events nobody broadcast (ms). */
  @Transform(toInt) @IsInt() @Min(100)
  RELAY_INTERVAL_MS = 1000;

  /**
   * Age after which an unpublished event is considered lost by its replica and relayed (ms). Long
   * enough that a CPU-starved replica's own broadcast-and-mark usually lands first (at 2 s an
   * overloaded benchmark re-sent 3.6% of events); clients close gaps sooner through `board:seq`.
   */
  @Transform(toInt) @IsInt() @Min(100)
  RELAY_DELAY_MS = 5000;

  /** How often broadcast events are marked published, in one batched UPDATE (ms). */
  @Transform(toInt) @IsInt() @Min(10)
  RELAY_MARK_INTERVAL_MS = 100;

  /** Interval of the `board:seq` notice sent to every joined board room (ms). */
  @Transform(toInt) @IsInt() @Min(100)
  SEQ_HEARTBEAT_MS = 2000;

  /** Events older than this are pruned (seconds; default 7 days). A client further behind refetches the snapshot. */
  @Transform(toInt) @IsInt() @Min(60)
  EVENTS_RETENTION_AGE_S = 7 * 24 * 3600;

  /** At most this many events are kept per board (the newest); older ones are pruned even if younger than the age limit. */
  @Transform(toInt) @IsInt() @Min(1)
  EVENTS_RETENTION_COUNT = 10_000;

  /** How often one replica prunes old events, idempotency keys and tokens (ms). */
  @Transform(toInt) @IsInt() @Min(1000)
  PRUNE_INTERVAL_MS = 60_000;

  /** How long a draining replica keeps serving while reporting not-ready, so a load balancer that
   * polls /health/ready stops routing to it before it closes (ms; 0 for nginx, which does not poll). */
  @Transform(toInt) @IsInt() @Min(0)
  SHUTDOWN_GRACE_MS = 0;

  /**
   * After the grace period, how long a draining replica keeps serving with `Connection: close` on
   * every answer before it closes its idle connections (ms). A load balancer's kept-alive upstream
   * connections then retire after their next request instead of being cut while a request is on
   * its way (nginx never re-sends a POST that reached a replica: it would answer 502).
   */
  @Transform(toInt) @IsInt() @Min(0)
  SHUTDOWN_KEEPALIVE_DRAIN_MS = 500;

  /** Upper bound for a graceful shutdown before the process exits anyway (ms). */
  @Transform(toInt) @IsInt() @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  /** Name of this replica in the `X-Replica` response header (default: host:port). */
  @IsOptional() @IsString()
  REPLICA_ID?: string;
}

/**
 * Parses and validates `raw` (normally process.env).
 * @throws Error listing every invalid variable, for main.ts to print before exiting with status 1.
 */
export function validateEnv(raw: Record<string, unknown>): Env {
  // An empty variable (`PORT=`) means unset: keep the default rather than failing on ''.
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '' && v !== undefined));
  const env = plainToInstance(Env, present, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, skipMissingProperties: false });
  const messages = errors.flatMap((e) => Object.values(e.constraints ?? {}));
  messages.push(...secretProblems(env));
  if (env.NODE_ENV !== 'test') {
    for (const key of ['ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_ABSOLUTE_TTL'] as const) {
      if (Number.isInteger(env[key]) && env[key] < MIN_TOKEN_TTL_S) messages.push(`${key} must not be less than ${MIN_TOKEN_TTL_S} (1 with NODE_ENV=test)`);
    }
  }
  if (messages.length > 0) {
    throw new Error(`Invalid configuration:\n  - ${messages.join('\n  - ')}`);
  }
  env.MIGRATIONS_RUN ??= !env.DATABASE_URL;
  env.REPLICA_ID ??= `${process.env.HOSTNAME ?? 'api'}:${env.PORT}`;
  return env;
}

/**
 * The signing key rules: production and any external database need a key of their own, and never
 * a published one. The embedded quick start may run without (a random key on disk, see jwt-secret.ts).
 */
function secretProblems(env: Env): string[] {
  const serious = env.NODE_ENV === 'production' || env.DATABASE_URL !== undefined;
  if (!serious) return [];
  const where = env.NODE_ENV === 'production' ? 'NODE_ENV=production' : 'DATABASE_URL is set';
  if (!env.JWT_SECRET) return [`JWT_SECRET is required when ${where} (generate one: openssl rand -hex 32)`];
  if (REFUSED_JWT_SECRETS.includes(env.JWT_SECRET)) return [`JWT_SECRET is a published development key, refused when ${where} (generate one: openssl rand -hex 32)`];
  return [];
}

/** Reads the environment of this process once; used by the Nest config module and the TypeORM CLI. */
export const loadEnv = (): Env => validateEnv(process.env);
