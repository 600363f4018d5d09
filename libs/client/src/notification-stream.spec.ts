import { afterEach, describe, expect, it } from '@jest/globals';
import type { NotificationPage, NotificationView } from '@tasklane/contracts';
import type { TasklaneSocket } from './board-stream.js';
import { NotificationStream } from './notification-stream.js';
import type { NotificationsQuery, TasklaneRestClient } from './rest-client.js';

// NotificationStream with a stubbed REST client and a fake socket: notices are injected as the
// server would emit them; the "server" is an array of stored notifications.
const note = (seq: number, readAt: string | null = null): NotificationView => ({
  id: `n${seq}`, seq, kind: 'assigned', boardId: 'b', boardName: 'B', taskId: 't', taskTitle: 'T', commentId: null, actorId: 'a', actorName: 'Ann', createdAt: '', readAt,
});

class FakeSocket {
  connected = true;
  private readonly handlers = new Map<string, Set<(...args: unknown[]) => void>>();
  on(event: string, fn: (...args: unknown[]) => void) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(fn);
    return this;
  }
  off(event: string, fn: (...args: unknown[]) => void) {
    this.handlers.get(event)?.delete(fn);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
}

function server(stored: NotificationView[]) {
  const calls: NotificationsQuery[] = [];
  const rest = {
    listNotifications: async (q: NotificationsQuery = {}): Promise<NotificationPage> => {
      calls.push(q);
      const all = stored.filter((n) => q.afterSeq === undefined || n.seq > q.afterSeq).sort((a, b) => b.seq - a.seq);
      const from = q.cursor ? all.findIndex((n) => n.seq < Number(q.cursor)) : 0;
      const limit = q.limit ?? 30;
      const items = from < 0 ? [] : all.slice(from, from + limit);
      const more = from >= 0 && all.length > from + limit;
      return { items, nextCursor: more ? String(items[items.length - 1].seq) : null, unreadCount: stored.filter((n) => !n.readAt).length, lastSeq: Math.max(0, ...stored.map((n) => n.seq)) };
    },
    markNotificationsRead: async () => ({ unreadCount: 0 }),
  };
  return { rest: rest as unknown as TasklaneRestClient, calls };
}

const settle = () => new Promise((r) => setTimeout(r, 10));
const streams: NotificationStream[] = [];
afterEach(() => streams.splice(0).forEach((s) => s.close()));

function make(stored: NotificationView[]) {
  const socket = new FakeSocket();
  const { rest, calls } = server(stored);
  const seen: number[] = [];
  const s = new NotificationStream({ baseUrl: 'http://127.0.0.1:9', token: 't', rest, socket: socket as unknown as TasklaneSocket, keep: 3, onNotification: (n) => seen.push(n.seq) });
  streams.push(s);
  return { s, socket, calls, seen };
}

describe('NotificationStream', () => {
  it('starts from the first page, applies the next seq live, drops duplicates', async () => {
    const stored = [note(1, 'x'), note(2)];
    const { s, socket, seen } = make(stored);
    await s.start();
    expect(s.state).toMatchObject({ unreadCount: 1, lastSeq: 2 });
    socket.emit('notification:new', note(2)); // already in the first page
    stored.push(note(3));
    socket.emit('notification:new', note(3));
    socket.emit('notification:new', note(3)); // twice
    await settle();
    expect(seen).toEqual([3]);
    expect(s.state.unreadCount).toBe(2);
    expect(s.state.items.map((n) => n.seq)).toEqual([3, 2, 1]);
  });

  it('fills a gap from REST afterSeq, in seq order, each once', async () => {
    const stored = [note(1)];
    const { s, socket, seen, calls } = make(stored);
    await s.start();
    stored.push(note(2), note(3), note(4), note(5));
    socket.emit('notification:new', note(5)); // 2..4 were missed
    socket.emit('notification:new', note(4));
    await settle();
    expect(seen).toEqual([2, 3, 4, 5]);
    expect(calls.some((q) => q.afterSeq === 1)).toBe(true);
    expect(s.state).toMatchObject({ lastSeq: 5, unreadCount: 5 });
    expect(s.state.items.map((n) => n.seq)).toEqual([5, 4, 3]); // keep: 3
  });

  it('catches up on every reconnect', async () => {
    const stored: NotificationView[] = [];
    const { s, socket, seen } = make(stored);
    await s.start();
    stored.push(note(1), note(2));
    socket.emit('connect');
    await settle();
    expect(seen).toEqual([1, 2]);
  });

  it('marks read locally with the server’s count', async () => {
    const { s } = make([note(1), note(2)]);
    await s.start();
    await s.markRead({ ids: ['n1'] });
    expect(s.state.items.find((n) => n.id === 'n1')?.readAt).toEqual(expect.any(String));
    expect(s.state.items.find((n) => n.id === 'n2')?.readAt).toBeNull();
    expect(s.state.unreadCount).toBe(0);
  });
});

describe('NotificationStream, a catch-up request that hangs', () => {
  it('is aborted after requestTimeoutMs and reported, so later notices are not held behind it', async () => {
    const socket = new FakeSocket();
    const seen: number[] = [];
    const errors: unknown[] = [];
    const stored = [note(1)];
    let calls = 0;
    const rest = {
      listNotifications: (q: NotificationsQuery = {}, o?: { signal?: AbortSignal }): Promise<NotificationPage> => {
        calls += 1;
        if (calls === 2) return new Promise((_, reject) => o?.signal?.addEventListener('abort', () => reject(o.signal?.reason))); // never answers
        const items = stored.filter((n) => q.afterSeq === undefined || n.seq > q.afterSeq).sort((a, b) => b.seq - a.seq);
        return Promise.resolve({ items, nextCursor: null, unreadCount: stored.length, lastSeq: Math.max(...stored.map((n) => n.seq)) });
      },
    } as unknown as TasklaneRestClient;
    const s = new NotificationStream({ baseUrl: 'http://127.0.0.1:9', token: 't', rest, socket: socket as unknown as TasklaneSocket, requestTimeoutMs: 100, onNotification: (n) => seen.push(n.seq), onError: (e) => errors.push(e) });
    streams.push(s);
    await s.start();
    stored.push(note(2), note(3));
    socket.emit('notification:new', note(3)); // a gap: the catch-up hangs
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.map((e) => (e as Error).name)).toEqual(['TimeoutError']);
    stored.push(note(4));
    socket.emit('notification:new', note(4)); // still a gap (2, 3 missing): caught up this time
    await settle();
    expect(seen).toEqual([2, 3, 4]);
    expect(calls).toBe(3);
  });
});

describe('NotificationStream, its own socket', () => {
  /** A stream on its own (stub) socket: connect() is counted, never dialled. */
  function own(rest: TasklaneRestClient, refreshToken?: () => Promise<void>) {
    const s = new NotificationStream({ baseUrl: 'http://127.0.0.1:9', token: 't', rest, refreshToken, onError: () => undefined });
    streams.push(s);
    const socket = s.socket as unknown as { connect: () => unknown; active: boolean; emitReserved: (ev: string, ...args: unknown[]) => void };
    let connects = 0;
    socket.connect = () => ((connects += 1), socket);
    return { s, socket, connects: () => connects };
  }

  it('connects again after a refused handshake, renewing the token first when it was unauthorized', async () => {
    const { rest } = server([]);
    let refreshed = 0;
    const { s, socket, connects } = own(rest, async () => void (refreshed += 1));
    await s.start();
    expect(connects()).toBe(1);
    Object.defineProperty(socket, 'active', { value: false, configurable: true }); // what a middleware refusal leaves
    socket.emitReserved('connect_error', new Error('unauthorized'));
    await new Promise((r) => setTimeout(r, 700)); // the first backoff is 100-200 ms
    expect(refreshed).toBe(1);
    expect(connects()).toBe(2);
    socket.emitReserved('connect_error', new Error('shutting down'));
    await new Promise((r) => setTimeout(r, 1_000)); // the second is 200-400 ms
    expect(refreshed).toBe(1); // only an unauthorized refusal renews
    expect(connects()).toBe(3);
  });

  it('catches up again when it reconnects while a catch-up is in flight (that request may predate what was missed)', async () => {
    const stored = [note(1)];
    const answers: ((p: NotificationPage) => void)[] = [];
    const page = (after: number): NotificationPage => ({ items: stored.filter((n) => n.seq > after).sort((a, b) => b.seq - a.seq), nextCursor: null, unreadCount: stored.length, lastSeq: Math.max(...stored.map((n) => n.seq)) });
    let calls = 0;
    const rest = {
      listNotifications: (q: NotificationsQuery = {}) => {
        calls += 1;
        if (calls === 1) return Promise.resolve(page(0));
        const snapshot = page(q.afterSeq ?? 0); // what the server had when the request arrived
        return new Promise<NotificationPage>((r) => answers.push(() => r(snapshot)));
      },
    } as unknown as TasklaneRestClient;
    const seen: number[] = [];
    const s = new NotificationStream({ baseUrl: 'http://127.0.0.1:9', token: 't', rest, socket: new FakeSocket() as unknown as TasklaneSocket, onNotification: (n) => seen.push(n.seq) });
    streams.push(s);
    const socket = s.socket as unknown as FakeSocket;
    await s.start();
    stored.push(note(2));
    socket.emit('connect'); // catch-up 1 reads 2
    stored.push(note(3)); // made while the socket was down again
    socket.emit('disconnect', 'transport close');
    socket.emit('connect'); // joins catch-up 1 and asks for another
    answers.shift()!({} as NotificationPage);
    await settle();
    answers.shift()!({} as NotificationPage);
    await settle();
    expect(seen).toEqual([2, 3]);
    expect(calls).toBe(3);
  });

  it('closed while its first page is on its way: never connects', async () => {
    let answer: (p: NotificationPage) => void = () => {};
    const rest = { listNotifications: () => new Promise<NotificationPage>((r) => (answer = r)) } as unknown as TasklaneRestClient;
    const { s, connects } = own(rest);
    const started = s.start();
    s.close();
    answer({ items: [], nextCursor: null, unreadCount: 0, lastSeq: 0 });
    await started;
    expect(connects()).toBe(0);
  });
});

describe('NotificationStream, first page racing a live notice', () => {
  it('never lists one notification twice nor counts it twice', async () => {
    // A server whose first page already has seq 2 but whose lastSeq/unread predate it (the race
    // the API's one-snapshot read prevents; the stream stays correct regardless).
    const socket = new FakeSocket();
    const seen: number[] = [];
    const rest = {
      listNotifications: async (): Promise<NotificationPage> => ({ items: [note(2), note(1, 'x')], nextCursor: null, unreadCount: 0, lastSeq: 1 }),
      markNotificationsRead: async () => ({ unreadCount: 0 }),
    } as unknown as TasklaneRestClient;
    const s = new NotificationStream({ baseUrl: 'http://127.0.0.1:9', token: 't', rest, socket: socket as unknown as TasklaneSocket, onNotification: (n) => seen.push(n.seq) });
    streams.push(s);
    await s.start();
    socket.emit('notification:new', note(2));
    await settle();
    expect(s.state.items.map((n) => n.seq)).toEqual([2, 1]);
    expect(s.state.lastSeq).toBe(2);
    expect(seen).toEqual([]);
  });
});
