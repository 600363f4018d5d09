// Local multi-replica Tasklane: `npm run cluster -- --replicas 3 [--port 8080] [--log-dir DIR] [--balance round-robin]
// [--node PATH] [--node-options=FLAGS]`.
// Builds, runs migrations against DATABASE_URL, then starts N built replicas behind nginx with
// @tasklane/cluster (libs/cluster), and one job worker (`main.js --role worker`; the replicas run
// no jobs). nginx sends a board's writes to one replica and the rest round robin; `--balance
// round-robin` balances every request round robin (the benchmarks compare the two). `--node` runs the
// replicas and the worker on another Node.js executable, `--node-options` gives them NODE_OPTIONS
// (e.g. the Docker image's `--max-semi-space-size=16`), as `npm run bench -- --replica-node` does.
// Ctrl-C (SIGINT), SIGTERM or SIGHUP stops nginx and every replica.
//
// Environment: DATABASE_URL (default: database `tasklane` on 127.0.0.1:5432, created if missing), REDIS_URL (default
// redis://127.0.0.1:6379), JWT_SECRET (default: a random key for this run, shared by its replicas).
// Logs: .cluster/<timestamp>/ (replica-<i>.log, nginx.log, nginx/error.log); .cluster/ is git-ignored.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseCliArgs } from './cli-args.mjs';

const root = resolve(import.meta.dirname, '..');

const usage = 'usage: npm run cluster -- --replicas <n> [--port <lb port, default 8080>] [--base-port <first replica port, default 3001>] [--log-dir <dir>] [--balance board|round-robin] [--node <path of a Node.js executable>] [--node-options=<NODE_OPTIONS of the replicas>]';
const args = parseCliArgs(usage, {
  replicas: { type: 'string', default: '3' },
  port: { type: 'string', default: '8080' },
  'base-port': { type: 'string', default: '3001' },
  'log-dir': { type: 'string' },
  balance: { type: 'string', default: 'board' },
  node: { type: 'string' },
  'node-options': { type: 'string' },
});
const replicas = Number(args.replicas);
const port = Number(args.port);
// Replicas on consecutive ports: base-port, base-port + 1, …
const basePort = Number(args['base-port']);
if (!Number.isInteger(replicas) || replicas < 1 || !Number.isInteger(port) || port < 1 || port > 65535 || !Number.isInteger(basePort) || basePort < 1 || basePort + replicas > 65536) {
  console.error(`--replicas must be an integer >= 1, --port and --base-port 1-65535\n${usage}`);
  process.exit(2);
}
if (args.balance !== 'board' && args.balance !== 'round-robin') {
  console.error(`--balance must be board or round-robin\n${usage}`);
  process.exit(2);
}

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Without JWT_SECRET the replicas share a random key for this run: tokens do not outlive the cluster.
const jwtSecret = process.env.JWT_SECRET ?? randomBytes(32).toString('hex');
const logDir = resolve(root, args['log-dir'] ?? `.cluster/${new Date().toISOString().replace(/[:.]/g, '-')}`);

console.log('building…');
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });

// Imported only now: the build above has just (re)written libs/cluster/dist.
const { createDatabase, migrateDatabase, redactUrl, startCluster } = await import('../libs/cluster/dist/index.js');

let databaseUrl;
try {
  // Default: a `tasklane` database of its own on the local server, created on first use, so the
  // cluster never writes its tables into a database that belongs to something else.
  databaseUrl = process.env.DATABASE_URL ?? (await createDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'tasklane', { ifNotExists: true }));
  console.log(`migrating ${redactUrl(databaseUrl)}…`);
  await migrateDatabase(databaseUrl); // as `npm run migration:run`
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

console.log(`starting ${replicas} replica(s) and nginx on :${port}…`);
const starting = startCluster({
  replicas,
  databaseUrl,
  redisUrl,
  jwtSecret,
  lbPort: port,
  basePort,
  logDir,
  workers: 1,
  balance: args.balance,
  ...(args.node === undefined ? {} : { nodeBin: resolve(args.node) }),
  ...(args['node-options'] === undefined ? {} : { env: { NODE_OPTIONS: args['node-options'] } }),
});
let stopping = false;
const shutdown = async (signal) => {
  if (stopping) return console.log(`(${signal}: still stopping; SIGKILL follows 10 s after SIGTERM)`);
  stopping = true;
  console.log(`\n${signal}: stopping nginx and ${replicas} replica(s)…`);
  // A signal during start-up waits for it to finish (or fail, which cleans up itself), then stops.
  const cluster = await starting.catch(() => null);
  await cluster?.stop();
  console.log('stopped');
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(signal));

let cluster;
try {
  cluster = await starting;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
if (!stopping) {
  const lb = cluster.lbUrl;
  console.log(
    [
      '',
      `Tasklane cluster is up: ${replicas} replica(s) behind nginx. Ctrl-C stops everything.`,
      `  load balancer  ${lb}  (REST ${lb}/api/v1, Socket.IO ${lb}/socket.io)`,
      `  docs           ${lb}/docs`,
      ...cluster.replicas.map((r) => `  replica-${String(r.index).padEnd(6)} ${r.url}  (pid ${r.pid})`),
      ...cluster.workers.map((w) => `  worker-${String(w.index).padEnd(7)} ${w.url}  (pid ${w.pid}; job worker: /health, /metrics only)`),
      `  logs           ${cluster.logDir}`,
    ].join('\n'),
  );
}
