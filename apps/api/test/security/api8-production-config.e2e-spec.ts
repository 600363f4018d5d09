import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';

const ENTRY = resolve(import.meta.dirname, '../../../../dist/apps/api/src/main.js');

/** Runs the built server with exactly `env` (plus PATH and HOME) in `cwd`; resolves with its exit code and output once it exits. */
function boot(env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [ENTRY], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', fail);
    // 'close', not 'exit': the child's stdio may still hold its last lines at 'exit' (Node.js docs).
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** The built server (`node dist/apps/api/src/main.js`) refuses to start without a signing key of its own in production. */
describe('boot configuration (e2e, built server)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'tasklane-boot-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('exits 1 with one clear message under NODE_ENV=production without JWT_SECRET (the Docker image, embedded database)', async () => {
    const run = await boot({ NODE_ENV: 'production' }, cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('Invalid configuration:\n  - JWT_SECRET is required when NODE_ENV=production (generate one: openssl rand -hex 32)\n');
    expect(run.stdout).toBe('');
    // refused before anything started: no embedded database, no generated key
    expect(readdirSync(cwd)).toEqual([]);
  }, 30_000);

  it('exits 1 when the published development key is given with DATABASE_URL', async () => {
    const run = await boot({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', JWT_SECRET: 'tasklane-dev-secret-do-not-use-in-production' }, cwd);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Invalid configuration:\n  - JWT_SECRET is a published development key, refused when DATABASE_URL is set (generate one: openssl rand -hex 32)\n',
    );
  }, 30_000);
});
