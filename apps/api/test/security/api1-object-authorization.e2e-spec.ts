import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { TasklaneSocket } from '@tasklane/client';
import type { AnyBoardEvent, JoinAck } from '@tasklane/contracts';

// OWASP API1 (broken object level authorization) for the board room of Socket.IO: who may hear a
// board's events. The REST side (every board-scoped route with another board's ids or by a
// non-member) is in authorization-matrix.e2e-spec.ts. Limits are off: the attack loops below
// would otherwise be cut by the per-socket rate limit, which is not what this suite proves.
process.env.RATE_LIMITS = 'off';
const { useTestApp } = await import('../support/test-app.js');
const { addMember, createBoard, registerUser, tasksPath } = await import('../support/fixtures.js');
const { connectSocket } = await import('../support/sockets.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('API1: a board’s events reach members only (Socket.IO)', () => {
  const sockets: TasklaneSocket[] = [];
  const t = useTestApp({ beforeClose: () => sockets.forEach((s) => s.disconnect()) });
  afterAll(() => sockets.forEach((s) => s.disconnect()));

  it('a non-member keeping 50 board:join in flight during 300 writes receives 0 board:event and every join is refused', async () => {
    const owner = await registerUser(t, 'Owner');
    const stranger = await registerUser(t, 'Stranger');
    const board = await createBoard(t, owner.auth);
    const attacker = await connectSocket(t.url, stranger.accessToken);
    sockets.push(attacker);
    const received: AnyBoardEvent[] = [];
    attacker.on('board:event', (e) => received.push(e));
    const acks: JoinAck[] = [];
    let writing = true;
    // 50 joins always in flight: each refused join is immediately sent again.
    const flood = Promise.all(
      Array.from({ length: 50 }, async () => {
        // A generous ack timeout: in CI this runs beside other suites on two shared cores.
        while (writing) acks.push(await attacker.timeout(30_000).emitWithAck('board:join', { boardId: board.id }));
      }),
    );
    for (let i = 0; i < 300; i++) {
      await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: board.columns[i % 3].id, title: `w${i}` }).expect(201);
    }
    writing = false;
    await flood;
    await sleep(300); // anything still in flight arrives
    expect(acks.length).toBeGreaterThan(50);
    expect(acks.every((a) => !a.ok && a.error.code === 'BOARD_NOT_FOUND')).toBe(true);
    expect(received).toEqual([]);
  }, 300_000);

  it('a removed member’s socket receives no event after the removal, and its later joins are refused', async () => {
    const owner = await registerUser(t, 'Owner');
    const board = await createBoard(t, owner.auth);
    const member = await addMember(t, owner.auth, board.id, 'editor');
    const socket = await connectSocket(t.url, member.accessToken);
    sockets.push(socket);
    expect((await socket.emitWithAck('board:join', { boardId: board.id })) as JoinAck).toMatchObject({ ok: true });
    const received: AnyBoardEvent[] = [];
    const removed: string[] = [];
    socket.on('board:event', (e) => received.push(e));
    socket.on('board:removed', (n) => removed.push(n.reason));
    await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: board.columns[0].id, title: 'before' }).expect(201);
    await t.http().delete(`/api/v1/boards/${board.id}/members/${member.user.id}`).set(owner.auth).expect(204);
    for (let i = 0; i < 20; i++) await t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: board.columns[0].id, title: `after ${i}` }).expect(201);
    await sleep(300);
    const removal = received.findIndex((e) => e.type === 'member.removed');
    expect(removal).toBeGreaterThanOrEqual(0);
    expect(received.slice(removal + 1)).toEqual([]);
    expect(received.map((e) => e.type)).toEqual(['task.created', 'member.removed']);
    expect(removed).toEqual(['membership revoked']);
    expect((await socket.emitWithAck('board:join', { boardId: board.id })) as JoinAck).toMatchObject({ ok: false, error: { code: 'BOARD_NOT_FOUND' } });
  }, 60_000);

  it('answers a join for an unknown board, a malformed id and another user’s board alike, and never leaves the socket in that room', async () => {
    const owner = await registerUser(t, 'Owner');
    const other = await registerUser(t, 'Other');
    const theirs = await createBoard(t, other.auth);
    const socket = await connectSocket(t.url, owner.accessToken);
    sockets.push(socket);
    const unknown = (await socket.emitWithAck('board:join', { boardId: randomUUID() })) as JoinAck;
    const foreign = (await socket.emitWithAck('board:join', { boardId: theirs.id })) as JoinAck;
    const upper = (await socket.emitWithAck('board:join', { boardId: theirs.id.toUpperCase() })) as JoinAck;
    expect([unknown, foreign, upper]).toEqual([unknown, unknown, unknown]);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'BOARD_NOT_FOUND' } });
    const received: AnyBoardEvent[] = [];
    socket.on('board:event', (e) => received.push(e));
    await t.http().patch(`/api/v1/boards/${theirs.id}`).set(other.auth).send({ name: 'renamed' }).expect(200);
    await sleep(200);
    expect(received).toEqual([]);
  });
});
