// Board snapshot benchmark: `npm run bench:snapshot [-- --tasks 5000] [--requests 300] [--comments 2] [--items 3]`
// (builds first). On a scratch database (apps/loadtest/support/scratch-cluster.mjs: one built
// replica behind nginx, dropped afterwards) it creates two boards through REST, then seeds them
// with SQL in one transaction each (REST would take minutes for 40,000 rows and measures nothing
// here):
//   content  --tasks tasks over 4 columns, each with --comments comments, --items checklist items
//            (a third of them done) and 2 of the board's 10 labels; the task counters
//            (comment_count, checklist_done, checklist_total) set as the write path keeps them;
//   plain    the same tasks without comments, checklist items or labels (the baseline).
// Then GET /api/v1/boards/:id straight to the replica: 20 warm-up rounds, then --requests
// sequential rounds, each round one request per board (alternating which goes first, so load from
// others on a shared box falls on both alike), timed from request to the last body byte
// (p50/p95/p99/max), and the body size as sent raw and gzip-compressed. Prints a Markdown table and writes
// bench-results/snapshot-<timestamp>.json (git-ignored).
//
// Environment: DATABASE_URL (server for the scratch database), REDIS_URL — as the other benches.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { parseCliArgs } from './cli-args.mjs';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, startScratchCluster } from '../apps/loadtest/support/scratch-cluster.mjs';
import { TasklaneRestClient } from '../libs/client/dist/index.js';

const root = resolve(import.meta.dirname, '..');
const usage = 'usage: npm run bench:snapshot [-- --tasks N] [--requests N] [--comments N] [--items N]';
const args = parseCliArgs(usage, {
  tasks: { type: 'string', default: '5000' },
  requests: { type: 'string', default: '300' },
  comments: { type: 'string', default: '2' },
  items: { type: 'string', default: '3' },
});
const [TASKS, REQUESTS, COMMENTS, ITEMS] = [args.tasks, args.requests, args.comments, args.items].map(Number);
if (![TASKS, REQUESTS, COMMENTS, ITEMS].every((n) => Number.isInteger(n) && n >= 0) || TASKS < 1 || REQUESTS < 1) {
  console.error(usage);
  process.exit(2);
}
const WARMUP = 20;
const log = (m) => console.error(`[bench:snapshot] ${m}`);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x) => Math.round(x * 10) / 10;

/**
 * Seeds `boardId` (whose columns exist) in one transaction: TASKS tasks spread over the columns,
 * with `comments` comments and `items` checklist items each (every third done) and, when
 * `labels`, 2 of 10 board labels each. Counters match the rows, as the write path keeps them.
 */
async function seed(db, boardId, userId, { comments, items, labels }) {
  await db.query('BEGIN');
  const { rows: columns } = await db.query(`SELECT id FROM columns WHERE board_id = $1 ORDER BY position`, [boardId]);
  const labelIds = [];
  if (labels) {
    const { rows } = await db.query(
      `INSERT INTO board_labels (id, board_id, name, color) SELECT gen_random_uuid(), $1, 'label ' || n, '#0090ff' FROM generate_series(1, 10) n RETURNING id`,
      [boardId],
    );
    labelIds.push(...rows.map((r) => r.id));
  }
  // Positions: 'a' + zero-padded n sorts like n (valid fractional-index keys would be generated
  // by the API; these only need to be distinct and ordered for reading).
  await db.query(
    `INSERT INTO tasks (id, board_id, column_id, title, description, position, label_ids, due_at, created_by, updated_by,
                        comment_count, checklist_done, checklist_total)
     SELECT gen_random_uuid(), $1, ($2::uuid[])[1 + n % array_length($2::uuid[], 1)], 'Task ' || n, repeat('Some description. ', 5),
            'a' || lpad(n::text, 6, '0'), CASE WHEN $4 THEN ARRAY[($3::uuid[])[1 + n % 10], ($3::uuid[])[1 + (n + 3) % 10]] ELSE '{}' END,
            CASE WHEN n % 4 = 0 THEN now() + (n % 20 - 10) * interval '1 day' END, $5, $5,
            $6, (SELECT count(*) FROM generate_series(0, $7 - 1) i WHERE i % 3 = 0), $7
       FROM generate_series(1, $8) n`,
    [boardId, columns.map((c) => c.id), labelIds, labels, userId, comments, items, TASKS],
  );
  if (comments > 0) {
    await db.query(
      `INSERT INTO comments (id, board_id, task_id, author_id, body)
       SELECT gen_random_uuid(), $1, t.id, $2, 'A comment with **Markdown**, number ' || i FROM tasks t, generate_series(1, $3) i WHERE t.board_id = $1`,
      [boardId, userId, comments],
    );
  }
  if (items > 0) {
    await db.query(
      `INSERT INTO checklist_items (id, board_id, task_id, text, done, position)
       SELECT gen_random_uuid(), $1, t.id, 'Item ' || i, i % 3 = 0, 'a' || i FROM tasks t, generate_series(0, $2 - 1) i WHERE t.board_id = $1`,
      [boardId, items],
    );
  }
  await db.query('COMMIT');
}

/** One GET of the snapshot to the last byte: ms and the body. */
async function get(url, token) {
  const started = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'identity' } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 200)}`);
  return { ms: performance.now() - started, body };
}

/**
 * Times `n` rounds of sequential GETs of every url (after WARMUP rounds), alternating which board
 * goes first, so load from other processes on the shared box falls on all boards alike.
 */
async function time(urls, token, n) {
  for (let i = 0; i < WARMUP; i++) for (const url of urls) await get(url, token);
  const samples = urls.map(() => []);
  const bodies = urls.map(() => '');
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? urls.map((_, k) => k) : urls.map((_, k) => urls.length - 1 - k);
    for (const k of order) {
      const r = await get(urls[k], token);
      samples[k].push(r.ms);
      bodies[k] = r.body;
    }
  }
  return urls.map((_, k) => ({ samples: samples[k], body: bodies[k] }));
}

const scratch = await startScratchCluster({
  replicas: 1,
  databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
  redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  prefix: 'tasklane_bench_snapshot',
  log,
});
const stopAll = async () => scratch.stop();
process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.once('SIGTERM', () => void stopAll().then(() => process.exit(143)));
try {
  const origin = scratch.cluster.replicaUrls[0];
  const rest = new TasklaneRestClient(origin);
  const auth = await rest.register(`bench-${Date.now()}@example.com`, 'correct horse battery staple', 'Bench');
  const db = new pg.Client({ connectionString: scratch.databaseUrl });
  await db.connect();
  const results = {};
  const boards = [];
  for (const [name, content] of [
    ['content', { comments: COMMENTS, items: ITEMS, labels: true }],
    ['plain', { comments: 0, items: 0, labels: false }],
  ]) {
    const board = await rest.createBoard({ name: `Snapshot ${name}`, columns: ['To do', 'Doing', 'Review', 'Done'] });
    log(`seeding board "${name}": ${TASKS} tasks, ${TASKS * content.comments} comments, ${TASKS * content.items} checklist items…`);
    const seeded = performance.now();
    await seed(db, board.id, auth.user.id, content);
    log(`seeded in ${Math.round(performance.now() - seeded)} ms`);
    boards.push({ name, content, url: `${origin}/api/v1/boards/${board.id}` });
  }
  await db.query('ANALYZE');
  log(`timing ${REQUESTS} snapshots of each board, interleaved…`);
  const timed = await time(boards.map((b) => b.url), auth.accessToken, REQUESTS);
  boards.forEach(({ name, content }, k) => {
    const { samples, body } = timed[k];
    const snapshot = JSON.parse(body);
    if (snapshot.tasks.length !== TASKS) throw new Error(`snapshot has ${snapshot.tasks.length} tasks, expected ${TASKS}`);
    results[name] = {
      tasks: TASKS,
      comments: TASKS * content.comments,
      checklistItems: TASKS * content.items,
      labels: snapshot.labels.length,
      requests: REQUESTS,
      p50: ms(pct(samples, 50)),
      p95: ms(pct(samples, 95)),
      p99: ms(pct(samples, 99)),
      max: ms(Math.max(...samples)),
      bytes: Buffer.byteLength(body),
      gzipBytes: gzipSync(body).length,
    };
  });
  await db.end();
  const machine = { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => Math.round(x * 100) / 100) };
  const out = resolve(root, 'bench-results');
  mkdirSync(out, { recursive: true });
  const file = resolve(out, `snapshot-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine, results }, null, 2));
  console.log(`| board | tasks | comments | checklist items | p50 ms | p95 ms | p99 ms | max ms | body | gzip |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`| ${name} | ${r.tasks} | ${r.comments} | ${r.checklistItems} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.max} | ${(r.bytes / 1e6).toFixed(2)} MB | ${(r.gzipBytes / 1e3).toFixed(0)} kB |`);
  }
  console.log(`\n${machine.cpus} cores (${machine.model}), load average ${machine.loadavg.join(' ')}; ${file}`);
} finally {
  await stopAll();
}
