import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Creates a new directory `<os temp dir>/<prefix><random>` that other users may traverse (mode
 * 0755; mkdtemp makes 0700): nginx workers run as `nobody` and PostgreSQL as `postgres` when we
 * are root, and they write inside.
 * @returns the absolute path.
 * @throws the mkdtemp / chmod error (e.g. ENOSPC).
 */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
