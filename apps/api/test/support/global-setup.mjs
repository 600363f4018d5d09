// Runs once before the e2e project (outside Jest's module system, so it uses the built code:
// `npm test` builds first). Makes a fresh database `tasklane_test_<random>` with every migration
// applied (the migrations production runs, never synchronize; see createScratchDatabase in
// libs/cluster) and sets the environment the app reads when imported.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createScratchDatabase } from '../../../../libs/cluster/dist/index.js';

const ROOT = resolve(import.meta.dirname, '../../../..');

export default async function globalSetup() {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = await createScratchDatabase(adminUrl, { prefix: 'tasklane_test' });
  // Globals set here are visible to globalTeardown (and only to it), which drops the database.
  globalThis.tasklaneTestDatabase = db;
  process.env.DATABASE_URL = db.url;
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.JWT_SECRET = randomBytes(32).toString('hex');
  process.env.MIGRATIONS_RUN = 'false';
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = 'warn';
  // Rate limits stay on in the e2e suites. Their Redis keys get a prefix of this run's own, so runs
  // sharing one Redis (other worktrees, CI retries) never count against each other.
  process.env.RATE_LIMIT_KEY_PREFIX = `tasklane:test:${randomBytes(6).toString('hex')}:limits:`;
  // Every suite registers its users and refreshes their tokens from 127.0.0.1: the per-address
  // defaults (5 registrations an hour, 30 refreshes a minute) would stop the second suite.
  // security/api4-rate-limits.e2e-spec.ts tests the defaults with addresses of its own.
  process.env.RATE_LIMIT_REGISTER = '100000/1h';
  process.env.RATE_LIMIT_REFRESH = '100000/1m';
  // Webhooks: every suite's app runs job workers on the one database, so any of them may deliver
  // another suite's webhook: the receivers are on 127.0.0.1 (allowed here; the SSRF rules are
  // tested with an app of their own), and retries and polling are fast.
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
