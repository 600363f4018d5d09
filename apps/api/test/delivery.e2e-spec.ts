import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pollUntil } from '@tasklane/cluster';
import { BoardStream, TasklaneRestClient, type TasklaneSocket } from '@tasklane/client';
import type { AnyBoardEvent, BoardSeqNotice, JoinAck } from '@tasklane/contracts';
import type { DataSource } from 'typeorm';
// fixtures.ts and sockets.ts do not import the app, so they may come before the environment is set.
import { addMember, createBoard, pruneNow, registerUser } from './support/fixtures.js';
import { connectSocket } from './support/sockets.js';

// Small retention so pruning is observable; set before the app module is imported (config is
// validated at import) and restored afterwards.
const saved = { count: process.env.EVENTS_RETENTION_COUNT, heartbeat: process.env.SEQ_HEARTBEAT_MS, relay: process.env.RELAY_INTERVAL_MS };
process.env.EVENTS_RETENTION_COUNT = '3';
process.env.SEQ_HEARTBEAT_MS = '500';
process.env.RELAY_INTERVAL_MS = '300';

const { useTestApp } = await import('./support/test-app.js');
const { RetentionService } = await import('../src/retention/retention.service.js');
const { getDataSourceToken } = await import('@nestjs/typeorm');

describe('delivery guarantees (e2e, one replica)', () => {
  let db: DataSource;
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  beforeAll(() => {
    db = t.app.get(getDataSourceToken());
  });
  /**
   * The event's `published_at`, once set: marks are written in batches (every 100 ms, after the
   * broadcast), so a loaded machine may take a moment. Polls for up to 5 s.
   * @throws Error when the event is still unmarked after 5 s.
   */
  const publishedMark = (boardId: string, seq: number): Promise<Date> =>
    pollUntil(`published_at of event ${seq}`, async () => {
      const [row] = (await db.query(`SELECT published_at FROM board_events WHERE board_id = $1 AND seq = $2`, [boardId, seq])) as { published_at: Date | null }[];
      if (!(row?.published_at instanceof Date)) throw new Error('not marked yet');
      return row.published_at;
    }, 5_000);
  afterAll(() => {
    for (const [k, v] of Object.entries({ EVENTS_RETENTION_COUNT: saved.count, SEQ_HEARTBEAT_MS: saved.heartbeat, RELAY_INTERVAL_MS: saved.relay })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('marks broadcast events published, and the relay sends an event its replica never broadcast', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const api = new TasklaneRestClient(t.url, owner.accessToken);
    await api.createColumn(board.id, { name: 'normal path' });
    await publishedMark(board.id, 1);

    const s = await connectSocket(t.url, owner.accessToken);
    sockets.push(s);
    expect(((await s.emitWithAck('board:join', { boardId: board.id })) as JoinAck).ok).toBe(true);
    const relayed = new Promise<AnyBoardEvent>((resolve) => s.on('board:event', (e) => e.seq === 2 && resolve(e)));
    // A replica that died between COMMIT and broadcast leaves exactly this behind: a committed,
    // unpublished outbox row (here 10 s old, past RELAY_DELAY_MS).
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE board_streams SET seq = 2 WHERE board_id = $1`, [board.id]);
      await tx.query(
        `INSERT INTO board_events (board_id, seq, type, actor_id, occurred_at, data) VALUES ($1, 2, 'column.deleted', $2, now() - interval '10 seconds', $3::jsonb)`,
        [board.id, owner.user.id, JSON.stringify({ id: board.columns[0].id })],
      );
    });
    await expect(relayed).resolves.toMatchObject({ seq: 2, type: 'column.deleted', boardId: board.id });
    await publishedMark(board.id, 2);
  });

  it('sends board:seq on join and then periodically, so a client learns about events it never received', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    await new TasklaneRestClient(t.url, owner.accessToken).createColumn(board.id, { name: 'x' });
    const s = await connectSocket(t.url, owner.accessToken);
    sockets.push(s);
    const notices: BoardSeqNotice[] = [];
    s.on('board:seq', (n) => n.boardId === board.id && notices.push(n));
    await s.emitWithAck('board:join', { boardId: board.id });
    expect(notices[0]).toEqual({ boardId: board.id, seq: 1 });
    // An event committed but never broadcast (its replica died): only the heartbeat can tell.
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE board_streams SET seq = 2 WHERE board_id = $1`, [board.id]);
      await tx.query(`INSERT INTO board_events (board_id, seq, type, actor_id, data) VALUES ($1, 2, 'column.deleted', $2, $3::jsonb)`, [
        board.id,
        owner.user.id,
        JSON.stringify({ id: board.columns[0].id }),
      ]);
    });
    const deadline = Date.now() + 3000;
    while (!notices.some((n) => n.seq === 2) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(notices.find((n) => n.seq === 2)).toEqual({ boardId: board.id, seq: 2 });
  });

  it('refuses a write from a member removed by the transaction it waited for (lock re-check)', async () => {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    await addMember(t, owner.auth, board.id, 'editor', member);
    // Another writer holds the board's lock and removes the member, as MembersService.remove does.
    const qr = db.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      await qr.query(`SELECT seq FROM board_streams WHERE board_id = $1 FOR UPDATE`, [board.id]);
      await qr.query(`DELETE FROM board_members WHERE board_id = $1 AND user_id = $2`, [board.id, member.user.id]);
      const write = t.http().post(`/api/v1/boards/${board.id}/columns`).set(member.auth).send({ name: 'sneaky' }).then((r) => r);
      await new Promise((r) => setTimeout(r, 300)); // the write is now waiting for the lock
      await qr.commitTransaction();
      const res = await write;
      expect(res.status).toBe(404);
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      await qr.release();
    }
    const events = await new TasklaneRestClient(t.url, owner.accessToken).listEvents(board.id, 0);
    expect(events.items.map((e) => e.type)).toEqual(['member.added']);
  });

  it('prunes beyond the retention window: old after= is 410, join says resync, BoardStream refetches the snapshot', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const api = new TasklaneRestClient(t.url, owner.accessToken);
    for (let i = 0; i < 8; i++) await api.createColumn(board.id, { name: `c${i}` });
    await new Promise((r) => setTimeout(r, 400)); // published marks are batched every 100 ms
    await pruneNow(t.app.get(RetentionService));
    const gone = await t.http().get(`/api/v1/boards/${board.id}/events?after=0`).set({ Authorization: `Bearer ${owner.accessToken}` }).expect(410);
    expect(gone.body.code).toBe('EVENTS_EXPIRED');
    const kept = await api.listEvents(board.id, 5);
    expect(kept.items.map((e) => e.seq)).toEqual([6, 7, 8]);

    const s = await connectSocket(t.url, owner.accessToken);
    sockets.push(s);
    expect(await s.emitWithAck('board:join', { boardId: board.id, afterSeq: 1 })).toEqual({ ok: true, seq: 8, resync: true });

    const resyncs: number[] = [];
    const stream = new BoardStream({ baseUrl: t.url, token: owner.accessToken, boardId: board.id, from: 1, onResync: (snap) => resyncs.push(snap.seq) });
    await stream.start();
    expect(resyncs).toEqual([8]);
    expect(stream.seq).toBe(8);
    stream.close();
  });

  it('lets a retention pass run statements past the pool\'s 10 s statement_timeout (a backlog would otherwise roll every pass back, and nothing would be pruned again)', async () => {
    const ds = t.app.get<DataSource>(getDataSourceToken());
    const user = await registerUser(t);
    await ds.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 hour' WHERE user_id = $1`, [user.user.id]);
    // One of the pass's statements made slow on purpose: deleting ended sessions takes 10.5 s.
    await ds.query(`CREATE FUNCTION tl_test_slow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(10.5); RETURN NULL; END $$`);
    await ds.query(`CREATE TRIGGER tl_test_slow_delete BEFORE DELETE ON auth_sessions FOR EACH STATEMENT EXECUTE FUNCTION tl_test_slow_delete()`);
    try {
      const report = await t.app.get(RetentionService).pruneOnce();
      expect(report?.authTokens).toBeGreaterThanOrEqual(1);
      expect(await ds.query(`SELECT 1 FROM auth_sessions WHERE user_id = $1`, [user.user.id])).toEqual([]);
      // The pool's own limit is back for everything else.
      expect(await ds.query(`SHOW statement_timeout`)).toEqual([{ statement_timeout: '10s' }]);
    } finally {
      await ds.query(`DROP TRIGGER tl_test_slow_delete ON auth_sessions`);
      await ds.query(`DROP FUNCTION tl_test_slow_delete()`);
    }
  }, 40_000);

  it('answers ETag and enforces If-Match on PATCH, move and DELETE (412 with the current entity)', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const auth = { Authorization: `Bearer ${owner.accessToken}` };
    const path = `/api/v1/boards/${board.id}/tasks`;
    const created = await t.http().post(path).set(auth).send({ columnId: board.columns[0].id, title: 't' }).expect(201);
    expect(created.headers.etag).toBe('"1"');
    const got = await t.http().get(`${path}/${created.body.id}`).set(auth).expect(200);
    expect(got.headers.etag).toBe('"1"');

    const first = await t.http().patch(`${path}/${created.body.id}`).set({ ...auth, 'If-Match': '"1"' }).send({ title: 'v2' }).expect(200);
    expect(first.headers.etag).toBe('"2"');
    const stale = await t.http().patch(`${path}/${created.body.id}`).set({ ...auth, 'If-Match': '"1"' }).send({ title: 'lost update' }).expect(412);
    expect(stale.body).toMatchObject({ statusCode: 412, code: 'PRECONDITION_FAILED', details: { current: { id: created.body.id, title: 'v2', version: 2 } } });
    expect(stale.headers.etag).toBe('"2"');
    await t.http().post(`${path}/${created.body.id}/move`).set({ ...auth, 'If-Match': '"1"' }).send({ columnId: board.columns[1].id }).expect(412);
    await t.http().delete(`${path}/${created.body.id}`).set({ ...auth, 'If-Match': '"1"' }).expect(412);
    await t.http().patch(`${path}/${created.body.id}`).set({ ...auth, 'If-Match': 'garbage' }).send({ title: 'x' }).expect(412);
    // weak validators and * match; no If-Match means last write wins
    await t.http().patch(`${path}/${created.body.id}`).set({ ...auth, 'If-Match': 'W/"2"' }).send({ title: 'v3' }).expect(200);
    await t.http().patch(`${path}/${created.body.id}`).set({ ...auth, 'If-Match': '*' }).send({ title: 'v4' }).expect(200);
    await t.http().patch(`${path}/${created.body.id}`).set(auth).send({ title: 'v5' }).expect(200);
    await t.http().delete(`${path}/${created.body.id}`).set({ ...auth, 'If-Match': '"5"' }).expect(204);

    const boardPatch = await t.http().patch(`/api/v1/boards/${board.id}`).set({ ...auth, 'If-Match': '"7"' }).send({ name: 'x' }).expect(412);
    expect(boardPatch.body.details.current).toMatchObject({ id: board.id, version: 1 });
    const snapshot = await t.http().get(`/api/v1/boards/${board.id}`).set(auth).expect(200);
    expect(snapshot.headers.etag).toBe('"1"');
    // failed preconditions wrote nothing: 1 create + 4 patches + 1 delete
    expect((await new TasklaneRestClient(t.url, owner.accessToken).listEvents(board.id, 0)).lastSeq).toBe(6);
  });
});
