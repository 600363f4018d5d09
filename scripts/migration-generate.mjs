// Generates a migration from the difference between the entities and the migrations, or with
// --check fails (exit 1) when they drift. Works on a scratch database that it creates and drops on
// the PostgreSQL server of $ADMIN_DATABASE_URL (default: the local server), so it never touches
// real data.   Usage: npm run migration:generate -- AddSomething   |   npm run migration:check
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const check = process.argv.includes('--check');
const name = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!check && !name) {
  console.error('usage: npm run migration:generate -- <MigrationName>');
  process.exit(2);
}
const admin = new URL(process.env.ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const scratch = `tasklane_migrations_${randomBytes(4).toString('hex')}`;
const url = new URL(admin);
url.pathname = `/${scratch}`;

execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
await client.query(`CREATE DATABASE ${scratch}`);
let status = 0;
try {
  const env = { ...process.env, DATABASE_URL: url.toString(), JWT_SECRET: 'x'.repeat(32) };
  const typeorm = (...args) =>
    execFileSync('npx', ['typeorm', ...args, '-d', 'dist/apps/api/src/database/data-source.js'], { stdio: 'inherit', env });
  typeorm('migration:run');
  try {
    if (check) typeorm('migration:generate', '--check', 'apps/api/src/database/migrations/Drift');
    else typeorm('migration:generate', '--pretty', '--esm', `apps/api/src/database/migrations/${name}`);
  } catch {
    status = 1;
    if (check) console.error('Entities and migrations drift: run `npm run migration:generate -- <Name>` and commit it.');
  }
} finally {
  await client.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await client.end();
}
process.exit(status);
