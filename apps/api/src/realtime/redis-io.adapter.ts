import { Logger, type INestApplicationContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { AnyBoardEvent } from '@tasklane/contracts';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { Namespace, Server, ServerOptions, Socket } from 'socket.io';
import type { Env } from '../config/env.schema.js';
import { isListedOrigin, mayOpenSocket } from '../http/cors.js';
import { Metrics } from '../metrics/metrics.service.js';
import { RedisConnections } from '../redis/redis-connections.service.js';
import { remoteSpan } from '../tracing/trace-context.js';

/** A Socket.IO packet as the adapter handles it: `data` is `[eventName, ...args]`. */
interface Packet {
  data?: unknown[];
}
/** socket.io-adapter's Adapter (a dependency of socket.io, not of this package). */
type Adapter = Namespace['adapter'];
type AdapterFactory = (nsp: Namespace) => Adapter;

/**
 * Wraps an adapter factory so that `onRemote` sees every packet that ARRIVED from another replica
 * (through Redis) at the moment it is emitted to this replica's sockets. Both Redis adapters hand
 * such a packet to the in-memory `Adapter.prototype.broadcast`, which encodes it once with
 * `_encode` before writing it to the local sockets; packets this replica broadcasts itself pass
 * through the adapter's own `broadcast` first and are remembered there, so they are skipped.
 * `_encode` is socket.io-adapter 2.5's internal step: apps/api/test/metrics.e2e-spec.ts fails if
 * it stops being called.
 */
export function observingRemoteEmits(factory: AdapterFactory, onRemote: (packet: Packet) => void): AdapterFactory {
  // A plain function, not an arrow: Socket.IO calls the adapter factory with `new`; returning an
  // object from a constructor call hands that object back.
  return function observedAdapter(nsp: Namespace) {
    const created = factory(nsp);
    const adapter = created as unknown as { broadcast(packet: Packet, options: unknown): unknown; _encode(packet: Packet, options: unknown): unknown };
    const local = new WeakSet<object>();
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, options) => {
      local.add(packet);
      return broadcast(packet, options);
    };
    const encode = adapter._encode.bind(adapter);
    adapter._encode = (packet, options) => {
      if (!local.has(packet)) onRemote(packet);
      return encode(packet, options);
    };
    return created;
  };
}

/**
 * Socket.IO adapter that shares rooms across replicas through Redis: `@socket.io/redis-adapter`
 * on the replica's RedisConnections with REDIS_URL (PUBLISH/PSUBSCRIBE), its sharded adapter with
 * REDIS_CLUSTER_NODES (Redis 7 SPUBLISH/SSUBSCRIBE, one channel per board room, so rooms spread
 * over the cluster's masters), and without either the default in-memory adapter (one replica).
 * A `board:event` that arrives from another replica is measured when it is emitted here
 * (`tasklane_fanout_delay_seconds` from its `occurredAt`) and recorded as a `board:event emit`
 * span whose parent is the write's `traceparent`. Also applies CORS_ORIGINS to Socket.IO: CORS
 * headers for listed origins (HTTP long-polling), and `allowRequest` refuses a handshake from any
 * other foreign origin with 403 (see mayOpenSocket); whatever the gateway's decorator says is replaced.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly log = new Logger(RedisIoAdapter.name);

  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.app.get<ConfigService<Env, true>>(ConfigService).getOrThrow('CORS_ORIGINS', { infer: true });
    const server = super.createIOServer(port, {
      ...options,
      cors: { origin: (origin, done) => done(null, origin !== undefined && isListedOrigin(origin, origins)), credentials: true },
      allowRequest: (req, done) => done(null, mayOpenSocket(req.headers.origin, req.headers.host, origins)),
    } as ServerOptions) as Server;
    const redis = this.app.get(RedisConnections, { strict: false });
    const metrics = this.app.get(Metrics, { strict: false });
    if (redis.pub && redis.sub) {
      const factory = (
        redis.cluster ? createShardedAdapter(redis.pub, redis.sub, { channelPrefix: 'tasklane' }) : createAdapter(redis.pub, redis.sub, { key: 'tasklane' })
      ) as AdapterFactory;
      server.adapter(
        observingRemoteEmits(factory, (packet) => {
          const [name, event] = packet.data ?? [];
          if (name !== 'board:event' || typeof event !== 'object' || event === null) return;
          const e = event as AnyBoardEvent;
          metrics.fanoutDelay((Date.now() - Date.parse(e.occurredAt)) / 1000);
          remoteSpan('board:event emit', e.traceparent, { 'tasklane.board_id': e.boardId, 'tasklane.seq': e.seq, 'tasklane.event_type': e.type });
        }) as unknown as Parameters<Server['adapter']>[0],
      );
    }
    return server;
  }

  /**
   * Binds the gateway's `@SubscribeMessage` handlers to one socket with plain listeners. Nest's
   * IoAdapter builds an RxJS pipeline per handler and socket (fromEvent, mergeMap, takeUntil of a
   * shared disconnect observable: about 30 subscribers, observables and closures per socket, ~8 KB
   * of heap each, kept for the socket's life; see docs/benchmarks.md, issue 13). Same behaviour:
   * the handler gets `(data, ack)`, a non-nil result is emitted as `result.event` when it has one,
   * else handed to the ack (unless the handler acks itself); an error is logged and the socket keeps
   * its handlers; nothing is sent once the socket has disconnected.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...payload: unknown[]) => {
        const last = payload[payload.length - 1];
        const ack = typeof last === 'function' ? (last as (response: unknown) => void) : undefined;
        const args = ack ? payload.slice(0, -1) : payload;
        const data = args.length === 1 ? args[0] : args.length === 0 ? undefined : args;
        let result: Observable<unknown>;
        try {
          result = transform(callback(data, ack));
        } catch (error) {
          return this.log.error(error);
        }
        result.subscribe({
          next: (response) => {
            if (response === null || response === undefined || !socket.connected) return;
            const r = response as { event?: string; data?: unknown };
            if (r.event) socket.emit(r.event, r.data);
            else if (!isAckHandledManually && ack) ack(response);
          },
          error: (error: unknown) => this.log.error(error),
        });
      });
    }
  }
}
