// What the outbox's "published" marks cost PostgreSQL per write, against an outbox table of its own
// (issue 13): `npm run bench:outbox [-- --clients 16 --transactions 4000 --rounds 2]`.
// On a scratch database with Tasklane's migrations (created, dropped after), each of --clients
// connections renames the task of a board of its own with the statements a task rename sends today
// (BEGIN; the stream lock, the role check and the seq + event INSERT as in
// board-events.repository.ts and the role check's module; the task UPDATE of tasks.repository.ts
// (`UPDATE_TASK_SQL`, imported from the build), its parameters as for a rename; COMMIT; named
// prepared statements), the event's data being the task row the UPDATE returns, while a marker marks the committed events every 100 ms
// (RELAY_MARK_INTERVAL_MS) as the relay does. Variants:
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
// transaction, PostgreSQL's (all `postgres` processes, /proc) and the WAL written (the distance
// between pg_current_wal_insert_lsn() before and after).
// Alternates the variants so that the machine's drift hits each.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { UPDATE_TASK_SQL } from '../dist/apps/api/src/tasks/tasks.repository.js';
import { cpuSecondsBetween, cpuSecondsByCommand, createScratchDatabase } from '../libs/cluster/dist/index.js';

const { values: args } = parseArgs({ options: { clients: { type: 'string', default: '16' }, transactions: { type: 'string', default: '4000' }, rounds: { type: 'string', default: '2' } } });
const clients = Number(args.clients);
for (const [name, value] of [['clients', clients], ['transactions', Number(args.transactions)], ['rounds', Number(args.rounds)]]) {
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got ${args[name]}`);
}
if (clients > 64) throw new Error(`--clients must be at most 64 (PostgreSQL's max_connections), got ${clients}`);
/** Renames per connection and run: --transactions spread evenly, the rest dropped. */
const perClient = Math.floor(Number(args.transactions) / clients);
if (perClient === 0) throw new Error(`--transactions (${args.transactions}) must be at least --clients (${clients})`);
const transactions = perClient * clients;
const MARK_INTERVAL_MS = 100;
const USER = '00000000-0000-0000-0000-000000000001';
/** The seed's ids: kind 1 a board, 2 its column, 3 its task; `i` from 1. */
const uuid = (kind, i) => `00000000-0000-0000-000${kind}-${String(i).padStart(12, '0')}`;

const LOCK = `WITH turn AS (SELECT pg_advisory_xact_lock(5524481, hashtext($1::uuid::text)))
  SELECT s.seq, EXISTS (SELECT 1 FROM webhooks w WHERE w.board_id = s.board_id AND w.enabled) AS webhooks
    FROM turn, board_streams s WHERE s.board_id = $1::uuid FOR UPDATE OF s`;
const ROLE = 'SELECT role FROM board_members WHERE board_id = $1 AND user_id = $2';
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

/**
 * One run of the variant `name` (a key of VARIANTS): `perClient` renames on each of `clients`
 * connections, and the marker.
 * @param admin a connection to the scratch database, for setup and the WAL position
 * @param url the scratch database's URL
 * @returns `{ tps }` transactions/s, `{ clientUs, postgresUs }` this process's and PostgreSQL's
 *   CPU per transaction (µs), `{ walBytes }` WAL per transaction (bytes)
 * @throws the first database error (the connections are closed first)
 */
async function run(admin, url, name) {
  const variant = VARIANTS[name];
  await admin.query(variant.setup);
  await admin.query('TRUNCATE board_events CASCADE');
  await admin.query('UPDATE board_streams SET seq = 0');
  await admin.query('VACUUM ANALYZE board_events, board_streams, tasks');
  await admin.query('CHECKPOINT');
  const connections = [];
  try {
    for (let i = 0; i <= clients; i++) {
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => undefined); // a dropped connection fails its next query instead
      connections.push(c);
      await c.connect();
    }
    return await measure(admin, variant, name, connections);
  } finally {
    await Promise.all(connections.map((c) => c.end().catch(() => undefined)));
  }
}

/** The measured part of `run`, on its connections (the last one the marker's). */
async function measure(admin, variant, name, connections) {
  const pool = connections.slice(0, clients);
  const marker = connections[clients];
  const q = (c, statement, text, values) => c.query({ name: `${name}:${statement}`, text, values });
  let toMark = [];
  const flush = async () => {
    const batch = toMark;
    toMark = [];
    if (variant.mark && batch.length > 0) await q(marker, 'mark', variant.mark, [batch.map((k) => k.board), batch.map((k) => k.seq)]);
  };
  // The marks run one after another; the first failure is kept (and thrown once the writes end).
  let marking = Promise.resolve();
  let markError = null;
  const timer = setInterval(() => { marking = marking.then(flush).catch((error) => { markError ??= error; }); }, MARK_INTERVAL_MS);
  const lsn0 = (await admin.query('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0].lsn;
  const cpu0 = process.cpuUsage();
  const pg0 = cpuSecondsByCommand('postgres');
  const t0 = performance.now();
  try {
    await Promise.all(pool.map(async (c, i) => {
      const board = uuid(1, i + 1);
      for (let k = 0; k < perClient; k++) {
        await c.query('BEGIN');
        await q(c, 'lock', LOCK, [board]);
        await q(c, 'role', ROLE, [board, USER]);
        const { rows: [task] } = await q(c, 'change', UPDATE_TASK_SQL, [uuid(3, i + 1), board, `title ${k}`, null, null, null, false, null, USER, null, null]);
        const { rows: [row] } = await q(c, 'event', variant.event, [board, 'task.updated', USER, JSON.stringify(task), null, null, null, null, 'null', false]);
        await c.query('COMMIT');
        toMark.push({ board, seq: row.seq });
      }
    }));
  } finally {
    clearInterval(timer);
  }
  await marking;
  await flush();
  if (markError) throw markError;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pgSeconds = cpuSecondsBetween(pg0, cpuSecondsByCommand('postgres'));
  const { rows: [wal] } = await admin.query('SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)::float8 AS bytes', [lsn0]);
  return { tps: Math.round(transactions / seconds), clientUs: Math.round((cpu.user + cpu.system) / transactions), postgresUs: Math.round((pgSeconds * 1e6) / transactions), walBytes: Math.round(wal.bytes / transactions) };
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
