// What `npm test` needs besides node_modules, checked before it builds (package.json "pretest"),
// so a missing piece is one line here instead of a wall of failing suites:
//  - nginx, redis-server, chromium and valgrind on the PATH: the cluster, multi-replica and fault
//    suites start their own nginx and throwaway Redis on free ports; the web app's browser suite
//    drives Debian's Chromium (apps/web/test); libs/cluster's callgrind.spec.ts counts a process's
//    instructions with Valgrind (what `bench:framework --instructions` uses). Missing and running as root: installed quietly with
//    apt-get, then the run goes on. Missing otherwise: one line saying how to install, exit 1.
//  - PostgreSQL at TEST_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres)
//    and Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379): one line each when unreachable.
// A distribution nginx daemon (port 80) does not matter: the suites' nginx has its own config,
// prefix, pid file and ports. Prints nothing when all is well.
//
// TASKLANE_ASSUME_NON_ROOT=1 takes the non-root path as root (to see the install hint).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Debian package of each executable the suites run. */
const TOOLS = { nginx: 'nginx', 'redis-server': 'redis-server', chromium: 'chromium', valgrind: 'valgrind', ss: 'iproute2' };
// CHROMIUM_PATH names another Chromium-based browser for the browser suite (e.g. Chrome on a CI runner).
if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) delete TOOLS.chromium;
/** Where Debian puts daemons, often not on a non-root user's PATH. */
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/sbin'];
const TIMEOUT_MS = 3000;

const asRoot = process.getuid?.() === 0 && process.env.TASKLANE_ASSUME_NON_ROOT !== '1';
const problems = [];

/** Absolute path of executable `name` in one of `dirs`, or null. */
function find(name, dirs) {
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return null;
}
const pathDirs = () => (process.env.PATH ?? '').split(delimiter).filter(Boolean);

/**
 * `apt-get update && apt-get install -y <packages>`, quiet. While it runs, a policy-rc.d (if the
 * machine has none) keeps the packages from starting their daemons: nginx's would take port 80,
 * and its failing start (port 80 already taken) would fail the install.
 * @returns null, or the last lines apt-get printed on failure.
 */
function aptInstall(packages) {
  if (!find('apt-get', pathDirs()) && !find('apt-get', ['/usr/bin'])) return 'apt-get is not available';
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\n# test-prerequisites.mjs: no daemons during its apt-get install\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...packages]]) {
      const run = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      if (run.status !== 0) return `apt-get ${args[0]} failed: ${`${run.stderr ?? ''}${run.error?.message ?? ''}`.trim().split('\n').slice(-2).join(' ')}`;
    }
    return null;
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}

// --- executables --------------------------------------------------------------------------------
const notOnPath = () => Object.keys(TOOLS).filter((name) => !find(name, pathDirs()));
const absent = notOnPath().filter((name) => !find(name, SBIN));
let installFailure = null;
if (asRoot && absent.length > 0) {
  console.error(`npm test: installing ${absent.join(' and ')} with apt-get…`);
  installFailure = aptInstall(absent.map((name) => TOOLS[name]));
}
for (const name of notOnPath()) {
  const elsewhere = find(name, SBIN);
  if (elsewhere) problems.push(`${name} is installed at ${elsewhere} but not on the PATH: run PATH="$PATH:${elsewhere.slice(0, -name.length - 1)}" npm test`);
  else if (asRoot) problems.push(`could not install ${name} (${installFailure ?? 'apt-get put it nowhere on the PATH'}): install it yourself, then run npm test again`);
  else problems.push(`${name} is not installed and the tests run it: install it (Debian/Ubuntu: sudo apt-get install -y ${TOOLS[name]}), then run npm test again`);
}

// --- services -----------------------------------------------------------------------------------
const redact = (url) => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
/** A socket error's code (ECONNREFUSED), else the message (a server's own answer, a timeout). */
const reason = (error) => (/^E[A-Z]+$/.test(error?.code ?? '') ? error.code : (error?.message ?? String(error)));
/**
 * One line: `<what> is not reachable at <url> (ECONNREFUSED): start it, or set <VAR>`, or, when the
 * server answered with an error (pg's have a severity, Redis's are ReplyErrors), `<what> refused us …`.
 */
const unusable = (what, url, error, variable) =>
  error?.severity || error?.name === 'ReplyError'
    ? `${what} refused us at ${redact(url)} (${reason(error)}): set ${variable}`
    : `${what} is not reachable at ${redact(url)} (${reason(error)}): start it, or set ${variable}`;

const postgres = (async () => {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    problems.push(unusable('PostgreSQL', ADMIN_URL, error, 'TEST_DATABASE_ADMIN_URL (to a user that may CREATE DATABASE)'));
  } finally {
    await client.end().catch(() => undefined);
  }
})();

const redis = (async () => {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let socketError = null; // connect() rejects with 'Connection is closed.'; the cause comes as an event
  client.on('error', (error) => (socketError ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    problems.push(unusable('Redis', REDIS_URL, socketError ?? error, 'TEST_REDIS_URL'));
  } finally {
    client.disconnect();
  }
})();

await Promise.all([postgres, redis]);
for (const line of problems) console.error(`npm test: ${line}`);
process.exit(problems.length > 0 ? 1 : 0);
