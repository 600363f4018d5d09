// What the outbox's "published" marks cost PostgreSQL per write, against an outbox table of its own
// (issue 13): `npm run bench:outbox [-- --clients 16 --transactions 4000 --rounds 2]`.
// On a scratch database with Tasklane's migrations (created, dropped after), each of --clients
// connections renames the task of a board of its own with the statements a task rename sends today
// (BEGIN; the stream lock; the role check; the UPDATE; the seq + event INSERT; COMMIT, texts as in
// board-events.repository.ts and tasks.repository.ts, named prepared statements), while a marker
// marks the committed events every 100 ms (RELAY_MARK_INTERVAL_MS) as the relay does. Variants:
//   - `published_at` (today): the marker runs the relay's `UPDATE board_events SET published_at`.
//     The partial index `ix_board_events_unpublished` names published_at in its predicate, so that
//     update can never be HOT: every mark writes a new copy of the event row (its JSON included)
//     and new entries in each of the table's indexes, and leaves the old ones to vacuum.
//   - `outbox table`: no partial index; the event INSERT also inserts (board_id, seq) into a table
//     `board_outbox` (primary key, foreign key to the event with ON DELETE CASCADE), and the marker
//     deletes those rows: the transactional outbox as a table of its own.
//   - `no marks`: the marker does nothing (what marking costs at all).
// Before every run: events truncated, a CHECKPOINT (so that every run starts with the same
// full-page writes ahead). Prints per variant and round: transactions/s, this process's CPU per
// transaction, PostgreSQL's (all `postgres` processes, /proc) and the WAL it wrote (pg_stat_wal).
// Alternates the variants so that the machine's drift hits each.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cpuSecondsBetween, cpuSecondsByCommand, createScratchDatabase } from '../libs/cluster/dist/index.js';

const { values: args } = parseArgs({ options: { clients: { type: 'string', default: '16' }, transactions: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '2' } } });
const clients = Number(args.clients);
const transactions = Number(args.transactions);
for (const [name, value] of [['clients', clients], ['transactions', transactions], ['rounds', Number(args.rounds)]]) {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got ${args[name]}`);
}
const MARK_INTERVAL_MS = 100;
const USER = '00000000-0000-0000-0000-000000000001';
const uuid = (kind, i) => `00000000-0000-0000-000${kind}-${String(i).padStart(12, '0')}`;

const LOCK = `WITH turn AS (SELECT pg_advisory_xact_lock(5524481, hashtext($1::uuid::text)))
  SELECT s.seq, EXISTS (SELECT 1 FROM webhooks w WHERE w.board_id = s.board_id AND w.enabled) AS webhooks
    FROM turn, board_streams s WHERE s.board_id = $1::uuid FOR UPDATE OF s`;
const ROLE = 'SELECT role FROM board_members WHERE board_id = $1 AND user_id = $2';
const CHANGE = `UPDATE tasks SET title = $2, version = version + 1, updated_at = now(), updated_by = $3 WHERE id = $1
  RETURNING id, board_id, column_id, title, description, position, assignee_ids, label_ids, due_at, completed_at, version, created_at, updated_at`;
/** The event INSERT of board-events.repository.ts `append`, with `outbox` CTEs (or none) before the INSERT. */
const event = (outbox) => `WITH next AS (UPDATE board_streams SET seq = seq + 1 WHERE board_id = $1 RETURNING seq),
    recorded AS (
      INSERT INTO idempotency_keys (user_id, key, request_hash, response)
      SELECT $7::uuid, $5, $8, $9::jsonb WHERE $10::boolean
      ON CONFLICT (user_id, key) DO NOTHING RETURNING 1)${outbox}
  INSERT INTO board_events (board_id, seq, type, actor_id, occurred_at, data, idempotency_key, traceparent)
  SELECT $1, next.seq, $2, $3, clock_timestamp(), $4::jsonb, $5, $6 FROM next
  RETURNING board_id, seq, type, actor_id, occurred_at, data, idempotency_key, traceparent, (SELECT count(*) FROM recorded)::int AS keys_recorded`;

const VARIANTS = {
  published_at: {
    setup: `DROP TABLE IF EXISTS board_outbox;
      CREATE INDEX IF NOT EXISTS ix_board_events_unpublished ON board_events (occurred_at) WHERE published_at IS NULL`,
    event: event(''),
    mark: `UPDATE board_events e SET published_at = now() FROM unnest($1::uuid[], $2::int[]) AS m(board_id, seq)
      WHERE e.board_id = m.board_id AND e.seq = m.seq AND e.published_at IS NULL`,
  },
  'outbox table': {
    setup: `DROP INDEX IF EXISTS ix_board_events_unpublished;
      CREATE TABLE IF NOT EXISTS board_outbox (board_id uuid NOT NULL, seq integer NOT NULL, PRIMARY KEY (board_id, seq),
        FOREIGN KEY (board_id, seq) REFERENCES board_events (board_id, seq) ON DELETE CASCADE)`,
    event: event(`,
    outboxed AS (INSERT INTO board_outbox (board_id, seq) SELECT $1, seq FROM next)`),
    mark: `DELETE FROM board_outbox o USING unnest($1::uuid[], $2::int[]) AS m(board_id, seq) WHERE o.board_id = m.board_id AND o.seq = m.seq`,
  },
  'no marks': {
    setup: `DROP TABLE IF EXISTS board_outbox;
      CREATE INDEX IF NOT EXISTS ix_board_events_unpublished ON board_events (occurred_at) WHERE published_at IS NULL`,
    event: event(''),
    mark: null,
  },
};

/** One run of `variant`: `transactions` renames over `clients` connections and the marker. */
async function run(admin, url, name) {
  const variant = VARIANTS[name];
  await admin.query(variant.setup);
  await admin.query('TRUNCATE board_events CASCADE');
  await admin.query('UPDATE board_streams SET seq = 0');
  await admin.query('VACUUM ANALYZE board_events, board_streams, tasks');
  await admin.query('CHECKPOINT');
  const pool = await Promise.all(Array.from({ length: clients + 1 }, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  const marker = pool.pop();
  const q = (c, statement, text, values) => c.query({ name: `${name}:${statement}`, text, values });
  let toMark = [];
  const flush = async () => {
    const batch = toMark;
    toMark = [];
    if (variant.mark && batch.length > 0) await q(marker, 'mark', variant.mark, [batch.map((k) => k.board), batch.map((k) => k.seq)]);
  };
  let marking = Promise.resolve();
  const timer = setInterval(() => { marking = marking.then(flush); }, MARK_INTERVAL_MS);
  const wal0 = BigInt((await admin.query('SELECT wal_bytes::text AS b FROM pg_stat_wal')).rows[0].b);
  const cpu0 = process.cpuUsage();
  const pg0 = cpuSecondsByCommand('postgres');
  const t0 = performance.now();
  await Promise.all(pool.map(async (c, i) => {
    const board = uuid(1, i + 1);
    for (let k = 0; k < transactions / clients; k++) {
      await c.query('BEGIN');
      await q(c, 'lock', LOCK, [board]);
      await q(c, 'role', ROLE, [board, USER]);
      const { rows: [task] } = await q(c, 'change', CHANGE, [uuid(3, i + 1), `title ${k}`, USER]);
      const { rows: [row] } = await q(c, 'event', variant.event, [board, 'task.updated', USER, JSON.stringify(task), null, null, null, null, 'null', false]);
      await c.query('COMMIT');
      toMark.push({ board, seq: row.seq });
    }
  }));
  clearInterval(timer);
  await (marking = marking.then(flush));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pgSeconds = cpuSecondsBetween(pg0, cpuSecondsByCommand('postgres'));
  const wal = Number(BigInt((await admin.query('SELECT wal_bytes::text AS b FROM pg_stat_wal')).rows[0].b) - wal0);
  await Promise.all([...pool, marker].map((c) => c.end()));
  const done = Math.floor(transactions / clients) * clients;
  return { tps: Math.round(done / seconds), clientUs: Math.round((cpu.user + cpu.system) / done), postgresUs: Math.round((pgSeconds * 1e6) / done), walBytes: Math.round(wal / done) };
}

const db = await createScratchDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { prefix: 'tasklane_outbox' });
try {
  const admin = new pg.Client(db.url);
  await admin.connect();
  try {
    await admin.query(`INSERT INTO users (id, email, name, password_hash) VALUES ('${USER}', 'bench@example.com', 'bench', 'x');
      INSERT INTO boards (id, name, created_by) SELECT ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid, 'board ' || g, '${USER}' FROM generate_series(1, ${clients}) g;
      INSERT INTO board_streams (board_id) SELECT id FROM boards;
      INSERT INTO board_members (board_id, user_id, role) SELECT id, '${USER}', 'owner' FROM boards;
      INSERT INTO columns (id, board_id, name, position) SELECT ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid, ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid, 'To do', 'a0' FROM generate_series(1, ${clients}) g;
      INSERT INTO tasks (id, board_id, column_id, title, position, created_by, updated_by)
        SELECT ('00000000-0000-0000-0003-' || lpad(g::text, 12, '0'))::uuid, ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid,
               ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid, 'title', 'a0', '${USER}', '${USER}' FROM generate_series(1, ${clients}) g;`);
    const names = Object.keys(VARIANTS);
    for (const name of names) await run(admin, db.url, name); // warm-up
    console.log(`${clients} connections, ${transactions} task renames per variant and round (6 statements each), marks every ${MARK_INTERVAL_MS} ms`);
    console.log('round  variant          tx/s  client CPU µs/tx  PostgreSQL CPU µs/tx  WAL bytes/tx');
    for (let r = 1; r <= Number(args.rounds); r++) {
      for (const name of r % 2 ? names : [...names].reverse()) {
        const m = await run(admin, db.url, name);
        console.log(`${String(r).padEnd(6)} ${name.padEnd(14)} ${String(m.tps).padStart(6)}  ${String(m.clientUs).padStart(16)}  ${String(m.postgresUs).padStart(20)}  ${String(m.walBytes).padStart(12)}`);
      }
    }
  } finally {
    await admin.end();
  }
} finally {
  await db.drop();
}
