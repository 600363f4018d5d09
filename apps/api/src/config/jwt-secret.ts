import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Env } from './env.schema.js';

/**
 * Where the embedded quick start keeps its generated signing key: `jwt-secret` beside the embedded
 * database's directory (`.data/jwt-secret` for the default `.data/postgres`), so deleting `.data/`
 * resets both.
 */
export const embeddedJwtSecretFile = (embeddedPgDir: string): string => join(dirname(resolve(embeddedPgDir)), 'jwt-secret');

/**
 * Reads the key in `file`, or creates it: 48 random bytes, base64url (64 characters), written with
 * mode 0600 and the exclusive flag, so two processes starting at once end up with the same key (the
 * loser of the race reads the winner's). Read back on later starts, so tokens survive restarts.
 * @throws Error when the file exists but holds fewer than 32 characters, or cannot be read or written.
 */
export function readOrCreateJwtSecret(file: string): string {
  try {
    const secret = randomBytes(48).toString('base64url');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Someone loosened the file's mode: the key is only as secret as the file, so tighten it again.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds a JWT signing key shorter than 32 characters: delete the file to generate a new one`);
  return secret;
}

/**
 * The HS256 signing key of this process: JWT_SECRET, or (only where validateEnv allows it to be
 * unset: not production, no DATABASE_URL) the embedded quick start's generated key. Called when the
 * auth module is instantiated, not when the configuration is validated, so exporting the OpenAPI
 * document or validating a config writes no file.
 */
export function jwtSigningSecret(env: Pick<Env, 'JWT_SECRET' | 'EMBEDDED_PG_DIR'>): string {
  return env.JWT_SECRET ?? readOrCreateJwtSecret(embeddedJwtSecretFile(env.EMBEDDED_PG_DIR));
}
