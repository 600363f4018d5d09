// Drops the run's database (kept with KEEP_TEST_DB=1, for debugging).
import pg from 'pg';

export default async function globalTeardown() {
  const url = process.env.DATABASE_URL;
  if (!url || process.env.KEEP_TEST_DB === '1') return;
  const name = new URL(url).pathname.slice(1);
  if (!/^tasklane_test_[a-f0-9]+$/.test(name)) return;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
