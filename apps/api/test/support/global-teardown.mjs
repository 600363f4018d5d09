// Drops the run's databases, made by global-setup.mjs (kept with KEEP_TEST_DB=1, for debugging).
export default async function globalTeardown() {
  if (process.env.KEEP_TEST_DB === '1') return;
  await Promise.all((globalThis.tasklaneTestDatabases ?? []).map((db) => db.drop()));
}
