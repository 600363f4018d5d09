// Tasklane benchmark set: `npm run bench [-- --steps hotboard,throughput,fanout,baselines,memory,storm] [--max-sockets N]
// [--storm-sockets N] [--storm-boards N] [--storm-users N] [--pin] [--replica-node PATH] [--replica-node-options=FLAGS]`.
// Starts 3 built replicas behind nginx on a scratch database (apps/loadtest/support/
// scratch-cluster.mjs: created, migrated, dropped after), drives them with the load tool
// (dist/apps/loadtest/src/main.js, one child process per run) and writes
// bench-results/<timestamp>/summary.json plus every run's full report (<step>.json; git-ignored).
//
//  1. throughput  REST writes only (no sockets) through the load balancer:
//                 closed loop at concurrency 1, 2, 4 … until ok/s stops growing → saturation writes/s;
//                 open loop at rising rates → the highest rate whose REST p99 ≤ 50 ms.
//  2. fanout      2,000 sockets on 20 boards at 200 writes/s (targets: 3 replicas + LB); then as many
//                 sockets as the box holds: --max-sockets (default 20,000), 100 per board, at 100
//                 writes/s over --source-ips, halving on failure. One tool process holds at most
//                 SOCKETS_PER_PROCESS sockets (RLIMIT_NOFILE); larger runs split into several
//                 concurrent processes on separate boards, and their histograms are merged.
//  0. hotboard    one board, 16 writers in flight through nginx and 3 replicas (closed loop, REST only),
//                 alternating GROUP_COMMIT_MAX=1 with round robin (every write its own transaction: the
//                 old write path), group commit with round robin, and the default (group commit, the
//                 board's writes pinned to one replica by nginx), two rounds each on fresh clusters, so
//                 all three are measured in the same window of a shared machine.
//  2b. baselines  the same window's yardsticks (issue 13), with the Tasklane cluster stopped first so the
//                 baselines get the cores (memory starts a fresh one): pgbench INSERT on a scratch database
//                 (one bigserial table, `pgbench -n -c 8 -j 2 -T 10`) → TPS and average latency; bare
//                 Socket.IO in the fan-out step's shape (2,000 sockets on 20 rooms, 200 messages/s open loop,
//                 3 plain socket.io servers with @socket.io/redis-adapter on REDIS_URL: scripts/
//                 bench-bare-socketio-server.mjs, driven by scripts/bench-bare-socketio.mjs) → per delivery
//                 p50/p99/max, deliveries/s, the servers' CPU and the client's event-loop lag; with the
//                 fanout and throughput steps in the same invocation, the ratios Tasklane / bare fan-out p99
//                 (target ≤ 2) and saturation writes/s per pgbench INSERT TPS.
//  3. memory      replicas restarted (fresh heaps), idle VmRSS of each replica pid, then VmRSS with
//                 sockets connected (sampled in the measured phase, almost no writes) → KB per socket.
//  4. storm       reconnect storm on a fresh cluster: --storm-sockets (default 6,000) over --storm-boards
//                 (default 60) through nginx (round robin: each replica holds about a third), 60 writes/s
//                 open loop throughout; kill -9 of replica 0 by pid → per lost socket the time from the
//                 kill until it is connected, live and at its board's head again (the load tool's
//                 sockets.outages), the PostgreSQL cost of the storm (replica statement counters and
//                 pg_stat_database, storm window minus an equal window before the kill) and consistency.
//
// Every run is bounded (setup + warmup + duration + 30 s drain + margin, then SIGKILL) and every
// process started here is stopped by pid on exit, failure, SIGINT or SIGTERM. The machine is
// shared: the figures include the load tool, nginx, PostgreSQL and Redis on the same cores, and
// each step prints the command that reproduces it.
//
// --pin (needs 2 CPUs and util-linux taskset): every load-generator process (the load tool, the bare
// Socket.IO client) runs under `taskset -c 0` and every server process (the API replicas, the bare
// Socket.IO servers) under `taskset -c 1`, so the generator's work does not land on the servers'
// core (issue: "load generator pinned to one core, the replicas to the other"; the generator's own
// event-loop lag is reported beside every latency either way). Not pinned: PostgreSQL, Redis and
// nginx (started outside this script or shared by both sides), pgbench, and this script itself.
// summary.json says whether the run was pinned (`pinning`), and bench:compare warns when a pinned
// run is compared with an unpinned baseline or the other way round.
//
// Environment: DATABASE_URL (server for the scratch database), REDIS_URL — as the smoke script.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseCliArgs } from './cli-args.mjs';
import { groupCommitCounts, isMeasureLine } from './load-tool-readings.mjs';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, startScratchCluster } from '../apps/loadtest/support/scratch-cluster.mjs';
import pg from 'pg';
import { checkCpus, cpuAffinity, cpuSeconds, cpuSecondsBetween, cpuSecondsByCommand, createDatabase, databaseUrl, dropDatabase, rssKb, spawnTracked, syscallCounts } from '../libs/cluster/dist/index.js';

const root = resolve(import.meta.dirname, '..');
const TOOL = resolve(root, 'dist/apps/loadtest/src/main.js');
const STEPS = ['hotboard', 'throughput', 'fanout', 'baselines', 'memory', 'storm'];
/** Sockets per load-tool process: below the 20,000 open-file limit of this machine, with headroom. */
const SOCKETS_PER_PROCESS = 10_000;
/** The load tool's own drain bound, plus a margin for setup and checks, per run (ms). */
const DRAIN_MS = 30_000;
const P99_TARGET_MS = 50;
/** --pin: the CPU of every load-generator process, and that of every server process (taskset lists). */
const LOADGEN_CPUS = '0';
const SERVER_CPUS = '1';

const usage = `usage: npm run bench [-- --steps ${STEPS.join(',')}] [--max-sockets N] [--storm-sockets N] [--storm-boards N] [--storm-users N]
             [--out DIR] [--pin] [--replica-node PATH] [--replica-node-options=FLAGS]
  --storm-users           users the storm's sockets sign in as (default 20; socket i is user i mod N on board i mod
                          --storm-boards, so with the defaults each board has one viewer, and with e.g. 61 about 61).
  --replica-node          path of the Node.js executable of the API replicas (default: this one); the load tool,
                          the bare Socket.IO servers and client stay on this one. E.g. another version's bin/node.
  --replica-node-options  NODE_OPTIONS of the API replicas (default none), e.g. --replica-node-options=--max-semi-space-size=16
                          (the Docker image's); with "=", since the value starts with "--".
  --pin  load tool and bare Socket.IO client on CPU ${LOADGEN_CPUS}, API replicas and bare Socket.IO servers on CPU ${SERVER_CPUS} (taskset -c);
         PostgreSQL, Redis, nginx and pgbench stay unpinned. Needs 2 CPUs and taskset (util-linux).`;
const args = parseCliArgs(usage, {
  steps: { type: 'string', default: STEPS.join(',') },
  'max-sockets': { type: 'string', default: '20000' },
  'storm-sockets': { type: 'string', default: '6000' },
  'storm-boards': { type: 'string', default: '60' },
  'storm-users': { type: 'string', default: '20' },
  out: { type: 'string', default: 'bench-results' },
  pin: { type: 'boolean', default: false },
  'replica-node': { type: 'string', default: process.execPath },
  'replica-node-options': { type: 'string', default: '' },
});
const steps = args.steps.split(',').map((s) => s.trim()).filter(Boolean);
const maxSockets = Number(args['max-sockets']);
const stormSockets = Number(args['storm-sockets']);
const stormBoards = Number(args['storm-boards']);
const stormUsers = Number(args['storm-users']);
if (
  steps.some((s) => !STEPS.includes(s)) ||
  !Number.isInteger(maxSockets) ||
  maxSockets < 100 ||
  !Number.isInteger(stormBoards) ||
  stormBoards < 1 ||
  !Number.isInteger(stormSockets) ||
  stormSockets < stormBoards ||
  stormSockets > SOCKETS_PER_PROCESS ||
  !Number.isInteger(stormUsers) ||
  stormUsers < 1 ||
  stormUsers > stormSockets
) {
  console.error(`--steps is a list of ${STEPS.join(', ')}; --max-sockets an integer >= 100; --storm-boards an integer >= 1; --storm-sockets an integer from --storm-boards to ${SOCKETS_PER_PROCESS} (one load-tool process); --storm-users an integer from 1 to --storm-sockets\n${usage}`);
  process.exit(2);
}
/** The replicas' Node.js executable (--replica-node, resolved against the working directory). */
const replicaNode = resolve(args['replica-node']);
/** `node -v` of the replicas' Node.js, recorded in the summary. */
let replicaNodeVersion;
try {
  replicaNodeVersion = execFileSync(replicaNode, ['-v'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: args['replica-node-options'] } }).trim();
} catch (error) {
  console.error(`--replica-node ${replicaNode} with NODE_OPTIONS=${args['replica-node-options']}: cannot run it (${error.message})\n${usage}`);
  process.exit(2);
}
/** The replicas' runtime as arguments of this script and of `npm run cluster`, for the reproduce lines (empty: this Node.js, no options). */
const runtimeArgs = (node, options) => `${replicaNode === process.execPath ? '' : ` ${node} ${replicaNode}`}${args['replica-node-options'] ? ` ${options}=${args['replica-node-options']}` : ''}`;
const replicaRuntimeArgs = runtimeArgs('--replica-node', '--replica-node-options');
const clusterRuntimeArgs = runtimeArgs('--node', '--node-options');
if (args.pin) {
  try {
    if (cpus().length < 2) throw new Error(`this machine has ${cpus().length} CPU`);
    checkCpus(`${LOADGEN_CPUS},${SERVER_CPUS}`);
  } catch (error) {
    console.error(`--pin needs 2 CPUs (${LOADGEN_CPUS} for the load generators, ${SERVER_CPUS} for the servers) and taskset: ${error.message}`);
    process.exit(2);
  }
}
/** spawnTracked options that pin a load-generator process, and a server process, with --pin (else none). */
const loadgenPin = args.pin ? { cpus: LOADGEN_CPUS } : {};
const serverPin = args.pin ? { cpus: SERVER_CPUS } : {};

const log = (m) => console.error(`[bench] ${m}`);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = resolve(root, args.out, stamp);
mkdirSync(outDir, { recursive: true });

/** Load-tool runs in progress, so every exit path can stop them. */
const children = new Set();
let scratch = null;
/** The storm step's PostgreSQL connection (pg_stat_database), closed before the scratch database is dropped. */
let stormDb = null;
/** The pgbench scratch database while it exists: { adminUrl, name }, dropped on every exit path. */
let pgbenchDb = null;
let finishing = false;

async function finish(code, reason) {
  if (finishing) return new Promise(() => {});
  finishing = true;
  if (reason) log(reason);
  await Promise.all([...children].map((c) => c.stop()));
  await stormDb?.end().catch(() => {});
  if (pgbenchDb) await dropDatabase(pgbenchDb.adminUrl, pgbenchDb.name).catch((e) => log(`could not drop ${pgbenchDb.name}: ${e.message}`));
  if (scratch) {
    log('stopping the cluster and dropping the scratch database…');
    await scratch.stop();
  }
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void finish(130, `${signal}: stopping`));

/**
 * Runs the load tool once with `toolArgs` (plus --json); past `timeoutMs` it gets SIGTERM, then
 * SIGKILL 5 s later.
 * @returns {{ code: number, report: object | null, file: string }} report null when the run wrote none.
 */
async function runTool(name, toolArgs, { timeoutMs, onLine } = {}) {
  const file = join(outDir, `${name}.json`);
  const child = spawnTracked(name, process.execPath, [TOOL, ...toolArgs, '--json', file], { cwd: root, stdio: 'pipe', graceMs: 5000, timeoutMs, ...loadgenPin });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  let partial = '';
  child.stderr.on('data', (d) => {
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop();
    for (const line of lines) {
      onLine?.(line);
      if (/^\[ *\d+s|sockets started|error|fail/i.test(line)) console.error(`    ${name}: ${line}`);
    }
  });
  const exit = await child.exited;
  if (exit.timedOut) log(`${name}: over its ${timeoutMs / 1000} s bound, stopped`);
  const code = exit.code ?? 128;
  children.delete(child);
  let report = null;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    log(`${name}: no report (exit ${code})\n${out.slice(-2000)}`);
  }
  return { code, report, file };
}

/** The tool's arguments as a reproducible command, cluster URLs replaced by placeholders. */
function command(toolArgs) {
  const names = new Map([[scratch.cluster.lbUrl, '<lb>'], ...scratch.cluster.replicaUrls.map((u, i) => [u, `<replica-${i}>`])]);
  return `npm run loadtest -- ${toolArgs.map((a) => names.get(a) ?? a).join(' ')}`;
}

const targetsLb = () => ['--target', scratch.cluster.lbUrl];
const targetsAll = () => [...scratch.cluster.replicaUrls, scratch.cluster.lbUrl].flatMap((u) => ['--target', u]);
const boundFor = (warmup, duration, setupS) => (setupS + warmup + duration) * 1000 + DRAIN_MS + 30_000;
const round = (n, d = 1) => (n === null || n === undefined ? null : Math.round(n * 10 ** d) / 10 ** d);

const replicaPids = () => scratch.cluster.replicas.map((r) => r.pid);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const summary = {
  startedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30), node: process.version, replicaNode: replicaNodeVersion, replicaNodeOptions: args['replica-node-options'], loadavgAtStart: loadavg().map((x) => round(x, 2)) },
  // balance: how nginx spread the requests of every step but hotboard, which runs both (bench:compare
  // warns when the baseline's differs; a baseline without it balanced round robin).
  cluster: { replicas: 3, nginx: true, balance: 'board' },
  // Whether --pin was given; bench:compare warns when the baseline's differs (a baseline without it was not pinned).
  pinning: args.pin
    ? { pinned: true, loadGeneratorCpus: LOADGEN_CPUS, serverCpus: SERVER_CPUS, loadGenerators: 'load tool, bare Socket.IO client', servers: 'API replicas, bare Socket.IO servers', notPinned: 'PostgreSQL, Redis, nginx, pgbench, the bench script' }
    : { pinned: false },
  notes: [
    'One 2-core machine runs everything: replicas, nginx, PostgreSQL, Redis and the load tool; other work on the machine shows up in the figures.',
    'REST latency counts from the intended send time (open loop) or the send time (closed loop); fan-out from the intended send time to the event reaching a client.',
  ],
  figures: {},
  runs: [],
};
const record = (step, name, toolArgs, res, extra = {}) => {
  const r = res.report;
  const row = {
    step,
    name,
    command: command(toolArgs),
    exit: res.code,
    loadavg1AtEnd: round(loadavg()[0], 2),
    report: relative(root, res.file),
    ...(r
      ? {
          okPerSec: round(r.throughput.okPerSec),
          restP50: round(r.rest.all.p50, 2),
          restP99: round(r.rest.all.p99, 2),
          fanoutP99: round(r.fanout.perDelivery.p99, 2),
          errors: r.errors.total,
          consistent: r.consistency.ok,
          loadgenCpuPercent: round(r.loadgen.cpuPercentOfOneCore, 0),
          loadgenEventLoopP99: round(r.loadgen.eventLoopDelayP99Ms, 1),
        }
      : {}),
    ...extra,
  };
  summary.runs.push(row);
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return row;
};

async function throughput() {
  log('1/3 throughput: closed loop, REST only, through the load balancer');
  const base = [...targetsLb(), '--users', '10', '--boards', '20', '--sockets', '0', '--warmup', '2', '--duration', '8', '--quiet'];
  let best = null; // the last level that added >= 5 %, for the plateau test
  let peak = null; // the highest ok/s seen: the saturation figure
  let flat = 0;
  for (const c of [1, 2, 4, 8, 16, 32, 64, 128]) {
    const a = [...base, '--rate', 'max', '--concurrency', String(c)];
    const res = await runTool(`throughput-closed-c${c}`, a, { timeoutMs: boundFor(2, 8, 20) });
    const row = record('throughput', `closed c=${c}`, a, res, { concurrency: c });
    log(`  concurrency ${c}: ${row.okPerSec ?? '?'} ok/s, p50 ${row.restP50} ms, p99 ${row.restP99} ms, errors ${row.errors}`);
    if (!res.report) break;
    if (!peak || row.okPerSec > peak.okPerSec) peak = row;
    if (!best || row.okPerSec > best.okPerSec * 1.05) {
      best = row;
      flat = 0;
    } else if (++flat >= 2) break; // two levels without 5 % more: saturated
  }
  summary.figures.saturationWritesPerSec = peak && { writesPerSec: peak.okPerSec, concurrency: peak.concurrency, restP99Ms: peak.restP99, reproduce: peak.command };

  log(`1/3 throughput: open loop, highest rate with REST p99 <= ${P99_TARGET_MS} ms`);
  const sat = peak?.okPerSec ?? 200;
  const rates = [];
  for (let r = Math.max(10, Math.round(sat * 0.2)); r <= sat * 1.3; r = Math.round(r * 1.25)) rates.push(r);
  let pass = null;
  let misses = 0;
  // A rate is over the target only if a second try is over too: on a shared machine one burst of
  // someone else's work can spoil a 10 s run.
  const tryRate = async (rate) => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const a = [...base, '--rate', String(rate)];
      const res = await runTool(`throughput-open-r${rate}${attempt > 1 ? `-try${attempt}` : ''}`, a, { timeoutMs: boundFor(2, 8, 20) });
      const row = record('throughput', `open ${rate}/s`, a, res, { rate, attempt });
      const ok = !!res.report && row.restP99 !== null && row.restP99 <= P99_TARGET_MS && res.report.throughput.writesFailed <= res.report.throughput.writesSent * 0.001 && row.okPerSec >= rate * 0.95;
      log(`  ${rate}/s${attempt > 1 ? ' (again)' : ''}: ${row.okPerSec ?? '?'} ok/s, p99 ${row.restP99} ms → ${ok ? 'within' : 'over'} ${P99_TARGET_MS} ms`);
      if (ok) return row;
    }
    return null;
  };
  for (const rate of rates) {
    const row = await tryRate(rate);
    if (row) {
      pass = row;
      misses = 0;
    } else if (++misses >= 2 || !pass) break;
  }
  for (let rate = Math.round(rates[0] / 2); !pass && rate >= 5; rate = Math.round(rate / 2)) pass = await tryRate(rate);
  summary.figures.maxRateWithP99Under50Ms = pass && { writesPerSec: pass.rate, restP99Ms: pass.restP99, reproduce: pass.command };
}

/** Merges histograms (by name; one name or several) of several reports; percentiles in ms. */
function merged(reports, names) {
  let h = null;
  for (const part of reports.flatMap((r) => [names].flat().map((n) => decodeFromCompressedBase64(r.histograms[n])))) {
    if (h) h.add(part);
    else h = part;
  }
  if (!h || h.totalCount === 0) return { count: 0, p50: null, p99: null, max: null };
  const at = (p) => round(Math.min(h.getValueAtPercentile(p), h.maxValue) / 1000, 2);
  return { count: h.totalCount, p50: at(50), p99: at(99), max: round(h.maxValue / 1000, 2) };
}

/**
 * `sockets` sockets at 100 per board and `rate` writes/s in ceil(sockets / SOCKETS_PER_PROCESS)
 * concurrent tool processes (separate users and boards; source addresses split between them),
 * sampling the replicas' VmRSS once a second while every process is in its measured phase.
 */
async function spread(name, sockets, rate, { warmup = 5, duration = 20, sourceIps = true } = {}) {
  const processes = Math.ceil(sockets / SOCKETS_PER_PROCESS);
  const ips = Array.from({ length: 19 }, (_, i) => `127.0.0.${i + 2}`);
  const phases = new Array(processes).fill('setup');
  const samples = [];
  const sampler = setInterval(() => {
    if (phases.every((p) => p === 'measure')) samples.push(replicaPids().map(rssKb));
  }, 1000);
  const runs = Array.from({ length: processes }, (_, p) => {
    // Contiguous, disjoint slices of the source addresses, one per process.
    const per = Math.floor(ips.length / processes);
    const share = ips.slice(p * per, p === processes - 1 ? ips.length : (p + 1) * per);
    const a = [
      ...targetsAll(),
      ...['--users', '20', '--boards', String(Math.max(1, Math.round(sockets / 100 / processes))), '--sockets', String(Math.round(sockets / processes))],
      ...['--rate', String(round(rate / processes, 2)), '--warmup', String(warmup), '--duration', String(duration)],
      ...(sourceIps ? ['--source-ips', `${share[0]}-${share.at(-1)}`] : []),
    ];
    const setupS = 30 + Math.round(sockets / processes / 100); // ~100 joins/s on a busy 2-core box
    return runTool(processes === 1 ? name : `${name}-p${p}`, a, {
      timeoutMs: boundFor(warmup, duration, setupS),
      onLine: (line) => {
        const m = /^\[ *\d+s (\w+)/.exec(line);
        if (m) phases[p] = m[1];
      },
    }).then((res) => ({ res, args: a }));
  });
  const results = await Promise.all(runs);
  clearInterval(sampler);
  const reports = results.map((r) => r.res.report);
  const complete = reports.every(Boolean);
  const ok = complete && results.every((r) => r.res.code === 0) && reports.every((r) => r.sockets.failedToStart === 0 && r.consistency.ok);
  const rss = replicaPids().map((_, i) => median(samples.map((s) => s[i]).filter((x) => x !== null)));
  const combined = complete
    ? {
        sockets: reports.reduce((n, r) => n + r.sockets.started, 0),
        writesPerSec: round(reports.reduce((n, r) => n + r.throughput.okPerSec, 0)),
        deliveriesPerSec: round(reports.reduce((n, r) => n + r.throughput.deliveriesPerSec, 0), 0),
        restP99Ms: merged(reports, ['rest.create', 'rest.update', 'rest.move', 'rest.delete']).p99,
        fanoutPerDelivery: merged(reports, 'fanout.perDelivery'),
        fanoutPerEventLastClient: merged(reports, 'fanout.perEventLastClient'),
        errors: reports.reduce((n, r) => n + r.errors.total, 0),
        reconnects: reports.reduce((n, r) => n + r.sockets.reconnects, 0),
        consistencyErrors: reports.reduce((n, r) => n + r.consistency.errors, 0),
      }
    : null;
  results.forEach((r, p) => record(name, processes === 1 ? name : `${name} (process ${p + 1}/${processes})`, r.args, r.res, { sockets: Math.round(sockets / processes) }));
  return { ok, combined, rssKb: rss, commands: results.map((r) => command(r.args)) };
}

async function fanout() {
  log('2/3 fan-out: 2,000 sockets on 20 boards at 200 writes/s (3 replicas + LB)');
  const a = [...targetsAll(), '--users', '20', '--boards', '20', '--sockets', '2000', '--rate', '200', '--warmup', '3', '--duration', '20'];
  const res = await runTool('fanout-2000', a, { timeoutMs: boundFor(3, 20, 60) });
  const row = record('fanout', '2000 sockets, 200 writes/s', a, res);
  const r = res.report;
  const ms = (x) => ({ count: x.count, p50: round(x.p50, 2), p99: round(x.p99, 2), max: round(x.max, 2) });
  summary.figures.fanout2000 = r && {
    perDelivery: ms(r.fanout.perDelivery),
    perEventLastClient: ms(r.fanout.perEventLastClient),
    deliveriesPerSec: round(r.throughput.deliveriesPerSec, 0),
    restP99Ms: row.restP99,
    consistent: r.consistency.ok,
    reproduce: row.command,
  };

  for (let n = maxSockets; n >= 2000; n = Math.floor(n / 2)) {
    log(`2/3 fan-out: ${n} sockets, 100 per board, at 100 writes/s with --source-ips`);
    const result = await spread(`fanout-max-${n}`, n, 100);
    log(`  ${n} sockets: ${result.ok ? 'held' : 'did not hold'}${result.combined ? ` — fan-out p99 ${result.combined.fanoutPerDelivery.p99} ms, ${result.combined.deliveriesPerSec} deliveries/s` : ''}`);
    if (result.ok) {
      summary.figures.fanoutMax = { ...result.combined, replicaRssKb: result.rssKb, reproduce: result.commands };
      break;
    }
  }
}

/**
 * Starts a fresh 3-replica scratch cluster (own database) with `env` for the replicas and nginx's
 * `balance` (default: a board's writes to one replica); sets `scratch`.
 */
async function startBenchCluster(env = {}, balance = undefined) {
  scratch = await startScratchCluster({
    balance,
    replicas: 3,
    databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
    prefix: 'tasklane_bench',
    env: args['replica-node-options'] ? { NODE_OPTIONS: args['replica-node-options'], ...env } : env,
    nodeBin: replicaNode,
    ...serverPin,
    log,
  });
  log(`cluster: replicas ${scratch.cluster.replicaUrls.join(' ')} (pids ${replicaPids().join(' ')}), LB ${scratch.cluster.lbUrl}`);
  if (args.pin) log(`  pinned: replicas on CPU ${replicaPids().map((pid) => cpuAffinity(pid)?.join(',') ?? '?').join(' / ')} (taskset -c ${SERVER_CPUS}); nginx, PostgreSQL and Redis unpinned`);
}

/**
 * What the servers spent over the load tool's measured phase (its first to its last `[ Ns measure`
 * progress line): each replica's CPU (/proc/<pid>/stat) and read and write system calls
 * (/proc/<pid>/io: counts, which unlike CPU time do not depend on the machine's speed), PostgreSQL's
 * CPU (every `postgres` process) and the replicas' group commit (`tasklane_group_commit_writes` sum
 * and count from /metrics). Pass `onLine` to runTool, then `result(okPerSec)` after it returns.
 * @returns result() → { replicaCpuCores: number[], replicaCpuMsPerWrite, postgresCpuMsPerWrite,
 *   replicaReadCallsPerWrite, replicaWriteCallsPerWrite, writesPerCommit, measuredS } or null when the phase was too short for two readings or no write
 *   succeeded.
 */
function serverCostOverMeasuredPhase() {
  const pids = replicaPids();
  const urls = scratch.cluster.replicaUrls;
  const readings = [];
  const read = async () => {
    const at = performance.now();
    const cpu = pids.map((pid) => cpuSeconds(pid) ?? 0);
    const io = pids.map((pid) => syscallCounts(pid));
    const postgres = cpuSecondsByCommand('postgres');
    const commits = await Promise.all(urls.map(replicaGroupCommitCounts));
    return { at, cpu, io, postgres, commits };
  };
  return {
    onLine(line) {
      if (isMeasureLine(line)) readings.push(read());
    },
    async result(okPerSec) {
      if (readings.length < 2 || !(okPerSec > 0)) return null;
      const [first, last] = await Promise.all([readings[0], readings.at(-1)]);
      const seconds = (last.at - first.at) / 1000;
      const writes = okPerSec * seconds;
      const cpu = last.cpu.map((c, i) => c - first.cpu[i]);
      const sum = (xs) => xs.reduce((a, b) => a + b, 0);
      const committed = sum(last.commits.map((c, i) => c.writes - first.commits[i].writes));
      const batches = sum(last.commits.map((c, i) => c.batches - first.commits[i].batches));
      // Over all replicas (the idle ones' own traffic included); null when a replica could not be read.
      const readable = [...first.io, ...last.io].every((c) => c !== null);
      const calls = (kind) => (readable ? round(sum(last.io.map((c, i) => c[kind] - first.io[i][kind])) / writes, 1) : null);
      return {
        measuredS: round(seconds, 1),
        replicaCpuCores: cpu.map((c) => round(c / seconds, 2)),
        replicaCpuMsPerWrite: round((sum(cpu) * 1000) / writes, 2),
        postgresCpuMsPerWrite: round((cpuSecondsBetween(first.postgres, last.postgres) * 1000) / writes, 2),
        replicaReadCallsPerWrite: calls('reads'),
        replicaWriteCallsPerWrite: calls('writes'),
        writesPerCommit: batches > 0 ? round(committed / batches, 1) : null,
      };
    },
  };
}

/**
 * The per-write costs of serverCostOverMeasuredPhase's result (or of a hot-board figure, which
 * carries the same fields) as one printable clause; '' without them.
 */
function serverCostText(s) {
  if (!s || s.writesPerCommit === undefined) return '';
  const calls = s.replicaWriteCallsPerWrite === undefined ? '' : `; system calls per write: ${s.replicaReadCallsPerWrite} reads, ${s.replicaWriteCallsPerWrite} writes`;
  return `; ${s.writesPerCommit} writes per COMMIT, CPU per write: replicas ${s.replicaCpuMsPerWrite} ms, PostgreSQL ${s.postgresCpuMsPerWrite} ms${calls}`;
}

/** A replica's group-commit counters now: `{ writes, batches }` from /metrics; zeros when unreadable. */
async function replicaGroupCommitCounts(url) {
  try {
    return groupCommitCounts(await (await fetch(`${url}/metrics`)).text());
  } catch {
    return { writes: 0, batches: 0 };
  }
}

async function hotboard() {
  log('0/3 hot board: 1 board, 16 writers in flight through the load balancer: one transaction per write, group commit with round robin, group commit with board affinity');
  const variants = [
    { name: 'single', label: 'one transaction per write (GROUP_COMMIT_MAX=1), round robin', env: { GROUP_COMMIT_MAX: '1' }, balance: 'round-robin' },
    { name: 'group', label: 'group commit (default GROUP_COMMIT_MAX), round robin', env: {}, balance: 'round-robin' },
    { name: 'affinity', label: "group commit, the board's writes to one replica (default balance)", env: {}, balance: 'board' },
  ];
  const rows = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let round_ = 1; round_ <= 2; round_++) {
    for (const v of variants) {
      await startBenchCluster(v.env, v.balance);
      const a = [...targetsLb(), '--users', '4', '--boards', '1', '--sockets', '0', '--rate', 'max', '--concurrency', '16', '--warmup', '2', '--duration', '10'];
      // Progress lines on (no --quiet): they mark the measured phase for the CPU readings.
      const cost = serverCostOverMeasuredPhase();
      const res = await runTool(`hotboard-${v.name}-${round_}`, a, { timeoutMs: boundFor(2, 10, 20), onLine: cost.onLine });
      const r = res.report;
      const servers = await cost.result(r?.throughput.okPerSec);
      const row = record('hotboard', `${v.label}, round ${round_}`, a, res, { variant: v.name, env: v.env, balance: v.balance, restMeanMs: r ? round(r.rest.all.mean, 2) : null, restMaxMs: r ? round(r.rest.all.max, 1) : null, servers });
      rows[v.name].push(row);
      const costLine = servers ? `; replicas ${servers.replicaCpuCores.join(' / ')} cores${serverCostText(servers)}` : '';
      log(`  ${v.name} round ${round_}: ${row.okPerSec ?? '?'} ok/s, p50 ${row.restP50} ms, p99 ${row.restP99} ms, max ${row.restMaxMs} ms, errors ${row.errors}, load ${row.loadavg1AtEnd}${costLine}`);
      await scratch.stop();
      scratch = null;
    }
  }
  const best = (xs) => xs.filter((x) => x.okPerSec !== undefined).sort((x, y) => y.okPerSec - x.okPerSec)[0] ?? null;
  const pick = (x) =>
    x && {
      writesPerSec: x.okPerSec,
      restP50Ms: x.restP50,
      restP99Ms: x.restP99,
      restMaxMs: x.restMaxMs,
      // The per-write costs (not the phase's length or each replica's cores).
      ...(x.servers ? (({ measuredS: _s, replicaCpuCores: _c, ...perWrite }) => perWrite)(x.servers) : {}),
      reproduce: `${x.command}  (replicas with ${JSON.stringify(x.env)}, nginx balance ${x.balance})`,
    };
  summary.figures.hotBoard = {
    single: pick(best(rows.single)),
    group: pick(best(rows.group)),
    affinity: pick(best(rows.affinity)),
    rounds: 2,
    note: 'best of two rounds each, alternated on fresh clusters; affinity is the default configuration; CPU per write over the measured phase, the replicas including their idle work',
  };
}

async function memory() {
  if (!scratch) await startBenchCluster(); // the baselines step stopped the cluster
  // As many sockets as the fan-out step held, or --max-sockets when memory runs on its own.
  const n = summary.figures.fanoutMax?.sockets ?? maxSockets;
  log(`3/3 memory: restarting the replicas, idle RSS, then RSS with ${n} sockets connected`);
  for (const r of scratch.cluster.replicas) {
    await r.kill('SIGTERM');
    await r.start();
  }
  await sleep(5000);
  const idle = [];
  for (let i = 0; i < 5; i++, await sleep(1000)) idle.push(replicaPids().map(rssKb));
  const idleKb = replicaPids().map((_, i) => median(idle.map((s) => s[i])));
  const result = await spread(`memory-${n}`, n, 1, { warmup: 5, duration: 15, sourceIps: n > 2000 });
  const withKb = result.rssKb;
  const delta = withKb.reduce((s, x, i) => s + (x ?? 0) - (idleKb[i] ?? 0), 0);
  summary.figures.memory = {
    sockets: result.combined?.sockets ?? null,
    replicaPids: replicaPids(),
    idleRssKb: idleKb,
    withSocketsRssKb: withKb,
    kbPerSocket: result.combined?.sockets ? round(delta / result.combined.sockets, 1) : null,
    note: 'VmRSS of each replica from /proc/<pid>/status: idle = median of 5 samples after a restart; with sockets = median while every load-tool process was in its measured phase (1 write/s).',
    reproduce: result.commands,
  };
  log(`  idle ${idleKb.join(' / ')} KB, with sockets ${withKb.join(' / ')} KB → ${summary.figures.memory.kbPerSocket} KB per socket`);
}

const PGBENCH = '/usr/bin/pgbench';
const BARE_SERVER = resolve(root, 'scripts/bench-bare-socketio-server.mjs');
const BARE_CLIENT = resolve(root, 'scripts/bench-bare-socketio.mjs');
/** The bare Socket.IO run's shape: the fanout step's 2,000 sockets on 20 boards at 200 writes/s, 3 s warmup, 20 s measured. */
/** The installed socket.io version (the app's), for the figure's description. */
const SOCKET_IO_VERSION = JSON.parse(readFileSync(resolve(root, 'node_modules/socket.io/package.json'), 'utf8')).version;
const BARE = { servers: 3, sockets: 2000, rooms: 20, rate: 200, warmup: 3, duration: 20 };

/**
 * Runs `command args` as a tracked child (stopped on every exit path), collecting its output; lines
 * of stderr that match `show` are echoed. Past `timeoutMs` it gets SIGTERM, then SIGKILL 5 s later.
 * `pin`: spawnTracked options that pin it (loadgenPin), or none.
 * @returns {Promise<{ code: number, out: string, err: string }>} code 128 when killed by a signal.
 */
async function runChild(name, cmd, cmdArgs, { timeoutMs, show = /^$/, pin = {} }) {
  const child = spawnTracked(name, cmd, cmdArgs, { cwd: root, stdio: 'pipe', graceMs: 5000, timeoutMs, ...pin });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => {
    for (const line of String(d).split('\n')) if (line && show.test(line)) console.error(`    ${name}: ${line}`);
    err += d;
  });
  const exit = await child.exited;
  children.delete(child);
  if (exit.timedOut) log(`${name}: over its ${timeoutMs / 1000} s bound, stopped`);
  return { code: exit.code ?? 128, out, err };
}

/**
 * pgbench INSERT on a scratch database of the DATABASE_URL server (created here, dropped after):
 * one table with a bigserial key, 8 clients on 2 threads for 10 s, one INSERT per transaction.
 * @returns the figure: TPS (without connection time), average latency, the exact command.
 * @throws when pgbench fails or prints no TPS line.
 */
async function pgbenchInsert() {
  const adminUrl = databaseUrl(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'postgres');
  const name = `tasklane_pgbench_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(adminUrl, name);
  pgbenchDb = { adminUrl, name };
  try {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query('CREATE TABLE bench_insert (id bigserial PRIMARY KEY, v integer NOT NULL)');
    } finally {
      await db.end().catch(() => {});
    }
    const script = join(outDir, 'pgbench-insert.sql');
    const scriptText = '\\set r random(1, 1000000)\nINSERT INTO bench_insert (v) VALUES (:r);\n';
    writeFileSync(script, scriptText);
    const u = new URL(url);
    const pgArgs = ['-n', '-c', '8', '-j', '2', '-T', '10', '-f', script, '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), name];
    log(`baselines: ${PGBENCH} ${pgArgs.join(' ')}`);
    const res = await runChild('pgbench', PGBENCH, pgArgs, { timeoutMs: 60_000, show: /error|fatal/i });
    const text = `${res.out}\n${res.err}`;
    const num = (re) => {
      const m = re.exec(text);
      return m ? Number(m[1]) : null;
    };
    const figure = {
      tps: round(num(/^tps = ([\d.]+) \(without initial connection time\)/m), 0),
      latencyAverageMs: round(num(/^latency average = ([\d.]+) ms/m), 3),
      transactions: num(/^number of transactions actually processed: (\d+)/m),
      failedTransactions: num(/^number of failed transactions: (\d+)/m),
      clients: 8,
      threads: 2,
      durationS: 10,
      script: scriptText,
      table: 'CREATE TABLE bench_insert (id bigserial PRIMARY KEY, v integer NOT NULL)',
      command: `${PGBENCH} ${pgArgs.map((a) => (a === script ? '<pgbench-insert.sql>' : a === name ? '<scratch database>' : a)).join(' ')}`,
      reproduce: 'npm run bench -- --steps baselines',
    };
    summary.runs.push({ step: 'baselines', name: 'pgbench INSERT', command: figure.command, exit: res.code, loadavg1AtEnd: round(loadavg()[0], 2), tps: figure.tps });
    if (res.code !== 0 || figure.tps === null) throw new Error(`pgbench failed (exit ${res.code}):\n${text.slice(-2000)}`);
    return figure;
  } finally {
    await dropDatabase(adminUrl, name).catch((e) => log(`could not drop ${name}: ${e.message}`));
    pgbenchDb = null;
  }
}

/**
 * Starts one bare Socket.IO server (scripts/bench-bare-socketio-server.mjs) and waits for its
 * `{"port","pid"}` line. @returns {{ child, url }} @throws when it exits or says nothing within 15 s.
 */
async function startBareServer(k, key) {
  const child = spawnTracked(`bare-server-${k}`, process.execPath, [BARE_SERVER, '--redis-url', process.env.REDIS_URL ?? DEFAULT_REDIS_URL, '--key', key], { cwd: root, stdio: 'pipe', graceMs: 5000, ...serverPin });
  children.add(child);
  let err = '';
  child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
  const listening = new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`bare-server-${k}: not listening after 15 s\n${err}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(timer);
        ok(out.split('\n')[0]);
      }
    });
    void child.exited.then((e) => {
      clearTimeout(timer);
      fail(new Error(`bare-server-${k} exited (code ${e.code}, signal ${e.signal})\n${err}`));
    });
  });
  try {
    const { port } = JSON.parse(await listening);
    return { child, url: `http://127.0.0.1:${port}` };
  } catch (error) {
    await child.stop();
    children.delete(child);
    throw error;
  }
}

/** Bare Socket.IO in the fan-out step's shape (BARE), its servers always stopped by pid at the end. */
async function bareFanout() {
  const key = `bench-bare-${randomBytes(4).toString('hex')}`; // its own Redis channels, apart from any Tasklane's
  const servers = [];
  try {
    for (let k = 0; k < BARE.servers; k++) servers.push(await startBareServer(k, key));
    log(`baselines: bare Socket.IO servers ${servers.map((s) => `${s.url} (pid ${s.child.pid})`).join(', ')}`);
    const file = join(outDir, 'bare-fanout-2000.json');
    const a = ['--sockets', BARE.sockets, '--rooms', BARE.rooms, '--rate', BARE.rate, '--warmup', BARE.warmup, '--duration', BARE.duration].map(String);
    const res = await runChild('bare-fanout', process.execPath, [BARE_CLIENT, '--servers', servers.map((s) => s.url).join(','), ...a, '--json', file], {
      timeoutMs: (60 + BARE.warmup + BARE.duration + 10) * 1000,
      show: /connected|open loop|measure|p99|error|fail/i,
      pin: loadgenPin,
    });
    let r = null;
    try {
      r = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new Error(`bare fan-out: no report (exit ${res.code})\n${res.err.slice(-2000)}`);
    }
    summary.runs.push({ step: 'baselines', name: 'bare Socket.IO, 2000 sockets, 200 messages/s', exit: res.code, loadavg1AtEnd: round(loadavg()[0], 2), report: relative(root, file) });
    return {
      sockets: r.sockets.connected,
      socketsFailed: r.sockets.failed,
      perDelivery: r.perDelivery,
      perMessageLastClient: r.perMessageLastClient,
      deliveriesPerSec: r.deliveries.perSec,
      deliveriesMissing: r.deliveries.missing,
      serverCpuPercentOfCore: r.servers.cpuPercentOfCore,
      serverCpuSecondsPer1000Deliveries: r.servers.cpuSecondsPer1000Deliveries,
      serverEmitLateMaxMs: r.servers.lateMaxMs,
      loadgenEventLoopP99Ms: r.loadgen.eventLoopDelayP99Ms,
      loadgenCpuPercent: r.loadgen.cpuPercentOfOneCore,
      shape: `${BARE.servers} socket.io ${SOCKET_IO_VERSION} servers with @socket.io/redis-adapter (ioredis) on REDIS_URL, clients straight to the servers (socket i via server ⌊i/20⌋ mod 3); ${BARE.sockets} sockets on ${BARE.rooms} rooms, ${BARE.rate} messages/s open loop emitted by server i mod 3; latency from the intended send time`,
      reproduce: `node scripts/bench-bare-socketio-server.mjs --key K  (×3, each prints its port), then node scripts/bench-bare-socketio.mjs --servers <s0>,<s1>,<s2> ${a.join(' ')} --json out.json; or npm run bench -- --steps baselines`,
    };
  } finally {
    await Promise.all(servers.map((s) => s.child.stop()));
    for (const s of servers) children.delete(s.child);
  }
}

/**
 * The same window's yardsticks (issue 13): pgbench INSERT and bare Socket.IO in the fan-out shape,
 * with the Tasklane cluster stopped first so they get the cores; then the ratios to the figures
 * this invocation measured (fanout, throughput), when it did.
 */
async function baselines() {
  if (scratch) {
    log('baselines: stopping the Tasklane cluster first (the baselines get the cores)');
    await scratch.stop();
    scratch = null;
  }
  log(`baselines: pgbench INSERT (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  summary.figures.pgbenchInsert = await pgbenchInsert();
  const p = summary.figures.pgbenchInsert;
  log(`  pgbench INSERT: ${p.tps} TPS, latency average ${p.latencyAverageMs} ms (${p.transactions} transactions, ${p.failedTransactions ?? 0} failed)`);
  log(`baselines: bare Socket.IO, ${BARE.sockets} sockets on ${BARE.rooms} rooms, ${BARE.rate} messages/s over ${BARE.servers} servers (load average ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
  summary.figures.bareFanout2000 = await bareFanout();
  const b = summary.figures.bareFanout2000;
  log(
    `  bare: per delivery p50 ${b.perDelivery.p50} p99 ${b.perDelivery.p99} max ${b.perDelivery.max} ms; ${b.deliveriesPerSec} deliveries/s (${b.deliveriesMissing} missing); servers ${b.serverCpuPercentOfCore.join(' / ')} % of a core, ${b.serverCpuSecondsPer1000Deliveries} CPU s per 1,000 deliveries; client event loop p99 ${b.loadgenEventLoopP99Ms} ms`,
  );
  const t = summary.figures.fanout2000;
  const sat = summary.figures.saturationWritesPerSec;
  summary.figures.baselineRatios = {
    fanoutP99OverBare: t?.perDelivery.p99 && b.perDelivery.p99 ? round(t.perDelivery.p99 / b.perDelivery.p99, 2) : null,
    fanoutP50OverBare: t?.perDelivery.p50 && b.perDelivery.p50 ? round(t.perDelivery.p50 / b.perDelivery.p50, 2) : null,
    fanoutP99Target: 'Tasklane fan-out p99 within 2× of bare Socket.IO (issue 13)',
    saturationWritesPerPgbenchTps: sat?.writesPerSec && p.tps ? round(sat.writesPerSec / p.tps, 3) : null,
    note: 'null where this invocation did not run the step the ratio needs (fanout, throughput)',
  };
  const q = summary.figures.baselineRatios;
  log(`  ratios: fan-out p99 Tasklane / bare ${q.fanoutP99OverBare ?? '- (no fanout step in this run)'} (target ≤ 2), p50 ${q.fanoutP50OverBare ?? '-'}; saturation writes/s per pgbench INSERT TPS ${q.saturationWritesPerPgbenchTps ?? '- (no throughput step in this run)'}`);
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
}

/** Seconds of steady load before the kill: the baseline window the storm's database cost is compared with. */
const STORM_BASELINE_S = 10;
/** The storm window after the kill, for the database counters (s); equal to the baseline window. */
const STORM_WINDOW_S = STORM_BASELINE_S;
/** A lost socket not back and caught up this long after the kill counts as failed (ms); the load runs this long after it. */
const STORM_RECOVERY_BOUND_MS = 15_000;
/** Writes per second, open loop, before, during and after the storm. */
const STORM_RATE = 60;

/** Prometheus text exposition → metric name → [{ labels, value }]. */
function parseMetrics(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (!out.has(m[1])) out.set(m[1], []);
    out.get(m[1]).push({ labels, value: Number(m[3]) });
  }
  return out;
}

/**
 * One reading of the storm's counters: per replica (null once it is gone) its connected sockets,
 * board:join events received and SQL statements by name (the replicas' /metrics), and the scratch
 * database's pg_stat_database row.
 */
async function stormReading(db) {
  const replicas = await Promise.all(
    scratch.cluster.replicaUrls.map(async (url) => {
      try {
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) return null;
        const m = parseMetrics(await res.text());
        const statements = {};
        for (const x of m.get('tasklane_db_query_duration_seconds_count') ?? []) statements[x.labels.statement] = (statements[x.labels.statement] ?? 0) + x.value;
        return {
          connected: m.get('tasklane_socket_connected')?.[0]?.value ?? null,
          joins: (m.get('tasklane_socket_events_received_total') ?? []).filter((x) => x.labels.event === 'board:join').reduce((n, x) => n + x.value, 0),
          statements,
        };
      } catch {
        return null;
      }
    }),
  );
  const { rows } = await db.query(
    'SELECT xact_commit + xact_rollback AS xacts, tup_returned, tup_fetched, tup_inserted + tup_updated + tup_deleted AS tup_written FROM pg_stat_database WHERE datname = current_database()',
  );
  return { at: Date.now(), replicas, database: Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])) };
}

/** Counter increase from reading `a` to `b` over the replicas `which` (indices): joins, statements by name, their total. */
function replicaDelta(a, b, which) {
  const statements = {};
  let joins = 0;
  for (const i of which) {
    joins += b.replicas[i].joins - a.replicas[i].joins;
    for (const [name, n] of Object.entries(b.replicas[i].statements)) statements[name] = (statements[name] ?? 0) + n - (a.replicas[i].statements[name] ?? 0);
  }
  return { joins, statements, statementsTotal: Object.values(statements).reduce((x, y) => x + y, 0) };
}

const nearestRank = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : null);

/**
 * Reconnect storm (issue 13: "kill -9 one of 3 replicas holding 2,000 of 6,000 sockets (60 boards) →
 * every socket back and caught up ≤ 5 s"). On a fresh cluster, one load-tool process holds
 * --storm-sockets BoardStreams over --storm-boards boards through nginx (round robin, so each
 * replica holds about a third; the killed replica's clients reconnect through nginx to the other
 * two) with STORM_RATE writes/s. STORM_BASELINE_S into the measured phase replica 0 gets SIGKILL;
 * the load goes on for STORM_RECOVERY_BOUND_MS more. Counters are read at the start of the
 * baseline window, at the kill and STORM_WINDOW_S after it.
 */
async function storm() {
  if (scratch) {
    await scratch.stop();
    scratch = null;
  }
  log(`4 reconnect storm: ${stormSockets} sockets of ${stormUsers} users on ${stormBoards} boards through nginx, ${STORM_RATE} writes/s, kill -9 of one of 3 replicas`);
  await startBenchCluster();
  summary.notes.push(
    'Storm database cost: the 10 s after the kill minus the 10 s before (3 replicas then, 2 after; the baseline also holds the killed replica\'s own background work). Statement counts are the replicas\' exact counters; pg_stat_database is flushed by each backend at most once a second (an idle one up to 10 s late), so its transaction and tuple deltas are approximate.',
  );
  const db = new pg.Client({ connectionString: scratch.databaseUrl });
  db.on('error', (e) => log(`  storm: PostgreSQL connection: ${e.message}`));
  stormDb = db;
  await db.connect();
  try {
    const { rows: ext } = await db.query("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_stat_statements'");
    const pgStatStatements = ext[0].n > 0;
    const victim = scratch.cluster.replicas[0];
    const durationS = STORM_BASELINE_S + STORM_RECOVERY_BOUND_MS / 1000 + 2;
    const a = [
      ...targetsLb(),
      ...['--users', String(stormUsers), '--boards', String(stormBoards), '--sockets', String(stormSockets), '--rate', String(STORM_RATE), '--warmup', '2', '--duration', String(durationS)],
      ...(stormSockets > 2000 ? ['--source-ips', '127.0.0.2-127.0.0.20'] : []),
    ];
    const readings = {};
    let kill = null;
    let timeline = null;
    let timelineError = null;
    const read = (name) =>
      stormReading(db).then(
        (r) => (readings[name] = r),
        (e) => log(`  storm: reading ${name} failed: ${e.message}`),
      );
    const setupS = 30 + Math.round(stormSockets / 100);
    const res = await runTool('storm', a, {
      timeoutMs: boundFor(2, durationS, setupS),
      onLine: (line) => {
        if (timeline || !isMeasureLine(line)) return;
        // The measured phase began: baseline reading now, the kill STORM_BASELINE_S later.
        timeline = (async () => {
          await read('baselineStart');
          if (!readings.baselineStart) throw new Error('no baseline reading: the storm was not started');
          await sleep(STORM_BASELINE_S * 1000 - (Date.now() - readings.baselineStart.at));
          await read('atKill');
          const pid = victim.pid;
          const before = readings.atKill?.replicas.map((r) => r?.connected ?? null) ?? [];
          process.kill(pid, 'SIGKILL');
          kill = { at: Date.now(), pid, replica: 0, socketsPerReplicaBefore: before };
          log(`  storm: kill -9 ${pid} (replica 0, ${before[0] ?? '?'} of ${before.reduce((x, y) => x + (y ?? 0), 0)} sockets)`);
          await victim.kill('SIGKILL'); // reaps it
          await sleep(STORM_WINDOW_S * 1000 - (Date.now() - kill.at));
          await read('windowEnd');
        })().catch((e) => {
          // Caught here, so the failure cannot go unhandled while the tool still runs; rethrown below.
          timelineError = e;
          log(`  storm: ${e.message}`);
        });
      },
    });
    await timeline;
    if (timelineError) throw timelineError;
    const r = res.report;
    const extra = { pgStatStatements };
    let figure = null;
    if (r && kill && readings.baselineStart && readings.atKill && readings.windowEnd) {
      const lost = r.sockets.outages.filter((o) => o.lostAt >= kill.at - 50);
      const earlier = r.sockets.outages.length - lost.length;
      const recovery = lost.map((o) => (o.recoveredAt === null ? Infinity : o.recoveredAt - kill.at)).sort((x, y) => x - y);
      const reconnect = lost.map((o) => (o.reconnectedAt === null ? Infinity : o.reconnectedAt - kill.at)).sort((x, y) => x - y);
      const failed = recovery.filter((ms) => ms > STORM_RECOVERY_BOUND_MS).length;
      // Streams never back and caught up: where each stood when the load tool stopped (outages.ts atClose).
      const stragglers = lost
        .filter((o) => o.recoveredAt === null)
        .slice(0, 10)
        .map((o) => ({ stream: o.stream, board: o.board, reconnectedMs: o.reconnectedAt === null ? null : o.reconnectedAt - kill.at, targetSeq: o.targetSeq, ...o.atClose }));
      const ok = recovery.filter((ms) => ms <= STORM_RECOVERY_BOUND_MS);
      const pct = (xs) => ({ p50: nearestRank(xs, 50), p95: nearestRank(xs, 95), p99: nearestRank(xs, 99), max: xs.at(-1) ?? null });
      const survivors = [1, 2];
      const baseline = replicaDelta(readings.baselineStart, readings.atKill, [0, 1, 2]);
      const during = replicaDelta(readings.atKill, readings.windowEnd, survivors);
      const statementsExtra = Object.fromEntries(
        [...new Set([...Object.keys(baseline.statements), ...Object.keys(during.statements)])]
          .map((k) => [k, (during.statements[k] ?? 0) - (baseline.statements[k] ?? 0)])
          .filter(([, n]) => n !== 0)
          .sort((x, y) => y[1] - x[1]),
      );
      const dbDelta = (x, y) => Object.fromEntries(Object.keys(y.database).map((k) => [k, y.database[k] - x.database[k]]));
      const dbBaseline = dbDelta(readings.baselineStart, readings.atKill);
      const dbStorm = dbDelta(readings.atKill, readings.windowEnd);
      const perBoard = (n) => round(n / stormBoards, 1);
      figure = {
        sockets: r.sockets.started,
        boards: stormBoards,
        users: stormUsers,
        socketsPerReplicaBeforeKill: kill.socketsPerReplicaBefore,
        affected: lost.length,
        failed,
        stragglers,
        recoveryMs: pct(ok),
        allBackMs: failed === 0 ? (ok.at(-1) ?? 0) : null,
        reconnectP99Ms: nearestRank(reconnect.filter(Number.isFinite), 99),
        target: 'every lost socket back and caught up within 5 s (issue 13)',
        consistencyErrors: r.consistency.errors,
        writeErrors: r.errors.total,
        outagesBeforeKill: earlier,
        loadgenEventLoopP99Ms: round(r.loadgen.eventLoopDelayP99Ms, 1),
        // The load tool's longest timer delay: its socket.io-client reconnect timers wait as long.
        loadgenEventLoopMaxMs: round(r.loadgen.eventLoopDelayMaxMs, 1),
        fanoutP99Ms: round(r.fanout.perDelivery.p99, 2),
        db: {
          windowS: STORM_WINDOW_S,
          joinsOnSurvivors: during.joins,
          statementsBaseline: baseline.statementsTotal,
          statementsStorm: during.statementsTotal,
          statementsExtraPerBoard: perBoard(during.statementsTotal - baseline.statementsTotal),
          statementsExtraPerLostSocket: lost.length ? round((during.statementsTotal - baseline.statementsTotal) / lost.length, 2) : null,
          catchUpReadsExtraPerBoard: perBoard(statementsExtra['select board_events'] ?? 0),
          statementsExtraByName: statementsExtra,
          transactionsBaseline: dbBaseline.xacts,
          transactionsStorm: dbStorm.xacts,
          tuplesReturnedBaseline: dbBaseline.tup_returned,
          tuplesReturnedStorm: dbStorm.tup_returned,
          tuplesFetchedBaseline: dbBaseline.tup_fetched,
          tuplesFetchedStorm: dbStorm.tup_fetched,
          pgStatStatements: pgStatStatements ? 'installed (not read: the statement counters above are per replica and exact)' : 'not installed in the scratch database; statements are the replicas\u2019 own counters (tasklane_db_query_duration_seconds_count)',
        },
        reproduce: `npm run bench -- --steps storm --storm-sockets ${stormSockets} --storm-boards ${stormBoards} --storm-users ${stormUsers}${replicaRuntimeArgs}`,
      };
    }
    const row = record('storm', `${stormSockets} sockets, ${stormBoards} boards, kill -9 of replica 0`, a, res, { ...extra, kill, readings });
    summary.figures.storm = figure;
    if (!figure) throw new Error(`storm: no figures (report ${r ? 'written' : 'missing'}, kill ${kill ? 'done' : 'not done'}, exit ${row.exit})`);
    log(
      `  storm: ${figure.affected} sockets lost, ${figure.failed} not back within ${STORM_RECOVERY_BOUND_MS / 1000} s; back and caught up p50 ${figure.recoveryMs.p50} p95 ${figure.recoveryMs.p95} p99 ${figure.recoveryMs.p99} max ${figure.recoveryMs.max} ms; consistency errors ${figure.consistencyErrors}, write errors ${figure.writeErrors}; load tool event loop p99 ${figure.loadgenEventLoopP99Ms} ms, max ${figure.loadgenEventLoopMaxMs} ms`,
    );
    for (const x of figure.stragglers) log(`  storm: not back: stream #${x.stream} reconnected ${x.reconnectedMs ?? '-'} ms after the kill; at the end connected ${x.connected}, ${x.status}, seq ${x.seq} of head ${x.head} (target ${x.targetSeq ?? '-'})`);
  } finally {
    stormDb = null;
    await db.end().catch(() => {});
  }
}

try {
  log(`results: ${relative(root, outDir)}/`);
  if (steps.includes('hotboard')) await hotboard();
  if (steps.some((s) => ['throughput', 'fanout', 'memory'].includes(s))) await startBenchCluster();
  if (steps.includes('throughput')) await throughput();
  if (steps.includes('fanout')) await fanout();
  if (steps.includes('baselines')) await baselines();
  if (steps.includes('memory')) await memory();
  if (steps.includes('storm')) await storm();
  summary.finishedAt = new Date().toISOString();
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  printFigures();
  await finish(0);
} catch (error) {
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify({ ...summary, error: String(error?.stack ?? error) }, null, 2)}\n`);
  await finish(1, `FAILED: ${error instanceof Error ? error.message : error}`);
}

function printFigures() {
  const f = summary.figures;
  const lines = ['', `Tasklane bench — ${relative(root, outDir)}/summary.json`, ''];
  lines.push(`To reproduce a figure: \`npm run cluster -- --replicas 3${clusterRuntimeArgs}\` (prints <lb> and <replica-i>), then the command shown.`);
  lines.push(`Replicas on Node.js ${replicaNodeVersion}${replicaNode === process.execPath ? '' : ` (${replicaNode})`}${args['replica-node-options'] ? ` with NODE_OPTIONS=${args['replica-node-options']}` : ''}; the load tool on ${process.version}.`);
  if (args.pin) lines.push(`Pinned (--pin): load tool and bare Socket.IO client on CPU ${LOADGEN_CPUS}, replicas and bare Socket.IO servers on CPU ${SERVER_CPUS}; PostgreSQL, Redis, nginx and pgbench unpinned.`);
  if (f.hotBoard) {
    const h = f.hotBoard;
    const line = (name, x) => (x ? `  ${name}: ${x.writesPerSec} writes/s, REST p50 ${x.restP50Ms} p99 ${x.restP99Ms} max ${x.restMaxMs} ms${serverCostText(x)}` : `  ${name}: no report`);
    lines.push('', 'Hot board (1 board, 16 writers in flight, 3 replicas + LB; best of 2 rounds each):', line('one transaction per write, round robin', h.single), line('group commit, round robin', h.group), line("group commit, the board's writes to one replica (default)", h.affinity));
    if (h.affinity) lines.push(`  ${h.affinity.reproduce}`);
  }
  if (f.saturationWritesPerSec) lines.push('', `Write saturation: ${f.saturationWritesPerSec.writesPerSec} writes/s (closed loop, concurrency ${f.saturationWritesPerSec.concurrency}, REST p99 ${f.saturationWritesPerSec.restP99Ms} ms)`, `  ${f.saturationWritesPerSec.reproduce}`);
  if ('maxRateWithP99Under50Ms' in f) {
    const m = f.maxRateWithP99Under50Ms;
    lines.push('', m ? `Highest open-loop rate with REST p99 <= 50 ms: ${m.writesPerSec} writes/s (p99 ${m.restP99Ms} ms)` : 'No tried open-loop rate kept REST p99 <= 50 ms', ...(m ? [`  ${m.reproduce}`] : []));
  }
  if (f.fanout2000) {
    const x = f.fanout2000;
    lines.push('', `Fan-out, 2,000 sockets / 20 boards / 200 writes/s: per delivery p50 ${x.perDelivery.p50} p99 ${x.perDelivery.p99} max ${x.perDelivery.max} ms; last client p50 ${x.perEventLastClient.p50} p99 ${x.perEventLastClient.p99} ms; ${x.deliveriesPerSec} deliveries/s; consistent ${x.consistent}`, `  ${x.reproduce}`);
  }
  if (f.fanoutMax) {
    const x = f.fanoutMax;
    lines.push('', `Most sockets held: ${x.sockets} at 100 writes/s: per delivery p50 ${x.fanoutPerDelivery.p50} p99 ${x.fanoutPerDelivery.p99} ms; last client p99 ${x.fanoutPerEventLastClient.p99} ms; ${x.deliveriesPerSec} deliveries/s; reconnects ${x.reconnects}`, ...x.reproduce.map((c) => `  ${c}`));
  }
  if (f.pgbenchInsert) lines.push('', `pgbench INSERT (8 clients, 10 s, scratch database): ${f.pgbenchInsert.tps} TPS, latency average ${f.pgbenchInsert.latencyAverageMs} ms`, `  ${f.pgbenchInsert.command}`);
  if (f.bareFanout2000) {
    const x = f.bareFanout2000;
    lines.push('', `Bare Socket.IO + Redis adapter, 2,000 sockets / 20 rooms / 200 messages/s: per delivery p50 ${x.perDelivery.p50} p99 ${x.perDelivery.p99} max ${x.perDelivery.max} ms; ${x.deliveriesPerSec} deliveries/s; servers ${x.serverCpuPercentOfCore.join(' / ')} % of a core (${x.serverCpuSecondsPer1000Deliveries} CPU s per 1,000 deliveries); client event loop p99 ${x.loadgenEventLoopP99Ms} ms`, `  ${x.reproduce}`);
  }
  if (f.baselineRatios) {
    const q = f.baselineRatios;
    lines.push('', `Ratios (same run): fan-out p99 Tasklane / bare ${q.fanoutP99OverBare ?? '-'} (target ≤ 2), p50 ${q.fanoutP50OverBare ?? '-'}; saturation writes/s per pgbench INSERT TPS ${q.saturationWritesPerPgbenchTps ?? '-'}`);
  }
  if (f.memory) {
    const m = f.memory;
    lines.push('', `Memory: replica VmRSS idle ${m.idleRssKb.join(' / ')} KB, with ${m.sockets} sockets ${m.withSocketsRssKb.join(' / ')} KB → ${m.kbPerSocket} KB per socket`, ...m.reproduce.map((c) => `  ${c}`));
  }
  if (f.storm) {
    const x = f.storm;
    lines.push(
      '',
      `Reconnect storm: ${x.sockets} sockets${x.users ? ` of ${x.users} users` : ""} on ${x.boards} boards (per replica before the kill: ${x.socketsPerReplicaBeforeKill.join(' / ')}), kill -9 of one of 3 replicas at ${STORM_RATE} writes/s:`,
      `  ${x.affected} sockets lost their connection, ${x.failed} not back within ${STORM_RECOVERY_BOUND_MS / 1000} s; kill → connected and caught up p50 ${x.recoveryMs.p50} p95 ${x.recoveryMs.p95} p99 ${x.recoveryMs.p99} max ${x.recoveryMs.max} ms; all back ${x.allBackMs ?? '-'} ms (target 5,000 ms); reconnect p99 ${x.reconnectP99Ms} ms`,
      `  consistency errors ${x.consistencyErrors}, write errors ${x.writeErrors}, fan-out p99 ${x.fanoutP99Ms} ms; load tool event loop p99 ${x.loadgenEventLoopP99Ms} ms, max ${x.loadgenEventLoopMaxMs ?? '-'} ms`,
      `  PostgreSQL, ${x.db.windowS} s after the kill vs the ${x.db.windowS} s before: statements ${x.db.statementsStorm} vs ${x.db.statementsBaseline} (${x.db.statementsExtraPerBoard} extra per board, ${x.db.statementsExtraPerLostSocket} per lost socket; catch-up reads select board_events ${x.db.catchUpReadsExtraPerBoard} extra per board); pg_stat_database transactions ${x.db.transactionsStorm} vs ${x.db.transactionsBaseline}; tuples returned ${x.db.tuplesReturnedStorm} vs ${x.db.tuplesReturnedBaseline}, fetched ${x.db.tuplesFetchedStorm} vs ${x.db.tuplesFetchedBaseline}; ${x.db.joinsOnSurvivors} board:join on the survivors`,
      `  extra statements by name: ${Object.entries(x.db.statementsExtraByName).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
      `  pg_stat_statements: ${x.db.pgStatStatements}`,
      `  ${x.reproduce}`,
    );
  }
  console.log(lines.join('\n'));
}
