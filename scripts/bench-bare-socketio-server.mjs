// Bare Socket.IO server for the bench's `baselines` step (scripts/bench.mjs, issue 13): the same
// socket.io and @socket.io/redis-adapter (on ioredis) versions and options as a Tasklane replica
// (apps/api/src/realtime/: path /socket.io, pingInterval 25 s, pingTimeout 20 s,
// maxHttpBufferSize 64 KiB, the default parser, perMessageDeflate off as Socket.IO 4's default;
// createAdapter(pub, sub, { key }) with the replica's ioredis options), and nothing else: no
// auth, no database, no Nest. A client joins the room named in its handshake query (`room`).
//
// `node scripts/bench-bare-socketio-server.mjs --redis-url URL --key PREFIX` listens on a free
// loopback port and prints one line `{"port":N,"pid":N}` to stdout once the adapter is ready.
// Control (HTTP, same port):
//   POST /bench/start?at=EPOCH_MS&rate=R&rooms=N&index=I&of=K&until=EPOCH_MS
//     open loop: global message i is due at at + i·1000/rate, to room `r<i mod rooms>`; this server
//     emits the messages with i mod K = I (so K servers share the rate evenly, as REST writes share
//     the replicas), each at its intended time, never waiting for the previous one and never
//     skipping a late one. Every message carries `i` and `due` (its intended send time, epoch ms
//     with a fraction) plus a task-event-sized payload. Answers {"pid":N}.
//   GET /bench/stats → {"emitted":N,"lateMaxMs":X} (how far behind schedule the worst emit was).
// SIGTERM/SIGINT: closes Socket.IO and Redis, exits 0.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { parseCliArgs } from './cli-args.mjs';

const args = parseCliArgs('usage: node scripts/bench-bare-socketio-server.mjs --redis-url URL --key PREFIX', {
  'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
  key: { type: 'string', default: 'bench-bare' },
});

/** apps/api/src/redis/redis-connections.service.ts REDIS_OPTIONS (the replica's pub/sub settings). */
const REDIS_OPTIONS = { connectTimeout: 2_000, maxRetriesPerRequest: 1, enableOfflineQueue: true, autoResubscribe: true, retryStrategy: (n) => Math.min(50 * 2 ** n, 2_000) };
const pub = new Redis(args['redis-url'], { ...REDIS_OPTIONS, connectionName: 'bench-bare-pub' });
const sub = new Redis(args['redis-url'], { ...REDIS_OPTIONS, maxRetriesPerRequest: null, enableReadyCheck: false, connectionName: 'bench-bare-sub' });

/** Epoch ms with a sub-millisecond fraction, comparable across processes on one machine. */
const nowMs = () => performance.timeOrigin + performance.now();

/** A task-event-sized body (a board:event for a renamed task is about this big as JSON). */
const PAYLOAD = {
  type: 'task.updated',
  boardId: '00000000-0000-4000-8000-000000000000',
  actorId: '00000000-0000-4000-8000-000000000001',
  data: { id: '00000000-0000-4000-8000-000000000002', columnId: '00000000-0000-4000-8000-000000000003', title: 'Renamed task with a title of ordinary length', position: 'a0V', version: 7, assigneeId: null, dueAt: null },
};

let emitted = 0;
let lateMaxMs = 0;
let timer = null;

/** Starts this server's share of the open-loop schedule (see the header). */
function start({ at, rate, rooms, index, of, until }) {
  clearTimeout(timer);
  const interval = 1000 / rate;
  let i = index;
  const tick = () => {
    const now = nowMs();
    for (let due = at + i * interval; due <= now && due < until; due = at + i * interval) {
      io.to(`r${i % rooms}`).emit('m', { i, due, ...PAYLOAD });
      lateMaxMs = Math.max(lateMaxMs, now - due);
      emitted++;
      i += of;
    }
    const next = at + i * interval;
    if (next < until) timer = setTimeout(tick, Math.max(0, next - nowMs()));
  };
  timer = setTimeout(tick, Math.max(0, at + i * interval - nowMs()));
}

const http = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname === '/bench/start') {
    const p = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, Number(v)]));
    if (![p.at, p.rate, p.rooms, p.index, p.of, p.until].every(Number.isFinite) || p.rate <= 0 || p.of < 1) {
      res.writeHead(400).end('bad parameters');
      return;
    }
    start(p);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pid: process.pid }));
  } else if (req.method === 'GET' && url.pathname === '/bench/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ emitted, lateMaxMs }));
  } else if (!url.pathname.startsWith('/socket.io')) {
    res.writeHead(404).end();
  }
});

// The gateway's options (realtime.gateway.ts); perMessageDeflate stays at Socket.IO 4's default (off).
const io = new Server(http, { path: '/socket.io', pingInterval: 25_000, pingTimeout: 20_000, maxHttpBufferSize: 64 * 1024 });
io.adapter(createAdapter(pub, sub, { key: args.key }));
io.on('connection', (socket) => {
  const room = socket.handshake.query.room;
  if (typeof room === 'string' && /^r\d+$/.test(room)) void socket.join(room);
  else socket.disconnect(true);
});

await Promise.all([pub, sub].map((c) => (c.status === 'ready' ? null : new Promise((ok, fail) => c.once('ready', ok).once('error', fail)))));
http.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: http.address().port, pid: process.pid })));

const stop = () => {
  clearTimeout(timer);
  io.close(() => {
    pub.disconnect();
    sub.disconnect();
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
