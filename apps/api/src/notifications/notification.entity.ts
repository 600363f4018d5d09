import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { NotificationKind } from '@tasklane/contracts';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/**
 * One notification of one user. `seq` numbers a user's notifications 1, 2, 3 … in commit order
 * (unique per user, taken from the user's NotificationStream row under its lock, in the
 * transaction of the write that caused it). `task_id` and `comment_id` have no foreign key: the
 * notification outlives a deleted task or comment (its title is then null). Indexes: the primary
 * key (user_id, seq) serves the list (newest first, keyset on seq) and `afterSeq` catch-up; the
 * partial (user_id) WHERE read_at IS NULL serves the unread count.
 */
@Entity('notifications')
@Check('ck_notifications_kind', `"kind" IN ('assigned', 'mentioned', 'commented', 'invited', 'due_soon', 'overdue', 'webhook_disabled')`)
@Index('ux_notifications_id', ['id'], { unique: true })
@Index('ix_notifications_user_id_unread', ['userId'], { where: '"read_at" IS NULL' })
// Retention (NotificationsRepository.prune) deletes by age without reading the whole table.
@Index('ix_notifications_created_at', ['createdAt'])
@Index('ix_notifications_read_at', ['readAt'], { where: '"read_at" IS NOT NULL' })
export class Notification {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('integer')
  seq: number;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @Column('uuid')
  id: string;

  @Column('text')
  kind: NotificationKind;

  @Column('uuid', { name: 'board_id' })
  boardId: string;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('uuid', { name: 'task_id', nullable: true })
  taskId: string | null;

  @Column('uuid', { name: 'comment_id', nullable: true })
  commentId: string | null;

  @Column('uuid', { name: 'actor_id' })
  actorId: string;

  /** The seq of the board event that caused it (0: a write without an event, e.g. an invitation). */
  @Column('integer', { name: 'board_seq' })
  boardSeq: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'read_at', nullable: true })
  readAt: Date | null;
}

/**
 * The head of a user's notification stream: the last seq given out. Created on the user's first
 * notification (upsert); a write locks it while it numbers that user's new notification, so seq
 * order is commit order, like `board_streams` for board events.
 */
@Entity('notification_streams')
export class NotificationStream {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @Column('integer', { default: 0 })
  seq: number;
}
