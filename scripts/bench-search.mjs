// Search benchmark: `npm run bench:search [-- --requests 300 --member-boards 10]`.
// Starts one built replica (behind nginx, unused here) on a scratch database (created, migrated,
// dropped after), registers two users through the API, seeds 100,000 tasks in 200 boards with
// scripts/seed-search.mjs (set-based SQL, ~20 s), and times GET /api/v1/search against the replica
// directly, one request at a time, over a query mix, for:
//   - `all`:  the owner, a member of all 200 boards (every query spans 100,000 tasks), and
//   - `some`: a user who is a member of --member-boards boards (default 10: 5,000 tasks).
// Prints p50/p95/p99 per query kind and overall (client-side wall time: HTTP, auth, SQL, JSON),
// writes bench-results/search-<timestamp>.json. Target: p95 <= 50 ms.
// Environment: DATABASE_URL (server for the scratch database), REDIS_URL.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { LatencyHistogram } from '../dist/apps/loadtest/src/metrics.js';
import { parseCliArgs } from './cli-args.mjs';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, startScratchCluster } from '../apps/loadtest/support/scratch-cluster.mjs';
import { seedSearch, VOCABULARY } from './seed-search.mjs';

const usage = 'usage: npm run bench:search [-- --requests N] [--member-boards N] [--boards N] [--tasks-per-board N]';
const args = parseCliArgs(usage, {
  requests: { type: 'string', default: '300' },
  'member-boards': { type: 'string', default: '10' },
  boards: { type: 'string', default: '200' },
  'tasks-per-board': { type: 'string', default: '500' },
});
const requests = Number(args.requests);
const memberBoards = Number(args['member-boards']);
const boards = Number(args.boards);
const tasksPerBoard = Number(args['tasks-per-board']);
const log = (m) => console.error(`[bench:search] ${m}`);
const P95_TARGET_MS = 50;

/** The query mix: each kind is drawn in turn; words are picked at random within the kind. */
const common = VOCABULARY.slice(0, 20);
const mid = VOCABULARY.slice(60, 200);
const rare = VOCABULARY.slice(200);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const KINDS = {
  'common word': () => ({ q: `${pick(common)} ` }),
  'mid word': () => ({ q: `${pick(mid)} ` }),
  'rare word': () => ({ q: `${pick(rare)} ` }),
  'two words': () => ({ q: `${pick(mid)} ${pick(mid)} ` }),
  'prefix (typing)': () => ({ q: pick(mid).slice(0, 3) }),
  'word + prefix': () => ({ q: `${pick(mid)} ${pick(mid).slice(0, 4)}` }),
  phrase: () => ({ q: `"${pick(common)} ${pick(common)}"` }),
  'word + due=week': () => ({ q: `${pick(mid)} `, due: 'week' }),
  'word + assignee': (userId) => ({ q: `${pick(mid)} `, assigneeId: userId }),
};

/** Count, p50/p95/p99 and max (ms, one decimal) of latencies in ms (HdrHistogram, as the load-test tool). */
const stats = (ms) => {
  const h = new LatencyHistogram();
  for (const v of ms) h.record(v);
  const at = (p) => {
    const v = h.percentile(p);
    return v === null ? null : +v.toFixed(1); // null: no sample of this kind
  };
  return { n: h.count, p50: at(50), p95: at(95), p99: at(99), max: at(100) };
};

async function api(base, method, path, body, token) {
  const res = await fetch(`${base}/api/v1${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function run(base, token, userId) {
  const kinds = Object.keys(KINDS);
  const times = Object.fromEntries(kinds.map((k) => [k, []]));
  let hits = 0;
  for (let i = 0; i < 30; i++) await api(base, 'GET', `/search?${new URLSearchParams(KINDS[kinds[i % kinds.length]](userId))}`, undefined, token); // warm-up
  for (let i = 0; i < requests; i++) {
    const kind = kinds[i % kinds.length];
    const t0 = performance.now();
    const page = await api(base, 'GET', `/search?${new URLSearchParams(KINDS[kind](userId))}`, undefined, token);
    times[kind].push(performance.now() - t0);
    hits += page.items.length;
  }
  const all = Object.values(times).flat();
  return { overall: stats(all), byKind: Object.fromEntries(kinds.map((k) => [k, stats(times[k])])), meanHitsPerPage: +(hits / requests).toFixed(1) };
}

const scratch = await startScratchCluster({ replicas: 1, databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL, prefix: 'tasklane_bench_search', log });
const stopAll = async () => scratch.stop();
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
try {
  const base = scratch.cluster.replicaUrls[0];
  const password = 'bench search passphrase 2026';
  const owner = await api(base, 'POST', '/auth/register', { email: `owner-${Date.now()}@bench.test`, password, name: 'Owner' });
  const member = await api(base, 'POST', '/auth/register', { email: `member-${Date.now()}@bench.test`, password, name: 'Member' });
  log(`seeding ${boards * tasksPerBoard} tasks in ${boards} boards…`);
  const seeded = await seedSearch(scratch.databaseUrl, { ownerId: owner.user.id, member: member.user.id, memberBoards, boards, tasksPerBoard });
  log(`seeded in ${seeded.seconds.toFixed(1)} s`);
  log(`timing ${requests} searches as a member of all ${boards} boards…`);
  const all = await run(base, owner.accessToken, owner.user.id);
  log(`timing ${requests} searches as a member of ${memberBoards} boards…`);
  const some = await run(base, member.accessToken, member.user.id);
  const summary = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, load: loadavg().map((l) => +l.toFixed(2)) },
    data: { boards, tasks: boards * tasksPerBoard, seedSeconds: +seeded.seconds.toFixed(1) },
    requests,
    all: { boards, ...all },
    some: { boards: memberBoards, ...some },
    targetP95Ms: P95_TARGET_MS,
  };
  const out = resolve(import.meta.dirname, '..', 'bench-results');
  mkdirSync(out, { recursive: true });
  const file = resolve(out, `search-${summary.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(summary, null, 2));
  for (const [label, r] of [[`member of all ${boards} boards`, all], [`member of ${memberBoards} boards`, some]]) {
    console.log(`\n${label}: p50 ${r.overall.p50} ms  p95 ${r.overall.p95} ms  p99 ${r.overall.p99} ms  (${r.overall.n} requests, ${r.meanHitsPerPage} hits/page)  target p95 <= ${P95_TARGET_MS} ms: ${r.overall.p95 === null ? 'no data' : r.overall.p95 <= P95_TARGET_MS ? 'met' : 'MISSED'}`);
    for (const [kind, s] of Object.entries(r.byKind)) console.log(`  ${kind.padEnd(18)} p50 ${String(s.p50).padStart(6)}  p95 ${String(s.p95).padStart(6)}  p99 ${String(s.p99).padStart(6)}`);
  }
  console.log(`\nload average ${summary.machine.load.join(' ')} on ${summary.machine.cpus} cores; ${file}`);
  console.log(`reproduce: npm run bench:search -- --requests ${requests} --member-boards ${memberBoards} --boards ${boards} --tasks-per-board ${tasksPerBoard}`);
} finally {
  await stopAll();
}
