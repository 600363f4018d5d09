// What one idle socket costs the replica: `npm run bench:memory [-- --sockets 2000 --users 4 --boards 8 --snapshot --node-options=FLAGS]`.
// Starts ONE built replica (dist/, so run `npm run build` first; the npm script does) on a scratch
// database (created, migrated, dropped after) and the local Redis, with RATE_LIMITS=off and
// LOG_LEVEL=warn; registers --users users who own --boards boards between them through REST;
// reads the replica's RSS (/proc/<pid>/status VmRSS) and V8 heap used (`tasklane_nodejs_heap_size_used_bytes`
// on /metrics) with no socket open; opens --sockets idle sockets the way the load tool's BoardStream
// does (socket.io-client, websocket transport only, `auth: { token }`, one connection per socket,
// then `board:join` on one of the user's boards); waits until every join is acked and the figures
// settle, reads them again, and prints the difference per socket: RSS, V8 heap used, and RSS split into
// V8's committed heap (its pages, used or free) and the rest (native: malloc, thread stacks, code
// outside the heap). --node-options sets the replica's NODE_OPTIONS (empty by default), e.g.
// `--node-options=--max-semi-space-size=16` for the Docker image's flag; run the script with another
// Node.js binary to measure that one (the replica runs on the script's own binary). Each figure is the median of
// READINGS readings a second apart, each taken after a full garbage collection (the replica runs
// with --expose-gc and a preloaded SIGPWR handler (Nest's shutdown hooks take SIGUSR2, Node's inspector SIGUSR1) that calls gc(); nothing of the app changes),
// so the heap figure counts live objects; RSS also holds the heap's free space and native buffers.
// With --snapshot the replica also writes a V8 heap snapshot (SIGWINCH, which runs a full GC first)
// after the sockets settled, under bench-results/, to open in Chrome DevTools › Memory.
// Localhost only; the replica and the sockets are closed and the database dropped on exit.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { createScratchDatabase, findFreePort, rssKb, spawnTracked, waitForHttp } from '../libs/cluster/dist/index.js';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string', default: '2000' },
    users: { type: 'string', default: '4' },
    boards: { type: 'string', default: '8' },
    snapshot: { type: 'boolean', default: false },
    'node-options': { type: 'string', default: '' },
  },
});
const sockets = Number(args.sockets);
const users = Number(args.users);
const boards = Math.max(Number(args.boards), users);
/** Readings per figure (one a second); the median is used. */
const READINGS = 5;
/** Sockets connecting at once. */
const CONNECT_CONCURRENCY = 100;
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const out = resolve(root, 'bench-results', `socket-memory-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(out, { recursive: true });

/**
 * The replica's V8 figures in KB, from its /metrics (prom-client's default metrics): `heap` = heap used
 * (live objects after the forced GC), `committed` = heap size total (pages V8 holds, used or free, the
 * young generation's semi-spaces included), `external` = memory outside the heap that V8 is told of
 * (ArrayBuffers, Buffers). RSS less `committed` is what the process holds outside V8's heap (native).
 */
async function v8Kb(url) {
  const res = await fetch(`${url}/metrics`);
  const text = await res.text();
  const read = (name) => {
    const m = new RegExp(`^tasklane_${name}(?:\\{[^}]*\\})? ([\\d.e+]+)`, 'm').exec(text);
    if (!m) throw new Error(`GET /metrics ${res.status}: no tasklane_${name} in ${text.slice(0, 200)}`);
    return Number(m[1]) / 1024;
  };
  return { heap: read('nodejs_heap_size_used_bytes'), committed: read('nodejs_heap_size_total_bytes'), external: read('nodejs_external_memory_bytes') };
}

/** Preloaded into the replica: a full garbage collection on SIGPWR, so that heap readings hold live objects only. */
const GC_ON_SIGNAL = `data:text/javascript,process.on('SIGPWR',()=>globalThis.gc())`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median RSS, heap used, heap committed and external memory (KB) over READINGS readings a second apart. */
async function readings(pid, url) {
  const taken = { rss: [], heap: [], committed: [], external: [] };
  for (let i = 0; i < READINGS; i += 1) {
    process.kill(pid, 'SIGPWR'); // full GC (see GC_ON_SIGNAL)
    await sleep(1000);
    const kb = rssKb(pid); // VmRSS of /proc/<pid>/status
    if (kb === null) throw new Error(`replica (pid ${pid}) is gone: no VmRSS to read`);
    taken.rss.push(kb);
    const v8 = await v8Kb(url);
    for (const k of ['heap', 'committed', 'external']) taken[k].push(v8[k]);
  }
  const result = Object.fromEntries(Object.entries(taken).map(([k, xs]) => [k, median(xs)]));
  // From the medians, so that RSS = committed + native holds in the printed figures.
  return { ...result, native: result.rss - result.committed };
}

/** JSON request to the replica; throws on a non-2xx answer. */
async function api(url, method, path, body, token) {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Opens one socket as BoardStream does and joins `boardId`; resolves with the socket once the join is acked. */
function openSocket(url, token, boardId) {
  return new Promise((resolveSocket, reject) => {
    const socket = io(url, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
    socket.once('connect_error', (error) => reject(error));
    socket.once('connect', () =>
      socket.timeout(10_000).emit('board:join', { boardId, afterSeq: 0 }, (error, ack) => {
        if (error || !ack?.ok) return reject(error ?? new Error(`board:join refused: ${JSON.stringify(ack)}`));
        resolveSocket(socket);
      }),
    );
  });
}

const db = await createScratchDatabase(adminUrl, { prefix: 'tasklane_sockmem' });
let replica = null;
const open = [];
try {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  replica = spawnTracked('replica', process.execPath, ['--expose-gc', `--import=${GC_ON_SIGNAL}`, ...(args.snapshot ? [`--heapsnapshot-signal=SIGWINCH`, `--diagnostic-dir=${out}`] : []), 'dist/apps/api/src/main.js'], {
    cwd: root,
    logFile: resolve(out, 'replica.log'),
    env: { ...process.env, NODE_OPTIONS: args['node-options'], PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: db.url, REDIS_URL: redisUrl, JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', RATE_LIMITS: 'off' },
  });
  await replica.ready((signal) => waitForHttp(`${url}/health/ready`, 30_000, { signal }));

  const password = randomBytes(12).toString('base64url');
  const runId = randomBytes(4).toString('hex');
  const accounts = [];
  for (let u = 0; u < users; u += 1) {
    const auth = await api(url, 'POST', '/auth/register', { email: `sockmem-${runId}-${u}@example.test`, password, name: `Memory ${u}` });
    accounts.push({ token: auth.accessToken, boards: [] });
  }
  for (let b = 0; b < boards; b += 1) {
    const owner = accounts[b % users];
    owner.boards.push((await api(url, 'POST', '/boards', { name: `sockmem ${b}`, columns: ['To do', 'Done'] }, owner.token)).id);
  }
  // Warm the socket path (code, JIT, Redis scripts) so that one-off costs do not count per socket.
  for (const s of await Promise.all(accounts.map((a) => openSocket(url, a.token, a.boards[0])))) s.close();
  await sleep(2000);

  const before = await readings(replica.pid, url);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONNECT_CONCURRENCY, sockets) }, async () => {
      while (next < sockets) {
        const i = next++;
        const account = accounts[i % users];
        open.push(await openSocket(url, account.token, account.boards[Math.floor(i / users) % account.boards.length]));
      }
    }),
  );
  const connectSeconds = (performance.now() - started) / 1000;
  await sleep(3000); // let presence writes and the heartbeat's first round settle
  const after = await readings(replica.pid, url);
  if (args.snapshot) {
    process.kill(replica.pid, 'SIGWINCH');
    // The replica writes the snapshot synchronously: wait until the file stops growing (at most a minute).
    let size = -1;
    for (let waited = 0; waited < 60; waited += 1) {
      await sleep(1000);
      const file = readdirSync(out).find((f) => f.endsWith('.heapsnapshot'));
      const now = file ? statSync(resolve(out, file)).size : -1;
      if (now > 0 && now === size) break;
      size = now;
    }
  }
  const perSocket = (k) => (after[k] - before[k]) / sockets;
  console.log(
    [
      `${sockets} idle sockets (${users} users, ${boards} boards, one board room each) opened in ${connectSeconds.toFixed(1)} s on one replica`,
      `RSS:  ${(before.rss / 1024).toFixed(1)} MB → ${(after.rss / 1024).toFixed(1)} MB = ${perSocket('rss').toFixed(1)} KB per socket`,
      `heap: ${(before.heap / 1024).toFixed(1)} MB → ${(after.heap / 1024).toFixed(1)} MB = ${perSocket('heap').toFixed(1)} KB per socket`,
      `of the RSS: V8 heap committed ${(before.committed / 1024).toFixed(1)} MB → ${(after.committed / 1024).toFixed(1)} MB = ${perSocket('committed').toFixed(1)} KB per socket; outside it (native) ${(before.native / 1024).toFixed(1)} MB → ${(after.native / 1024).toFixed(1)} MB = ${perSocket('native').toFixed(1)} KB per socket, of which external (Buffers) ${perSocket('external').toFixed(1)} KB`,
      `(medians of ${READINGS} readings each; ${process.version}${args['node-options'] ? `, replica NODE_OPTIONS=${args['node-options']}` : ''}; reproduce: npm run build && ${process.execPath} scripts/bench-socket-memory.mjs --sockets ${sockets}${args['node-options'] ? ` --node-options='${args['node-options']}'` : ''})`,
      ...(args.snapshot ? [`heap snapshot: ${readdirSync(out).filter((f) => f.endsWith('.heapsnapshot')).map((f) => resolve(out, f)).join(', ') || '(not written yet)'}`] : []),
    ].join('\n'),
  );
} finally {
  for (const s of open) s.close();
  await replica?.stop('SIGKILL');
  await db.drop();
}
