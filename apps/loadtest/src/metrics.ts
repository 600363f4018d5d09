import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { OPS, type LoadTestOptions, type Op } from './options.js';
import type { Outage } from './outages.js';

/** Highest latency a histogram tracks: one hour, in microseconds. Larger values are clamped. */
const HIGHEST_US = 3_600_000_000;

/** Percentiles of one latency histogram, in milliseconds; all null when `count` is 0. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
  mean: number | null;
}

/**
 * An HDR histogram of latencies (Gil Tene's HdrHistogram via hdr-histogram-js): values are recorded
 * in whole microseconds from 1 µs to 1 h with 3 significant digits (≤ 0.1 % relative error), and
 * read back in milliseconds.
 */
export class LatencyHistogram {
  private readonly h: Histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, autoResize: false });

  /** Records one latency in milliseconds (negative values, from clock jitter, count as 1 µs). */
  record(ms: number): void {
    const us = Math.round(ms * 1000);
    this.h.recordValue(Math.min(HIGHEST_US, Math.max(1, us)));
  }

  get count(): number {
    return this.h.totalCount;
  }

  /**
   * The value at `percentile` (0–100) in ms, or null when empty. HdrHistogram answers with the top
   * of the value's bucket, which can exceed the exact maximum; it is capped there.
   */
  percentile(percentile: number): number | null {
    return this.count === 0 ? null : Math.min(this.h.getValueAtPercentile(percentile), this.h.maxValue) / 1000;
  }

  summary(): LatencySummary {
    if (this.count === 0) return { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
    return {
      count: this.count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.h.maxValue / 1000,
      mean: this.h.mean / 1000,
    };
  }

  /** Adds every value of `other`. */
  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }

  reset(): void {
    this.h.reset();
  }

  /** The histogram in HdrHistogram's compressed base64 form (values in µs), for later analysis. */
  encode(): string {
    return encodeIntoCompressedBase64(this.h);
  }
}

/** Phase of a run, shown in the progress line. */
export type Phase = 'warmup' | 'measure' | 'drain';

/** One progress line's figures: rates over the last interval, latencies (ms) of that interval. */
export interface ProgressSample {
  elapsedS: number;
  phase: Phase;
  /** Writes answered per second (2xx or not) over the interval. */
  writesPerSec: number;
  deliveriesPerSec: number;
  restP99Ms: number | null;
  fanoutP99Ms: number | null;
  /** Errors since the start of the run. */
  errors: number;
  socketsConnected: number;
  socketsStarted: number;
  inFlight: number;
}

/**
 * Every figure the load tool collects. Latencies and throughput count only while `measuring`
 * (after the warmup; a write's figures follow the phase it was *scheduled* in); errors count over
 * the whole run. Also keeps per-interval histograms and counters for the progress line.
 */
export class Metrics {
  measuring = false;
  readonly rest = Object.fromEntries(OPS.map((op) => [op, new LatencyHistogram()])) as Record<Op, LatencyHistogram>;
  readonly fanoutDelivery = new LatencyHistogram();
  readonly fanoutLast = new LatencyHistogram();
  readonly errorsByStatus = new Map<string, number>();
  /** First few error descriptions, for the report. */
  readonly errorSamples: string[] = [];
  errors = 0;
  /** Measured writes sent, answered 2xx, and answered otherwise. */
  writesSent = 0;
  writesOk = 0;
  writesFailed = 0;
  /** Measured deliveries: an event handed to one client's onEvent. */
  deliveries = 0;
  private readonly intervalRest = new LatencyHistogram();
  private readonly intervalFanout = new LatencyHistogram();
  private intervalAnswered = 0;
  private intervalDeliveries = 0;
  private intervalStart = performance.now();

  /** A write was sent (counted when measured). */
  recordSent(measured: boolean): void {
    if (measured) this.writesSent += 1;
  }

  /** A write answered 2xx after `latencyMs` (from its intended send time). */
  recordRest(op: Op, latencyMs: number, measured: boolean): void {
    this.intervalAnswered += 1;
    this.intervalRest.record(latencyMs);
    if (!measured) return;
    this.writesOk += 1;
    this.rest[op].record(latencyMs);
  }

  /**
   * A write failed: `status` is the HTTP status (e.g. `404`) or a client-side kind (`ECONNRESET`,
   * `timeout`, `socket:connect_error`); `detail` is kept for the first few.
   */
  recordError(status: string, detail: string, measured = false): void {
    this.errors += 1;
    this.intervalAnswered += 1;
    if (measured) this.writesFailed += 1;
    this.errorsByStatus.set(status, (this.errorsByStatus.get(status) ?? 0) + 1);
    if (this.errorSamples.length < 10) this.errorSamples.push(`${status}: ${detail}`);
  }

  /** An event reached one client `latencyMs` after its request's intended send time. */
  recordDelivery(latencyMs: number | null, measured: boolean): void {
    this.intervalDeliveries += 1;
    if (latencyMs === null) return;
    this.intervalFanout.record(latencyMs);
    if (!measured) return;
    this.deliveries += 1;
    this.fanoutDelivery.record(latencyMs);
  }

  /** The last of an event's expected receivers got it `latencyMs` after the intended send time. */
  recordLastDelivery(latencyMs: number, measured: boolean): void {
    if (measured) this.fanoutLast.record(latencyMs);
  }

  /** Closes the current progress interval and starts the next. */
  sample(elapsedS: number, phase: Phase, sockets: { connected: number; started: number }, inFlight: number): ProgressSample {
    const now = performance.now();
    const seconds = Math.max(1e-3, (now - this.intervalStart) / 1000);
    const s: ProgressSample = {
      elapsedS,
      phase,
      writesPerSec: this.intervalAnswered / seconds,
      deliveriesPerSec: this.intervalDeliveries / seconds,
      restP99Ms: this.intervalRest.percentile(99),
      fanoutP99Ms: this.intervalFanout.percentile(99),
      errors: this.errors,
      socketsConnected: sockets.connected,
      socketsStarted: sockets.started,
      inFlight,
    };
    this.intervalRest.reset();
    this.intervalFanout.reset();
    this.intervalAnswered = this.intervalDeliveries = 0;
    this.intervalStart = now;
    return s;
  }

  /** REST latency of every op together. */
  restAll(): LatencyHistogram {
    const all = new LatencyHistogram();
    for (const op of OPS) all.add(this.rest[op]);
    return all;
  }
}

/**
 * Event-loop delay p99 of the load tool above which its figures are flagged: its own lateness in
 * sending and reading is then a visible part of the measured latencies.
 */
export const LOADGEN_DELAY_WARN_MS = 50;

/** `1.23`, `12.3`, `123`: three significant-ish figures for milliseconds; `-` for null. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

const rate = (n: number): string => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** One progress line, e.g. `[  12s measure] writes 200/s | deliveries 20000/s | REST p99 12.1 ms | …`. */
export function formatProgress(s: ProgressSample): string {
  return (
    `[${s.elapsedS.toFixed(0).padStart(4)}s ${s.phase.padEnd(7)}] writes ${rate(s.writesPerSec)}/s | deliveries ${rate(s.deliveriesPerSec)}/s | ` +
    `REST p99 ${formatMs(s.restP99Ms)} ms | fan-out p99 ${formatMs(s.fanoutP99Ms)} ms | errors ${s.errors} | ` +
    `sockets ${s.socketsConnected}/${s.socketsStarted} | in flight ${s.inFlight}`
  );
}

/** Socket-side figures at the end of a run (BoardStream stats summed over every stream). */
export interface SocketReport {
  planned: number;
  /** Streams whose first join succeeded. */
  started: number;
  failedToStart: number;
  connectedAtEnd: number;
  /** Successful re-joins after a reconnect (BoardStream stats.rejoins). */
  reconnects: number;
  resyncs: number;
  gapFills: number;
  duplicates: number;
  caughtUp: number;
  /** Errors reported through BoardStream onError (connect errors, failed catch-ups). */
  streamErrors: number;
  /** Every lost connection of a started stream and when it was back and caught up (outages.ts). */
  outages: Outage[];
}

/** Result of the end-of-run consistency checks (see consistency.ts). */
export interface ConsistencyReport {
  ok: boolean;
  errors: number;
  /** The first few errors, described. */
  first: string[];
  streamsChecked: number;
  boardsChecked: number;
  /** Replayed states compared with a final snapshot (start snapshots × targets). */
  replaysCompared: number;
}

/** Everything a run measured: printed as a table and written by `--json`. Latencies in ms. */
export interface LoadTestReport {
  tool: 'tasklane-loadtest';
  startedAt: string;
  options: LoadTestOptions;
  mode: 'open' | 'closed';
  setupS: number;
  /** Measured seconds (after warmup, until the last write was scheduled). */
  measuredS: number;
  drainS: number;
  rest: Record<Op | 'all', LatencySummary>;
  fanout: {
    perDelivery: LatencySummary;
    perEventLastClient: LatencySummary;
    /** Measured events some expected client never received. */
    incompleteEvents: number;
    /** Events with no Idempotency-Key of ours (writes by someone else). */
    unmatchedEvents: number;
  };
  throughput: { writesSent: number; writesOk: number; writesFailed: number; writesPerSec: number; okPerSec: number; deliveries: number; deliveriesPerSec: number };
  errors: { total: number; byStatus: Record<string, number>; samples: string[] };
  sockets: SocketReport;
  /** The load generator's own health: a saturated generator inflates every latency. */
  loadgen: { eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number; cpuPercentOfOneCore: number };
  consistency: ConsistencyReport;
  /** HdrHistogram compressed base64 (values in µs), by name. */
  histograms: Record<string, string>;
}

/**
 * Renders rows as aligned columns: the first column left-aligned, the rest right-aligned, two
 * spaces apart, each line prefixed with `indent`.
 */
export function renderTable(header: string[], rows: string[][], indent = '  '): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => indent + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n').replace(/ +$/gm, '');
}

/** The final human-readable report. */
export function formatReport(r: LoadTestReport): string {
  const o = r.options;
  const out: string[] = [];
  const load = r.mode === 'open' ? `${o.rate} writes/s open loop` : `closed loop, ${o.concurrency} workers`;
  out.push(`Tasklane load test — ${o.targets.length} target(s): ${o.targets.join(' ')}`);
  out.push(
    `  ${o.users} users, ${o.boards} boards, ${o.sockets} sockets, ${load}, warmup ${o.warmupS} s, measured ${r.measuredS.toFixed(1)} s, ` +
      `setup ${r.setupS.toFixed(1)} s, drain ${r.drainS.toFixed(1)} s` +
      (o.sourceIps.length ? `, ${o.sourceIps.length} source IPs` : ''),
  );
  out.push('', 'REST latency (ms, from the intended send time)');
  const restRow = (name: string, s: LatencySummary) => [name, formatMs(s.p50), formatMs(s.p90), formatMs(s.p99), formatMs(s.p999), formatMs(s.max), String(s.count)];
  out.push(renderTable(['op', 'p50', 'p90', 'p99', 'p99.9', 'max', 'count'], [...OPS.map((op) => restRow(op, r.rest[op])), restRow('all', r.rest.all)]));
  out.push('', 'Fan-out latency (ms, request intended send → event received)');
  const fanRow = (name: string, s: LatencySummary) => [name, formatMs(s.p50), formatMs(s.p99), formatMs(s.max), String(s.count)];
  out.push(renderTable(['', 'p50', 'p99', 'max', 'count'], [fanRow('per delivery', r.fanout.perDelivery), fanRow('per event, last client', r.fanout.perEventLastClient)]));
  out.push(`  incomplete events ${r.fanout.incompleteEvents}, events from other writers ${r.fanout.unmatchedEvents}`);
  const t = r.throughput;
  out.push('', 'Throughput (measured window)');
  out.push(`  writes sent ${t.writesSent} (${rate(t.writesPerSec)}/s), ok ${t.writesOk} (${rate(t.okPerSec)}/s), failed ${t.writesFailed}`);
  out.push(`  deliveries ${t.deliveries} (${rate(t.deliveriesPerSec)}/s)`);
  out.push('', `Errors by status (whole run): ${r.errors.total}`);
  const statuses = Object.entries(r.errors.byStatus).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (statuses.length) out.push(renderTable(['status', 'count'], statuses.map(([k, v]) => [k, String(v)])));
  for (const s of r.errors.samples.slice(0, 5)) out.push(`  e.g. ${s}`);
  const k = r.sockets;
  out.push('', 'Sockets');
  out.push(`  planned ${k.planned}, started ${k.started}, failed to start ${k.failedToStart}, connected at end ${k.connectedAtEnd}`);
  out.push(`  reconnects ${k.reconnects}, resyncs ${k.resyncs}, gap fills ${k.gapFills}, duplicates dropped ${k.duplicates}, caught up ${k.caughtUp}, stream errors ${k.streamErrors}`);
  out.push('', 'Load generator');
  out.push(
    `  event-loop delay p99 ${formatMs(r.loadgen.eventLoopDelayP99Ms)} ms, max ${formatMs(r.loadgen.eventLoopDelayMaxMs)} ms; CPU ${r.loadgen.cpuPercentOfOneCore.toFixed(0)}% of one core`,
  );
  if (r.loadgen.eventLoopDelayP99Ms > LOADGEN_DELAY_WARN_MS) {
    out.push(`  WARNING: the load tool itself was behind (event-loop delay p99 > ${LOADGEN_DELAY_WARN_MS} ms): its delay is part of every latency above; give it a core of its own or lower the load`);
  }
  const c = r.consistency;
  out.push('', `Consistency: ${c.ok ? 'OK' : `${c.errors} ERROR(S)`} — ${c.streamsChecked} streams, ${c.boardsChecked} boards, ${c.replaysCompared} replays compared`);
  for (const e of c.first) out.push(`  - ${e}`);
  return out.join('\n');
}
