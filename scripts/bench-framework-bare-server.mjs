// Bare Fastify baseline for `scripts/bench-framework.mjs` (issue 13: "a baseline Fastify route doing
// the same SQL shows what the framework costs"). One route, PATCH /boards/:boardId/tasks/:taskId,
// doing what a Tasklane task update does on its hot path and nothing else:
//   - verifies the HS256 bearer token (jsonwebtoken with a KeyObject, as apps/api/src/auth does);
//   - checks the body by hand ({ title: non-empty string ≤ 200 }, nothing else) → 400;
//   - one transaction on a node-postgres pool of 10, named prepared statements: BEGIN; the stream
//     lock (advisory + row lock, as the group commit takes it); the member's role; the change
//     (UPDATE … RETURNING the task); the seq bump + event INSERT with the event's JSON; COMMIT;
//   - publishes the event on Redis (ioredis PUBLISH; a replica's outbox relay publishes each event
//     once through the Socket.IO Redis adapter);
//   - answers the task as JSON (200).
// No Nest, no class-validator, no interceptors, logging, metrics, tracing or AsyncLocalStorage.
//
// `node scripts/bench-framework-bare-server.mjs --database-url URL --redis-url URL --secret HEX
//   --boards N` creates its tables in the (scratch) database, seeds N boards with one member
// (user id `u1`, editor) and one task each (task id = board id), listens on a free loopback port
// and prints one line `{"port":N,"pid":N}` once ready. SIGTERM/SIGINT: closes and exits 0.
import { createSecretKey } from 'node:crypto';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import pg from 'pg';
import { parseCliArgs } from './cli-args.mjs';

const args = parseCliArgs('usage: node scripts/bench-framework-bare-server.mjs --database-url URL --redis-url URL --secret HEX --boards N', {
  'database-url': { type: 'string' },
  'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
  secret: { type: 'string' },
  boards: { type: 'string', default: '16' },
});
const key = createSecretKey(Buffer.from(args.secret, 'hex'));
const pool = new pg.Pool({ connectionString: args['database-url'], max: 10 });
const redis = new Redis(args['redis-url']);

const LOCK = 'WITH turn AS (SELECT pg_advisory_xact_lock(1, $1)) SELECT s.seq FROM turn, streams s WHERE s.id = $1 FOR UPDATE OF s';
const ROLE = 'SELECT role FROM members WHERE board = $1 AND member = $2';
const CHANGE = 'UPDATE tasks SET title = $3, version = version + 1, updated_at = now() WHERE board = $1 AND id = $2 RETURNING id, board, title, version, updated_at';
const EVENT = 'WITH next AS (UPDATE streams SET seq = seq + 1 WHERE id = $1 RETURNING seq) INSERT INTO events (board, seq, type, payload) SELECT $1, seq, $2, $3 FROM next RETURNING seq';

const setup = await pool.connect();
try {
  await setup.query(`CREATE TABLE IF NOT EXISTS streams (id int PRIMARY KEY, seq bigint NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS members (board int, member text, role text, PRIMARY KEY (board, member));
    CREATE TABLE IF NOT EXISTS tasks (board int, id int, title text NOT NULL, version int NOT NULL DEFAULT 1, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (board, id));
    CREATE TABLE IF NOT EXISTS events (board int, seq bigint, type text NOT NULL, payload jsonb NOT NULL, PRIMARY KEY (board, seq));
    INSERT INTO streams (id) SELECT g FROM generate_series(1, ${Number(args.boards)}) g ON CONFLICT DO NOTHING;
    INSERT INTO members SELECT g, 'u1', 'editor' FROM generate_series(1, ${Number(args.boards)}) g ON CONFLICT DO NOTHING;
    INSERT INTO tasks (board, id, title) SELECT g, g, 'task' FROM generate_series(1, ${Number(args.boards)}) g ON CONFLICT DO NOTHING;`);
} finally {
  setup.release();
}

const app = Fastify({ logger: false });
app.patch('/boards/:boardId/tasks/:taskId', async (request, reply) => {
  const header = request.headers.authorization ?? '';
  let claims;
  try {
    claims = jwt.verify(header.slice(7), key, { algorithms: ['HS256'] });
  } catch {
    return reply.code(401).send({ statusCode: 401, error: 'Unauthorized' });
  }
  const body = request.body;
  const title = body?.title;
  if (typeof title !== 'string' || title.length === 0 || title.length > 200 || Object.keys(body).length !== 1) {
    return reply.code(400).send({ statusCode: 400, error: 'Bad Request' });
  }
  const board = Number(request.params.boardId);
  const id = Number(request.params.taskId);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query({ name: 'lock', text: LOCK, values: [board] });
    const role = await client.query({ name: 'role', text: ROLE, values: [board, claims.sub] });
    if (role.rowCount === 0) {
      await client.query('ROLLBACK');
      return reply.code(404).send({ statusCode: 404, error: 'Not Found' });
    }
    const task = (await client.query({ name: 'change', text: CHANGE, values: [board, id, title] })).rows[0];
    const event = { type: 'task.updated', boardId: board, actorId: claims.sub, data: task };
    const seq = (await client.query({ name: 'event', text: EVENT, values: [board, event.type, JSON.stringify(event)] })).rows[0].seq;
    await client.query('COMMIT');
    await redis.publish(`board:${board}`, JSON.stringify({ ...event, seq: Number(seq) }));
    return task;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
});

await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ port: app.server.address().port, pid: process.pid }));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    await app.close();
    await pool.end();
    redis.disconnect();
    process.exit(0);
  });
}
