// Generates a migration from the difference between the entities and the migrations, or with
// --check fails (exit 1) when they drift. Works on a scratch database (createScratchDatabase from
// libs/cluster: created and migrated, dropped after) on the PostgreSQL server of
// $ADMIN_DATABASE_URL (default: the local server), so it never touches real data.
// Usage: npm run migration:generate -- AddSomething   |   npm run migration:check
import { execFileSync } from 'node:child_process';

const check = process.argv.includes('--check');
const name = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!check && !name) {
  console.error('usage: npm run migration:generate -- <MigrationName>');
  process.exit(2);
}

execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
// Imported only now: the build above has just (re)written libs/cluster/dist.
const { createScratchDatabase, DEFAULT_DATA_SOURCE } = await import('../libs/cluster/dist/index.js');
const db = await createScratchDatabase(process.env.ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { prefix: 'tasklane_migrations' });
let status = 0;
try {
  const env = { ...process.env, DATABASE_URL: db.url, JWT_SECRET: 'x'.repeat(32) };
  const typeorm = (...args) => execFileSync('npx', ['typeorm', ...args, '-d', DEFAULT_DATA_SOURCE], { stdio: 'inherit', env });
  try {
    if (check) typeorm('migration:generate', '--check', 'apps/api/src/database/migrations/Drift');
    else typeorm('migration:generate', '--pretty', '--esm', `apps/api/src/database/migrations/${name}`);
  } catch {
    status = 1;
    if (check) console.error('Entities and migrations drift: run `npm run migration:generate -- <Name>` and commit it.');
  }
} finally {
  await db.drop();
}
process.exit(status);
