import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { boardRoom, type PresenceNotice } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { NextFlight } from '../database/next-flight.js';
import { RedisConnections } from '../redis/redis-connections.service.js';
import type { IoSocket } from './socket-server.js';
import { SocketServer } from './socket-server.js';

/** Redis key of a board's presence set (a sorted set; see PresenceService). */
export const presenceKey = (boardId: string): string => `tasklane:presence:${boardId}`;

/** Member of a presence set: `<instance>|<userId>`, instance = `<REPLICA_ID>/<random per boot>`. */
export const presenceMember = (instance: string, userId: string): string => `${instance}|${userId}`;

/**
 * Shortest time between two `presence:update` notices of one board from one replica, in ms: the
 * first change is announced at once, the changes of the following window in one notice at its end.
 * A reconnect storm rejoins dozens of a board's viewers within seconds; one notice each, sent to
 * every socket in the room, made presence the bulk of a storm's deliveries (docs/benchmarks.md,
 * "Presence and session checks in a reconnect storm").
 */
export const PRESENCE_ANNOUNCE_WINDOW_MS = 500;

/** Parses a presence set member back; null for anything else. */
export function parsePresenceMember(member: string): { instance: string; replicaId: string; userId: string } | null {
  const bar = member.lastIndexOf('|');
  if (bar <= 0) return null;
  const instance = member.slice(0, bar);
  return { instance, replicaId: instance.slice(0, instance.lastIndexOf('/')), userId: member.slice(bar + 1) };
}

/** The notice for a set of user ids: sorted, deduplicated. */
export function presenceNotice(boardId: string, userIds: Iterable<string>): PresenceNotice {
  return { boardId, users: [...new Set(userIds)].sort().map((userId) => ({ userId })) };
}

/**
 * Who is viewing which board, across replicas, outside the seq stream.
 *
 * Each replica counts its own sockets per (board, user). With REDIS_URL, the first socket of a user
 * on a board adds `<instance>|<userId>` to the sorted set `tasklane:presence:<boardId>` with its
 * expiry time as score; the last one leaving removes it. Every PRESENCE_HEARTBEAT_MS the replica
 * pushes the expiry of all its entries forward and drops every expired entry of the boards it has
 * sockets in (whoever wrote it): a replica killed with -9 leaves entries nobody refreshes, and the
 * next heartbeat of any replica with viewers of that board after PRESENCE_TTL_MS removes them and
 * tells the room. Without Redis the local counts are the whole truth (one replica).
 *
 * Every change is announced as `presence:update` (the full set) to the board's room on every
 * replica, throttled per board (PRESENCE_ANNOUNCE_WINDOW_MS, leading and trailing edge: a notice
 * carries the whole set, so merging changes loses nothing); a joining socket gets `presence:state`.
 * Concurrent reads of one board's set share one Redis read that starts after they asked
 * (NextFlight). Presence is best effort: a Redis error is logged and the next heartbeat repairs
 * the set.
 */
@Injectable()
export class PresenceService implements OnApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  /** boardId → userId → socket ids on this replica. */
  private readonly local = new Map<string, Map<string, Set<string>>>();
  /**
   * socket id → the boards it counts in on this replica (the reverse of `local`, so a disconnect
   * costs the socket's boards, not every board and user of the replica). A socket is in it from
   * its first join, with its disconnect hooked, until it disconnects. An array: a socket is in a
   * few rooms at most (SocketLimitsService), and most in one.
   */
  private readonly boardsBySocket = new Map<string, string[]>();
  /** This process's prefix in the presence sets (a restarted replica is a new instance). */
  readonly instance: string;
  private readonly ttlMs: number;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private beating = false;
  private closed = false;
  /** Boards with an announcement in progress → whether another change came in since its read began. */
  private readonly announcing = new Map<string, boolean>();
  /** Reads of a board's set, shared by concurrent callers (see `read`). */
  private readonly reads = new NextFlight<PresenceNotice>();

  constructor(
    private readonly sockets: SocketServer,
    private readonly redis: RedisConnections,
    config: ConfigService<Env, true>,
  ) {
    this.instance = `${config.getOrThrow('REPLICA_ID', { infer: true })}/${randomBytes(4).toString('hex')}`;
    this.ttlMs = config.getOrThrow('PRESENCE_TTL_MS', { infer: true });
    const every = config.getOrThrow('PRESENCE_HEARTBEAT_MS', { infer: true });
    if (this.redis.pub) {
      this.heartbeat = setInterval(() => void this.beat(), every);
      this.heartbeat.unref();
    }
  }

  /** The socket joined the board's room: count it, tell the room if the user is new, send the state to the socket. */
  async joined(socket: IoSocket, boardId: string): Promise<void> {
    if (!socket.connected) return;
    const userId = socket.data.userId;
    const users = this.local.get(boardId) ?? new Map<string, Set<string>>();
    this.local.set(boardId, users);
    const ids = users.get(userId) ?? new Set<string>();
    const first = ids.size === 0;
    ids.add(socket.id);
    users.set(userId, ids);
    let boards = this.boardsBySocket.get(socket.id);
    if (!boards) {
      boards = [];
      this.boardsBySocket.set(socket.id, boards);
      socket.once('disconnect', () => {
        const left = this.boardsBySocket.get(socket.id) ?? [];
        this.boardsBySocket.delete(socket.id);
        void this.remove(userId, socket.id, left);
      });
    }
    if (!boards.includes(boardId)) boards.push(boardId);
    try {
      if (first) await this.redis.pub?.zadd(presenceKey(boardId), Date.now() + this.ttlMs, presenceMember(this.instance, userId));
      // One read, after the change, for the socket's state and (when the set changed) the room's notice.
      const notice = this.read(boardId);
      if (first) this.announce(boardId, notice);
      socket.emit('presence:state', await notice);
    } catch (error) {
      this.warn('join', error);
    }
  }

  /** The socket left the board (`board:leave`). */
  async left(socket: IoSocket, boardId: string): Promise<void> {
    await this.remove(socket.data.userId, socket.id, [boardId]);
  }

  private async remove(userId: string, socketId: string, boardIds: string[]): Promise<void> {
    for (const boardId of boardIds) {
      const boards = this.boardsBySocket.get(socketId);
      if (boards?.includes(boardId)) boards.splice(boards.indexOf(boardId), 1);
      const users = this.local.get(boardId);
      const ids = users?.get(userId);
      if (!users || !ids?.delete(socketId) || ids.size > 0) continue;
      users.delete(userId);
      if (users.size === 0) this.local.delete(boardId);
      try {
        await this.redis.pub?.zrem(presenceKey(boardId), presenceMember(this.instance, userId));
        this.announce(boardId);
      } catch (error) {
        this.warn('leave', error);
      }
    }
  }

  /**
   * The users viewing a board now, from Redis (live entries only) or the local counts. Concurrent
   * calls for one board share one ZRANGEBYSCORE that starts after each of them asked (NextFlight),
   * so every caller sees the changes made before it asked.
   * @throws the Redis command's error
   */
  read(boardId: string): Promise<PresenceNotice> {
    const redis = this.redis.pub;
    if (!redis) return Promise.resolve(presenceNotice(boardId, this.local.get(boardId)?.keys() ?? []));
    return this.reads.run(boardId, async () => {
      const members = await redis.zrangebyscore(presenceKey(boardId), Date.now(), '+inf');
      return presenceNotice(boardId, members.flatMap((m) => parsePresenceMember(m)?.userId ?? []));
    });
  }

  /**
   * Sends `presence:update` (a fresh read) to the board's room, on every replica: at once when no
   * announcement of the board is in progress, otherwise once more after the current one's window
   * (PRESENCE_ANNOUNCE_WINDOW_MS), however many changes came in meanwhile. `fresh`: a read the
   * caller started after its change, used for an immediate notice instead of another read.
   */
  private announce(boardId: string, fresh?: Promise<PresenceNotice>): void {
    if (this.closed) return;
    if (this.announcing.has(boardId)) {
      this.announcing.set(boardId, true);
      return;
    }
    this.announcing.set(boardId, false);
    void this.announceUntilQuiet(boardId, fresh);
  }

  private async announceUntilQuiet(boardId: string, fresh?: Promise<PresenceNotice>): Promise<void> {
    try {
      do {
        this.announcing.set(boardId, false);
        const notice = fresh ?? this.read(boardId);
        fresh = undefined;
        try {
          this.sockets.io.to(boardRoom(boardId)).emit('presence:update', await notice);
        } catch (error) {
          this.warn('update', error);
        }
        await new Promise((resolve) => setTimeout(resolve, PRESENCE_ANNOUNCE_WINDOW_MS).unref());
      } while (this.announcing.get(boardId) === true && !this.closed);
    } finally {
      this.announcing.delete(boardId);
    }
  }

  /**
   * One heartbeat: refresh this replica's entries, drop expired ones of every board with sockets
   * here, and announce the boards whose set shrank. One pipeline for all boards.
   */
  async beat(): Promise<void> {
    const redis = this.redis.pub;
    if (!redis || this.beating || this.local.size === 0) return;
    this.beating = true;
    try {
      const now = Date.now();
      // Users per board as queued: the counts may change while the pipeline runs.
      const boards = [...this.local].map(([boardId, users]) => ({ boardId, userIds: [...users.keys()] }));
      const pipeline = redis.pipeline();
      for (const { boardId, userIds } of boards) {
        const key = presenceKey(boardId);
        for (const userId of userIds) pipeline.zadd(key, now + this.ttlMs, presenceMember(this.instance, userId));
        pipeline.zremrangebyscore(key, '-inf', now);
        // A board nobody views any more disappears with its last entry.
        pipeline.pexpire(key, this.ttlMs * 2);
      }
      const results = (await pipeline.exec()) ?? [];
      let i = 0;
      for (const { boardId, userIds } of boards) {
        i += userIds.length;
        const [error, removed] = results[i] ?? [null, 0];
        i += 2;
        // To the whole room: the other replicas' heartbeats find nothing left to remove.
        if (!error && Number(removed) > 0) this.announce(boardId);
      }
    } catch (error) {
      this.warn('heartbeat', error);
    } finally {
      this.beating = false;
    }
  }

  /** Drops this replica's entries so the others see its viewers leave at once (they reconnect elsewhere). */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    const redis = this.redis.pub;
    if (!redis || redis.status !== 'ready') return;
    const pipeline = redis.pipeline();
    for (const [boardId, users] of this.local) for (const userId of users.keys()) pipeline.zrem(presenceKey(boardId), presenceMember(this.instance, userId));
    await pipeline.exec().catch(() => undefined);
    this.local.clear();
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`presence ${what} skipped: ${(error as Error).message}`);
  }
}
