import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { boardRoom, type JoinOk } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { BoardEventsService } from '../events/board-events.service.js';
import { NextFlight } from '../database/next-flight.js';
import { RoomAccessService } from './room-access.service.js';
import { SocketServer } from './socket-server.js';

/**
 * What board rooms hear besides events, kept out of the gateway (which only handles sockets):
 *  - what a join acknowledges (`catchUp`);
 *  - the heartbeat: every SEQ_HEARTBEAT_MS, for the board rooms with sockets on THIS replica,
 *    the membership sweep (backstop for an eviction request Redis dropped) and a `board:seq`
 *    notice, so a client that missed the last events of a quiet board notices within one interval.
 */
@Injectable()
export class BoardRoomsService implements OnApplicationShutdown {
  private readonly logger = new Logger(BoardRoomsService.name);
  private heartbeat: NodeJS.Timeout | null = null;
  private beating = false;
  /** Joins of one board asking for the same page share one read that starts after they asked (reconnect storms). */
  private readonly catchUps = new NextFlight<JoinOk>();

  constructor(
    private readonly sockets: SocketServer,
    private readonly access: RoomAccessService,
    private readonly events: BoardEventsService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /** Starts the heartbeat (called by the gateway once Socket.IO is up). */
  startHeartbeat(): void {
    this.heartbeat ??= setInterval(() => void this.beat(), this.config.getOrThrow('SEQ_HEARTBEAT_MS', { infer: true }));
    this.heartbeat.unref();
  }

  /** Stops the heartbeat (drain, shutdown). */
  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  onApplicationShutdown(): void {
    this.stopHeartbeat();
  }

  /**
   * What a join acknowledges: the board's seq and, when the client says where it is (`afterSeq`),
   * the events after it; `resync` when they are no longer retained or are more than one page
   * (EVENTS_PAGE_MAX events or EVENTS_PAGE_MAX_BYTES of JSON, see BoardEventsService.listAfter).
   * Read after the socket is in the room: every event committed after this read reaches it
   * through the room, every earlier one is in the ack or the client's snapshot. Concurrent joins
   * asking for the same board and `afterSeq` share one read that starts after all of them asked
   * (NextFlight), so a reconnect storm costs about one or two reads per board and page instead of
   * one per socket, with the same guarantee. The shared ack is one object: callers must not mutate it.
   */
  catchUp(boardId: string, afterSeq: number | undefined): Promise<JoinOk> {
    return this.catchUps.run(`${boardId}:${afterSeq ?? '-'}`, () => this.readCatchUp(boardId, afterSeq));
  }

  /** One read of `catchUp`. */
  private async readCatchUp(boardId: string, afterSeq: number | undefined): Promise<JoinOk> {
    if (afterSeq === undefined) return { ok: true, seq: (await this.events.currentSeq(boardId)) ?? 0 };
    try {
      const page = await this.events.listAfter(boardId, afterSeq);
      const complete = page.items.length === 0 || page.items[page.items.length - 1].seq === page.lastSeq;
      return complete ? { ok: true, seq: page.lastSeq, events: page.items } : { ok: true, seq: page.lastSeq, resync: true };
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EVENTS_EXPIRED') return { ok: true, seq: (await this.events.currentSeq(boardId)) ?? 0, resync: true };
      throw error;
    }
  }

  /** One heartbeat: sweep, then `board:seq` to every board room with sockets here. Two queries for all rooms; never two beats at once. */
  async beat(): Promise<void> {
    if (this.beating || !this.sockets.initialised) return;
    this.beating = true;
    try {
      const boardIds = await this.access.sweep();
      if (boardIds.length === 0) return;
      const seqs = await this.events.currentSeqs(boardIds);
      for (const [boardId, seq] of seqs) this.sockets.io.local.to(boardRoom(boardId)).emit('board:seq', { boardId, seq });
    } catch (error) {
      this.logger.warn(`board:seq heartbeat skipped: ${(error as Error).message}`);
    } finally {
      this.beating = false;
    }
  }
}
