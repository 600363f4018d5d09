import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';

// Drops the run's databases, made by global-setup.mjs (kept with KEEP_TEST_DB=1, for debugging),
// and removes the run's exported OpenAPI document with its temporary directory.
export default async function globalTeardown() {
  const openapi = process.env.TASKLANE_OPENAPI_FILE;
  if (openapi && basename(dirname(openapi)).startsWith('tasklane-openapi-')) rmSync(dirname(openapi), { recursive: true, force: true });
  if (process.env.KEEP_TEST_DB === '1') return;
  await Promise.all((globalThis.tasklaneTestDatabases ?? []).map((db) => db.drop()));
}
