import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { AuthUser } from '../http/current-user.decorator.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { SessionSocketsAdapter } from './session-sockets.adapter.js';
import { SocketServer, type IoServer, type IoSocket } from './socket-server.js';
import { SocketSessionsService } from './socket-sessions.service.js';

// The handshake's order, on a real Socket.IO server and client with the credential checks and the
// per-user limit stubbed (against PostgreSQL and Redis: api2-token-lifetimes and api4-socket-limits).
const USER: AuthUser = Object.freeze({ kind: 'session' as const, id: 'u1', sessionId: 's1', expiresAt: Date.now() + 600_000 });

/**
 * A gateway on a real server. `onLiveRead` runs when the liveness read answers (as a revocation
 * committed just after it would be published); the limits step takes `limitsMs` (a Redis round trip).
 */
async function setup(options: { live: boolean; limitsMs: number; onLiveRead?: (sockets: SessionSocketsAdapter) => void }) {
  const http: HttpServer = createServer();
  const server = new Server(http) as IoServer;
  const sockets = new SocketServer();
  const ended = new SessionSocketsAdapter(sockets);
  const auth = {
    authenticate: () => USER,
    isLive: async () => {
      options.onLiveRead?.(ended);
      return options.live;
    },
  };
  const sessions = new SocketSessionsService(auth as never);
  const released: string[] = [];
  const limits = {
    admit: (_socket: IoSocket, next: () => void) => void setTimeout(next, options.limitsMs),
    release: (socket: IoSocket) => void released.push(socket.id),
  };
  const metrics = { readSocketsFrom: () => undefined, socketEvent: () => undefined, socketAck: () => undefined };
  const gateway = new RealtimeGateway(sessions, { startHeartbeat: () => undefined } as never, null as never, sockets, { shuttingDown: false } as never, limits as never, null as never, metrics as never);
  gateway.afterInit(server);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const close = async () => {
    sessions.onApplicationShutdown();
    await server.close();
  };
  return { url, server, released, close };
}

/** Connects and reports what happened within `ms`: connected or refused, and whether the server then disconnected it after `session:expired`. */
async function handshake(url: string, ms = 500): Promise<{ connected: boolean; refused: string | null; expired: boolean; serverDisconnect: boolean; client: ClientSocket }> {
  const client = connect(url, { transports: ['websocket'], auth: { token: 'token' }, reconnection: false, forceNew: true });
  const seen = { connected: false, refused: null as string | null, expired: false, serverDisconnect: false, client };
  client.on('connect', () => (seen.connected = true));
  client.on('connect_error', (e) => (seen.refused = e.message));
  client.on('session:expired', () => (seen.expired = true));
  client.on('disconnect', (reason) => (seen.serverDisconnect = reason === 'io server disconnect'));
  await new Promise((r) => setTimeout(r, ms));
  return seen;
}

describe('RealtimeGateway handshake', () => {
  const open: { close: () => Promise<void> }[] = [];
  const clients: ClientSocket[] = [];
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    for (const s of open.splice(0)) await s.close();
  });

  it('reaches a socket with a revocation published right after its liveness read, although a slow step came before that read', async () => {
    // The revocation is published 10 ms after the read; the limits step (60 ms) runs before the
    // read now. When the read came first, the socket was still connecting 10 ms later, and
    // Socket.IO delivers room messages only to connected sockets: it stayed connected.
    const s = await setup({ live: true, limitsMs: 60, onLiveRead: (ended) => void setTimeout(() => ended.endSessions(['s1']), 10) });
    open.push(s);
    const seen = await handshake(s.url);
    clients.push(seen.client);
    expect({ connected: seen.connected, expired: seen.expired, serverDisconnect: seen.serverDisconnect }).toEqual({ connected: true, expired: true, serverDisconnect: true });
    expect(s.server.of('/').sockets.size).toBe(0);
  });

  it('refuses a revoked credential after the limits step, and gives its socket slot back', async () => {
    const s = await setup({ live: false, limitsMs: 0 });
    open.push(s);
    const seen = await handshake(s.url, 200);
    clients.push(seen.client);
    expect({ connected: seen.connected, refused: seen.refused }).toEqual({ connected: false, refused: 'unauthorized' });
    expect(s.released).toHaveLength(1);
    // The refused socket left the user and session rooms it joined for the read.
    expect([...s.server.of('/').adapter.rooms.keys()]).toEqual([]);
  });

  it('connects a live credential and keeps its slot', async () => {
    const s = await setup({ live: true, limitsMs: 0 });
    open.push(s);
    const seen = await handshake(s.url, 200);
    clients.push(seen.client);
    expect({ connected: seen.connected, refused: seen.refused, serverDisconnect: seen.serverDisconnect }).toEqual({ connected: true, refused: null, serverDisconnect: false });
    expect(s.released).toEqual([]);
    const [socket] = s.server.of('/').sockets.values();
    expect([...socket.rooms].sort()).toEqual([socket.id, 'session:s1', 'user:u1'].sort());
  });
});

describe('SocketSessionsService auth:refresh', () => {
  /** A socket whose join and leave take a turn of the event loop, as the adapter's do. */
  function fakeSocket() {
    const rooms = new Set(['k', 'user:u1', 'session:S']);
    const data = { userId: 'u1', sessionId: 'S' as string | null, expiresAt: null as number | null };
    const socket = {
      id: 'k',
      data,
      rooms,
      connected: true,
      join: async (room: string) => void (await Promise.resolve(), rooms.add(room)),
      leave: async (room: string) => void (await Promise.resolve(), rooms.delete(room)),
    } as unknown as IoSocket;
    return { socket, rooms, data };
  }
  /** Credentials named by their token (the session id); each liveness read waits for the test. */
  function setupRefresh() {
    const reads: { token: string; answer: (live: boolean) => void }[] = [];
    const auth = {
      authenticate: (token: string) => ({ kind: 'session' as const, id: 'u1', sessionId: token, expiresAt: Date.now() + 600_000 }),
      isLive: (user: { sessionId: string }) => new Promise<boolean>((resolve) => reads.push({ token: user.sessionId, answer: resolve })),
    };
    const sessions = new SocketSessionsService(auth as never);
    const settle = () => new Promise((r) => setImmediate(r));
    return { sessions, reads, settle };
  }

  it('ends in the room of the credential it ends with when two refreshes overlap', async () => {
    const { sessions, reads, settle } = setupRefresh();
    const { socket, rooms, data } = fakeSocket();
    const toX = sessions.refresh(socket, { token: 'X' });
    const backToS = sessions.refresh(socket, { token: 'S' });
    await settle();
    reads.find((r) => r.token === 'X')!.answer(true);
    await expect(toX).resolves.toMatchObject({ ok: true });
    reads.find((r) => r.token === 'S')!.answer(true);
    await expect(backToS).resolves.toMatchObject({ ok: true });
    expect(data.sessionId).toBe('S');
    expect([...rooms].filter((r) => r.startsWith('session:'))).toEqual(['session:S']);
    sessions.onApplicationShutdown();
  });

  it('keeps the room of a credential a concurrent refresh took although another refresh to it failed', async () => {
    const { sessions, reads, settle } = setupRefresh();
    const { socket, rooms, data } = fakeSocket();
    const failing = sessions.refresh(socket, { token: 'X' });
    const passing = sessions.refresh(socket, { token: 'X' });
    await settle();
    reads[1].answer(true);
    await expect(passing).resolves.toMatchObject({ ok: true });
    reads[0].answer(false);
    await expect(failing).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(data.sessionId).toBe('X');
    expect([...rooms].filter((r) => r.startsWith('session:'))).toEqual(['session:X']);
    // And the other order: the failed one answers first.
    const second = setupRefresh();
    const other = fakeSocket();
    const first = second.sessions.refresh(other.socket, { token: 'X' });
    const then = second.sessions.refresh(other.socket, { token: 'X' });
    await second.settle();
    second.reads[0].answer(false);
    await first;
    second.reads[1].answer(true);
    await expect(then).resolves.toMatchObject({ ok: true });
    expect([...other.rooms].filter((r) => r.startsWith('session:'))).toEqual(['session:X']);
    sessions.onApplicationShutdown();
    second.sessions.onApplicationShutdown();
  });
});
