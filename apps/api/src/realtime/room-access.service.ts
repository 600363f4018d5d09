import { Injectable } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { boardRoom, userRoom, type AnyBoardEvent, type BoardRole } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { freshBatchLoader } from '../database/fresh-batch-loader.js';
import { SocketServer } from './socket-server.js';

/**
 * Most (board, user) pairs in one batched membership read (two uuid[] parameters of this length,
 * one primary-key lookup each): a larger burst is split into several reads that run side by side,
 * so no single query's parameters or run time grow with the storm.
 */
export const MEMBERSHIP_CHECKS_PER_READ = 500;

/**
 * Who may be in a board room, kept out of the gateway (which only handles sockets): the check
 * before a join, evictions after `member.removed` and `board.deleted`, and the membership sweep
 * that backs those evictions up.
 */
@Injectable()
export class RoomAccessService {
  /** Membership checks of joins, batched (see `roleOf`). */
  private readonly checks: DataLoader<{ boardId: string; userId: string }, BoardRole | null>;

  constructor(
    private readonly sockets: SocketServer,
    private readonly access: BoardAccessService,
  ) {
    // Every check asked in the current poll phase shares one read that starts after all of them asked.
    this.checks = freshBatchLoader(async (pairs) => {
      const roles = await this.access.rolesAmong([...pairs]);
      // The keys of rolesAmong's map: PostgreSQL prints UUIDs in lowercase.
      return pairs.map((p) => roles.get(`${p.boardId}:${p.userId}`.toLowerCase()) ?? null);
    }, MEMBERSHIP_CHECKS_PER_READ);
  }

  /**
   * The user's role on the board, or null (not a member, deleted or unknown board), from a read that
   * starts after this call: a removal committed before it is seen. Concurrent checks share their
   * reads: those asked in one event-loop turn go into one `board_members` query of up to
   * MEMBERSHIP_CHECKS_PER_READ pairs (DataLoader, no cache), so a reconnect storm's joins cost a
   * few queries per replica and turn instead of two per join (docs/delivery.md). Batches do not
   * wait for each other: a check never queues behind a read already in flight.
   * @throws the query's error (every check of that read gets it)
   */
  roleOf(boardId: string, userId: string): Promise<BoardRole | null> {
    return this.checks.load({ boardId, userId });
  }

  /**
   * Revokes room access after an event that ends it: the removed member's sockets (`member.removed`)
   * or everyone (`board.deleted`) get `board:removed` and leave the room, locally at once and through
   * Redis on the other replicas (that request is at-most-once; `sweep` is the backstop).
   */
  afterEvent(event: AnyBoardEvent): void {
    const io = this.sockets.io;
    const room = boardRoom(event.boardId);
    if (event.type === 'member.removed') {
      io.to(userRoom(event.data.id)).emit('board:removed', { boardId: event.boardId, reason: 'membership revoked' });
      io.local.in(userRoom(event.data.id)).socketsLeave(room);
      io.in(userRoom(event.data.id)).socketsLeave(room);
    } else if (event.type === 'board.deleted') {
      io.to(room).emit('board:removed', { boardId: event.boardId, reason: 'board deleted' });
      io.local.in(room).socketsLeave(room);
      io.in(room).socketsLeave(room);
    }
  }

  /**
   * The membership sweep over this replica's board rooms: a socket whose user is no longer a member
   * gets `board:removed` and leaves (one query for all rooms). Returns the ids of the boards swept.
   */
  async sweep(): Promise<string[]> {
    const nsp = this.sockets.io.of('/');
    const rooms = [...nsp.adapter.rooms.entries()].filter(([r]) => r.startsWith('board:'));
    const pairs: { boardId: string; userId: string; socketId: string }[] = [];
    for (const [room, ids] of rooms) {
      for (const id of ids) {
        const userId = nsp.sockets.get(id)?.data.userId;
        if (userId) pairs.push({ boardId: room.slice('board:'.length), userId, socketId: id });
      }
    }
    const members = await this.access.membershipsAmong(pairs);
    for (const p of pairs) {
      if (members.has(`${p.boardId}:${p.userId}`)) continue;
      const socket = nsp.sockets.get(p.socketId);
      socket?.emit('board:removed', { boardId: p.boardId, reason: 'not a member' });
      await socket?.leave(boardRoom(p.boardId));
    }
    return rooms.map(([r]) => r.slice('board:'.length));
  }
}
