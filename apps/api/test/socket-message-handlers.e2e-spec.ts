import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { from, type Observable } from 'rxjs';
import { Server } from 'socket.io';
import { io, type Socket as ClientSocket } from 'socket.io-client';
import { RedisIoAdapter } from '../src/realtime/redis-io.adapter.js';

/** Nest's transform of a handler's result: a promise or value, as one emission. */
const transform = (result: unknown): Observable<unknown> => from(Promise.resolve(result));

/**
 * RedisIoAdapter.bindMessageHandlers (plain listeners instead of Nest's per-socket RxJS pipelines,
 * issue 13) on a real Socket.IO server and client: data and ack mapping, `event` results, manual
 * acks, and a failing handler that leaves the socket's handlers in place.
 */
describe('RedisIoAdapter.bindMessageHandlers (e2e, plain Socket.IO)', () => {
  let http: HttpServer;
  let server: Server;
  let client: ClientSocket;
  const calls: Array<{ message: string; data: unknown }> = [];

  beforeAll(async () => {
    http = createServer();
    server = new Server(http);
    const adapter = new RedisIoAdapter(null as never);
    server.on('connection', (socket) =>
      adapter.bindMessageHandlers(
        socket,
        [
          { message: 'echo', methodName: 'echo', isAckHandledManually: false, callback: (data: unknown) => (calls.push({ message: 'echo', data }), Promise.resolve({ ok: true, data })) },
          { message: 'as-event', methodName: 'asEvent', isAckHandledManually: false, callback: () => Promise.resolve({ event: 'pong', data: 42 }) },
          {
            message: 'manual',
            methodName: 'manual',
            isAckHandledManually: true,
            callback: (data: unknown, ack: (r: unknown) => void) => {
              ack({ manual: data });
              return Promise.resolve({ ignored: true });
            },
          },
          {
            message: 'boom',
            methodName: 'boom',
            isAckHandledManually: false,
            callback: () => {
              throw new Error('handler failed on purpose');
            },
          },
        ],
        transform,
      ),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve) => client.once('connect', resolve));
  });

  afterAll(async () => {
    client.close();
    await server.close();
  });

  it('hands the first argument to the handler and its result to the ack', async () => {
    await expect(client.timeout(2000).emitWithAck('echo', { boardId: 'x' })).resolves.toEqual({ ok: true, data: { boardId: 'x' } });
    expect(calls.at(-1)).toEqual({ message: 'echo', data: { boardId: 'x' } });
  });

  it('emits a result with `event` instead of acking it', async () => {
    const pong = new Promise((resolve) => client.once('pong', resolve));
    client.emit('as-event');
    await expect(pong).resolves.toBe(42);
  });

  it('leaves the ack to a handler that acks itself', async () => {
    await expect(client.timeout(2000).emitWithAck('manual', 'hi')).resolves.toEqual({ manual: 'hi' });
  });

  it('keeps the socket and its handlers after a handler throws', async () => {
    await expect(client.timeout(300).emitWithAck('boom', {})).rejects.toThrow();
    expect(client.connected).toBe(true);
    await expect(client.timeout(2000).emitWithAck('echo', 1)).resolves.toEqual({ ok: true, data: 1 });
  });
});
