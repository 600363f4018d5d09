// Drops the run's database, made by global-setup.mjs (kept with KEEP_TEST_DB=1, for debugging).
export default async function globalTeardown() {
  if (process.env.KEEP_TEST_DB === '1') return;
  await globalThis.tasklaneTestDatabase?.drop();
}
