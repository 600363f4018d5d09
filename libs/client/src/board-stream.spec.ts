import { afterEach, describe, expect, it } from '@jest/globals';
import type { AnyBoardEvent, BoardSnapshot, EventsPage } from '@tasklane/contracts';
import { BoardStream } from './board-stream.js';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TasklaneHttpError, TasklaneRestClient } from './rest-client.js';

// Unit tests of BoardStream's recovery paths with a stubbed REST client and a stubbed join ack
// (the socket is never connected: events are injected as the socket would emit them).
const boardId = '00000000-0000-4000-8000-000000000001';
const ev = (seq: number): AnyBoardEvent => ({
  boardId,
  seq,
  type: 'board.updated',
  actorId: 'a',
  occurredAt: new Date(0).toISOString(),
  data: { id: boardId, name: `n${seq}`, description: '', seq, version: seq, createdAt: '', updatedAt: '' },
});
const snap = (seq: number): BoardSnapshot => ({ id: boardId, name: 's', description: '', seq, version: 1, createdAt: '', updatedAt: '', columns: [], tasks: [], members: [], labels: [] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Internals = { socket: { timeout: unknown; connect: () => unknown; emitReserved: (ev: string, ...args: unknown[]) => void } };
const streams: BoardStream[] = [];

function makeStream(
  rest: Partial<TasklaneRestClient>,
  ack: () => Promise<unknown>,
  onEvent?: (e: AnyBoardEvent) => void,
  onError?: (e: unknown) => void,
  options: Partial<ConstructorParameters<typeof BoardStream>[0]> = {},
) {
  const s = new BoardStream({ baseUrl: 'http://127.0.0.1:9', token: 't', boardId, from: 5, rest: rest as TasklaneRestClient, gapTimeoutMs: 10, onEvent, onError, ...options });
  streams.push(s);
  const socket = (s as unknown as Internals).socket;
  socket.timeout = () => ({ emitWithAck: ack });
  socket.connect = () => socket; // never dial: 'connect' is emitted by the test
  return { s, emit: (name: string, ...args: unknown[]) => (s as unknown as Internals).socket.emitReserved(name, ...args) };
}

describe('BoardStream recovery', () => {
  afterEach(() => streams.splice(0).forEach((s) => s.close()));

  it('never moves backwards when a resync snapshot arrives after a catch-up got further (no event twice)', async () => {
    let resolveBoard: (b: BoardSnapshot) => void = () => {};
    const rest = {
      getBoard: () => new Promise<BoardSnapshot>((r) => (resolveBoard = r)),
      listEvents: async (_b: string, after: number): Promise<EventsPage> => ({
        items: Array.from({ length: Math.max(0, Math.min(2500, after + 1000) - after) }, (_, i) => ev(after + 1 + i)),
        lastSeq: 2500,
      }),
    };
    const delivered: number[] = [];
    const { s, emit } = makeStream(
      rest,
      async () => {
        emit('board:seq', { boardId, seq: 2500 });
        return { ok: true, seq: 2500, resync: true };
      },
      (e) => delivered.push(e.seq),
    );
    const started = s.start();
    emit('connect');
    await sleep(100); // the REST catch-up reaches 2500 meanwhile
    resolveBoard(snap(2400)); // a snapshot read before the catch-up's last page
    await started;
    await sleep(50);
    expect(s.seq).toBe(2500);
    expect(delivered).toEqual(Array.from({ length: 2495 }, (_, i) => 6 + i));
  });

  it('reports a failed resync through onError and rejects start() instead of an unhandled rejection', async () => {
    const errors: unknown[] = [];
    const rest = {
      getBoard: async (): Promise<BoardSnapshot> => {
        throw new TasklaneHttpError(503, undefined, 'GET', `/boards/${boardId}`);
      },
      listEvents: async (): Promise<EventsPage> => ({ items: [], lastSeq: 0 }),
    };
    const { s, emit } = makeStream(rest, async () => ({ ok: true, seq: 9000, resync: true }), undefined, (e) => errors.push(e));
    const started = s.start();
    emit('connect');
    await expect(started).rejects.toBeInstanceOf(TasklaneHttpError);
    expect(errors[0]).toBeInstanceOf(TasklaneHttpError);
  });

  it('skips an event type it does not know (newer server), holds later events back and resyncs from a snapshot covering them', async () => {
    const delivered: number[] = [];
    const snapshots: number[] = [];
    const statuses: string[] = [];
    let boardCalls = 0;
    // The first snapshot (seq 6) predates event 7, which was already consumed: it must be refused.
    const rest = { getBoard: async () => snap(++boardCalls === 1 ? 6 : 7), listEvents: async () => ({ items: [], lastSeq: 7 }) };
    const { s, emit } = makeStream(rest, async () => ({ ok: true, seq: 5, events: [] }), (e) => delivered.push(e.seq), undefined, {
      gapTimeoutMs: undefined,
      onResync: (b) => snapshots.push(b.seq),
      onStatus: (status) => statuses.push(status),
    });
    const started = s.start();
    emit('connect');
    await started;
    statuses.length = 0;
    emit('board:event', { ...ev(6), type: 'task.teleported' });
    expect(s.status).toBe('catching-up'); // what is shown is behind until the snapshot is in
    emit('board:event', ev(7));
    for (let i = 0; i < 100 && snapshots.length === 0; i++) await sleep(20);
    expect(s.stats.unknownTypes).toBe(1);
    expect(delivered).toEqual([]); // neither the unknown event nor the one after it
    expect(snapshots).toEqual([7]);
    expect(boardCalls).toBe(2);
    await sleep(10);
    expect(statuses).toEqual(['catching-up', 'live']);
    emit('board:event', ev(8));
    expect(delivered).toEqual([8]);
    expect(s.seq).toBe(8);
  });

  it('aborts a catch-up request that hangs after requestTimeoutMs and retries it (a real HTTP server that never answers the first)', async () => {
    const held: ServerResponse[] = [];
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      if (paths.length === 1) return void held.push(res); // accepted, read, never answered
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ items: [ev(6), ev(7)], lastSeq: 7 }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const rest = new TasklaneRestClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 't');
      const delivered: number[] = [];
      const errors: unknown[] = [];
      const { s, emit } = makeStream(
        rest,
        async () => ({ ok: true, seq: 5, events: [] }),
        (e) => delivered.push(e.seq),
        (e) => errors.push(e),
        { requestTimeoutMs: 200 },
      );
      const started = s.start();
      emit('connect');
      await started;
      emit('board:seq', { boardId, seq: 7 }); // events 6 and 7 were missed
      await s.waitForSeq(7, 5_000);
      expect(delivered).toEqual([6, 7]);
      expect(paths).toEqual([`/api/v1/boards/${boardId}/events?after=5`, `/api/v1/boards/${boardId}/events?after=5`]);
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).name).toBe('TimeoutError');
    } finally {
      held.forEach((r) => r.destroy());
      await new Promise((r) => server.close(r));
    }
  });

  it('starts over from an older snapshot when the board is behind the seq it joined from (a database restored to an earlier point), then takes the seqs again', async () => {
    const delivered: number[] = [];
    const resyncs: number[] = [];
    const { s, emit } = makeStream(
      { getBoard: async () => snap(3) },
      async () => ({ ok: true, seq: 3, resync: true }),
      (e) => delivered.push(e.seq),
      undefined,
      { onResync: (snapshot) => resyncs.push(snapshot.seq) },
    );
    const started = s.start();
    emit('connect');
    await started;
    expect(resyncs).toEqual([3]);
    expect(s.seq).toBe(3);
    // Seq 4 again, now a different event: applied, not dropped as one the stream had.
    emit('board:event', ev(4));
    expect(delivered).toEqual([4]);
    expect(s.seq).toBe(4);
  });

  it('matches the board id whatever its case', async () => {
    const delivered: number[] = [];
    const { s, emit } = makeStream({ getBoard: async () => snap(5), listEvents: async () => ({ items: [], lastSeq: 5 }) }, async () => ({ ok: true, seq: 5, events: [] }), (e) =>
      delivered.push(e.seq),
    );
    const upper = new BoardStream({ baseUrl: 'http://127.0.0.1:9', token: 't', boardId: boardId.toUpperCase(), from: 5 });
    streams.push(upper);
    const started = s.start();
    emit('connect');
    await started;
    emit('board:event', ev(6));
    expect(delivered).toEqual([6]);
    expect(upper.seq).toBeNull();
  });
});

describe('BoardStream status, presence and refused reconnects', () => {
  afterEach(() => streams.splice(0).forEach((s) => s.close()));

  function stream(options: Partial<ConstructorParameters<typeof BoardStream>[0]>, ack: () => Promise<unknown>) {
    const s = new BoardStream({ baseUrl: 'http://127.0.0.1:9', token: 't', boardId, from: 5, rest: {} as TasklaneRestClient, ...options });
    streams.push(s);
    const socket = (s as unknown as Internals).socket;
    let connects = 0;
    socket.timeout = () => ({ emitWithAck: ack });
    socket.connect = () => {
      connects += 1;
      return socket;
    };
    return { s, emit: (name: string, ...args: unknown[]) => socket.emitReserved(name, ...args), connects: () => connects };
  }

  it('reports connecting → catching-up → live, reconnecting while the socket is down, live after the rejoin, closed at the end', async () => {
    const statuses: string[] = [];
    const { s, emit } = stream({ onStatus: (x) => statuses.push(x) }, async () => ({ ok: true, seq: 5, events: [] }));
    expect(s.status).toBe('connecting');
    const started = s.start();
    emit('connect');
    await started;
    expect(s.status).toBe('live');
    emit('disconnect', 'transport close');
    expect(s.status).toBe('reconnecting');
    emit('connect');
    await sleep(10);
    s.close();
    expect(statuses).toEqual(['catching-up', 'live', 'reconnecting', 'catching-up', 'live', 'closed']);
  });

  it('turns live when events arriving live close the gap a join ack left, before the catch-up runs', async () => {
    const statuses: string[] = [];
    let fetched = 0;
    const rest = { listEvents: async (): Promise<EventsPage> => ((fetched += 1), { items: [], lastSeq: 5 }) } as unknown as TasklaneRestClient;
    const { s, emit } = stream({ rest, gapTimeoutMs: 60_000, onStatus: (x) => statuses.push(x) }, async () => {
      emit('board:seq', { boardId, seq: 6 }); // the heartbeat read the stream head before event 6 was published
      return { ok: true, seq: 5, events: [] };
    });
    const socket = s.socket as unknown as { connected: boolean };
    socket.connected = true; // as after a real connect (the stub never dials)
    const started = s.start();
    emit('connect');
    await started;
    expect(s.status).toBe('catching-up'); // seq 6 is known and missing
    emit('board:event', ev(6));
    expect(s.seq).toBe(6);
    expect(s.status).toBe('live');
    expect(fetched).toBe(0);
    expect(statuses).toEqual(['catching-up', 'live']);
    socket.connected = false; // close() would send a DISCONNECT packet over the transport it never had
  });

  it('stays catching-up when a catch-up from the last connection ends before the rejoin is acknowledged', async () => {
    let answerPage: (p: EventsPage) => void = () => {};
    let answerRejoin: (a: unknown) => void = () => {};
    let joins = 0;
    const rest = { listEvents: () => new Promise<EventsPage>((r) => (answerPage = r)) } as unknown as TasklaneRestClient;
    const { s, emit } = stream({ rest, gapTimeoutMs: 1 }, () => (++joins === 1 ? Promise.resolve({ ok: true, seq: 5, events: [] }) : new Promise((r) => (answerRejoin = r))));
    const socket = s.socket as unknown as { connected: boolean };
    const connect = () => ((socket.connected = true), emit('connect'));
    const started = s.start();
    connect();
    await started;
    emit('board:seq', { boardId, seq: 7 });
    await sleep(20); // the catch-up is waiting for its page
    socket.connected = false;
    emit('disconnect', 'transport close');
    connect(); // the rejoin's ack is held back
    answerPage({ items: [ev(6), ev(7)], lastSeq: 7 });
    await sleep(10);
    expect(s.seq).toBe(7);
    expect(s.status).toBe('catching-up'); // not in the room on this connection yet
    answerRejoin({ ok: true, seq: 7, events: [] });
    await sleep(10);
    expect(s.status).toBe('live');
    socket.connected = false;
  });

  it('a join whose snapshot outlives its connection does not mark the next connection joined', async () => {
    let answerBoard: (b: BoardSnapshot) => void = () => {};
    let answerRejoin: (a: unknown) => void = () => {};
    let joins = 0;
    const rest = { getBoard: () => new Promise<BoardSnapshot>((r) => (answerBoard = r)) } as unknown as TasklaneRestClient;
    const { s, emit } = stream({ rest }, () => (++joins === 1 ? Promise.resolve({ ok: true, seq: 900, resync: true }) : new Promise((r) => (answerRejoin = r))));
    const socket = s.socket as unknown as { connected: boolean };
    const connect = () => ((socket.connected = true), emit('connect'));
    const started = s.start();
    connect();
    await sleep(10); // the first join waits for its snapshot
    socket.connected = false;
    emit('disconnect', 'transport close');
    connect();
    answerBoard(snap(900));
    await sleep(10);
    expect(s.seq).toBe(900); // the snapshot is applied
    expect(s.status).toBe('catching-up'); // but the new connection has not joined yet
    answerRejoin({ ok: true, seq: 900, events: [] });
    await started;
    expect(s.status).toBe('live');
    expect(s.stats.rejoins).toBe(0); // one join completed, not two
    socket.connected = false;
  });

  it('closed while its snapshot is on its way: start() resolves, nothing connects, no callback fires', async () => {
    let answerBoard: (b: BoardSnapshot) => void = () => {};
    const snapshots: unknown[] = [];
    const rest = { getBoard: () => new Promise<BoardSnapshot>((r) => (answerBoard = r)) } as unknown as TasklaneRestClient;
    const { s, connects } = stream({ rest, from: 'snapshot', onSnapshot: (b) => snapshots.push(b) }, async () => ({ ok: true, seq: 5, events: [] }));
    const started = s.start();
    s.close(); // the page left before the board arrived
    answerBoard(snap(5));
    await expect(started).resolves.toBeUndefined();
    expect(connects()).toBe(0);
    expect(snapshots).toEqual([]);
    expect(s.status).toBe('closed');
  });

  it('reconnects after a backoff when the server disconnects it without a session notice (it kept flooding: disconnect:reason)', async () => {
    const { s, emit, connects } = stream({}, async () => ({ ok: true, seq: 5, events: [] }));
    const started = s.start();
    emit('connect');
    await started;
    expect(connects()).toBe(1);
    emit('disconnect:reason', { reason: 'rate_limited' });
    emit('disconnect', 'io server disconnect');
    expect(s.status).toBe('reconnecting');
    await sleep(250); // the first backoff is 100-200 ms
    expect(connects()).toBe(2);
    emit('connect');
    await sleep(10);
    expect(s.status).toBe('live');
  });

  it('closed while the token refresh after an expiry runs: never connects again', async () => {
    let refreshed: () => void = () => {};
    let token = 't';
    const refreshToken = () => new Promise<void>((r) => (refreshed = () => ((token = 't2'), r())));
    const { s, emit, connects } = stream({ token: () => token, refreshToken }, async () => ({ ok: true, seq: 5, events: [] }));
    const started = s.start();
    emit('connect');
    await started;
    (s as unknown as { socketToken: string }).socketToken = 't'; // as the handshake set it: no newer token yet
    emit('session:expired', { reason: 'token_expired' });
    emit('disconnect', 'io server disconnect');
    s.close(); // the page left meanwhile
    refreshed();
    await sleep(10);
    expect(connects()).toBe(1);
  });

  it('rejects waitForSeq at once when closed, and after close', async () => {
    const { s, emit } = stream({}, async () => ({ ok: true, seq: 5, events: [] }));
    const started = s.start();
    emit('connect');
    await started;
    const waiting = s.waitForSeq(9, 60_000);
    s.close();
    await expect(waiting).rejects.toThrow(/closed at seq 5, before 9/);
    await expect(s.waitForSeq(10)).rejects.toThrow(/closed/);
    await expect(s.waitForSeq(5)).resolves.toBeUndefined(); // already delivered
  });

  it('closed while waiting for its first join: start() resolves instead of hanging', async () => {
    const { s, emit } = stream({}, () => new Promise(() => {})); // the ack never comes
    const started = s.start();
    emit('connect');
    s.close();
    await expect(started).resolves.toBeUndefined();
  });

  it('hands over presence notices of its own board only', async () => {
    const seen: unknown[] = [];
    const { s, emit } = stream({ onPresence: (n) => seen.push(n) }, async () => ({ ok: true, seq: 5, events: [] }));
    const started = s.start();
    emit('connect');
    await started;
    emit('presence:state', { boardId, users: [{ userId: 'a' }] });
    emit('presence:update', { boardId: '00000000-0000-4000-8000-000000000002', users: [] });
    emit('presence:update', { boardId, users: [{ userId: 'a' }, { userId: 'b' }] });
    expect(seen).toEqual([
      { boardId, users: [{ userId: 'a' }] },
      { boardId, users: [{ userId: 'a' }, { userId: 'b' }] },
    ]);
  });

  it('refreshes the token and connects again when a reconnect is refused as unauthorized', async () => {
    let refreshed = 0;
    const { s, emit, connects } = stream({ refreshToken: async () => void (refreshed += 1), onError: () => undefined }, async () => ({ ok: true, seq: 5, events: [] }));
    const started = s.start();
    emit('connect');
    await started;
    expect(connects()).toBe(1);
    emit('disconnect', 'transport close');
    emit('connect_error', new Error('unauthorized')); // the server's middleware refused: Socket.IO stops retrying
    await sleep(600);
    expect(refreshed).toBe(1);
    expect(connects()).toBe(2);
    expect(s.status).toBe('reconnecting');
  });
});
