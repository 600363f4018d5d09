import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { BoardEventType } from '@tasklane/contracts';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/**
 * One event of a board's ordered stream, and the transactional outbox: it is inserted in the same
 * transaction as the change it describes. Primary key (board_id, seq) is the required unique
 * (board_id, seq) and serves `after=` range reads. `publishedAt` is set once some replica has
 * broadcast it; the relay republishes rows left null (crash between commit and broadcast).
 */
@Entity('board_events')
@Index('ix_board_events_unpublished', ['occurredAt'], { where: '"published_at" IS NULL' })
// BRIN on occurred_at for retention's age cut-off: rows arrive in time order, so a block-range
// index is tiny and costs writes almost nothing. TypeORM cannot declare BRIN; see the migration.
@Index('ix_board_events_occurred_at_brin', { synchronize: false })
// Expression index (board_id, coalesce(data->>'id', data->>'userId'), seq) for activity's per-subject
// reads; TypeORM cannot declare expression indexes: see migration ActivitySubjectIndex.
@Index('ix_board_events_subject', { synchronize: false })
@Index('ix_board_events_task', { synchronize: false })
export class BoardEvent {
  @PrimaryColumn('uuid', { name: 'board_id' })
  boardId: string;

  @PrimaryColumn('integer')
  seq: number;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('text')
  type: BoardEventType;

  @Column('uuid', { name: 'actor_id' })
  actorId: string;

  @Column('timestamptz', { name: 'occurred_at', default: () => 'now()' })
  occurredAt: Date;

  @Column('jsonb')
  data: unknown;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;

  /** The Idempotency-Key of the request that caused the event, echoed so clients can reconcile optimistic updates. */
  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey: string | null;

  /** W3C `traceparent` of the write that caused the event (null when tracing is off), so the trace continues where the event is emitted. */
  @Column('text', { nullable: true })
  traceparent: string | null;
}
