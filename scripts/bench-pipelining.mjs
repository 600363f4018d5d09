// What node-postgres pipelining (`new Client({ pipeline: true })`, pg ≥ 8.23) would save on the
// write path's SQL: `node scripts/bench-pipelining.mjs [--clients 16] [--transactions 3000] [--rounds 3]`.
// On a scratch database (created, dropped after) each of --clients connections runs transactions
// shaped like a board write (BEGIN; the stream lock: advisory lock + row lock; the role check; the
// change: UPDATE; the event: INSERT; COMMIT), once one statement per round trip, as now, and once
// with BEGIN, the lock and the role check pipelined (sent together, answered in order: the role
// check still runs after the lock is granted, in its own statement snapshot, so it still sees what
// the previous lock holder committed). Prints, per variant and round: transactions/s, this
// process's CPU per transaction (user + system) and PostgreSQL's (all `postgres` processes, from
// /proc). Alternates the variants so that the machine's drift hits both.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cpuSecondsBetween, cpuSecondsByCommand, createScratchDatabase } from '../libs/cluster/dist/index.js';

const { values: args } = parseArgs({ options: { clients: { type: 'string', default: '16' }, transactions: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '3' } } });
const clients = Number(args.clients);
const transactions = Number(args.transactions);
const db = await createScratchDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', { prefix: 'tasklane_pipelining', migrate: false });
const LOCK = 'WITH turn AS (SELECT pg_advisory_xact_lock(1, $1)) SELECT s.seq FROM turn, streams s WHERE s.id = $1 FOR UPDATE OF s';
const ROLE = 'SELECT role FROM members WHERE board = $1 AND member = $2';
const CHANGE = 'UPDATE items SET n = n + 1 WHERE board = $1';
const EVENT = 'WITH next AS (UPDATE streams SET seq = seq + 1 WHERE id = $1 RETURNING seq) INSERT INTO events (board, seq) SELECT $1, seq FROM next RETURNING seq';

/** One variant: `clients` connections, `transactions` in all, each connection on a board of its own. */
async function run(pipeline) {
  const pool = await Promise.all(Array.from({ length: clients }, async () => {
    const c = new pg.Client({ connectionString: db.url, pipeline });
    await c.connect();
    return c;
  }));
  const q = (c, name, text, values) => c.query({ name, text, values });
  const cpu0 = process.cpuUsage();
  const pg0 = cpuSecondsByCommand('postgres');
  const t0 = performance.now();
  await Promise.all(pool.map(async (c, i) => {
    const board = i + 1;
    for (let k = 0; k < transactions / clients; k++) {
      if (pipeline) {
        const sent = [c.query('BEGIN'), q(c, 'lock', LOCK, [board]), q(c, 'role', ROLE, [board, 1])];
        await Promise.all(sent);
      } else {
        await c.query('BEGIN');
        await q(c, 'lock', LOCK, [board]);
        await q(c, 'role', ROLE, [board, 1]);
      }
      await q(c, 'change', CHANGE, [board]);
      await q(c, 'event', EVENT, [board]);
      await c.query('COMMIT');
    }
  }));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const pgSeconds = cpuSecondsBetween(pg0, cpuSecondsByCommand('postgres'));
  await Promise.all(pool.map((c) => c.end()));
  return { tps: Math.round(transactions / seconds), clientUs: Math.round((cpu.user + cpu.system) / transactions), postgresUs: Math.round((pgSeconds * 1e6) / transactions) };
}

try {
  const setup = new pg.Client(db.url);
  await setup.connect();
  await setup.query(`CREATE TABLE streams (id int PRIMARY KEY, seq bigint NOT NULL DEFAULT 0);
    CREATE TABLE members (board int, member int, role text, PRIMARY KEY (board, member));
    CREATE TABLE items (board int PRIMARY KEY, n bigint NOT NULL DEFAULT 0);
    CREATE TABLE events (board int, seq bigint, PRIMARY KEY (board, seq));
    INSERT INTO streams (id) SELECT g FROM generate_series(1, ${clients}) g;
    INSERT INTO members SELECT g, 1, 'editor' FROM generate_series(1, ${clients}) g;
    INSERT INTO items (board) SELECT g FROM generate_series(1, ${clients}) g;`);
  await setup.end();
  await run(false); // warm-up
  console.log(`${clients} connections, ${transactions} transactions per variant and round (6 statements each)`);
  console.log('round  variant                          tx/s  client CPU µs/tx  PostgreSQL CPU µs/tx');
  for (let r = 1; r <= Number(args.rounds); r++) {
    for (const pipeline of r % 2 ? [false, true] : [true, false]) {
      const m = await run(pipeline);
      console.log(`${String(r).padEnd(6)} ${(pipeline ? 'pipelined BEGIN + lock + role' : 'one statement per round trip').padEnd(32)} ${String(m.tps).padStart(5)}  ${String(m.clientUs).padStart(16)}  ${String(m.postgresUs).padStart(20)}`);
    }
  }
} finally {
  await db.drop();
}
