// What the framework and the application layers cost per write (issue 13): `npm run bench:framework
// [-- --concurrency 16 --duration 8 --rounds 2]`. Starts, side by side on scratch databases (created,
// dropped after) and the local Redis:
//   - ONE built Tasklane replica (as `npm start` runs it, defaults but RATE_LIMITS=off), seeded
//     through its REST API with one user and --concurrency boards of one task each;
//   - the bare Fastify baseline (scripts/bench-framework-bare-server.mjs): the same SQL shape of a
//     task update (BEGIN, stream lock, role, UPDATE … RETURNING, seq + event INSERT, COMMIT), JWT
//     verification, a hand-written body check and one Redis PUBLISH, and nothing else.
// Each --variant KEY=VALUE,… adds a replica with those environment variables on top (e.g.
// `--variant LOG_LEVEL=warn` shows what request logging costs); the key `entry` runs another build
// instead (`--variant entry=../old/dist/apps/api/src/main.js`: a worktree of an older commit, built,
// to compare old and new code in one window), the key `node` passes flags to node
// (`--variant "node=--cpu-prof --cpu-prof-dir=bench-results/cpu"`: that replica's CPU profile), and
// the key `exec` runs it with another Node.js binary (`--variant exec=/opt/node-24/bin/node`).
// Then, alternating the servers for --rounds rounds (so the machine's drift hits both), drives
// each with the same closed loop: --concurrency workers, each updating the title of its own board's
// task (PATCH, so boards never contend), --warmup s unmeasured then --duration s measured; before
// the first round every server is primed for --prime s (JIT-compiled: without it, a replica's first
// run measured 30–60 % more CPU per write than its later ones). Prints,
// per server and round: writes/s, latency p50/p99 (ms), the server's CPU per write (user + system
// from /proc/<pid>/stat, ms), PostgreSQL's (all `postgres` processes), this driver's own, and the
// server's read and write system calls per write (/proc/<pid>/io).
// The difference of the two servers' CPU per write is what Nest, validation, interceptors,
// logging, metrics, tracing and the application's own code cost on top of the same SQL.
//
// `--instructions N` counts instructions instead of CPU time, a figure that does not depend on the
// machine's speed or on what else it is doing (CPU time swings by ±20 % between this project's
// machines): every server runs under Valgrind's Callgrind (instrumentation off while it boots and
// for --prime-writes writes by the --concurrency workers, so that the JIT has mostly settled), then
// per round and server, right after --warm-writes more uninstrumented writes (a server left idle
// while the others run has its unused code aged out by V8), the instrumentation is switched on,
// first for --idle-seconds with no request (the server's own timers: relay, heartbeats, job
// polling, metrics), then for N writes sent one at a
// time by one worker (no batching, no interleaving), the counts dumped after each phase
// (libs/cluster callgrind.ts). Prints per server and round the idle rate, and the main thread's
// instructions per write (the event loop: HTTP, the framework, the application, node-postgres,
// ioredis) raw and less the idle rate over the writes' wall time (under Valgrind a write takes
// 50–100 ms, so the timers' share is not negligible), the other threads' (V8's compiler and GC
// helpers, which vary much more), and the mean corrected main-thread figure against the bare
// route's. Needs valgrind; about 25× slower than native while uninstrumented and 50–100× while
// counting; dumps under bench-results/framework-callgrind-*/.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import jwt from 'jsonwebtoken';
import { LatencyHistogram } from '../dist/apps/loadtest/src/metrics.js';
import { callgrindControl, callgrindLaunch, cpuSeconds, cpuSecondsBetween, cpuSecondsByCommand, createScratchDatabase, findFreePort, readCallgrindDump, spawnTracked, syscallCounts, waitForHttp } from '../libs/cluster/dist/index.js';
import { parseCliArgs } from './cli-args.mjs';

const args = parseCliArgs('usage: npm run bench:framework -- [--concurrency 16] [--duration 8] [--warmup 5] [--prime 10] [--rounds 2] [--variant KEY=VALUE[,KEY=VALUE…]]… [--instructions N [--prime-writes 3000] [--warm-writes 1500] [--idle-seconds 10]]', {
  concurrency: { type: 'string', default: '16' },
  duration: { type: 'string', default: '8' },
  warmup: { type: 'string', default: '5' },
  prime: { type: 'string', default: '10' },
  rounds: { type: 'string', default: '2' },
  variant: { type: 'string', multiple: true },
  instructions: { type: 'string' },
  'prime-writes': { type: 'string', default: '3000' },
  'idle-seconds': { type: 'string', default: '10' },
  'warm-writes': { type: 'string', default: '1500' },
});
const root = resolve(import.meta.dirname, '..');
// The replicas' logs go here; a fresh clone has no bench-results/ (it is git-ignored).
mkdirSync(resolve(root, 'bench-results'), { recursive: true });
const concurrency = Number(args.concurrency);
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const secret = randomBytes(32).toString('hex');
/** With --instructions: writes per measured round, and where Callgrind writes its dumps and FIFOs. */
const instructions = args.instructions === undefined ? null : Number(args.instructions);
if (instructions !== null && !(Number.isInteger(instructions) && instructions > 0)) throw new Error(`--instructions must be a positive integer, got ${args.instructions}`);
// Checked before any server starts.
if (instructions !== null) for (const name of ['prime-writes', 'warm-writes', 'idle-seconds']) count(name);
const callgrindDir = instructions === null ? null : resolve(root, 'bench-results', `framework-callgrind-${new Date().toISOString().replace(/[:.]/g, '-')}`);
if (callgrindDir) mkdirSync(callgrindDir, { recursive: true });
/** Booting under Valgrind takes 20–30 s here instead of 1–2. */
const readyTimeoutMs = instructions === null ? 30_000 : 300_000;

/**
 * `command args`, under Callgrind with --instructions (see the header).
 * @returns what to spawn, and the Callgrind launch (null without --instructions)
 */
function launch(name, command, commandArgs) {
  if (!callgrindDir) return { command, args: commandArgs, callgrind: null };
  const callgrind = callgrindLaunch(callgrindDir, name.replace(/[^A-Za-z0-9-]+/g, '_'), command, commandArgs);
  return { command: callgrind.command, args: callgrind.args, callgrind };
}

/**
 * Closed loop over `workers` (one per board): each sends its next request as soon as the previous
 * answered. `send(i, n)` does request n of worker i and throws on a non-2xx answer.
 * @returns the latencies (ms, a LatencyHistogram) of the requests that finished inside [from, until), and the count of failures.
 */
async function closedLoop(send, from, until) {
  const latencies = new LatencyHistogram();
  let failures = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      for (let n = 0; performance.now() < until; n++) {
        const t0 = performance.now();
        try {
          await send(i, n);
          if (t0 >= from) latencies.record(performance.now() - t0);
        } catch (error) {
          failures++;
          if (failures === 1) console.error(`first failure: ${error.message}`);
        }
      }
    }),
  );
  return { latencies, failures };
}

/** One measured run against a server (`pid`): warm-up, then the measured phase with CPU readings around it. */
async function measure(pid, send) {
  const start = performance.now();
  const from = start + Number(args.warmup) * 1000;
  const until = from + Number(args.duration) * 1000;
  let before = null;
  const reading = () => ({ at: performance.now(), server: cpuSeconds(pid), io: syscallCounts(pid), postgres: cpuSecondsByCommand('postgres'), driver: process.cpuUsage() });
  const timer = setTimeout(() => (before = reading()), from - start);
  const { latencies, failures } = await closedLoop(send, from, until);
  const after = reading();
  clearTimeout(timer);
  const writes = latencies.count;
  // Per-write figures of an empty phase would be NaN or Infinity: say what went wrong instead.
  if (writes === 0) {
    throw new Error(
      failures === 0
        ? 'no write finished in the measured phase (the server stalled: see its log under bench-results/)'
        : `no write succeeded in the measured phase (${failures} failed, warm-up included; the first failure is printed above)`,
    );
  }
  const seconds = (after.at - before.at) / 1000;
  const driverUs = process.cpuUsage(before.driver);
  return {
    perSecond: writes / seconds,
    p50: latencies.percentile(50),
    p99: latencies.percentile(99),
    serverMs: ((after.server - before.server) * 1000) / writes,
    postgresMs: (cpuSecondsBetween(before.postgres, after.postgres) * 1000) / writes,
    driverMs: (driverUs.user + driverUs.system) / 1000 / writes,
    // NaN (printed as such) when the server could not be read, like a CPU figure of a process gone.
    readCalls: before.io && after.io ? (after.io.reads - before.io.reads) / writes : NaN,
    writeCalls: before.io && after.io ? (after.io.writes - before.io.writes) / writes : NaN,
    failures,
  };
}

/** JSON request; resolves the parsed body. @throws Error on a non-2xx answer */
async function call(url, method, token, body) {
  const res = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

/** The CPU-time runs (without --instructions): rounds of closed loops, alternating the servers. */
async function measureCpu(targets) {
  console.log(`${concurrency} workers in a closed loop, each on its own board; every server primed for ${args.prime} s, then per run warm-up ${args.warmup} s, measured ${args.duration} s`);
  console.log('round  server                             writes/s  p50 ms  p99 ms  server CPU ms/write  PostgreSQL ms/write  driver ms/write  read/write syscalls per write  failures');
  for (const target of targets) await closedLoop(target.send, Infinity, performance.now() + Number(args.prime) * 1000);
  const results = new Map(targets.map((target) => [target, []]));
  for (let r = 1; r <= Number(args.rounds); r++) {
    for (const target of r % 2 ? targets : [...targets].reverse()) {
      const m = await measure(target.pid, target.send);
      results.get(target).push(m);
      console.log(
        `${String(r).padEnd(6)} ${target.name.padEnd(34)} ${m.perSecond.toFixed(0).padStart(8)}  ${m.p50.toFixed(1).padStart(6)}  ${m.p99.toFixed(1).padStart(6)}  ${m.serverMs.toFixed(2).padStart(19)}  ${m.postgresMs.toFixed(2).padStart(19)}  ${m.driverMs.toFixed(2).padStart(15)}  ${`${m.readCalls.toFixed(1)} / ${m.writeCalls.toFixed(1)}`.padStart(29)}  ${String(m.failures).padStart(8)}`,
      );
    }
  }
  const mean = (list, key) => list.reduce((sum, m) => sum + m[key], 0) / list.length;
  const bare = mean(results.get(targets.at(-1)), 'serverMs');
  console.log(`\nserver CPU per write, mean of ${args.rounds} rounds (bare ${bare.toFixed(2)} ms):`);
  for (const target of targets.slice(0, -1)) {
    const t = mean(results.get(target), 'serverMs');
    console.log(`  ${target.name}: ${t.toFixed(2)} ms → framework + application ${(t - bare).toFixed(2)} ms (${((100 * (t - bare)) / t).toFixed(0)} % of it)`);
  }
}

/** The value of option `name` (a non-negative integer). @throws Error for anything else */
function count(name) {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got ${args[name]}`);
  return value;
}

/** Pause between a server's warm-up and its idle count (ms). */
const SETTLE_MS = 3_000;

/**
 * The --instructions runs: primes every server with --prime-writes writes (uninstrumented), then for
 * --rounds rounds, alternating the servers: --warm-writes more writes, a pause, then with the
 * instrumentation on an idle phase of --idle-seconds and `instructions` sequential writes by worker
 * 0, each phase dumped. Prints per write the main thread's count raw and less the idle rate, and the
 * other threads'; then the means against the bare route's.
 */
async function countInstructions(targets) {
  const primeWrites = count('prime-writes');
  const warmWrites = count('warm-writes');
  const idleSeconds = count('idle-seconds');
  console.log(`instructions per write under Callgrind: every server primed with ${primeWrites} writes by ${concurrency} workers, then per round and server ${warmWrites} more, ${args['idle-seconds']} s idle and ${instructions} writes one at a time, counted (dumps in ${callgrindDir})`);
  /** `writes` uninstrumented writes by the --concurrency workers, numbered from `from`. */
  const warm = (target, from, writes) =>
    Promise.all(
      Array.from({ length: concurrency }, async (_, i) => {
        for (let n = i; n < writes; n += concurrency) await target.send(i, from + n);
      }),
    );
  for (const target of targets) await warm(target, 0, primeWrites);
  console.log('round  server                             idle main thread, M/s  raw main thread, M/write  main thread − idle, M/write  other threads, M/write');
  const results = new Map(targets.map((target) => [target, []]));
  const control = (target, action) => callgrindControl(target.pid, action, target.callgrind, target.env);
  /** The counts of the dump just written, which must be the server's `expected`th. */
  const dumped = async (target, expected) => {
    await control(target, '--dump');
    const counts = readCallgrindDump(target.callgrind, target.pid);
    if (counts?.dump !== expected) throw new Error(`${target.name}: expected Callgrind dump ${expected}, found ${counts?.dump ?? 'none'} in ${callgrindDir}`);
    return counts;
  };
  for (let r = 1; r <= Number(args.rounds); r++) {
    for (const target of r % 2 ? targets : [...targets].reverse()) {
      // Warm again right before counting: a server that waited idle while the others were primed or
      // measured has had its unused code aged out by V8 (it counted 10–35 % more than once warmed).
      // Titles are numbered on from the priming, so no round repeats one.
      const first = primeWrites + (r - 1) * (warmWrites + instructions);
      await warm(target, first, warmWrites);
      // What the warm-up left behind (a GC, the relay's catch-up) settles before the idle count.
      await new Promise((done) => setTimeout(done, SETTLE_MS));
      // The server's own timers (relay, heartbeats, job polling, metrics) run whether or not it is
      // written to, and under Valgrind a write takes 50-100 ms of wall time: their instructions per
      // second, counted over an idle phase first, are subtracted from the writes' phase.
      await control(target, '--instr=on');
      // Each phase's wall time runs from the return of the command that started it to the sending of
      // the dump that ends it.
      let t0 = performance.now();
      await new Promise((done) => setTimeout(done, idleSeconds * 1000));
      let t1 = performance.now();
      const idle = await dumped(target, 2 * r - 1);
      const idlePerSecond = idle.mainThread / ((t1 - t0) / 1000);
      t0 = performance.now();
      for (let n = 0; n < instructions; n++) await target.send(0, first + warmWrites + n);
      t1 = performance.now();
      const writes = await dumped(target, 2 * r);
      const seconds = (t1 - t0) / 1000;
      await control(target, '--instr=off');
      const m = { raw: writes.mainThread / instructions / 1e6, main: (writes.mainThread - idlePerSecond * seconds) / instructions / 1e6, other: writes.otherThreads / instructions / 1e6, idle: idlePerSecond / 1e6 };
      results.get(target).push(m);
      console.log(`${String(r).padEnd(6)} ${target.name.padEnd(34)} ${m.idle.toFixed(3).padStart(21)}  ${m.raw.toFixed(3).padStart(24)}  ${m.main.toFixed(3).padStart(27)}  ${m.other.toFixed(3).padStart(22)}`);
    }
  }
  const mean = (list) => list.reduce((sum, m) => sum + m.main, 0) / list.length;
  const bare = mean(results.get(targets.at(-1)));
  console.log(`\nmain-thread instructions per write less the idle rate, mean of ${args.rounds} rounds (bare ${bare.toFixed(3)} M):`);
  for (const target of targets.slice(0, -1)) {
    const t = mean(results.get(target));
    console.log(`  ${target.name}: ${t.toFixed(3)} M → ${(t / bare).toFixed(2)}× the bare route, framework + application ${(t - bare).toFixed(3)} M (${((100 * (t - bare)) / t).toFixed(0)} % of it)`);
  }
}

const bareDb = await createScratchDatabase(adminUrl, { prefix: 'tasklane_framework_bare', migrate: false });
const databases = [bareDb];
const children = [];

/**
 * Starts one built replica on a scratch database of its own with the shipped defaults plus
 * RATE_LIMITS=off and `extraEnv`, registers a user and seeds `concurrency` boards of one task.
 * @returns the run's target: name, pid and send(i, n) (PATCH of worker i's task title)
 */
async function startTasklane(name, extraEnv) {
  const db = await createScratchDatabase(adminUrl, { prefix: 'tasklane_framework' });
  databases.push(db);
  const port = await findFreePort();
  const api = `http://127.0.0.1:${port}/api/v1`;
  const { entry = 'dist/apps/api/src/main.js', node = '', exec = process.execPath, ...env } = extraEnv;
  const run = launch(`replica-${children.length}`, exec, [...node.split(' ').filter(Boolean), resolve(root, entry)]);
  const replicaEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: redisUrl, JWT_SECRET: secret, RATE_LIMITS: 'off', ...env };
  const replica = spawnTracked(name, run.command, run.args, { cwd: root, logFile: resolve(root, 'bench-results', `framework-replica-${children.length}.log`), env: replicaEnv });
  children.push(replica);
  await replica.ready((signal) => waitForHttp(`http://127.0.0.1:${port}/health/ready`, readyTimeoutMs, { signal }));
  const auth = await call(`${api}/auth/register`, 'POST', '', { email: `bench-${randomBytes(4).toString('hex')}@example.com`, password: 'a long enough passphrase 42', name: 'Bench' });
  const token = auth.accessToken;
  const tasks = [];
  for (let i = 0; i < concurrency; i++) {
    const board = await call(`${api}/boards`, 'POST', token, { name: `framework ${i}`, columns: ['To do'] });
    const task = await call(`${api}/boards/${board.id}/tasks`, 'POST', token, { columnId: board.columns[0].id, title: 'task' });
    tasks.push(`${api}/boards/${board.id}/tasks/${task.id}`);
  }
  return { name, pid: replica.pid, callgrind: run.callgrind, env: replicaEnv, send: (i, n) => call(tasks[i], 'PATCH', token, { title: `title ${n}` }) };
}

try {
  const targets = [await startTasklane('Tasklane replica', {})];
  for (const variant of args.variant ?? []) {
    const env = Object.fromEntries(variant.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    targets.push(await startTasklane(`Tasklane ${variant}`, env));
  }

  // The bare baseline.
  const bareRun = launch('bare', process.execPath, ['scripts/bench-framework-bare-server.mjs', '--database-url', bareDb.url, '--redis-url', redisUrl, '--secret', secret, '--boards', String(concurrency)]);
  const bareServer = spawnTracked('bare', bareRun.command, bareRun.args, { cwd: root, stdio: 'pipe' });
  children.push(bareServer);
  bareServer.stderr.pipe(process.stderr);
  const line = await new Promise((done, fail) => {
    createInterface({ input: bareServer.stdout }).once('line', done);
    bareServer.exited.then((exit) => fail(new Error(`bare server exited: ${JSON.stringify(exit)}`)));
  });
  const barePort = JSON.parse(line).port;
  const bareToken = jwt.sign({ sub: 'u1' }, Buffer.from(secret, 'hex'), { algorithm: 'HS256', expiresIn: '1h' });
  targets.push({ name: 'bare Fastify + same SQL', pid: bareServer.pid, callgrind: bareRun.callgrind, env: process.env, send: (i, n) => call(`http://127.0.0.1:${barePort}/boards/${i + 1}/tasks/${i + 1}`, 'PATCH', bareToken, { title: `title ${n}` }) });
  if (instructions !== null) await countInstructions(targets);
  else await measureCpu(targets);
} finally {
  for (const child of children.reverse()) await child.stop('SIGTERM').catch(() => undefined);
  await Promise.all(databases.map((db) => db.drop())).catch((error) => console.error(`dropping the scratch databases: ${error.message}`));
}
