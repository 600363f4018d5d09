import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { BoardStream, TasklaneRestClient, applyEvent, cloneState, normalizeState, type TasklaneSocket } from '@tasklane/client';
import type { AnyBoardEvent, BoardRole, JoinAck } from '@tasklane/contracts';
import { BoardAccessService } from '../src/board-access/board-access.service.js';
import { BoardEventsService } from '../src/events/board-events.service.js';
import { SocketEventPublisher } from '../src/realtime/socket-event.publisher.js';
import { SocketServer } from '../src/realtime/socket-server.js';
import { RedisConnections } from '../src/redis/redis-connections.service.js';
import { addMember, createBoard, registerUser } from './support/fixtures.js';
import { connected, openSocket } from './support/sockets.js';
import { useTestApp } from './support/test-app.js';

describe('realtime gateway (e2e, one replica)', () => {
  const sockets: TasklaneSocket[] = [];
  const streams: BoardStream[] = [];
  const t = useTestApp({
    beforeClose: () => {
      sockets.forEach((s) => s.disconnect());
      streams.forEach((s) => s.close());
    },
  });

  it('refuses a handshake without a valid token with connect_error "unauthorized"', async () => {
    for (const token of [undefined, 'garbage']) {
      const s = openSocket(t.url, token);
      sockets.push(s);
      await expect(connected(s)).rejects.toMatchObject({ message: 'unauthorized' });
    }
  });

  it('reads a page of events and the board’s seq in one snapshot, while writes commit', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    // Four writers of their own, ten writes each: every user stays within its write burst.
    const writers = [];
    for (let i = 0; i < 4; i++) writers.push(await addMember(t, owner.auth, board.id, 'editor'));
    const api = new TasklaneRestClient(t.url, owner.accessToken);
    for (let i = 0; i < 3; i++) await api.createColumn(board.id, { name: `c${i}` }); // seq 4 (the members) + 3
    let writing = true;
    const writes = Promise.allSettled(
      writers.map(async (w, n) => {
        const client = new TasklaneRestClient(t.url, w.accessToken);
        for (let i = 0; i < 10; i++) await client.createColumn(board.id, { name: `w${n}-${i}` });
      }),
    ).finally(() => (writing = false));
    // The service itself, polled as fast as it answers (through HTTP the reads' rate limit would
    // space them out, and a race needs many tries to show).
    const events = t.app.get(BoardEventsService);
    const pages: { seqs: number[]; lastSeq: number }[] = [];
    try {
      while (writing) {
        const [page, short] = await Promise.all([events.listAfter(board.id, 0), events.listAfter(board.id, 0, 3)]);
        pages.push({ seqs: page.items.map((e) => e.seq), lastSeq: page.lastSeq });
        // A short page ends before the head: its events are the first ones, in order.
        expect(short.items.map((e) => e.seq)).toEqual([1, 2, 3]);
        expect(short.lastSeq).toBeGreaterThanOrEqual(7);
      }
    } finally {
      // Also when an expectation above failed: no writer outlives the test.
      expect((await writes).filter((r) => r.status === 'rejected')).toEqual([]);
    }
    expect(pages.length).toBeGreaterThan(1);
    // Every full page holds exactly the events 1…lastSeq: none committed after the seq it reports,
    // none missing before it (reads of the two in two snapshots disagree while writes commit).
    for (const { seqs, lastSeq } of pages) expect(seqs).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    expect((await api.listEvents(board.id, 0)).lastSeq).toBe(47);
  });

  it('refuses to join a board the user is not a member of, whatever id is sent', async () => {
    const owner = await registerUser(t);
    const stranger = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const s = openSocket(t.url, stranger.accessToken);
    sockets.push(s);
    await connected(s);
    const ack = (await s.emitWithAck('board:join', { boardId: board.id })) as JoinAck;
    expect(ack).toEqual({ ok: false, error: { code: 'BOARD_NOT_FOUND', message: expect.any(String) } });
    const bad = (await s.emitWithAck('board:join', { boardId: 'not-a-uuid' } as never)) as JoinAck;
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    // and receives nothing from that board
    const received: AnyBoardEvent[] = [];
    s.on('board:event', (e) => received.push(e));
    await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: 'Secret' }).expect(201);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
  });

  it('delivers every write to joined members, in order, and replay equals the snapshot', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const events: AnyBoardEvent[] = [];
    const stream = new BoardStream({ baseUrl: t.url, token: owner.accessToken, boardId: board.id, onEvent: (e) => events.push(e) });
    streams.push(stream);
    await stream.start();
    const api = new TasklaneRestClient(t.url, owner.accessToken);
    const col = board.columns[0];
    const a = await api.createTask(board.id, { columnId: col.id, title: 'a' });
    const b = await api.createTask(board.id, { columnId: col.id, title: 'b' });
    await api.moveTask(board.id, b.id, { columnId: board.columns[1].id });
    await api.updateTask(board.id, a.id, { title: 'a2', description: 'x' });
    await api.deleteTask(board.id, b.id);
    await api.updateBoard(board.id, { name: 'Renamed' });
    await stream.waitForSeq(6);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'task.created'],
      [2, 'task.created'],
      [3, 'task.moved'],
      [4, 'task.updated'],
      [5, 'task.deleted'],
      [6, 'board.updated'],
    ]);
    const replay = cloneState(board);
    events.forEach((e) => applyEvent(replay, e));
    expect(normalizeState(replay)).toEqual(normalizeState(await api.getBoard(board.id)));
    expect(normalizeState(stream.state!)).toEqual(normalizeState(await api.getBoard(board.id)));
  });

  it('a client joining with afterSeq gets exactly the events it missed, then live ones', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const api = new TasklaneRestClient(t.url, owner.accessToken);
    for (let i = 0; i < 5; i++) await api.createTask(board.id, { columnId: board.columns[0].id, title: `t${i}` });
    const s = openSocket(t.url, owner.accessToken);
    sockets.push(s);
    await connected(s);
    const ack = (await s.emitWithAck('board:join', { boardId: board.id, afterSeq: 2 })) as JoinAck;
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.seq).toBe(5);
    expect(ack.events!.map((e) => e.seq)).toEqual([3, 4, 5]);
    const live = new Promise<AnyBoardEvent>((resolve) => s.once('board:event', resolve));
    await api.createTask(board.id, { columnId: board.columns[0].id, title: 'live' });
    expect((await live).seq).toBe(6);
  });

  it('BoardStream from a seq catches up the missed events exactly once', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const api = new TasklaneRestClient(t.url, owner.accessToken);
    for (let i = 0; i < 4; i++) await api.createColumn(board.id, { name: `c${i}` });
    const seen: number[] = [];
    const stream = new BoardStream({ baseUrl: t.url, token: owner.accessToken, boardId: board.id, from: 1, onEvent: (e) => seen.push(e.seq) });
    streams.push(stream);
    await stream.start();
    await api.createColumn(board.id, { name: 'after' });
    await stream.waitForSeq(5);
    expect(seen).toEqual([2, 3, 4, 5]);
    expect(stream.stats.duplicates).toBe(0);
  });

  it('writes the frames a socket is sent in one pass with one system call, in order', async () => {
    const { board, s } = await ownerInBoardRoom();
    await new Promise((r) => setTimeout(r, 100)); // presence notices of the join are out
    // The server's end of this socket's TCP connection: count what the stream hands to the kernel.
    const io = t.app.get(SocketServer).io;
    const conn = io.of('/').sockets.get(s.id!)!.conn as unknown as { transport: { socket: { _socket: { _write: Function; _writev: Function } } } };
    const tcp = conn.transport.socket._socket;
    // Only the calls that carry a burst frame count: a `board:seq` heartbeat or presence frame in
    // the same window must not fail the test.
    const calls: string[] = [];
    const burst = (chunk: unknown) => String(chunk).includes('test:burst');
    const [write, writev] = [tcp._write, tcp._writev];
    tcp._write = function (this: unknown, ...a: unknown[]) {
      if (burst(a[0])) calls.push('write');
      return write.apply(this, a);
    };
    tcp._writev = function (this: unknown, ...a: unknown[]) {
      if ((a[0] as { chunk: unknown }[]).some((c) => burst(c.chunk))) calls.push('writev');
      return writev.apply(this, a);
    };
    try {
      const got: number[] = [];
      const all = new Promise<void>((resolve) => {
        s.on('test:burst' as never, (n: number) => {
          got.push(n);
          if (got.length === 40) resolve();
        });
      });
      // 20 broadcasts to the board's room (the path of a group-commit batch's events, each frame
      // encoded once per broadcast), then 20 packets to the socket alone, all in one pass.
      type Untyped = { emit(event: string, n: number): unknown };
      for (let n = 0; n < 20; n++) (io.to(`board:${board.id}`) as unknown as Untyped).emit('test:burst', n);
      for (let n = 20; n < 40; n++) (io.of('/').sockets.get(s.id!) as unknown as Untyped).emit('test:burst', n);
      await all;
      expect(got).toEqual(Array.from({ length: 40 }, (_, n) => n));
      // All 40 go out together at the end of the pass (the client reads as fast as it is sent, so
      // nothing waits for the kernel's buffer). One frame per write would be 40; two writes, the
      // first frame and then the rest after its write callback, without the transport kept
      // writable through the pass.
      expect(calls).toEqual(['writev']);
    } finally {
      tcp._write = write;
      tcp._writev = writev;
    }
  });

  it('loses nothing and keeps the order for a client that stops reading while it is sent many passes', async () => {
    const { board, s } = await ownerInBoardRoom();
    // The client's end stops reading: the kernel buffers fill, then the server's socket queues.
    const client = (s.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
    const server = t.app.get(SocketServer).io;
    const conn = server.of('/').sockets.get(s.id!)!.conn as unknown as { writeBuffer: unknown[]; transport: { socket: { _socket: { writableLength: number } } } };
    const tcp = conn.transport.socket._socket;
    const got: number[] = [];
    const total = 2_000;
    const all = new Promise<void>((resolve) => {
      s.on('test:slow' as never, (n: number) => {
        got.push(n);
        if (got.length === total) resolve();
      });
    });
    client.pause();
    const body = 'x'.repeat(4_000);
    type Untyped = { emit(event: string, n: number, body: string): unknown };
    let queuedInSocket = 0;
    let heldByEngine = 0;
    // 20 passes of 100 frames (about 8 MB in all, far more than the loopback's kernel buffers
    // take), each pass in its own event-loop turn.
    for (let pass = 0; pass < 20; pass++) {
      for (let i = 0; i < 100; i++) (server.to(`board:${board.id}`) as unknown as Untyped).emit('test:slow', pass * 100 + i, body);
      await new Promise((r) => setImmediate(r));
      queuedInSocket = Math.max(queuedInSocket, tcp.writableLength);
      heldByEngine = Math.max(heldByEngine, conn.writeBuffer.length);
    }
    // The kernel did not take it all, and then engine.io's own flow control held the later
    // passes: at most one pass (100 frames of about 4 KB) waited in the socket.
    expect(queuedInSocket).toBeGreaterThan(0);
    expect(queuedInSocket).toBeLessThan(500_000);
    expect(heldByEngine).toBeGreaterThan(0);
    client.resume();
    await all;
    expect(got).toEqual(Array.from({ length: total }, (_, n) => n));
  });

  it('sends the PUBLISH of every event of a batch to Redis in one write', async () => {
    const pub = t.app.get(RedisConnections).pub as unknown as { stream: { _write: Function; _writev: Function } } | null;
    expect(pub).not.toBeNull(); // the e2e app runs with REDIS_URL
    const stream = pub!.stream;
    // The PUBLISHes of this test's events: their channel names the board's room (the adapter's
    // `<key>#<namespace>#<room>#`); other traffic on the connection is not counted.
    const boardId = randomUUID();
    const publishes = (chunk: unknown) => String(chunk).split(`#board:${boardId}#`).length - 1;
    let writes = 0;
    let commands = 0;
    const [write, writev] = [stream._write, stream._writev];
    stream._write = function (this: unknown, ...a: unknown[]) {
      const n = publishes(a[0]);
      if (n > 0) {
        writes += 1;
        commands += n;
      }
      return write.apply(this, a);
    };
    stream._writev = function (this: unknown, ...a: unknown[]) {
      const n = (a[0] as { chunk: unknown }[]).reduce((sum, c) => sum + publishes(c.chunk), 0);
      if (n > 0) {
        writes += 1;
        commands += n;
      }
      return writev.apply(this, a);
    };
    try {
      const events = Array.from({ length: 10 }, (_, i) => ({ boardId, seq: i + 1, type: 'column.deleted', actorId: randomUUID(), occurredAt: new Date().toISOString(), data: { id: randomUUID() } }) as AnyBoardEvent);
      expect(t.app.get(SocketEventPublisher).publish(events).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
      await new Promise((r) => setTimeout(r, 100));
      expect(commands).toBe(10);
      expect(writes).toBe(1); // 10 without RedisConnections.batchWrites
    } finally {
      stream._write = write;
      stream._writev = writev;
    }
  });

  /** A new owner's board and the owner's connected socket, joined to the board's room. */
  async function ownerInBoardRoom() {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const s = openSocket(t.url, owner.accessToken);
    sockets.push(s);
    await connected(s);
    expect(((await s.emitWithAck('board:join', { boardId: board.id })) as JoinAck).ok).toBe(true);
    return { board, s };
  }

  /** An owner's board, an editor on it, and the editor's connected socket (not joined yet). */
  async function editorSocket() {
    const owner = await registerUser(t);
    const member = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    await addMember(t, owner.auth, board.id, 'editor', member);
    const s = openSocket(t.url, member.accessToken);
    sockets.push(s);
    await connected(s);
    return { owner, member, board, s };
  }

  it('removing a member takes their sockets out of the board room', async () => {
    const { owner, member, board, s } = await editorSocket();
    expect(((await s.emitWithAck('board:join', { boardId: board.id })) as JoinAck).ok).toBe(true);
    const received: AnyBoardEvent[] = [];
    s.on('board:event', (e) => received.push(e));
    const removed = new Promise((resolve) => s.once('board:removed', resolve));
    await t.http().delete(`/api/v1/boards/${board.id}/members/${member.user.id}`).set(owner.auth).expect(204);
    await expect(removed).resolves.toMatchObject({ boardId: board.id });
    await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: 'after removal' }).expect(201);
    await new Promise((r) => setTimeout(r, 200));
    expect(received.map((e) => e.type)).not.toContain('column.created');
    // and cannot join again
    expect(((await s.emitWithAck('board:join', { boardId: board.id })) as JoinAck).ok).toBe(false);
  });

  it('refuses a join when the member is removed between its two membership checks, and sends nothing after', async () => {
    const { owner, member, board, s } = await editorSocket();
    // The removal commits right after the first check's read (which still sees the member) and
    // before the gateway joins the room: the eviction finds nobody in it, so only the second
    // check, read after that commit, can keep the socket out.
    const access = t.app.get(BoardAccessService);
    const rolesAmong = access.rolesAmong.bind(access);
    let firstCheck: Map<string, BoardRole> | undefined;
    access.rolesAmong = async (pairs) => {
      const roles = await rolesAmong(pairs);
      if (!firstCheck && pairs.some((p) => p.boardId === board.id && p.userId === member.user.id)) {
        firstCheck = roles;
        await t.http().delete(`/api/v1/boards/${board.id}/members/${member.user.id}`).set(owner.auth).expect(204);
      }
      return roles;
    };
    try {
      const ack = (await s.emitWithAck('board:join', { boardId: board.id })) as JoinAck;
      expect(firstCheck?.get(`${board.id}:${member.user.id}`)).toBe('editor');
      expect(ack).toEqual({ ok: false, error: { code: 'BOARD_NOT_FOUND', message: expect.any(String) } });
    } finally {
      access.rolesAmong = rolesAmong;
    }
    const received: AnyBoardEvent[] = [];
    s.on('board:event', (e) => received.push(e));
    await t.http().post(`/api/v1/boards/${board.id}/columns`).set(owner.auth).send({ name: 'after removal' }).expect(201);
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
  });
});
