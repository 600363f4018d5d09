import { describe, expect, it } from '@jest/globals';
import { REFUSED_JWT_SECRETS, validateEnv } from './env.schema.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';
const PUBLISHED = 'tasklane-dev-secret-do-not-use-in-production';

/** The message validateEnv throws for `raw`, or fails the test if it does not throw. */
const failureOf = (raw: Record<string, unknown>): string => {
  try {
    validateEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
  throw new Error(`validateEnv accepted ${JSON.stringify(raw)}`);
};

/** The "  - ..." lines of a failure message. */
const problems = (message: string): string[] =>
  message
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/^ {2}- /, ''));

describe('validateEnv', () => {
  it('fills in every default for an empty environment (embedded database, no secret: generated on disk later, migrations on)', () => {
    const env = validateEnv({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      HOST: '0.0.0.0',
      LISTEN_BACKLOG: 4096,
      EMBEDDED_PG_DIR: '.data/postgres',
      EMBEDDED_PG_PORT: 54329,
      DB_POOL_SIZE: 20,
      DB_POOL_TIMEOUT_MS: 5000,
      ACCESS_TOKEN_TTL: 900,
      REFRESH_TOKEN_TTL: 30 * 24 * 3600,
      REFRESH_TOKEN_ABSOLUTE_TTL: 30 * 24 * 3600,
      REFRESH_TOKEN_REUSE_GRACE: 60,
      EVENTS_PAGE_MAX: 1000,
      INVITATION_TTL_S: 14 * 24 * 3600,
      MEMBERS_PER_BOARD_MAX: 500,
      LOG_LEVEL: 'info',
      MIGRATIONS_RUN: true,
      REPLICA_ID: `${process.env.HOSTNAME ?? 'api'}:3000`,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.JWT_SECRET).toBeUndefined();
  });

  // toInt/toBool map '' to undefined so that `PORT=` (an empty variable, as compose files often
  // produce) falls back to the default.
  it('treats empty strings as unset', () => {
    const env = validateEnv({ PORT: '', DB_POOL_SIZE: '', MIGRATIONS_RUN: '' });
    expect(env).toMatchObject({ PORT: 3000, DB_POOL_SIZE: 20, MIGRATIONS_RUN: true });
  });

  it('converts numeric and boolean strings', () => {
    const env = validateEnv({ PORT: '8080', LISTEN_BACKLOG: '1024', DB_POOL_SIZE: '5', ACCESS_TOKEN_TTL: '60', MIGRATIONS_RUN: 'false', REPLICA_ID: 'api-7' });
    expect(env).toMatchObject({ PORT: 8080, LISTEN_BACKLOG: 1024, DB_POOL_SIZE: 5, ACCESS_TOKEN_TTL: 60, MIGRATIONS_RUN: false, REPLICA_ID: 'api-7' });
    for (const yes of ['1', 'true', 'TRUE', 'yes']) expect(validateEnv({ MIGRATIONS_RUN: yes }).MIGRATIONS_RUN).toBe(true);
    for (const no of ['0', 'false', 'no']) expect(validateEnv({ MIGRATIONS_RUN: no }).MIGRATIONS_RUN).toBe(false);
    // Pipelined connections unless turned off (a proxy in front of PostgreSQL without pipelining).
    expect(validateEnv({}).DB_PIPELINE).toBe(true);
    expect(validateEnv({ DB_PIPELINE: 'false' }).DB_PIPELINE).toBe(false);
  });

  it('defaults REPLICA_ID to host:port', () => {
    expect(validateEnv({ PORT: '4100' }).REPLICA_ID).toBe(`${process.env.HOSTNAME ?? 'api'}:4100`);
  });

  it('requires JWT_SECRET when DATABASE_URL is set', () => {
    const message = failureOf({ DATABASE_URL: 'postgres://u:p@db:5432/tasklane' });
    expect(message).toMatch(/^Invalid configuration:\n/);
    expect(problems(message)).toEqual(['JWT_SECRET is required when DATABASE_URL is set (generate one: openssl rand -hex 32)']);
  });

  // The Docker image runs with NODE_ENV=production and, without DATABASE_URL, the embedded
  // database: that combination used to sign with the public development key.
  it('requires JWT_SECRET with NODE_ENV=production, also with the embedded database', () => {
    expect(problems(failureOf({ NODE_ENV: 'production' }))).toEqual(['JWT_SECRET is required when NODE_ENV=production (generate one: openssl rand -hex 32)']);
    expect(problems(failureOf({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/tasklane' }))).toEqual([
      'JWT_SECRET is required when NODE_ENV=production (generate one: openssl rand -hex 32)',
    ]);
    expect(validateEnv({ NODE_ENV: 'production', JWT_SECRET: SECRET }).JWT_SECRET).toBe(SECRET);
  });

  it('refuses the published development key with NODE_ENV=production or DATABASE_URL, and nowhere else', () => {
    expect(REFUSED_JWT_SECRETS).toContain(PUBLISHED);
    expect(problems(failureOf({ NODE_ENV: 'production', JWT_SECRET: PUBLISHED }))).toEqual([
      'JWT_SECRET is a published development key, refused when NODE_ENV=production (generate one: openssl rand -hex 32)',
    ]);
    expect(problems(failureOf({ DATABASE_URL: 'postgres://u:p@db:5432/tasklane', JWT_SECRET: PUBLISHED }))).toEqual([
      'JWT_SECRET is a published development key, refused when DATABASE_URL is set (generate one: openssl rand -hex 32)',
    ]);
    // Someone who sets it on purpose for the embedded quick start may; it is never a default any more.
    expect(validateEnv({ JWT_SECRET: PUBLISHED }).JWT_SECRET).toBe(PUBLISHED);
  });

  it('allows token lifetimes under 60 s only with NODE_ENV=test', () => {
    expect(validateEnv({ NODE_ENV: 'test', ACCESS_TOKEN_TTL: '2', REFRESH_TOKEN_ABSOLUTE_TTL: '3' })).toMatchObject({ ACCESS_TOKEN_TTL: 2, REFRESH_TOKEN_ABSOLUTE_TTL: 3 });
    expect(problems(failureOf({ ACCESS_TOKEN_TTL: '2', REFRESH_TOKEN_ABSOLUTE_TTL: '59' }))).toEqual([
      'ACCESS_TOKEN_TTL must not be less than 60 (1 with NODE_ENV=test)',
      'REFRESH_TOKEN_ABSOLUTE_TTL must not be less than 60 (1 with NODE_ENV=test)',
    ]);
    expect(problems(failureOf({ NODE_ENV: 'test', ACCESS_TOKEN_TTL: '0' }))).toEqual(['ACCESS_TOKEN_TTL must not be less than 1']);
  });

  it('takes REFRESH_TOKEN_REUSE_GRACE from 0 (off) to 300 seconds', () => {
    expect(validateEnv({ REFRESH_TOKEN_REUSE_GRACE: '0' }).REFRESH_TOKEN_REUSE_GRACE).toBe(0);
    expect(validateEnv({ REFRESH_TOKEN_REUSE_GRACE: '300' }).REFRESH_TOKEN_REUSE_GRACE).toBe(300);
    expect(problems(failureOf({ REFRESH_TOKEN_REUSE_GRACE: '301' }))).toEqual(['REFRESH_TOKEN_REUSE_GRACE must not be greater than 300']);
    expect(problems(failureOf({ REFRESH_TOKEN_REUSE_GRACE: '-1' }))).toEqual(['REFRESH_TOKEN_REUSE_GRACE must not be less than 0']);
  });

  it('accepts DATABASE_URL with a JWT_SECRET, and then leaves migrations off by default', () => {
    const env = validateEnv({ DATABASE_URL: 'postgresql://u:p@db:5432/tasklane', JWT_SECRET: SECRET });
    expect(env).toMatchObject({ DATABASE_URL: 'postgresql://u:p@db:5432/tasklane', JWT_SECRET: SECRET, MIGRATIONS_RUN: false });
  });

  it('rejects a short JWT_SECRET with a readable message', () => {
    expect(problems(failureOf({ JWT_SECRET: 'short' }))).toEqual(['JWT_SECRET must be at least 32 characters']);
  });

  it.each([['0'], ['65536'], ['abc'], ['512.5']])('rejects LISTEN_BACKLOG=%s with a message naming it', (backlog) => {
    const lines = problems(failureOf({ LISTEN_BACKLOG: backlog }));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^LISTEN_BACKLOG /);
  });

  it.each([['abc'], ['70000'], ['-1'], ['80.5'], ['3000abc']])('rejects PORT=%s with a message naming PORT', (port) => {
    const message = failureOf({ PORT: port });
    expect(message).toMatch(/^Invalid configuration:\n {2}- /);
    const lines = problems(message);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^PORT /);
    expect(message).not.toMatch(/\[object Object\]|undefined|NaN/);
  });

  it('lists every invalid variable in one message', () => {
    const lines = problems(
      failureOf({ PORT: 'x', LOG_LEVEL: 'loud', NODE_ENV: 'staging', DATABASE_URL: 'mysql://db/x', REDIS_URL: 'http://r:6379', DB_POOL_SIZE: '0' }),
    );
    const named = new Set(lines.map((line) => line.split(' ')[0]));
    expect([...named].sort()).toEqual(['DATABASE_URL', 'DB_POOL_SIZE', 'JWT_SECRET', 'LOG_LEVEL', 'NODE_ENV', 'PORT', 'REDIS_URL']);
    expect(lines).toContain('DATABASE_URL must start with postgres:// or postgresql://');
    expect(lines).toContain('REDIS_URL must start with redis:// or rediss://');
  });

  it('ignores unrelated variables', () => {
    expect(() => validateEnv({ PATH: '/usr/bin', SOMETHING_ELSE: 'x' })).not.toThrow();
  });

  it('defaults every rate limit and cap to the documented values, limits on, no CORS, no X-Replica, no proxy trusted', () => {
    expect(validateEnv({})).toMatchObject({
      RATE_LIMITS: 'on',
      TRUST_PROXY: false,
      CORS_ORIGINS: [],
      EXPOSE_REPLICA_HEADER: false,
      RATE_LIMIT_LOGIN_IP_EMAIL: { count: 10, windowMs: 900_000 },
      RATE_LIMIT_LOGIN_IP: { count: 50, windowMs: 900_000 },
      RATE_LIMIT_REGISTER: { count: 5, windowMs: 3_600_000 },
      RATE_LIMIT_REFRESH: { count: 30, windowMs: 60_000 },
      RATE_LIMIT_WRITES: { count: 20, windowMs: 1_000 },
      RATE_LIMIT_WRITES_BURST: 40,
      RATE_LIMIT_READS: { count: 100, windowMs: 1_000 },
      RATE_LIMIT_SOCKET_EVENTS: { count: 20, windowMs: 1_000 },
      RATE_LIMIT_SOCKET_EVENTS_BURST: 40,
      SOCKETS_PER_USER: 20,
      ROOMS_PER_SOCKET_MAX: 100,
      TASKS_PER_BOARD_MAX: 10_000,
      COLUMNS_PER_BOARD_MAX: 100,
      BOARDS_PER_USER_MAX: 500,
      EVENTS_PAGE_MAX_BYTES: 1_048_576,
    });
  });

  it('parses count/window rate limits, origin lists and TRUST_PROXY', () => {
    const env = validateEnv({
      RATE_LIMIT_LOGIN_IP_EMAIL: '3/1m',
      RATE_LIMIT_READS: ' 7/2s ',
      RATE_LIMIT_REGISTER: '1000/24h',
      CORS_ORIGINS: 'https://app.example.com, http://localhost:5173',
      TRUST_PROXY: 'loopback,10.0.0.0/8',
      RATE_LIMITS: 'off',
    });
    expect(env).toMatchObject({
      RATE_LIMIT_LOGIN_IP_EMAIL: { count: 3, windowMs: 60_000 },
      RATE_LIMIT_READS: { count: 7, windowMs: 2_000 },
      RATE_LIMIT_REGISTER: { count: 1000, windowMs: 86_400_000 },
      CORS_ORIGINS: ['https://app.example.com', 'http://localhost:5173'],
      TRUST_PROXY: ['loopback', '10.0.0.0/8'],
      RATE_LIMITS: 'off',
    });
    expect(validateEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(validateEnv({ TRUST_PROXY: 'off' }).TRUST_PROXY).toBe(false);
  });

  it('names each malformed rate limit, origin list, TRUST_PROXY and RATE_LIMITS value', () => {
    const lines = problems(
      failureOf({
        RATE_LIMIT_WRITES: '20 per second',
        RATE_LIMIT_READS: '0/1s',
        RATE_LIMIT_REFRESH: '5/2d',
        RATE_LIMIT_REGISTER: '5/25h',
        CORS_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
        TRUST_PROXY: 'true',
        RATE_LIMITS: 'disabled',
      }),
    );
    expect([...new Set(lines.map((line) => line.split(' ')[0]))].sort()).toEqual([
      'CORS_ORIGINS',
      'RATE_LIMITS',
      'RATE_LIMIT_READS',
      'RATE_LIMIT_REFRESH',
      'RATE_LIMIT_REGISTER',
      'RATE_LIMIT_WRITES',
      'TRUST_PROXY',
    ]);
    expect(lines).toContain('RATE_LIMIT_WRITES must be count/window with a unit s, m or h and a window from 1 s to 24 h, e.g. 10/15m');
  });

  it('observability and Redis Cluster: METRICS_PORT, OTEL_*, REDIS_CLUSTER_NODES parsed; unset by default', () => {
    const defaults = validateEnv({});
    expect([defaults.METRICS_PORT, defaults.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([undefined, undefined]);
    expect(defaults).toMatchObject({ OTEL_SERVICE_NAME: 'tasklane-api', REDIS_CLUSTER_NODES: [] });
    expect(validateEnv({ METRICS_PORT: '9464', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', REDIS_CLUSTER_NODES: 'redis-0:6379, 10.0.0.2:7000' })).toMatchObject({
      METRICS_PORT: 9464,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
      REDIS_CLUSTER_NODES: ['redis-0:6379', '10.0.0.2:7000'],
    });
    const empty = validateEnv({ METRICS_PORT: '', REDIS_CLUSTER_NODES: '' });
    expect([empty.METRICS_PORT, empty.REDIS_CLUSTER_NODES]).toEqual([undefined, []]);
  });

  it('refuses a bad METRICS_PORT, OTLP endpoint or node list, and REDIS_URL together with REDIS_CLUSTER_NODES', () => {
    const lines = problems(failureOf({ METRICS_PORT: '70000', OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318', REDIS_CLUSTER_NODES: 'redis-0' }));
    expect(lines).toContain('REDIS_CLUSTER_NODES must list host:port pairs separated by commas');
    expect(lines).toContain('OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL');
    expect(lines.some((l) => l.startsWith('METRICS_PORT'))).toBe(true);
    expect(problems(failureOf({ REDIS_URL: 'redis://r:6379', REDIS_CLUSTER_NODES: 'r:7000' }))).toEqual(['REDIS_URL and REDIS_CLUSTER_NODES are exclusive: set one']);
  });
});
