import { afterAll, describe, expect, it } from '@jest/globals';
import { BoardStream, type TasklaneSocket } from '@tasklane/client';
import type { EventsPage, JoinAck } from '@tasklane/contracts';
// fixtures.ts and sockets.ts do not import the app, so they may come before the environment is set.
import { createBoard, createTask, registerUser, snapshot, tasksPath } from '../support/fixtures.js';
import { connectSocket } from '../support/sockets.js';

// Caps at low values so they are reached quickly; the per-user write limit raised so that the
// concurrent creates below reach the caps, not the rate limit. Event pages keep their production
// budget (1000 events, 1 MiB). Set before the app module is imported, restored afterwards.
const CAPS = { TASKS_PER_BOARD_MAX: '5', COLUMNS_PER_BOARD_MAX: '6', BOARDS_PER_USER_MAX: '3', RATE_LIMIT_WRITES: '100000/1s', RATE_LIMIT_WRITES_BURST: '100000' };
const saved = Object.fromEntries(Object.keys(CAPS).map((k) => [k, process.env[k]]));
Object.assign(process.env, CAPS);

const { useTestApp } = await import('../support/test-app.js');
const { BoardRoomsService } = await import('../../src/realtime/board-rooms.service.js');

const MiB = 1024 * 1024;

describe('caps (e2e, one replica, low configured caps)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const limitBody = (limit: string, max: number) => ({ statusCode: 409, code: 'LIMIT_REACHED', message: expect.any(String), details: { limit, max }, requestId: expect.any(String) });

  it('refuses a task beyond TASKS_PER_BOARD_MAX with 409 LIMIT_REACHED; concurrent creates cannot overshoot', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: board.columns[0].id, title: `t${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([...Array(5).fill(201), ...Array(7).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body).toEqual(limitBody('tasks_per_board', 5));
    const snap = await snapshot(t, owner.auth, board.id);
    expect(snap.tasks).toHaveLength(5);
    // Only the five successful writes made events: a refused create writes nothing.
    expect(snap.seq).toBe(5);
    // Deleting one makes room again; moving and editing are not creates.
    await t.http().patch(`${tasksPath(board.id)}/${snap.tasks[0].id}`).set(owner.auth).send({ title: 'edited' }).expect(200);
    await t.http().delete(`${tasksPath(board.id)}/${snap.tasks[0].id}`).set(owner.auth).expect(204);
    await createTask(t, owner.auth, board.id, { columnId: board.columns[1].id, title: 'room again' });
    await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: board.columns[0].id, title: 'full again' }).expect(409);
  });

  it('refuses a column beyond COLUMNS_PER_BOARD_MAX, concurrently too, and a new board with more initial columns', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth, { name: 'Empty', columns: [] });
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: `c${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([...Array(6).fill(201), ...Array(3).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body).toEqual(limitBody('columns_per_board', 6));
    expect((await snapshot(t, owner.auth, board.id)).columns).toHaveLength(6);
    const tooWide = await t.http().post('/api/v1/boards').set(owner.auth).send({ name: 'Wide', columns: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }).expect(409);
    expect(tooWide.body).toEqual(limitBody('columns_per_board', 6));
    const mine = await t.http().get('/api/v1/boards').set(owner.auth).expect(200);
    expect(mine.body.items.map((b: { name: string }) => b.name)).toEqual(['Empty']);
  });

  /** An invitation to `email` on `boardId` by its owner `auth`; returns its id. */
  const invite = async (auth: { Authorization: string }, boardId: string, email: string, role = 'editor') =>
    ((await t.http().post(`/api/v1/boards/${boardId}/invitations`).set(auth).send({ email, role }).expect(201)).body as { id: string }).id;

  it('keeps a user within BOARDS_PER_USER_MAX memberships: creating and joining (accepting an invitation) both count, concurrently too', async () => {
    const user = await registerUser(t);
    const creates = await Promise.all(Array.from({ length: 7 }, (_, i) => t.http().post('/api/v1/boards').set(user.auth).send({ name: `b${i}` })));
    expect(creates.map((r) => r.status).sort()).toEqual([201, 201, 201, 409, 409, 409, 409]);
    for (const r of creates.filter((x) => x.status === 409)) expect(r.body).toEqual(limitBody('boards_per_user', 3));
    // Joining someone else's board is a membership too: the acceptance is refused, and nothing is added.
    const other = await registerUser(t);
    const theirs = await createBoard(t, other.auth);
    const invitation = await invite(other.auth, theirs.id, user.user.email);
    const add = await t.http().post(`/api/v1/invitations/${invitation}/accept`).set(user.auth).expect(409);
    expect(add.body).toEqual(limitBody('boards_per_user', 3));
    expect((await snapshot(t, other.auth, theirs.id)).members.map((m) => m.userId)).toEqual([other.user.id]);
    // Leaving one board makes room for exactly one.
    const boards = (await t.http().get('/api/v1/boards').set(user.auth).expect(200)).body.items as { id: string }[];
    await t.http().delete(`/api/v1/boards/${boards[0].id}`).set(user.auth).expect(204);
    await t.http().post(`/api/v1/invitations/${invitation}/accept`).set(user.auth).expect(200);
    await t.http().post('/api/v1/boards').set(user.auth).send({ name: 'over' }).expect(409);
  });

  it('counts a create and an acceptance racing for the last membership one after another: exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const user = await registerUser(t);
      await createBoard(t, user.auth);
      await createBoard(t, user.auth);
      const other = await registerUser(t);
      const theirs = await createBoard(t, other.auth);
      const invitation = await invite(other.auth, theirs.id, user.user.email, 'viewer');
      const [created, added] = await Promise.all([
        t.http().post('/api/v1/boards').set(user.auth).send({ name: 'race' }),
        t.http().post(`/api/v1/invitations/${invitation}/accept`).set(user.auth),
      ]);
      // Exactly one of the two wins (create 201 or accept 200); the other is LIMIT_REACHED.
      expect([created.status === 201 ? 'won' : created.status, added.status === 200 ? 'won' : added.status].sort()).toEqual([409, 'won']);
      expect((await t.http().get('/api/v1/boards').set(user.auth).expect(200)).body.items).toHaveLength(3);
    }
  });

  it('cuts a board:join catch-up at 1000 events into resync: true, and GET …/events pages at 1000', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'v0' });
    // 1001 events: the create, then 1000 edits (16 at a time; writes to one board queue on its lock).
    for (let i = 0; i < 1000; i += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, 1000 - i) }, (_, j) => t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ title: `v${i + j + 1}` }).expect(200)),
      );
    }
    const s = await connectSocket(t.url, owner.accessToken);
    sockets.push(s);
    expect((await s.emitWithAck('board:join', { boardId: board.id, afterSeq: 0 })) as JoinAck).toEqual({ ok: true, seq: 1001, resync: true });
    const ack = (await s.emitWithAck('board:join', { boardId: board.id, afterSeq: 1 })) as JoinAck & { events?: { seq: number }[] };
    expect(ack).toMatchObject({ ok: true, seq: 1001 });
    expect(ack.events?.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 2));
    // Both readers in one batched catch-up read: the far one does not cut the near one's page short.
    const [far, near] = await Promise.all([t.app.get(BoardRoomsService).catchUp(board.id, 0), t.app.get(BoardRoomsService).catchUp(board.id, 1)]);
    expect(far).toEqual({ ok: true, seq: 1001, resync: true });
    expect(near).toEqual(ack);
    const page = (await t.http().get(`/api/v1/boards/${board.id}/events`).query({ after: 0 }).set(owner.auth).expect(200)).body as EventsPage;
    expect(page.items).toHaveLength(1000);
    expect(page.lastSeq).toBe(1001);
  }, 60_000);

  it('cuts a join catch-up and an events page at 1 MiB of JSON: resync on join, a shorter page over REST', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const task = await createTask(t, owner.auth, board.id, { columnId: board.columns[0].id, title: 'big' });
    // 60 edits with a 20,000-character description: about 20 KB per event, 1.2 MB in all.
    for (let i = 0; i < 60; i++) {
      await t.http().patch(`${tasksPath(board.id)}/${task.id}`).set(owner.auth).send({ description: `${i}`.padEnd(20_000, 'x') }).expect(200);
    }
    const page = (await t.http().get(`/api/v1/boards/${board.id}/events`).query({ after: 0 }).set(owner.auth).expect(200)).body as EventsPage;
    expect(page.lastSeq).toBe(61);
    expect(page.items.length).toBeGreaterThan(40);
    expect(page.items.length).toBeLessThan(61);
    expect(Buffer.byteLength(JSON.stringify(page.items))).toBeLessThanOrEqual(MiB);
    expect(page.items.map((e) => e.seq)).toEqual(Array.from({ length: page.items.length }, (_, i) => i + 1));
    // The next page carries on where this one stopped.
    const rest = (await t.http().get(`/api/v1/boards/${board.id}/events`).query({ after: page.items.length }).set(owner.auth).expect(200)).body as EventsPage;
    expect(rest.items.map((e) => e.seq)).toEqual(Array.from({ length: 61 - page.items.length }, (_, i) => page.items.length + i + 1));

    const s = await connectSocket(t.url, owner.accessToken);
    sockets.push(s);
    expect((await s.emitWithAck('board:join', { boardId: board.id, afterSeq: 0 })) as JoinAck).toEqual({ ok: true, seq: 61, resync: true });
    const recent = (await s.emitWithAck('board:join', { boardId: board.id, afterSeq: 50 })) as JoinAck & { events?: { seq: number }[] };
    expect(recent.events?.map((e) => e.seq)).toEqual(Array.from({ length: 11 }, (_, i) => 51 + i));
    // Both in one batched catch-up read: each reader's events are measured on their own.
    const [whole, tail] = await Promise.all([t.app.get(BoardRoomsService).catchUp(board.id, 0), t.app.get(BoardRoomsService).catchUp(board.id, 50)]);
    expect(whole).toEqual({ ok: true, seq: 61, resync: true });
    expect(tail).toEqual(recent);
    // BoardStream resuming from seq 0 resyncs from the snapshot.
    const resyncs: number[] = [];
    const stream = new BoardStream({ baseUrl: t.url, token: owner.accessToken, boardId: board.id, from: 0, onResync: (snap) => resyncs.push(snap.seq) });
    try {
      await stream.start();
      expect(resyncs).toEqual([61]);
      expect(stream.seq).toBe(61);
    } finally {
      stream.close();
    }
  }, 30_000);
});
