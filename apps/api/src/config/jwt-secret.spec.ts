import { mkdtempSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { embeddedJwtSecretFile, jwtSigningSecret, readOrCreateJwtSecret } from './jwt-secret.js';

describe('embedded JWT signing key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasklane-jwt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lives beside the embedded database directory', () => {
    expect(embeddedJwtSecretFile(join(dir, '.data/postgres'))).toBe(join(dir, '.data/jwt-secret'));
  });

  it('is generated once (random, 64 characters, mode 0600) and read back on later starts', () => {
    const file = join(dir, '.data/jwt-secret');
    const first = readOrCreateJwtSecret(file);
    expect(first).toMatch(/^[\w-]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${first}\n`);
    expect(readOrCreateJwtSecret(file)).toBe(first);
    // another directory, another key: nothing is a constant
    expect(readOrCreateJwtSecret(join(dir, 'other/jwt-secret'))).not.toBe(first);
  });

  it('tightens a loosened file mode and refuses a key shorter than 32 characters', () => {
    const file = join(dir, 'jwt-secret');
    writeFileSync(file, 'x'.repeat(40));
    chmodSync(file, 0o644);
    expect(readOrCreateJwtSecret(file)).toBe('x'.repeat(40));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'short');
    expect(() => readOrCreateJwtSecret(file)).toThrow(/shorter than 32 characters/);
  });

  it('uses JWT_SECRET when set, and writes no file then', () => {
    const pgDir = join(dir, 'data/postgres');
    expect(jwtSigningSecret({ JWT_SECRET: 's'.repeat(32), EMBEDDED_PG_DIR: pgDir })).toBe('s'.repeat(32));
    expect(() => statSync(join(dir, 'data/jwt-secret'))).toThrow();
    const generated = jwtSigningSecret({ JWT_SECRET: undefined, EMBEDDED_PG_DIR: pgDir });
    expect(readFileSync(join(dir, 'data/jwt-secret'), 'utf8').trim()).toBe(generated);
  });
});
