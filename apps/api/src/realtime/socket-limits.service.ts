import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TOO_MANY_CONNECTIONS, type AckError } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { Metrics } from '../metrics/metrics.service.js';
import { gcra } from '../rate-limits/rate-algorithms.js';
import { RedisConnections } from '../redis/redis-connections.service.js';
import type { IoSocket } from './socket-server.js';

/** How long a socket's entry in its user's Redis set lives without a heartbeat (ms): a replica that dies frees its users' slots this late. */
export const SOCKET_SLOT_TTL_MS = 60_000;
/** How often each replica refreshes its sockets' entries (ms). */
const SOCKET_SLOT_HEARTBEAT_MS = 20_000;
/** A socket refused this many times the burst, without pausing long enough for its bucket to refill, is disconnected. */
export const FLOOD_DISCONNECT_FACTOR = 3;

/**
 * KEYS[1]: the user's sorted set (member: socket id, score: expiry on Redis' clock). ARGV: socket
 * id, max, ttl ms. Drops expired entries, then adds this socket unless the user is at the max.
 */
const ADMIT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** KEYS[1]: the user's set; ARGV: ttl ms, socket ids. Extends (or restores, after a Redis restart) these sockets' entries. */
const REFRESH = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 0`;

/** KEYS[1]: the user's set; ARGV[1]: socket id. */
const RELEASE = `redis.call('ZREM', KEYS[1], ARGV[1]) return 0`;

type Script = (keys: string[], args: (string | number)[]) => Promise<number>;

/**
 * The limits of Socket.IO connections, kept out of the gateway (which calls `admit` as handshake
 * middleware and `refuseJoin` in `board:join`):
 *  - at most SOCKETS_PER_USER open sockets per user across ALL replicas: a Redis sorted set per
 *    user of socket ids with an expiry (SOCKET_SLOT_TTL_MS) that each replica's heartbeat extends
 *    for its own sockets, so a crashed replica's sockets stop counting within a minute; the
 *    handshake beyond is refused with connect_error `too_many_connections`. Without Redis (or
 *    while it is unreachable) counted per replica in memory;
 *  - per socket, RATE_LIMIT_SOCKET_EVENTS with a burst of RATE_LIMIT_SOCKET_EVENTS_BURST (GCRA,
 *    in memory: a socket lives on one replica). An event over the limit is dropped and its ack
 *    answered `{ ok: false, error: { code: 'RATE_LIMITED' } }`; a socket refused
 *    FLOOD_DISCONNECT_FACTOR × burst events without letting its bucket refill gets
 *    `disconnect:reason` `{ reason: 'rate_limited' }` and is disconnected (server side, so a
 *    standard client does not reconnect by itself);
 *  - at most ROOMS_PER_SOCKET_MAX board rooms per socket (`board:join` beyond: LIMIT_REACHED).
 * All off with RATE_LIMITS=off.
 */
@Injectable()
export class SocketLimitsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SocketLimitsService.name);
  private readonly enabled: boolean;
  private readonly perUser: number;
  private readonly roomsMax: number;
  private readonly eventIntervalMs: number;
  private readonly eventBurst: number;
  private readonly prefix: string;
  private readonly scripts: { admit: Script; refresh: Script; release: Script } | null;
  /** This replica's admitted sockets, by user: the in-memory count, and what the heartbeat refreshes. */
  private readonly local = new Map<string, Set<string>>();
  private heartbeat: NodeJS.Timeout | null = null;
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisConnections,
    config: ConfigService<Env, true>,
    private readonly metrics: Metrics,
  ) {
    this.enabled = config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on';
    this.perUser = config.getOrThrow('SOCKETS_PER_USER', { infer: true });
    this.roomsMax = config.getOrThrow('ROOMS_PER_SOCKET_MAX', { infer: true });
    const rate = config.getOrThrow('RATE_LIMIT_SOCKET_EVENTS', { infer: true });
    this.eventIntervalMs = rate.windowMs / rate.count;
    this.eventBurst = config.getOrThrow('RATE_LIMIT_SOCKET_EVENTS_BURST', { infer: true });
    this.prefix = config.getOrThrow('RATE_LIMIT_KEY_PREFIX', { infer: true });
    const admit = redis.script<number>(ADMIT, 1);
    const refresh = redis.script<number>(REFRESH, 1);
    const release = redis.script<number>(RELEASE, 1);
    this.scripts = this.enabled && admit && refresh && release ? { admit, refresh, release } : null;
  }

  onModuleInit(): void {
    if (!this.scripts) return;
    this.heartbeat = setInterval(() => void this.refresh(), SOCKET_SLOT_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  onApplicationShutdown(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  /**
   * Handshake middleware, after authentication (`socket.data.userId` is set): takes one of the
   * user's socket slots or refuses with `too_many_connections`, then puts the socket under its
   * event rate limit and frees the slot when it disconnects (or at `release`, when a later step
   * refuses it).
   */
  admit(socket: IoSocket, next: (error?: Error) => void): void {
    if (!this.enabled) return next();
    const userId = socket.data.userId;
    void this.claim(userId, socket.id).then((ok) => {
      if (!ok) {
        this.metrics.rateLimited('sockets_per_user');
        return next(new Error(TOO_MANY_CONNECTIONS));
      }
      // A client gone while Redis answered never connects, so it never fires 'disconnect'; the
      // handshake ends here (its later steps would read for nobody).
      if (socket.conn.readyState !== 'open') return void this.free(userId, socket.id).then(() => next(new Error('client gone')));
      socket.once('disconnect', () => void this.free(userId, socket.id));
      this.limitEvents(socket);
      next();
    });
  }

  /**
   * Gives back the slot `admit` took for a socket that will not connect (a later handshake step
   * refused it, or its client left): such a socket never fires 'disconnect'. A no-op for a socket
   * that holds no slot.
   */
  release(socket: IoSocket): void {
    if (this.enabled && socket.data.userId) void this.free(socket.data.userId, socket.id);
  }

  /**
   * The `board:join` check: null when the socket may be in one more board room (or already is in
   * `room`), else the LIMIT_REACHED ack to answer. `joining`: the socket's other joins still
   * running, which count as rooms.
   */
  refuseJoin(socket: IoSocket, room: string, joining = 0): AckError | null {
    if (!this.enabled || socket.rooms.has(room)) return null;
    let boards = joining;
    for (const r of socket.rooms) if (r.startsWith('board:')) boards += 1;
    if (boards < this.roomsMax) return null;
    this.metrics.rateLimited('rooms_per_socket');
    return { ok: false, error: { code: 'LIMIT_REACHED', message: `A socket may be in at most ${this.roomsMax} board rooms; leave one first` } };
  }

  /** Per-socket GCRA on every incoming event (Socket.IO socket middleware, before any handler). */
  private limitEvents(socket: IoSocket): void {
    let tat: number | undefined;
    let strikes = 0;
    socket.use((packet, next) => {
      const now = Date.now();
      // The bucket has refilled: whatever the socket was refused before is forgiven.
      if (tat === undefined || tat <= now) strikes = 0;
      const decision = gcra(tat, now, this.eventIntervalMs, this.eventBurst);
      if (decision.allowed) {
        tat = decision.tat;
        return next();
      }
      strikes += 1;
      this.metrics.rateLimited('socket_events');
      const ack: unknown = packet[packet.length - 1];
      if (typeof ack === 'function') {
        (ack as (response: AckError) => void)({ ok: false, error: { code: 'RATE_LIMITED', message: `Too many events, retry in ${Math.ceil(decision.retryAfterMs)} ms` } });
      }
      if (strikes >= FLOOD_DISCONNECT_FACTOR * this.eventBurst && socket.connected) {
        this.logger.warn(`socket ${socket.id} of user ${socket.data.userId} disconnected: kept flooding past its event limit`);
        socket.emit('disconnect:reason', { reason: 'rate_limited' });
        socket.disconnect(true);
      }
    });
  }

  /** Takes a slot for the socket: in Redis across replicas when it answers, else in this replica's memory. */
  private async claim(userId: string, socketId: string): Promise<boolean> {
    const mine = this.local.get(userId) ?? new Set<string>();
    let ok: boolean;
    try {
      ok = this.scripts && this.redis.commandsReady ? (await this.scripts.admit([this.key(userId)], [socketId, this.perUser, SOCKET_SLOT_TTL_MS])) === 1 : mine.size < this.perUser;
    } catch (error) {
      this.warn(error);
      ok = mine.size < this.perUser;
    }
    if (ok) this.local.set(userId, mine.add(socketId));
    return ok;
  }

  private async free(userId: string, socketId: string): Promise<void> {
    const mine = this.local.get(userId);
    mine?.delete(socketId);
    if (mine?.size === 0) this.local.delete(userId);
    if (!this.scripts || !this.redis.commandsReady) return; // the entry expires by itself
    await this.scripts.release([this.key(userId)], [socketId]).catch((error: unknown) => this.warn(error));
  }

  /** Heartbeat: extends the entries of every socket on this replica (one script call per user). */
  private async refresh(): Promise<void> {
    if (!this.scripts || !this.redis.commandsReady) return;
    await Promise.all(
      [...this.local].map(([userId, ids]) => this.scripts!.refresh([this.key(userId)], [SOCKET_SLOT_TTL_MS, ...ids]).catch((error: unknown) => this.warn(error))),
    );
  }

  private key(userId: string): string {
    return `${this.prefix}sockets:${userId}`;
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning > 5_000) this.logger.warn(`Redis unavailable, counting sockets per replica: ${(error as Error).message}`);
    this.lastWarning = Date.now();
  }
}
