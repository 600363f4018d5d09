import { plainToInstance, Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, validateSync } from 'class-validator';
import { parseRateLimit, parseTrustProxy, type RateLimitValue, type TrustProxy } from './rate-limit-value.js';

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

/** `count/window` text → RateLimitValue; anything unparsable stays a string so that IsRateLimit reports it. */
const toRateLimit = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : (parseRateLimit(String(value)) ?? String(value)));

/** A parsed `count/window` (see parseRateLimit). */
const IsRateLimit = () =>
  ValidateBy({
    name: 'isRateLimit',
    validator: {
      validate: (value: unknown) => typeof value === 'object' && value !== null && 'windowMs' in value,
      defaultMessage: (args) => `${args?.property} must be count/window with a unit s, m or h and a window from 1 s to 24 h, e.g. 10/15m`,
    },
  });

/** Comma-separated origins → list (empty entries dropped). */
const toList = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : String(value)
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');


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

  /**
   * Listen queue of the HTTP port (`listen(2)` backlog): connections the kernel has completed and
   * holds until the replica accepts them. When a replica dies, its sockets reconnect to the others
   * at once; with Node's default of 511 their queues overflowed on a busy 2-core machine
   * (2026-12-02, 2,000 reconnects onto two replicas: about 1,900 connection attempts dropped in 2 s),
   * the load balancer's connects then waited for SYN retransmits, timed out (nginx proxy_connect_timeout 2 s)
   * and took the surviving replicas out of its pool (max_fails=1): 502 for everything for seconds.
   * Linux caps it at net.core.somaxconn (4096 by default since 5.4).
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  LISTEN_BACKLOG = 4096;

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

  /**
   * Pipelined PostgreSQL connections (node-postgres `pipeline: true`): a query can be sent before the
   * previous one's answer has arrived. Group commit uses it to send each write's SAVEPOINT together
   * with its first statement (one round trip fewer per write in a batch). Off: one query at a time
   * per connection, for a proxy in front of PostgreSQL that does not support pipelining.
   */
  @Transform(toBool) @IsBoolean()
  DB_PIPELINE = true;

  /** Run pending migrations at boot (default: on with the embedded database, off otherwise). */
  @IsOptional() @Transform(toBool) @IsBoolean()
  MIGRATIONS_RUN?: boolean;

  /** redis://host:port. Unset: in-memory Socket.IO adapter, which only serves a single replica. */
  @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string;

  /**
   * Redis Cluster seed nodes, `host:port,host:port,…` (any reachable masters; the rest is
   * discovered). Set: every Redis use goes to the cluster (the Socket.IO adapter becomes the
   * sharded adapter on SPUBLISH/SSUBSCRIBE, Redis 7+) and REDIS_URL must be unset.
   */
  @Transform(toList) @IsArray() @Matches(/^[^\s:,]+:\d{1,5}$/, { each: true, message: 'REDIS_CLUSTER_NODES must list host:port pairs separated by commas' })
  REDIS_CLUSTER_NODES: string[] = [];

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

  /**
   * Grace window (seconds, 0–300) for a lost refresh answer: a rotated refresh token presented again
   * within this long of its rotation, while its successor is still unused, gets a new successor
   * instead of counting as reuse (auth/token-families.ts). 0: every rotated token is reuse.
   * Default 60, the most Okta's rotation grace period allows: the web app's refresh times out after
   * 20 s and is retried every 5 s, so a lost answer is retried well inside it, also after a short outage.
   */
  @Transform(toInt) @IsInt() @Min(0) @Max(300)
  REFRESH_TOKEN_REUSE_GRACE = 60;

  /**
   * Most writes to one board that share one transaction on a replica (group commit, see
   * events/group-commit.ts). 1 turns batching off: every write its own transaction.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  GROUP_COMMIT_MAX = 32;

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

  /** When retention (old events, idempotency keys, tokens, deleted boards) runs: a cron expression in UTC, as a scheduled job (docs/jobs.md). */
  @IsString() @Matches(/^\S+( \S+){4,5}$/, { message: 'RETENTION_CRON must be a cron expression of 5 or 6 fields' })
  RETENTION_CRON = '* * * * *';

  /**
   * What this process is: `api` (REST + Socket.IO; also runs job workers when JOB_WORKERS) or
   * `worker` (job workers only; HTTP serves nothing but /health/live, /health/ready and /metrics).
   * Set by `main.js --role worker`.
   */
  @IsIn(['api', 'worker'])
  PROCESS_ROLE: 'api' | 'worker' = 'api';

  /** Whether an `api` process also runs the job handlers (on: the embedded default runs everything in one process; off: a separate worker role runs them). */
  @Transform(toBool) @IsBoolean()
  JOB_WORKERS = true;

  /** Jobs of one name that one process runs in parallel. */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  JOB_CONCURRENCY = 4;

  /** How often an idle job worker polls for jobs (seconds; 0.5 at least). */
  @Transform(toInt) @IsNumber() @Min(0.5)
  JOB_POLL_INTERVAL_S = 2;

  /** How often pg-boss' supervisor runs (expired, heartbeat-less and retention of jobs; queue counts), seconds. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  JOB_SUPERVISE_INTERVAL_S = 30;

  /** A running job's heartbeat interval (s): a job whose worker died is retried elsewhere after about this plus JOB_SUPERVISE_INTERVAL_S. */
  @Transform(toInt) @IsInt() @Min(10)
  JOB_HEARTBEAT_S = 30;

  /** Retries of a failed job (exponential backoff with jitter from 1 s, at most 1 h apart). */
  @Transform(toInt) @IsInt() @Min(0)
  JOB_RETRY_LIMIT = 10;

  /** Let webhooks reach private, loopback and link-local addresses (tests, on-premises receivers). Off: refused at creation and at every delivery (SSRF defence). */
  @Transform(toBool) @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;

  /** Time limit of one webhook POST, connection to last byte (ms). */
  @Transform(toInt) @IsInt() @Min(100)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** A webhook is disabled after this many consecutive failed attempts, and its board's owners are notified. */
  @Transform(toInt) @IsInt() @Min(1)
  WEBHOOK_DISABLE_AFTER = 50;

  /** A delivery is retried (network error, 5xx, 429) for this long after it was created, then fails for good (s). */
  @Transform(toInt) @IsInt() @Min(1)
  WEBHOOK_RETRY_WINDOW_S = 24 * 3600;

  /** First retry delay of a delivery (ms), doubling per attempt with jitter, at most WEBHOOK_RETRY_MAX_MS; a longer Retry-After wins. */
  @Transform(toInt) @IsInt() @Min(10)
  WEBHOOK_RETRY_BASE_MS = 10_000;

  /** Longest delay between two attempts of a delivery (ms). */
  @Transform(toInt) @IsInt() @Min(10)
  WEBHOOK_RETRY_MAX_MS = 3_600_000;

  /** Webhooks per board (409 LIMIT_REACHED beyond). */
  @Transform(toInt) @IsInt() @Min(1) @Max(100)
  WEBHOOKS_PER_BOARD_MAX = 20;

  /** Finished deliveries are kept in the log this long (s; retention job). */
  @Transform(toInt) @IsInt() @Min(60)
  WEBHOOK_DELIVERY_RETENTION_S = 7 * 24 * 3600;

  /** Largest board file `POST /boards/import` accepts (bytes; 413 beyond). */
  @Transform(toInt) @IsInt() @Min(1024)
  IMPORT_MAX_BYTES = 50 * 1024 * 1024;

  /** smtp(s)://user:pass@host:port of the mail server for notification emails; unset: no emails. */
  @IsOptional() @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** Sender of notification emails. */
  @IsString() @MinLength(3)
  EMAIL_FROM = 'Tasklane <no-reply@tasklane.invalid>';

  /** The app's public origin, for links in emails (open the board, unsubscribe). */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'PUBLIC_URL must be an http:// or https:// URL' })
  PUBLIC_URL = 'http://localhost:3000';

  /** How long before a task's due date its `due_soon` reminder is sent (s; `overdue` at the due date). */
  @Transform(toInt) @IsInt() @Min(1)
  REMINDER_LEAD_S = 24 * 3600;

  /** How long a draining replica keeps serving while reporting not-ready, so a load balancer that
   * polls /health/ready stops routing to it before it closes (ms; 0 for nginx, which does not poll). */
  @Transform(toInt) @IsInt() @Min(0)
  SHUTDOWN_GRACE_MS = 0;

  /**
   * After the grace period, how long a draining replica, which no longer accepts connections, keeps
   * serving the ones it has with `Connection: close` on every answer before it closes its idle
   * connections (ms). A load balancer's kept-alive upstream
   * connections then retire after their next request instead of being cut while a request is on
   * its way (nginx re-sends a POST that reached a replica only when it carries an Idempotency-Key
   * its route honours; otherwise it answers 502).
   */
  @Transform(toInt) @IsInt() @Min(0)
  SHUTDOWN_KEEPALIVE_DRAIN_MS = 500;

  /** Upper bound for a graceful shutdown before the process exits anyway (ms). */
  @Transform(toInt) @IsInt() @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  /** Directory of the built web app served at `/` (`vite build` output; relative to the working directory). */
  @IsString()
  WEB_APP_DIR = 'dist/apps/web';

  /** How often each replica refreshes the presence entries of its sockets in Redis (ms). */
  @Transform(toInt) @IsInt() @Min(100)
  PRESENCE_HEARTBEAT_MS = 5000;

  /**
   * How long a presence entry lives without a refresh (ms): the viewers of a replica that died
   * without a goodbye disappear from everyone's list within this plus one heartbeat.
   */
  @Transform(toInt) @IsInt() @Min(1000)
  PRESENCE_TTL_MS = 20_000;
  /**
   * Port of a separate HTTP listener (on HOST) that serves only `GET /metrics`, so the API port,
   * which the Ingress exposes, does not. Unset: `/metrics` is served on PORT.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  METRICS_PORT?: number;

  /**
   * OTLP/HTTP endpoint of a trace collector, e.g. `http://jaeger:4318`. Set: the process must be
   * started with `--import ./dist/apps/api/src/telemetry.js` (npm run start:prod, the image and
   * libs/cluster do it), which starts the OpenTelemetry SDK before the app loads. Unset: no SDK,
   * no tracing cost. Read by the SDK itself; validated here so a typo stops the boot.
   */
  @IsOptional() @Matches(/^https?:\/\/[^\s]+$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** `service.name` of the traces (read by the OpenTelemetry SDK). */
  @IsString() @MinLength(1)
  OTEL_SERVICE_NAME = 'tasklane-api';

  /** Name of this replica in the `X-Replica` response header (default: host:port). */
  @IsOptional() @IsString()
  REPLICA_ID?: string;

  /** Send `X-Replica` on every answer (off by default: it tells a stranger about the deployment). */
  @Transform(toBool) @IsBoolean()
  EXPOSE_REPLICA_HEADER = false;

  /**
   * Browser origins allowed to call the API cross-origin (CORS, with credentials) and to open a
   * Socket.IO connection, e.g. `https://app.example.com,https://admin.example.com`. Default none:
   * same origin only.
   */
  @Transform(toList) @IsArray() @Matches(/^https?:\/\/[^/\s?#]+$/, { each: true, message: 'CORS_ORIGINS must list origins like https://app.example.com (scheme and host, no path)' })
  CORS_ORIGINS: string[] = [];

  /**
   * Which hops in front of the replica to trust for `X-Forwarded-For` (Fastify `trustProxy`), so the
   * client address (rate limits per IP) is the caller's, not the load balancer's: `off` (default),
   * a hop count, or a comma-separated list of addresses, CIDRs and `loopback`, `linklocal`,
   * `uniquelocal`. See parseTrustProxy.
   */
  @Transform(({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : (parseTrustProxy(String(value)) ?? String(value))))
  @ValidateBy({
    name: 'isTrustProxy',
    validator: {
      validate: (value: unknown) => value === false || typeof value === 'number' || Array.isArray(value),
      defaultMessage: () => 'TRUST_PROXY must be off, a hop count, or a comma-separated list of addresses, CIDRs, loopback, linklocal or uniquelocal',
    },
  })
  TRUST_PROXY: TrustProxy = false;

  /**
   * `off` turns every rate limit and cap off: HTTP and socket rate limits, sockets per user, rooms
   * per socket, the task, column and board caps and the events-page byte budget. For load tests and
   * benchmarks only, never in production.
   */
  @IsIn(['on', 'off'])
  RATE_LIMITS: 'on' | 'off' = 'on';

  /** Prefix of every Redis key of the rate limits and the socket counts (tests give each run its own). */
  @IsString() @MinLength(1)
  RATE_LIMIT_KEY_PREFIX = 'tasklane:limits:';

  /** Failed logins per client address and email; then 429 until the window ends (fixed window). */
  @Transform(toRateLimit) @IsRateLimit()
  RATE_LIMIT_LOGIN_IP_EMAIL: RateLimitValue = { count: 10, windowMs: 15 * 60_000 };

  /** Failed logins per client address, any email (fixed window). */
  @Transform(toRateLimit) @IsRateLimit()
  RATE_LIMIT_LOGIN_IP: RateLimitValue = { count: 50, windowMs: 15 * 60_000 };

  /** `POST /auth/register` per client address (fixed window). */
  @Transform(toRateLimit) @IsRateLimit()
  RATE_LIMIT_REGISTER: RateLimitValue = { count: 5, windowMs: 3_600_000 };

  /** `POST /auth/refresh` per client address (fixed window). */
  @Transform(toRateLimit) @IsRateLimit()
  RATE_LIMIT_REFRESH: RateLimitValue = { count: 30, windowMs: 60_000 };

  /** `GET /unsubscribe` (the link in every email) per client address (fixed window), apart from the refresh limit. */
  @Transform(toRateLimit) @IsRateLimit()
  RATE_LIMIT_UNSUBSCRIBE: RateLimitValue = { count: 20, windowMs: 60_000 };

  /** Authenticated writes (POST, PATCH, DELETE) per user: the sustained rate of a token bucket of RATE_LIMIT_WRITES_BURST. */
  @Transform(toRateLimit) @IsRateLimit()
  RATE_LIMIT_WRITES: RateLimitValue = { count: 20, windowMs: 1_000 };

  /** Token bucket size of the writes limit: this many writes at once, then RATE_LIMIT_WRITES. */
  @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_WRITES_BURST = 40;

  /** Authenticated reads (GET) per user (fixed window). */
  @Transform(toRateLimit) @IsRateLimit()
  RATE_LIMIT_READS: RateLimitValue = { count: 100, windowMs: 1_000 };

  /** Socket.IO events per socket: the sustained rate of a token bucket of RATE_LIMIT_SOCKET_EVENTS_BURST. */
  @Transform(toRateLimit) @IsRateLimit()
  RATE_LIMIT_SOCKET_EVENTS: RateLimitValue = { count: 20, windowMs: 1_000 };

  /** Token bucket size of the socket events limit. A socket refused 3 × this many events in a row is disconnected. */
  @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_SOCKET_EVENTS_BURST = 40;

  /** Open sockets per user across all replicas (connect_error `too_many_connections` beyond). */
  @Transform(toInt) @IsInt() @Min(1)
  SOCKETS_PER_USER = 20;

  /** Board rooms one socket may be in (`board:join` beyond: LIMIT_REACHED). */
  @Transform(toInt) @IsInt() @Min(1)
  ROOMS_PER_SOCKET_MAX = 100;

  /** Tasks per board (409 LIMIT_REACHED beyond). */
  @Transform(toInt) @IsInt() @Min(1)
  TASKS_PER_BOARD_MAX = 10_000;

  /** Columns per board (409 LIMIT_REACHED beyond; a new board's initial columns count). */
  @Transform(toInt) @IsInt() @Min(1)
  COLUMNS_PER_BOARD_MAX = 100;

  /** Boards a user may be a member of, any role (409 LIMIT_REACHED on create and on being added). */
  @Transform(toInt) @IsInt() @Min(1)
  BOARDS_PER_USER_MAX = 500;

  /** Most bytes of event JSON in one `board:join` ack or `GET …/events` page (besides EVENTS_PAGE_MAX events). */
  @Transform(toInt) @IsInt() @Min(1024)
  EVENTS_PAGE_MAX_BYTES = 1024 * 1024;
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
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES?.length) messages.push('REDIS_URL and REDIS_CLUSTER_NODES are exclusive: set one');
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

/**
 * Reads the environment of this process once; used by the Nest config module and the TypeORM CLI.
 * @param overrides win over the environment (main.ts: `--role worker` as PROCESS_ROLE)
 */
export const loadEnv = (overrides: Record<string, string> = {}): Env => validateEnv({ ...process.env, ...overrides });
