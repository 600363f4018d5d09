import { Injectable } from '@nestjs/common';
import type { NotificationPage, NotificationView, UnreadCount } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { BoardsService } from '../boards/boards.service.js';
import { decodeSeqCursor, encodeSeqCursor } from '../pagination/cursor.js';
import { TasksService } from '../tasks/tasks.service.js';
import { UsersService } from '../users/users.service.js';
import type { ListNotificationsQueryDto } from './notifications.dto.js';
import { NotificationsRepository, type NotificationRecord } from './notifications.repository.js';

/**
 * A user's notifications: list (newest first, `unread`, `afterSeq` catch-up), unread count, mark
 * read; and the views (with names) that live delivery sends. Names are current and shown only
 * while the recipient is still a member of the board: a board they left shows neither its name
 * nor its task titles (an `invited` one shows the board's name, as the invitation itself does).
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly access: BoardAccessService,
    private readonly boards: BoardsService,
    private readonly tasks: TasksService,
    private readonly users: UsersService,
  ) {}

  /** @throws AppError VALIDATION_FAILED (400, cursor) */
  async list(userId: string, query: ListNotificationsQueryDto): Promise<NotificationPage> {
    const limit = query.pageSize();
    const beforeSeq = query.cursor ? decodeSeqCursor(query.cursor) : undefined;
    const { rows, unreadCount, lastSeq } = await this.notifications.pageWithCounts(userId, { unread: query.unread === true, beforeSeq, afterSeq: query.afterSeq, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { items: await this.views(page), nextCursor: rows.length > limit ? encodeSeqCursor(page[page.length - 1].seq) : null, unreadCount, lastSeq };
  }

  async unreadCount(userId: string): Promise<UnreadCount> {
    return { unreadCount: (await this.notifications.counts(userId)).unreadCount };
  }

  /** Marks the given ids (the caller's own; others are ignored) or all read; returns the new unread count. */
  async markRead(userId: string, ids: readonly string[] | null): Promise<UnreadCount> {
    await this.notifications.markRead(userId, ids);
    return this.unreadCount(userId);
  }

  /** Rows → wire views, with the names each recipient may see (one look-up per kind of name). */
  async views(rows: readonly NotificationRecord[]): Promise<NotificationView[]> {
    if (rows.length === 0) return [];
    const recipients = [...new Set(rows.map((r) => r.userId))];
    const boardIds = [...new Set(rows.map((r) => r.boardId))];
    const [memberships, boardNames, titles, users] = await Promise.all([
      Promise.all(recipients.map(async (u) => [u, await this.access.boardsOf(u)] as const)),
      this.boards.liveNames(boardIds),
      this.tasks.titlesOf(rows.flatMap((r) => (r.taskId ? [{ boardId: r.boardId, taskId: r.taskId }] : []))),
      this.users.findByIds([...new Set(rows.map((r) => r.actorId))]),
    ]);
    const boardsOf = new Map(memberships);
    return rows.map((r) => {
      const visible = boardsOf.get(r.userId)?.has(r.boardId) ?? false;
      // An invitation names its board to the invitee anyway (`GET /users/me/invitations`).
      const boardVisible = visible || r.kind === 'invited';
      return {
        id: r.id,
        seq: r.seq,
        kind: r.kind,
        boardId: r.boardId,
        boardName: boardVisible ? (boardNames.get(r.boardId) ?? null) : null,
        taskId: r.taskId,
        taskTitle: visible && r.taskId ? (titles.get(r.taskId) ?? null) : null,
        commentId: r.commentId,
        actorId: r.actorId,
        actorName: users.get(r.actorId)?.name ?? 'Someone',
        createdAt: r.createdAt,
        readAt: r.readAt,
      };
    });
  }
}
