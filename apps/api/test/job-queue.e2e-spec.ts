// syncQueue against a real pg-boss on the test database (a scratch schema of its own, dropped
// after): pg-boss' createQueue leaves an existing queue as it is, so a changed JOB_RETRY_LIMIT,
// JOB_HEARTBEAT_S or a dead letter queue added later must reach a queue created before, and a job
// sent afterwards must carry the new settings.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { syncQueue } from '../src/jobs/job-queue.service.js';

describe('job queue settings (e2e, real pg-boss)', () => {
  const schema = `pgboss_sync_${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  let boss: PgBoss;

  beforeAll(async () => {
    boss = new PgBoss({ db: { executeSql: (text, values) => pool.query(text, values) }, schema, migrate: true, supervise: false, schedule: false });
    boss.on('error', () => undefined);
    await boss.start();
  });

  afterAll(async () => {
    await boss?.stop({ graceful: false });
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it('creates a queue, then brings an existing one in line with changed settings, and new jobs take them', async () => {
    const base = { retryLimit: 10, retryDelay: 1, retryBackoff: true, retryDelayMax: 3600, heartbeatSeconds: 30 };
    expect(await syncQueue(boss, 'sync.failed', base)).toEqual([]);
    expect(await syncQueue(boss, 'sync.run', base)).toEqual([]);
    // The same settings again: nothing to change.
    expect(await syncQueue(boss, 'sync.run', base)).toEqual([]);

    const changed = await syncQueue(boss, 'sync.run', { ...base, retryLimit: 3, heartbeatSeconds: 45, deadLetter: 'sync.failed' });
    expect(changed.sort()).toEqual(['deadLetter', 'heartbeatSeconds', 'retryLimit']);
    expect(await boss.getQueue('sync.run')).toMatchObject({ retryLimit: 3, heartbeatSeconds: 45, deadLetter: 'sync.failed', retryDelayMax: 3600 });

    const id = await boss.send('sync.run', { n: 1 });
    const { rows } = await pool.query<{ retry_limit: number; heartbeat_seconds: number; dead_letter: string }>(
      `SELECT retry_limit, heartbeat_seconds, dead_letter FROM ${schema}.job WHERE id = $1`,
      [id],
    );
    expect(rows).toEqual([{ retry_limit: 3, heartbeat_seconds: 45, dead_letter: 'sync.failed' }]);
  });
});
