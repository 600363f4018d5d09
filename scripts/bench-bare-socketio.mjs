// Client and driver of the bench's bare Socket.IO baseline (scripts/bench.mjs `baselines`, issue 13):
// the fan-out shape of the `fanout` step without Tasklane in the path.
//
// `node scripts/bench-bare-socketio.mjs --servers URL,URL,URL --sockets 2000 --rooms 20 --rate 200
//   --warmup 3 --duration 20 --json FILE`
//  1. opens --sockets socket.io-client sockets (websocket transport, one connection each, as the
//     load tool's BoardStreams): socket i joins room r<i mod rooms> through server ⌊i / rooms⌋ mod
//     servers, so every room has clients on every server;
//  2. starts the open loop on every server (scripts/bench-bare-socketio-server.mjs, POST
//     /bench/start): --rate messages/s in total, message i due at start + i/rate to room i mod
//     rooms, emitted by server i mod servers;
//  3. per delivery, records now − the message's intended send time (epoch ms, µs in an HDR
//     histogram) for messages due in the measured window (after --warmup s, for --duration s), and
//     for each such message the latency of its last client;
//  4. reads each server's CPU (utime + stime of /proc/<pid>/stat) and its own at the start and the
//     end of the measured window, and its event-loop delay over the window (monitorEventLoopDelay);
//  5. waits up to 5 s for late deliveries, writes the report (JSON) to --json and exits 0; 3 when
//     sockets failed to connect or a server did not start.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { build } from 'hdr-histogram-js';
import { io } from 'socket.io-client';
import { parseCliArgs } from './cli-args.mjs';
import { cpuSeconds } from '../libs/cluster/dist/index.js';

const usage = 'usage: node scripts/bench-bare-socketio.mjs --servers URL[,URL…] [--sockets 2000] [--rooms 20] [--rate 200] [--warmup 3] [--duration 20] --json FILE';
const args = parseCliArgs(usage, {
  servers: { type: 'string', default: '' },
  sockets: { type: 'string', default: '2000' },
  rooms: { type: 'string', default: '20' },
  rate: { type: 'string', default: '200' },
  warmup: { type: 'string', default: '3' },
  duration: { type: 'string', default: '20' },
  json: { type: 'string', default: '' },
});
const servers = args.servers.split(',').filter(Boolean);
const [sockets, rooms, rate, warmupS, durationS] = ['sockets', 'rooms', 'rate', 'warmup', 'duration'].map((k) => Number(args[k]));
if (!servers.length || !args.json || ![sockets, rooms, rate, warmupS, durationS].every((n) => Number.isFinite(n) && n > 0) || sockets < rooms) {
  console.error(usage);
  process.exit(2);
}

const log = (m) => console.error(`[bare] ${m}`);
const nowMs = () => performance.timeOrigin + performance.now();
const round = (n, d = 2) => (n === null || n === undefined || !Number.isFinite(n) ? null : Math.round(n * 10 ** d) / 10 ** d);

// 1. Sockets, opened 50 at a time (a 2-core box accepts about that many handshakes at once without timeouts).
const clients = [];
let failed = 0;
const perDelivery = build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
const perMessageLast = build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
/** Measured messages: i → [deliveries so far, worst latency µs]. */
const seen = new Map();
let windowStart = Infinity;
let windowEnd = Infinity;
let delivered = 0;
let outOfWindow = 0;
const onMessage = (m) => {
  const latencyUs = Math.max(1, Math.round((nowMs() - m.due) * 1000));
  if (m.due < windowStart || m.due >= windowEnd) {
    outOfWindow++;
    return;
  }
  delivered++;
  perDelivery.recordValue(latencyUs);
  const s = seen.get(m.i);
  if (s) {
    s[0]++;
    s[1] = Math.max(s[1], latencyUs);
  } else seen.set(m.i, [1, latencyUs]);
};
const connect = (i) =>
  new Promise((resolve) => {
    const socket = io(servers[Math.floor(i / rooms) % servers.length], { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000, query: { room: `r${i % rooms}` } });
    socket.on('m', onMessage);
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      failed++;
      if (failed <= 3) log(`socket ${i}: ${e.message}`);
      resolve(null);
    });
  });
const setupStart = Date.now();
for (let i = 0; i < sockets; i += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, sockets - i) }, (_, k) => connect(i + k)));
  clients.push(...batch.filter(Boolean));
}
log(`${clients.length} sockets connected (${failed} failed) in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);
// The room join happens in the server's connection handler, after `connect` here; let the last ones land.
await new Promise((r) => setTimeout(r, 500));

// 2. The open loop on every server.
const at = nowMs() + 500;
const until = at + (warmupS + durationS) * 1000;
windowStart = at + warmupS * 1000;
windowEnd = until;
const pids = [];
for (const [index, url] of servers.entries()) {
  const res = await fetch(`${url}/bench/start?at=${at}&rate=${rate}&rooms=${rooms}&index=${index}&of=${servers.length}&until=${until}`, { method: 'POST' });
  if (!res.ok) {
    log(`${url}: /bench/start answered ${res.status}`);
    process.exit(3);
  }
  pids.push((await res.json()).pid);
}
log(`open loop: ${rate} messages/s to ${rooms} rooms over ${servers.length} servers (pids ${pids.join(' ')}), warmup ${warmupS} s, measured ${durationS} s`);

// 4. CPU and event-loop delay over the measured window.
const lag = monitorEventLoopDelay({ resolution: 10 });
const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - nowMs())));
await sleepUntil(windowStart);
lag.enable();
const cpuStart = { servers: pids.map(cpuSeconds), self: process.cpuUsage(), at: nowMs() };
for (let s = 1; nowMs() < windowEnd; s++) {
  await sleepUntil(Math.min(windowEnd, windowStart + s * 5000));
  log(`[${Math.round((nowMs() - windowStart) / 1000)}s measure] ${delivered} deliveries, p99 ${(perDelivery.getValueAtPercentile(99) / 1000).toFixed(1)} ms`);
}
const cpuEnd = { servers: pids.map(cpuSeconds), self: process.cpuUsage(cpuStart.self), at: nowMs() };
lag.disable();
const deliveredInWindow = delivered; // deliveries/s counts what arrived during the window

// 5. Late deliveries of measured messages (up to 5 s).
const expectedMessages = Math.ceil(((windowEnd - at) * rate) / 1000) - Math.ceil(((windowStart - at) * rate) / 1000);
const expected = expectedMessages * (clients.length / rooms);
for (const stopAt = Date.now() + 5000; delivered < expected && Date.now() < stopAt; ) await new Promise((r) => setTimeout(r, 100));
for (const [, [, worst]] of seen) perMessageLast.recordValue(worst);
const stats = await Promise.all(servers.map((url) => fetch(`${url}/bench/stats`).then((r) => r.json(), () => null)));
for (const c of clients) c.close();

const windowS = (cpuEnd.at - cpuStart.at) / 1000;
const ms = (h) => (h.totalCount ? { count: h.totalCount, p50: round(h.getValueAtPercentile(50) / 1000), p99: round(h.getValueAtPercentile(99) / 1000), max: round(h.maxValue / 1000) } : { count: 0, p50: null, p99: null, max: null });
const serverCpuS = pids.map((_, k) => (cpuStart.servers[k] === null || cpuEnd.servers[k] === null ? null : cpuEnd.servers[k] - cpuStart.servers[k]));
const serversCpuS = serverCpuS.reduce((a, b) => a + (b ?? 0), 0);
const report = {
  sockets: { requested: sockets, connected: clients.length, failed, rooms, servers: servers.length },
  rate,
  warmupS,
  durationS,
  messages: { expected: expectedMessages, seen: seen.size },
  deliveries: { expected, received: delivered, missing: Math.max(0, expected - delivered), outOfWindow, perSec: round(deliveredInWindow / windowS, 0) },
  perDelivery: ms(perDelivery),
  perMessageLastClient: ms(perMessageLast),
  servers: {
    pids,
    cpuSeconds: serverCpuS.map((x) => round(x, 2)),
    cpuPercentOfCore: serverCpuS.map((x) => round((100 * x) / windowS, 1)),
    cpuSecondsPer1000Deliveries: round((serversCpuS * 1000) / deliveredInWindow, 3),
    lateMaxMs: stats.map((s) => round(s?.lateMaxMs)),
    emitted: stats.map((s) => s?.emitted ?? null),
  },
  loadgen: { cpuPercentOfOneCore: round((100 * (cpuEnd.self.user + cpuEnd.self.system)) / 1e6 / windowS, 0), eventLoopDelayP99Ms: round(lag.percentile(99) / 1e6, 1), eventLoopDelayMaxMs: round(lag.max / 1e6, 1) },
};
writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
log(`per delivery p50 ${report.perDelivery.p50} p99 ${report.perDelivery.p99} max ${report.perDelivery.max} ms; ${report.deliveries.perSec} deliveries/s; ${report.deliveries.missing} missing; servers ${report.servers.cpuPercentOfCore.join(' / ')} % of a core`);
process.exit(failed ? 3 : 0);
