// Runs once before the e2e project (outside Jest's module system, so it uses the built code:
// `npm test` builds first). Makes a fresh database with every migration applied (the migrations
// production runs, never synchronize) and sets the environment the app reads when imported.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { typeOrmOptions } from '../../../../dist/apps/api/src/database/typeorm-options.js';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export default async function globalSetup() {
  const name = `tasklane_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const ds = new DataSource({ ...typeOrmOptions(url.toString(), { size: 2, acquireTimeoutMs: 5000 }), logging: ['error'] });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.JWT_SECRET = 'e2e-secret-e2e-secret-e2e-secret-0123';
  process.env.MIGRATIONS_RUN = 'false';
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = 'warn';
}
