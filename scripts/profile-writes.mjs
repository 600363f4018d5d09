// Where a write's time goes: `npm run profile:writes [-- --concurrency 32 --duration 10 --boards 20 --sockets 0 --log-level warn]`.
// Starts ONE built replica under `node --cpu-prof` on a scratch database (created, migrated,
// dropped after) and the local Redis, drives it with the load tool in a closed loop of task
// writes over --boards boards (default 20) with --sockets Socket.IO clients following them (default
// none; with sockets, the per-write figures include the write's deliveries), stops it, and prints the replica's CPU
// profile summarised by package and by function (self time), and the CPU per write of the replica
// and of PostgreSQL (all `postgres` processes) over the measured phase, from /proc/<pid>/stat
// (the replica's figure includes the profiler's own overhead), its read and write system calls per
// write (/proc/<pid>/io: a count, which unlike CPU time does not depend on the machine's speed; the
// profiler's own file writes are few), and the SQL statements per write
// over the same phase, from the replica's /metrics (`tasklane_db_query_duration_seconds_count` by
// statement, plus BEGIN and COMMIT per committed group-commit batch). The .cpuprofile, the load
// tool's report and the replica's log are kept under bench-results/.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { groupCommitCounts, isMeasureLine, statementCountsIn } from './load-tool-readings.mjs';
import { cpuSeconds, cpuSecondsBetween, cpuSecondsByCommand, createScratchDatabase, describeExit, findFreePort, spawnTracked, syscallCounts, waitForHttp } from '../libs/cluster/dist/index.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { concurrency: { type: 'string', default: '32' }, duration: { type: 'string', default: '10' }, boards: { type: 'string', default: '20' }, sockets: { type: 'string', default: '0' }, 'log-level': { type: 'string', default: 'warn' } } });
if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(args['log-level'])) {
  console.error('--log-level is one of fatal, error, warn, info, debug, trace, silent (LOG_LEVEL of the replica)');
  process.exit(2);
}
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const out = resolve(root, 'bench-results', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(out, { recursive: true });

const db = await createScratchDatabase(adminUrl, { prefix: 'tasklane_profile' });
let replica = null;
try {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  // A graceful exit (SIGINT) writes the profile, which can take a while on a long run: 30 s before SIGKILL.
  replica = spawnTracked('replica', process.execPath, ['--cpu-prof', `--cpu-prof-dir=${out}`, 'dist/apps/api/src/main.js'], {
    cwd: root,
    logFile: resolve(out, 'replica.log'),
    graceMs: 30_000,
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: redisUrl, JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: args['log-level'], RATE_LIMITS: 'off' },
  });
  await replica.ready((signal) => waitForHttp(`${url}/health/ready`, 30_000, { signal }));
  const report = resolve(out, 'loadtest.json');
  const tool = spawnTracked(
    'load tool',
    process.execPath,
    ['dist/apps/loadtest/src/main.js', '--target', url, '--users', '4', '--boards', args.boards, '--sockets', args.sockets, '--rate', 'max', '--concurrency', args.concurrency, '--warmup', '2', '--duration', args.duration, '--json', report],
    { cwd: root, stdio: 'pipe' },
  );
  // CPU over the measured phase: from the tool's first `[ Ns measure]` line to its last one.
  let start = null;
  let end = null;
  let partial = '';
  tool.stderr.on('data', (d) => {
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (!isMeasureLine(line)) continue;
      // PostgreSQL: the server and every backend (`postgres` processes); a backend that ends before the
      // second reading counts nothing.
      const reading = { at: performance.now(), replica: cpuSeconds(replica.pid) ?? 0, io: syscallCounts(replica.pid), postgres: cpuSecondsByCommand('postgres'), statements: statementCounts(url) };
      if (start) end = reading;
      else start = reading;
    }
  });
  const toolExit = await tool.exited;
  if (toolExit.code !== 0) throw new Error(`load tool ${describeExit(toolExit)}`);
  const r = JSON.parse(readFileSync(report, 'utf8'));
  // Per-write figures of an empty phase would be NaN or Infinity: say what went wrong instead.
  if (!(r.throughput.okPerSec > 0)) throw new Error(`no write succeeded in the measured phase (see ${report} and ${resolve(out, 'replica.log')}; the replica is killed, so no profile is written)`);
  let cpuLine = 'CPU per write: the measured phase was too short to read';
  if (start && end) {
    const seconds = (end.at - start.at) / 1000;
    const writes = r.throughput.okPerSec * seconds;
    const replicaMs = ((end.replica - start.replica) * 1000) / writes;
    const postgresMs = (cpuSecondsBetween(start.postgres, end.postgres) * 1000) / writes;
    const io = start.io && end.io ? `; system calls per write: ${((end.io.reads - start.io.reads) / writes).toFixed(1)} reads, ${((end.io.writes - start.io.writes) / writes).toFixed(1)} writes` : '';
    cpuLine = `${await statementsPerWrite(await start.statements, await end.statements)}\nCPU per write over ${seconds.toFixed(1)} s at ${r.throughput.okPerSec.toFixed(0)} writes/s (${args.concurrency} in flight, ${args.boards} boards, ${args.sockets} sockets${r.throughput.deliveriesPerSec > 0 ? `, ${r.throughput.deliveriesPerSec.toFixed(0)} deliveries/s` : ''}): replica ${replicaMs.toFixed(2)} ms (under the profiler), PostgreSQL ${postgresMs.toFixed(2)} ms; REST p50 ${r.rest.all.p50.toFixed(2)} ms, p99 ${r.rest.all.p99.toFixed(2)} ms${io}`;
  }
  await replica.stop('SIGINT');
  replica = null;

  const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
  const summary = `${cpuLine}\n${summarise(JSON.parse(readFileSync(resolve(out, file), 'utf8')))}`;
  writeFileSync(resolve(out, 'summary.txt'), summary);
  console.log(`\n${summary}\nprofile: ${resolve(out, file)} (open in Chrome DevTools › Performance)`);
} finally {
  await replica?.stop('SIGKILL');
  await db.drop();
}

/**
 * The replica's statement counters now: statement label → count, plus `(batches)` and `(writes)`
 * of the group commit (a batch is one BEGIN and one COMMIT). Read from /metrics (Prometheus text).
 */
async function statementCounts(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = statementCountsIn(text);
  const { writes, batches } = groupCommitCounts(text);
  counts.set('(batches)', batches);
  counts.set('(writes)', writes);
  return counts;
}

/** Statements per committed write between two statementCounts() readings, as printable lines. */
function statementsPerWrite(before, after) {
  const delta = (k) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
  const writes = delta('(writes)');
  if (writes <= 0) return 'statements per write: no write committed in the measured phase';
  const rows = [...after.keys()].filter((k) => !k.startsWith('(') && delta(k) > 0).map((k) => [k, delta(k) / writes]);
  rows.push(['BEGIN + COMMIT', (2 * delta('(batches)')) / writes]);
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  const lines = rows.sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n.toFixed(2).padStart(5)}  ${k}`);
  return `SQL statements per write over ${writes} writes (${(writes / delta('(batches)')).toFixed(2)} writes per transaction; savepoints not counted): ${total.toFixed(2)}\n${lines.join('\n')}`;
}

/** Self time by package and by function, as percentages of all samples (idle included). */
function summarise(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  });
  const pkgOf = (u) => {
    if (!u) return '(native)';
    const m = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(u);
    if (m) return m[1];
    if (u.includes('/dist/apps/') || u.includes('/libs/')) return '(tasklane)';
    return u.startsWith('node:') ? `node:${u.slice(5).split('/')[0]}` : '(other)';
  };
  const byPkg = new Map();
  const byFn = new Map();
  for (const [id, t] of selfUs) {
    const f = nodes.get(id).callFrame;
    const pkg = pkgOf(f.url);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
    const key = `${f.functionName || '(anonymous)'}  [${pkg}]`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
  }
  const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  return `CPU profile of one replica, ${(total / 1e6).toFixed(1)} s sampled\nself time by package:\n${top(byPkg, 15)}\nself time by function:\n${top(byFn, 20)}\n`;
}
