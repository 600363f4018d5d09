import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { NotificationKind } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';

/** A `notifications` row as the service uses it. */
export interface NotificationRecord {
  id: string;
  userId: string;
  seq: number;
  kind: NotificationKind;
  boardId: string;
  taskId: string | null;
  commentId: string | null;
  actorId: string;
  createdAt: string;
  readAt: string | null;
}

interface NotificationRow {
  id: string;
  user_id: string;
  seq: number;
  kind: NotificationKind;
  board_id: string;
  task_id: string | null;
  comment_id: string | null;
  actor_id: string;
  created_at: Date;
  read_at: Date | null;
}

const COLUMNS = 'id, user_id, seq, kind, board_id, task_id, comment_id, actor_id, created_at, read_at';

const toRecord = (r: NotificationRow): NotificationRecord => ({
  id: r.id,
  userId: r.user_id,
  seq: r.seq,
  kind: r.kind,
  boardId: r.board_id,
  taskId: r.task_id,
  commentId: r.comment_id,
  actorId: r.actor_id,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at ? r.read_at.toISOString() : null,
});

/** One notification to store: for `userId`, caused by `actorId`'s write on `boardId` (board event `boardSeq`, 0 if none). */
export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  taskId: string | null;
  commentId: string | null;
}

/**
 * SQL for `notifications` and `notification_streams`. Writes run in the transaction of the board
 * write that caused them; reads default to the pool.
 */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores one notification per entry (at most one per user: the caller dedupes), each numbered
   * with its user's next seq: one statement that upserts the users' stream rows (locking them, in
   * user-id order, so two writes notifying the same users cannot deadlock) and inserts the rows.
   */
  async insert(tx: EntityManager, write: { boardId: string; actorId: string; boardSeq: number }, items: readonly NewNotification[]): Promise<NotificationRecord[]> {
    const sorted = [...items].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    const { rows } = await runPrepared<NotificationRow>(
      tx,
      `WITH bumped AS (
         INSERT INTO notification_streams (user_id, seq)
         SELECT u, 1 FROM unnest($1::uuid[]) WITH ORDINALITY AS x(u, n) ORDER BY n
         ON CONFLICT (user_id) DO UPDATE SET seq = notification_streams.seq + 1
         RETURNING user_id, seq)
       INSERT INTO notifications (id, user_id, seq, kind, board_id, task_id, comment_id, actor_id, board_seq, created_at)
       SELECT gen_random_uuid(), b.user_id, b.seq, i.kind, $5, i.task_id, i.comment_id, $6, $7, clock_timestamp()
         FROM bumped b JOIN unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[]) AS i(user_id, kind, task_id, comment_id) ON i.user_id = b.user_id
       RETURNING ${COLUMNS}`,
      [sorted.map((i) => i.userId), sorted.map((i) => i.kind), sorted.map((i) => i.taskId), sorted.map((i) => i.commentId), write.boardId, write.actorId, write.boardSeq],
    );
    return rows.map(toRecord).sort((a, b) => (a.userId < b.userId ? -1 : 1));
  }

  /**
   * A user's notifications, newest first: seq < `beforeSeq` (the cursor) and seq > `afterSeq`
   * (catch-up) when given, unread only when asked, at most `limit`. Primary key (user_id, seq).
   */
  async list(userId: string, page: { unread: boolean; beforeSeq?: number; afterSeq?: number; limit: number }, db: EntityManager = this.dataSource.manager): Promise<NotificationRecord[]> {
    const { rows } = await runPrepared<NotificationRow>(
      db,
      `SELECT ${COLUMNS} FROM notifications
        WHERE user_id = $1 AND ($2::int IS NULL OR seq < $2) AND ($3::int IS NULL OR seq > $3) AND (NOT $4::boolean OR read_at IS NULL)
        ORDER BY seq DESC LIMIT $5`,
      [userId, page.beforeSeq ?? null, page.afterSeq ?? null, page.unread, page.limit],
    );
    return rows.map(toRecord);
  }

  /** The user's unread count and last seq (0 before the first notification), in one snapshot. */
  async counts(userId: string, db: EntityManager = this.dataSource.manager): Promise<{ unreadCount: number; lastSeq: number }> {
    const { rows } = await runPrepared<{ unread: number; last_seq: number }>(
      db,
      `SELECT (SELECT count(*)::int FROM notifications WHERE user_id = $1 AND read_at IS NULL) AS unread,
              coalesce((SELECT seq FROM notification_streams WHERE user_id = $1), 0) AS last_seq`,
      [userId],
    );
    return { unreadCount: rows[0].unread, lastSeq: rows[0].last_seq };
  }

  /**
   * A page and the counts read in one REPEATABLE READ snapshot, so `lastSeq` and `unreadCount`
   * describe exactly the rows returned: a client taking `lastSeq` as "what I have" never skips a
   * notification that committed between two reads, nor counts one twice.
   */
  pageWithCounts(userId: string, page: { unread: boolean; beforeSeq?: number; afterSeq?: number; limit: number }): Promise<{ rows: NotificationRecord[]; unreadCount: number; lastSeq: number }> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const rows = await this.list(userId, page, tx);
      return { rows, ...(await this.counts(userId, tx)) };
    });
  }

  /** Marks the user's notifications with these ids read (others' ids and unknown ids match nothing); `ids` null: all of them. */
  async markRead(userId: string, ids: readonly string[] | null): Promise<void> {
    await runPrepared(
      this.dataSource.manager,
      `UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))`,
      [userId, ids],
    );
  }
}
