// Jest's Node test environment for the e2e project, giving each Jest worker its own database.
// Jest runs test files in parallel workers (maxWorkers in jest.config.mjs); global-setup.mjs makes
// one migrated database per worker and lists their URLs in TASKLANE_TEST_DATABASE_URLS. Files of
// one worker run one after another on that worker's database, as the whole run once did on one:
// no file sees another worker's rows or pg-boss jobs (a job-queue worker of one file's app never
// takes a job another file waits for). Rate-limit keys in Redis get the worker's own prefix too.
// The rest of Redis is shared: its keys are per board, user or session, all unique to a file.
import { TestEnvironment } from 'jest-environment-node';

/** @extends {TestEnvironment} */
export default class E2eEnvironment extends TestEnvironment {
  /**
   * Sets DATABASE_URL and RATE_LIMIT_KEY_PREFIX for this worker (JEST_WORKER_ID, 1-based; 1 when
   * Jest runs in band) in the worker's own environment, before the test file's copy of it is made,
   * so that child processes the file spawns without an env of their own get them as well.
   * @param {import('@jest/environment').JestEnvironmentConfig} config
   * @param {import('@jest/environment').EnvironmentContext} context
   * @throws when global-setup.mjs did not run (no TASKLANE_TEST_DATABASE_URLS) or made fewer
   *   databases than there are workers
   */
  constructor(config, context) {
    const urls = JSON.parse(process.env.TASKLANE_TEST_DATABASE_URLS ?? 'null');
    if (!Array.isArray(urls) || urls.length === 0) throw new Error('TASKLANE_TEST_DATABASE_URLS is not set: the e2e project runs after apps/api/test/support/global-setup.mjs');
    const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? '1') || 1);
    // Two workers on one database would see each other's jobs: more workers than databases is a bug.
    if (worker > urls.length) throw new Error(`Jest worker ${worker} has no database of its own (global-setup.mjs made ${urls.length})`);
    process.env.DATABASE_URL = urls[worker - 1];
    process.env.RATE_LIMIT_KEY_PREFIX = `${process.env.TASKLANE_TEST_KEY_PREFIX ?? 'tasklane:test:'}w${worker}:limits:`;
    super(config, context);
  }
}
