import { readFileSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ConsistencyChecker, type FinalSnapshots } from './consistency.js';
import { retryOnGatewayError } from './gateway-retry.js';
import { formatProgress, formatReport, Metrics, type LoadTestReport, type Phase, type SocketReport } from './metrics.js';
import { OutageTracker } from './outages.js';
import { OPS, OptionsError, parseOptions, USAGE, type LoadTestOptions } from './options.js';
import { runPool, Scenario, type StreamHandle } from './scenario.js';
import { WriteCorrelator, WriteDriver } from './write-driver.js';

/** Longest drain after the last scheduled write: in-flight answers, then streams catching up (ms). */
const DRAIN_MAX_MS = 30_000;

/** Exit statuses (also in USAGE). */
const EXIT = { ok: 0, inconsistent: 1, usage: 2, failed: 3 } as const;

/**
 * Runs one load test: setup (users, boards, streams) → warmup → measured load → drain (≤ 30 s:
 * answers, then every stream reaching the final seq) → consistency checks → close every socket.
 * Prints progress to stderr once a second unless `quiet`.
 * @returns the report; `consistency.ok` false means the run found an inconsistency.
 * @throws a setup error (registration, board creation …); the sockets opened so far are closed.
 */
async function runLoadTest(options: LoadTestOptions, signal?: AbortSignal): Promise<LoadTestReport> {
  const log = (message: string) => {
    if (!options.quiet) process.stderr.write(`${message}\n`);
  };
  const startedAt = new Date().toISOString();
  const metrics = new Metrics();
  const checker = new ConsistencyChecker();
  const correlator = new WriteCorrelator(metrics);
  const outages = new OutageTracker();
  let streamErrors = 0;
  let failedToStart = 0;

  const setupStart = performance.now();
  const scenario = await Scenario.setup(
    options,
    {
      addStream: (board, via, start) => checker.addStream(board.id, via, start),
      onEvent: (h: StreamHandle, e) => {
        checker.onEvent(h.id, e);
        outages.onApplied(h.id, h.board.id, e.seq);
        correlator.onDelivery(e, performance.now());
      },
      onSnapshot: (h, snapshot) => {
        checker.onSnapshot(h.id, snapshot);
        // A resync moves the stream's seq without an event (and, after an unknown event type, without a status change).
        outages.onStatus(h.id);
      },
      onStatus: (h) => outages.onStatus(h.id),
      onStreamError: (_h, e) => {
        streamErrors += 1;
        if (streamErrors <= 3) log(`stream error: ${(e as Error).message ?? String(e)}`);
      },
      onStartFailed: (h, e) => {
        failedToStart += 1;
        checker.exclude(h.id);
        metrics.recordError('socket:start', `stream #${h.id} via ${h.via}: ${(e as Error).message ?? String(e)}`);
      },
      log,
    },
    signal,
  );
  const setupS = (performance.now() - setupStart) / 1000;

  const driver = new WriteDriver(scenario, metrics, correlator, options.mix);
  metrics.sample(0, 'warmup', { connected: 0, started: 0 }, 0); // the first progress interval starts with the load, not the setup
  const eventLoop = monitorEventLoopDelay({ resolution: 10 });
  eventLoop.enable();
  const t0 = performance.now();
  const measureFrom = t0 + options.warmupS * 1000;
  const endAt = measureFrom + options.durationS * 1000;
  let cpuAtMeasure = process.cpuUsage();
  let measureStartedAt = measureFrom;
  const measureTimer = setTimeout(() => {
    eventLoop.reset();
    cpuAtMeasure = process.cpuUsage();
    measureStartedAt = performance.now();
  }, options.warmupS * 1000);
  let phase: Phase = options.warmupS > 0 ? 'warmup' : 'measure';
  const started = scenario.streams.filter((h) => h.started).length;
  for (const h of scenario.streams) if (h.started) outages.watch(h.id, h.board.id, h.stream);
  const progress = setInterval(() => {
    if (phase === 'warmup' && performance.now() >= measureFrom) phase = 'measure';
    const sample = metrics.sample((performance.now() - t0) / 1000, phase, { connected: scenario.connected, started }, driver.inFlight);
    log(formatProgress(sample));
  }, 1000);

  try {
    log(`load: ${options.rate === 'max' ? `closed loop, ${options.concurrency} workers` : `${options.rate} writes/s open loop`} for ${options.warmupS} s warmup + ${options.durationS} s`);
    if (options.rate === 'max') await driver.runClosed(options.concurrency, measureFrom, endAt, signal);
    else await driver.runOpen(options.rate, measureFrom, endAt, signal);
    const loadEnd = performance.now();
    const measuredS = Math.max(0, (loadEnd - Math.max(measureStartedAt, measureFrom)) / 1000);
    const cpu = process.cpuUsage(cpuAtMeasure);
    eventLoop.disable();
    phase = 'drain';

    const deadline = loadEnd + DRAIN_MAX_MS;
    await driver.drain(deadline);
    const finals = await settle(scenario, deadline, log);
    const drainS = (performance.now() - loadEnd) / 1000;
    clearInterval(progress);

    const consistency = checker.verify(finals);
    const restAll = metrics.restAll();
    const sockets: SocketReport = {
      planned: options.sockets,
      started,
      failedToStart,
      connectedAtEnd: scenario.connected,
      reconnects: sum(scenario.streams, (h) => h.stream.stats.rejoins),
      resyncs: sum(scenario.streams, (h) => h.stream.stats.resyncs),
      gapFills: sum(scenario.streams, (h) => h.stream.stats.gapFills),
      duplicates: sum(scenario.streams, (h) => h.stream.stats.duplicates),
      caughtUp: sum(scenario.streams, (h) => h.stream.stats.caughtUp),
      streamErrors,
      outages: outages.outages,
    };
    const perSecond = (n: number) => (measuredS > 0 ? n / measuredS : 0);
    return {
      tool: 'tasklane-loadtest',
      startedAt,
      options,
      mode: options.rate === 'max' ? 'closed' : 'open',
      setupS,
      measuredS,
      drainS,
      rest: { ...(Object.fromEntries(OPS.map((op) => [op, metrics.rest[op].summary()])) as Record<(typeof OPS)[number], ReturnType<typeof restAll.summary>>), all: restAll.summary() },
      fanout: {
        perDelivery: metrics.fanoutDelivery.summary(),
        perEventLastClient: metrics.fanoutLast.summary(),
        incompleteEvents: correlator.incomplete,
        unmatchedEvents: correlator.unmatched,
      },
      throughput: {
        writesSent: metrics.writesSent,
        writesOk: metrics.writesOk,
        writesFailed: metrics.writesFailed,
        writesPerSec: perSecond(metrics.writesSent),
        okPerSec: perSecond(metrics.writesOk),
        deliveries: metrics.deliveries,
        deliveriesPerSec: perSecond(metrics.deliveries),
      },
      errors: { total: metrics.errors, byStatus: Object.fromEntries(metrics.errorsByStatus), samples: metrics.errorSamples },
      sockets,
      loadgen: {
        eventLoopDelayP99Ms: eventLoop.percentile(99) / 1e6,
        eventLoopDelayMaxMs: eventLoop.max / 1e6,
        cpuPercentOfOneCore: measuredS > 0 ? ((cpu.user + cpu.system) / 1e6 / measuredS) * 100 : 0,
      },
      consistency,
      histograms: {
        ...Object.fromEntries(OPS.map((op) => [`rest.${op}`, metrics.rest[op].encode()])),
        'fanout.perDelivery': metrics.fanoutDelivery.encode(),
        'fanout.perEventLastClient': metrics.fanoutLast.encode(),
      },
    };
  } finally {
    clearTimeout(measureTimer);
    clearInterval(progress);
    eventLoop.disable();
    outages.close();
    scenario.close();
  }
}

/**
 * After the writes: reads every board's final snapshot on every target, waits (until `deadline`)
 * for every started stream to reach that seq, and reads again if a late write moved a board on.
 * A read answered 502/503/504 by a load balancer is retried until `deadline` (retryOnGatewayError):
 * right after a replica was killed, or on an overloaded box, one such answer would otherwise lose
 * the whole report.
 * @returns board id → the final snapshot per target.
 */
async function settle(scenario: Scenario, deadline: number, log: (m: string) => void): Promise<FinalSnapshots> {
  const { targets } = scenario.options;
  for (let attempt = 0; ; attempt++) {
    const finals: FinalSnapshots = new Map(scenario.boards.map((b) => [b.id, []]));
    const jobs = scenario.boards.flatMap((board) => targets.map((via, t) => ({ board, via, t })));
    await runPool(jobs, 16, async ({ board, via, t }, i) => {
      const client = scenario.client(t, scenario.users[board.index % scenario.users.length], i);
      const snapshot = await retryOnGatewayError(() => client.getBoard(board.id), deadline, `drain: GET /boards/${board.id} via ${via}`, log);
      finals.get(board.id)!.push({ via, snapshot });
    });
    const finalSeq = new Map([...finals].map(([id, list]) => [id, Math.max(...list.map((x) => x.snapshot.seq))]));
    const waits = scenario.streams
      .filter((h) => h.started)
      .map((h) => h.stream.waitForSeq(finalSeq.get(h.board.id)!, Math.max(1, deadline - performance.now())).then(
        () => true,
        () => false,
      ));
    const reached = (await Promise.all(waits)).filter(Boolean).length;
    if (reached < waits.length) log(`drain: ${waits.length - reached} stream(s) did not reach the final seq in time`);
    if (attempt >= 2 || performance.now() >= deadline) return finals;
    const again = await Promise.all(
      scenario.boards.map((b) => {
        const client = scenario.client(0, scenario.users[b.index % scenario.users.length], b.index);
        return retryOnGatewayError(() => client.getBoard(b.id), deadline, `drain: GET /boards/${b.id} again`, log);
      }),
    );
    if (again.every((s, i) => s.seq === finalSeq.get(scenario.boards[i].id))) return finals;
    log('drain: a late write moved a board on; reading the final snapshots again');
  }
}

const sum = <T>(xs: T[], f: (x: T) => number): number => xs.reduce((n, x) => n + f(x), 0);

/** File descriptors the tool needs besides its sockets: HTTP keep-alive pools, stdio, libuv. */
const FD_HEADROOM = 512;

/**
 * This process's soft RLIMIT_NOFILE from /proc/self/limits (Linux), or null when unknown.
 * Every socket is a descriptor, so `--sockets` beyond it would fail with EMFILE mid-setup.
 */
function openFileLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : null;
  } catch {
    return null;
  }
}

/** Printed when the target answered 429: its rate limits, not its capacity, were measured. */
const RATE_LIMITED_HINT =
  'the target answered 429 RATE_LIMITED: start it with RATE_LIMITS=off (load tests only, never in production; ' +
  'scripts/loadtest-smoke.mjs and scripts/bench.mjs do this, `npm run cluster` does not)';

async function main(argv: string[]): Promise<number> {
  let options: LoadTestOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const limit = openFileLimit();
  if (limit !== null && options.sockets + FD_HEADROOM > limit) {
    process.stderr.write(
      `error: --sockets ${options.sockets} needs about ${options.sockets + FD_HEADROOM} file descriptors, but this process may open ${limit} ` +
        `(ulimit -n). Raise the limit, or run several load-tool processes with fewer sockets each.\n`,
    );
    return EXIT.usage;
  }
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(`\n${sig}: stopping the load, draining and checking (again to quit at once)\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let report: LoadTestReport;
  try {
    report = await runLoadTest(options, abort.signal);
  } catch (error) {
    process.stderr.write(`load test failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if ((error as { status?: unknown }).status === 429) process.stderr.write(`${RATE_LIMITED_HINT}\n`);
    return EXIT.failed;
  }
  process.stdout.write(`\n${formatReport(report)}\n`);
  if (report.errors.byStatus['429']) process.stderr.write(`${RATE_LIMITED_HINT}\n`);
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`report written to ${options.json}\n`);
  }
  return report.consistency.ok ? EXIT.ok : EXIT.inconsistent;
}

process.exitCode = await main(process.argv.slice(2));
// Everything is closed by now; a straggling handle (a reconnect timer of a closed socket) must
// not keep the process alive. Unref'd: it fires only if something else still holds the loop.
setTimeout(() => process.exit(), 2000).unref();
