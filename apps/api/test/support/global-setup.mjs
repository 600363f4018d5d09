// Runs once before the e2e project (outside Jest's module system, so it uses the built code:
// `npm test` builds first). Makes fresh databases `tasklane_test_<random>`, one per Jest worker,
// with every migration applied (the migrations production runs, never synchronize; see
// createScratchDatabase in libs/cluster), and sets the environment the app reads when imported.
// e2e-environment.mjs points each worker at its own database.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createScratchDatabase } from '../../../../libs/cluster/dist/index.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

/** @param {{ maxWorkers: number }} globalConfig Jest's: one database per worker it may start. */
export default async function globalSetup(globalConfig) {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const workers = Math.max(1, globalConfig.maxWorkers);
  // Globals set here are visible to globalTeardown (and only to it), which drops the databases.
  // Made one after another: their migrations in parallel would only compete for the same cores.
  // Jest skips globalTeardown when this throws, so a failure drops what was made before it.
  globalThis.tasklaneTestDatabases = [];
  try {
    await prepare(adminUrl, workers);
  } catch (error) {
    await Promise.all(globalThis.tasklaneTestDatabases.map((db) => db.drop().catch(() => undefined)));
    throw error;
  }
}

/** Makes the databases and sets the environment the app reads when imported. */
async function prepare(adminUrl, workers) {
  for (let i = 0; i < workers; i++) globalThis.tasklaneTestDatabases.push(await createScratchDatabase(adminUrl, { prefix: 'tasklane_test' }));
  process.env.TASKLANE_TEST_DATABASE_URLS = JSON.stringify(globalThis.tasklaneTestDatabases.map((db) => db.url));
  process.env.DATABASE_URL = globalThis.tasklaneTestDatabases[0].url;
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.JWT_SECRET = randomBytes(32).toString('hex');
  process.env.MIGRATIONS_RUN = 'false';
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = 'warn';
  // Two workers may each run a file with three replicas; with the default pool of 20 per process
  // (shared with pg-boss' pollers) two CI runs peaked at 75 and 87 connections, close to
  // PostgreSQL's default max_connections of 100. Ten per process (replicas inherit it) keeps the
  // worst case, six processes, at 60 pooled connections (the next CI run peaked at 65 in all).
  process.env.DB_POOL_SIZE ??= '10';
  // Rate limits stay on in the e2e suites. Their Redis keys get a prefix of this run's own, so runs
  // sharing one Redis (other worktrees, CI retries) never count against each other, and
  // e2e-environment.mjs adds the worker's number (`<run prefix>w<n>:limits:`).
  process.env.TASKLANE_TEST_KEY_PREFIX = `tasklane:test:${randomBytes(6).toString('hex')}:`;
  // Every suite registers its users and refreshes their tokens from 127.0.0.1: the per-address
  // defaults (5 registrations an hour, 30 refreshes a minute) would stop the second suite.
  // security/api4-rate-limits.e2e-spec.ts tests the defaults with addresses of its own.
  process.env.RATE_LIMIT_REGISTER = '100000/1h';
  process.env.RATE_LIMIT_REFRESH = '100000/1m';
  // Webhooks: every suite's app runs job workers on its Jest worker's database, so a later suite's
  // app may deliver an earlier suite's webhook: the receivers are on 127.0.0.1 (allowed here; the
  // SSRF rules are tested with an app of their own), and retries and polling are fast.
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = 'true';
  process.env.WEBHOOK_RETRY_BASE_MS = '200';
  process.env.WEBHOOK_RETRY_MAX_MS = '2000';
  process.env.WEBHOOK_DISABLE_AFTER = '5';
  process.env.JOB_POLL_INTERVAL_S = '0.5';
  // The contract every e2e response is checked against (support/contract.ts): the document the
  // server serves at /docs-json, exported by the same builder.
  const openapi = join(mkdtempSync(join(tmpdir(), 'tasklane-openapi-')), 'openapi.json');
  execFileSync(process.execPath, [join(ROOT, 'scripts/openapi.mjs'), openapi], { stdio: 'ignore' });
  process.env.TASKLANE_OPENAPI_FILE = openapi;
}
