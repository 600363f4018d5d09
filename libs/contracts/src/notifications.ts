import type { NotificationKind } from './resources.js';

/**
 * A notification as its recipient sees it (`GET /users/me/notifications`, socket `notification:new`).
 * `seq` numbers one user's notifications 1, 2, 3 … in commit order (the user's own stream, like a
 * board's seq): a client that saw seq n catches up with `?afterSeq=n`.
 */
export interface NotificationView {
  id: string;
  seq: number;
  kind: NotificationKind;
  boardId: string;
  /** The board's current name, or null when it was deleted. */
  boardName: string | null;
  /** The task it opens, if any. */
  taskId: string | null;
  /** The task's current title, or null (no task, or deleted). */
  taskTitle: string | null;
  /** The comment that caused it (`mentioned`, `commented`). */
  commentId: string | null;
  actorId: string;
  /** The actor's current name ("Someone" for a deleted account). */
  actorName: string;
  createdAt: string;
  /** When the recipient marked it read; null: unread. */
  readAt: string | null;
}

/** `GET /users/me/notifications` response: a page, newest first, and the unread count at read time. */
export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
  unreadCount: number;
  /** The user's last notification seq at read time (0 before the first). */
  lastSeq: number;
}

/** `POST /users/me/notifications/read` body: the ids to mark read, or `{ all: true }`. */
export type MarkNotificationsRead = { ids: string[] } | { all: true };

/** `POST /users/me/notifications/read` and `GET …/unread-count` response. */
export interface UnreadCount {
  unreadCount: number;
}

/** Socket `notification:new` payload: one new notification of this socket's user. */
export type NotificationNotice = NotificationView;
