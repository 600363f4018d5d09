// What a `board:join` costs: `npm run bench:join [-- --rounds 300 --sockets 20 --behind 10]` (< 1 min).
// Starts ONE built replica on a scratch database (created, migrated, dropped after) and the local
// Redis (REDIS_URL), registers one user, creates a board with 3 columns and 30 tasks, then measures
// the join's acknowledgement time (send → ack, ms) with `afterSeq` --behind events before the head:
//  1. sequential  one socket, --rounds times: join, then leave (no other load);
//  2. concurrent  --sockets sockets of the same user (at most SOCKETS_PER_USER, 20 by default) all
//                 joining at once, then all leaving, --rounds times: the checks and catch-ups of one
//                 round share batched reads (RoomAccessService.roleOf, BoardRoomsService.catchUp).
// For each phase: p50, p90, p99, max and mean of the ack time, the replica's CPU per join
// (/proc/<pid>/stat) and the SQL statements per join by label (the replica's /metrics,
// `tasklane_db_query_duration_seconds_count`). The machine is shared: the figures include this
// script's own client work on the same cores. Every process started here is stopped by pid.
//
// Environment: DATABASE_URL (server for the scratch database), REDIS_URL.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { TasklaneRestClient } from '../libs/client/dist/index.js';
import { cpuSeconds, createScratchDatabase, findFreePort, spawnTracked, waitForHttp } from '../libs/cluster/dist/index.js';
import { statementCountsIn } from './load-tool-readings.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '300' }, sockets: { type: 'string', default: '20' }, behind: { type: 'string', default: '10' } } });
const rounds = Number(args.rounds);
const concurrency = Number(args.sockets);
const behind = Number(args.behind);
if (![rounds, concurrency, behind].every((n) => Number.isInteger(n) && n >= 0) || rounds < 1 || concurrency < 1 || concurrency > 20 || behind > 30) {
  console.error('--rounds is an integer >= 1, --sockets an integer from 1 to 20 (SOCKETS_PER_USER), --behind an integer from 0 to 30');
  process.exit(2);
}
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const db = await createScratchDatabase(adminUrl, { prefix: 'tasklane_benchjoin' });
let replica = null;
const sockets = [];
try {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  replica = spawnTracked('replica', process.execPath, ['dist/apps/api/src/main.js'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: redisUrl, JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', RATE_LIMITS: 'off' },
  });
  await replica.ready((signal) => waitForHttp(`${url}/health/ready`, 30_000, { signal }));

  const api = new TasklaneRestClient(url);
  const { accessToken } = await api.register(`join-${randomBytes(4).toString('hex')}@bench.test`, 'bench-password-1', 'Join bench');
  const board = await api.createBoard({ name: 'join bench', columns: ['To do', 'Doing', 'Done'] });
  for (let i = 0; i < 30; i++) await api.createTask(board.id, { columnId: board.columns[i % 3].id, title: `task ${i}` });
  const head = (await api.getBoard(board.id)).seq;
  const afterSeq = head - behind;

  for (let i = 0; i < concurrency; i++) {
    const s = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token: accessToken }, reconnection: false });
    sockets.push(s);
    await new Promise((ok, fail) => (s.once('connect', ok), s.once('connect_error', fail)));
  }
  const join = async (s) => {
    const t0 = performance.now();
    const ack = await s.timeout(10_000).emitWithAck('board:join', { boardId: board.id, afterSeq });
    const ms = performance.now() - t0;
    if (!ack.ok || ack.seq !== head || (ack.events?.length ?? 0) !== behind) throw new Error(`unexpected ack: ${JSON.stringify(ack).slice(0, 200)}`);
    return ms;
  };
  const leave = (s) => s.timeout(10_000).emitWithAck('board:leave', { boardId: board.id });

  // Warm up (JIT, pool connections, prepared statements), not measured.
  for (let i = 0; i < 50; i++) {
    await join(sockets[0]);
    await leave(sockets[0]);
  }

  const phases = [
    ['sequential, 1 socket', async () => {
      const times = [];
      for (let i = 0; i < rounds; i++) {
        times.push(await join(sockets[0]));
        await leave(sockets[0]);
      }
      return times;
    }],
    [`concurrent, ${concurrency} sockets at once`, async () => {
      const times = [];
      for (let i = 0; i < rounds; i++) {
        times.push(...(await Promise.all(sockets.map(join))));
        await Promise.all(sockets.map(leave));
      }
      return times;
    }],
  ];
  console.log(`board:join ack time, one replica, afterSeq = head - ${behind} (${behind} events in each ack), ${rounds} rounds; node ${process.version}`);
  for (const [name, run] of phases) {
    const before = { cpu: cpuSeconds(replica.pid) ?? 0, statements: await statementCounts(url) };
    const times = await run();
    const after = { cpu: cpuSeconds(replica.pid) ?? 0, statements: await statementCounts(url) };
    const sorted = [...times].sort((a, b) => a - b);
    const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    const perJoin = [...after.statements.keys()]
      .map((k) => [k, ((after.statements.get(k) ?? 0) - (before.statements.get(k) ?? 0)) / times.length])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    console.log(
      `${name}: ${times.length} joins, ack p50 ${at(0.5).toFixed(2)} ms, p90 ${at(0.9).toFixed(2)}, p99 ${at(0.99).toFixed(2)}, max ${sorted[sorted.length - 1].toFixed(2)}, mean ${mean.toFixed(2)}; ` +
        `replica CPU ${(((after.cpu - before.cpu) * 1000) / times.length).toFixed(3)} ms per join (join and leave)\n` +
        `  statements per join: ${perJoin.map(([k, n]) => `${k} ${n.toFixed(2)}`).join(', ')}`,
    );
  }
} finally {
  for (const s of sockets) s.disconnect();
  await replica?.stop('SIGTERM');
  await db.drop();
}

/** The replica's statement counters now: statement label → count (from its /metrics). */
async function statementCounts(url) {
  return statementCountsIn(await (await fetch(`${url}/metrics`)).text());
}
