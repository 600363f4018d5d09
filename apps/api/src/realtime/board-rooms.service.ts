import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { boardRoom, type JoinOk } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { BoardEventsService } from '../events/board-events.service.js';
import { boardNotFound } from '../board-access/board-access.errors.js';
import { freshBatchLoader } from '../database/fresh-batch-loader.js';
import { RoomAccessService } from './room-access.service.js';
import { SocketServer } from './socket-server.js';

/** Most joins one catch-up read answers (each board's window is at most EVENTS_PAGE_MAX events). */
const CATCH_UPS_PER_READ = 200;
/**
 * Catch-up reads running at once per replica; the joins asked while they run gather into the next
 * read. More than one, so that one slow read does not hold every board's joins.
 */
const CATCH_UP_READS_IN_FLIGHT = 2;

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
  /** Concurrent joins' catch-up reads, of any boards, batched into few statements (reconnect storms). */
  private readonly catchUps = freshBatchLoader<{ boardId: string; afterSeq?: number }, JoinOk>(
    (joins) => this.readCatchUps(joins),
    CATCH_UPS_PER_READ,
    CATCH_UP_READS_IN_FLIGHT,
  );

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
   * (EVENTS_PAGE_MAX events or EVENTS_PAGE_MAX_BYTES of JSON, as BoardEventsService.listAfter pages).
   * Read after the socket is in the room: every event committed after this read reaches it
   * through the room, every earlier one is in the ack or the client's snapshot. Concurrent joins,
   * of any boards and `afterSeq`s, share one statement that starts after all of them asked
   * (freshBatchLoader, BoardEventsService.joinAcks): at most CATCH_UP_READS_IN_FLIGHT reads run at
   * once, and the joins asked while they run gather into the next. So a reconnect storm costs a
   * few catch-up reads per replica instead of one per board and `afterSeq`, with the same
   * guarantee. Joins with the same board and `afterSeq` in one read share one ack object: callers
   * must not mutate it.
   * @throws AppError BOARD_NOT_FOUND when `afterSeq` is given and the board has no stream (deleted
   *   since the membership check); errors of the read itself (PostgreSQL), shared by its batch.
   */
  catchUp(boardId: string, afterSeq: number | undefined): Promise<JoinOk> {
    return this.catchUps.load({ boardId, afterSeq });
  }

  /** One read of `catchUp` for a batch of joins: one answer per join, in order (an Error rejects that join alone). */
  private async readCatchUps(joins: readonly { boardId: string; afterSeq?: number }[]): Promise<(JoinOk | Error)[]> {
    const acks = await this.events.joinAcks(joins);
    // No stream: as before batching, a join without afterSeq sees seq 0, one with afterSeq fails.
    return acks.map((ack, i) => ack ?? (joins[i].afterSeq === undefined ? { ok: true, seq: 0 } : boardNotFound()));
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
