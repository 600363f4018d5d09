import { describe, expect, it } from '@jest/globals';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { formatMs, formatProgress, formatReport, LatencyHistogram, Metrics, renderTable, type LatencySummary, type LoadTestReport } from './metrics.js';

/** HdrHistogram with 3 significant digits: within 0.1 % (plus the 1 µs unit). */
const near = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.001);
};

describe('LatencyHistogram', () => {
  it('answers percentiles of 1..10000 ms within HdrHistogram precision', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 10_000; ms++) h.record(ms);
    const s = h.summary();
    expect(s.count).toBe(10_000);
    near(s.p50, 5000);
    near(s.p90, 9000);
    near(s.p99, 9900);
    near(s.p999, 9990);
    near(s.max, 10_000);
    near(s.mean, 5000.5);
  });

  it('keeps sub-millisecond resolution (values are µs inside)', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 99; i++) h.record(0.25);
    h.record(1.5);
    expect(h.percentile(50)).toBe(0.25);
    expect(h.percentile(100)).toBe(1.5);
  });

  it('sees a 1 % tail only from p99 on', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 990; i++) h.record(2);
    for (let i = 0; i < 10; i++) h.record(500);
    near(h.percentile(50), 2);
    near(h.percentile(98.9), 2);
    near(h.percentile(99.5), 500);
    near(h.summary().max, 500);
  });

  it('never reports a percentile above the max', () => {
    const h = new LatencyHistogram();
    h.record(87.04);
    const s = h.summary();
    expect(s.p999).toBeLessThanOrEqual(s.max as number);
  });

  it('clamps zero, negative and huge values instead of throwing', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(-3);
    h.record(1e12);
    expect(h.count).toBe(3);
    expect(h.percentile(0)).toBe(0.001);
    near(h.summary().max, 3_600_000);
  });

  it('is all null when empty, and after reset', () => {
    const empty: LatencySummary = { count: 0, p50: null, p90: null, p99: null, p999: null, max: null, mean: null };
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual(empty);
    h.record(5);
    h.reset();
    expect(h.summary()).toEqual(empty);
  });

  it('adds histograms and round-trips through the compressed encoding', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(1);
    b.record(3);
    a.add(b);
    expect(a.count).toBe(2);
    const decoded = decodeFromCompressedBase64(a.encode());
    expect(decoded.totalCount).toBe(2);
    near(decoded.maxValue / 1000, 3); // µs inside
  });
});

describe('Metrics', () => {
  it('counts latencies only for measured writes, errors always', () => {
    const m = new Metrics();
    m.recordSent(false);
    m.recordRest('create', 10, false);
    m.recordSent(true);
    m.recordRest('create', 20, true);
    m.recordSent(true);
    m.recordError('404', 'move: gone', true);
    m.recordError('ECONNRESET', 'update: reset', false);
    expect(m.writesSent).toBe(2);
    expect(m.writesOk).toBe(1);
    expect(m.writesFailed).toBe(1);
    expect(m.rest.create.count).toBe(1);
    expect(m.errors).toBe(2);
    expect(Object.fromEntries(m.errorsByStatus)).toEqual({ '404': 1, ECONNRESET: 1 });
    expect(m.errorSamples).toEqual(['404: move: gone', 'ECONNRESET: update: reset']);
  });

  it('samples per-interval rates and p99, then starts a new interval', () => {
    const m = new Metrics();
    m.recordRest('move', 4, true);
    m.recordDelivery(7, true);
    m.recordDelivery(null, false);
    const s = m.sample(3, 'measure', { connected: 9, started: 10 }, 2);
    expect(s).toMatchObject({ elapsedS: 3, phase: 'measure', errors: 0, socketsConnected: 9, socketsStarted: 10, inFlight: 2 });
    near(s.restP99Ms, 4);
    near(s.fanoutP99Ms, 7);
    expect(s.deliveriesPerSec).toBeGreaterThan(0);
    const next = m.sample(4, 'measure', { connected: 9, started: 10 }, 0);
    expect(next.restP99Ms).toBeNull();
    expect(next.writesPerSec).toBe(0);
    expect(m.deliveries).toBe(1);
  });

  it('restAll merges every op', () => {
    const m = new Metrics();
    m.recordRest('create', 1, true);
    m.recordRest('delete', 2, true);
    expect(m.restAll().count).toBe(2);
  });
});

describe('formatting', () => {
  it('formatMs keeps about three significant figures', () => {
    expect(formatMs(null)).toBe('-');
    expect(formatMs(0.123)).toBe('0.12');
    expect(formatMs(12.345)).toBe('12.3');
    expect(formatMs(1234.5)).toBe('1235');
  });

  it('renderTable aligns the first column left and the rest right', () => {
    expect(renderTable(['op', 'p99'], [['create', '1.5'], ['all', '12.25']])).toBe(['  op        p99', '  create    1.5', '  all     12.25'].join('\n'));
  });

  it('formatProgress shows every figure of the line', () => {
    const line = formatProgress({ elapsedS: 12, phase: 'measure', writesPerSec: 199.6, deliveriesPerSec: 19_960, restP99Ms: 12.34, fanoutP99Ms: null, errors: 3, socketsConnected: 1999, socketsStarted: 2000, inFlight: 4 });
    expect(line).toBe('[  12s measure] writes 200/s | deliveries 19960/s | REST p99 12.3 ms | fan-out p99 - ms | errors 3 | sockets 1999/2000 | in flight 4');
  });

  const summary = (p50: number, count: number): LatencySummary => ({ count, p50, p90: p50 * 2, p99: p50 * 4, p999: p50 * 8, max: p50 * 10, mean: p50 });
  const report = (consistency: LoadTestReport['consistency']): LoadTestReport => ({
    tool: 'tasklane-loadtest',
    startedAt: '2030-01-01T00:00:00.000Z',
    options: {
      targets: ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
      users: 4,
      boards: 2,
      sockets: 20,
      rate: 100,
      concurrency: 16,
      durationS: 10,
      warmupS: 1,
      mix: { create: 40, update: 30, move: 20, delete: 10 },
      sourceIps: [],
      quiet: true,
    },
    mode: 'open',
    setupS: 1.5,
    measuredS: 10,
    drainS: 0.2,
    rest: { create: summary(2, 400), update: summary(3, 300), move: summary(4, 200), delete: summary(1.5, 98), all: summary(2.5, 998) },
    fanout: { perDelivery: summary(5, 9980), perEventLastClient: summary(9, 998), incompleteEvents: 0, unmatchedEvents: 0 },
    throughput: { writesSent: 1000, writesOk: 998, writesFailed: 2, writesPerSec: 100, okPerSec: 99.8, deliveries: 9980, deliveriesPerSec: 998 },
    errors: { total: 2, byStatus: { '404': 2 }, samples: ['404: move: gone'] },
    sockets: { planned: 20, started: 20, failedToStart: 0, connectedAtEnd: 20, reconnects: 1, resyncs: 0, gapFills: 2, duplicates: 0, caughtUp: 3, streamErrors: 0, outages: [] },
    loadgen: { eventLoopDelayP99Ms: 11, eventLoopDelayMaxMs: 20, cpuPercentOfOneCore: 35 },
    consistency,
    histograms: {},
  });

  it('formatReport prints the per-op REST table, fan-out, throughput, errors, sockets and consistency', () => {
    const text = formatReport(report({ ok: true, errors: 0, first: [], streamsChecked: 20, boardsChecked: 2, replaysCompared: 4 }));
    const lines = text.split('\n');
    expect(lines).toContain('  op       p50   p90   p99  p99.9   max  count');
    expect(lines).toContain('  create  2.00  4.00  8.00   16.0  20.0    400');
    expect(lines).toContain('  delete  1.50  3.00  6.00   12.0  15.0     98');
    expect(lines).toContain('  all     2.50  5.00  10.0   20.0  25.0    998');
    expect(lines).toContain('  per delivery            5.00  20.0  50.0   9980');
    expect(lines).toContain('  per event, last client  9.00  36.0  90.0    998');
    expect(text).toContain('writes sent 1000 (100/s), ok 998 (99.8/s), failed 2');
    expect(text).toContain('deliveries 9980 (998/s)');
    expect(lines).toContain('  404         2');
    expect(text).toContain('reconnects 1, resyncs 0, gap fills 2');
    expect(text).toContain('Consistency: OK — 20 streams, 2 boards, 4 replays compared');
    expect(text).not.toContain('WARNING');
  });

  it('formatReport flags a load tool that fell behind', () => {
    const r = report({ ok: true, errors: 0, first: [], streamsChecked: 20, boardsChecked: 2, replaysCompared: 4 });
    r.loadgen.eventLoopDelayP99Ms = 480;
    expect(formatReport(r)).toContain('WARNING: the load tool itself was behind (event-loop delay p99 > 50 ms)');
  });

  it('formatReport lists the first consistency errors', () => {
    const text = formatReport(report({ ok: false, errors: 7, first: ['stream #3: expected seq 5, got 6'], streamsChecked: 20, boardsChecked: 2, replaysCompared: 4 }));
    expect(text).toContain('Consistency: 7 ERROR(S)');
    expect(text).toContain('  - stream #3: expected seq 5, got 6');
  });
});
