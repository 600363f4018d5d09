import type { EntityManager } from 'typeorm';
import type { NotificationKind } from '@tasklane/contracts';

/**
 * A notification a write asks for: `userId` should hear about this change. The write's service
 * decides who (newly assigned users, mentioned members, the task's creator and assignees on a new
 * comment); the notifier decides whether (never the actor themself, only current members,
 * preferences) and how (stored with the user's own seq, delivered live after COMMIT).
 */
export interface NotificationIntent {
  userId: string;
  kind: NotificationKind;
  /** The task the notification opens, if any. */
  taskId: string | null;
  /** The comment that caused it (`mentioned`, `commented`). */
  commentId?: string;
}

/** The write a set of intents belongs to. `seq` is the board event's seq (0 for writes without an event). */
export interface NotifiedWrite {
  boardId: string;
  actorId: string;
  seq: number;
  intents: readonly NotificationIntent[];
}

/**
 * Where a board write's notifications go: the notifications feature, behind this port (provided
 * under BOARD_NOTIFIER) so `events` never imports it, like EVENT_PUBLISHER.
 */
export interface BoardNotifier {
  /**
   * Inside the write's transaction, after its change and event: stores the notifications (all or
   * none, with the write). Returns what to do after COMMIT (deliver them live), or null; the
   * caller runs it once, only if the transaction commits. Throws only for a database error, which
   * rolls the write back.
   */
  record(tx: EntityManager, write: NotifiedWrite): Promise<(() => void) | null>;
}

/** Injection token of the BoardNotifier. */
export const BOARD_NOTIFIER = Symbol('BOARD_NOTIFIER');
