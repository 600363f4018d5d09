import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/**
 * A task. `position` orders tasks inside a column (fractional index, COLLATE "C"), so a move
 * rewrites this one row. Indexes: (column_id, position) for ordering and neighbours,
 * (board_id, created_at, id) for the keyset-paginated list, GIN on assignee_ids for `assigneeId=`.
 */
@Entity('tasks')
@Index('ix_tasks_column_id_position', ['columnId', 'position'])
@Index('ix_tasks_board_id_created_at_id', ['boardId', 'createdAt', 'id'])
// GIN index for `assignee_ids @> ARRAY[$1]`; TypeORM cannot declare GIN, so the migration creates it
// and synchronize: false keeps migration:generate from dropping it.
@Index('ix_tasks_assignee_ids', { synchronize: false })
@Index('ix_tasks_board_id_archived_at_id', ['boardId', 'archivedAt', 'id'], { where: '"archived_at" IS NOT NULL' })
// GIN index on search_vector for full-text search (GET /search); created by migration TaskSearch.
@Index('ix_tasks_search_vector', { synchronize: false })
export class Task {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'board_id' })
  boardId: string;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('uuid', { name: 'column_id' })
  columnId: string;

  @ManyToOne('BoardColumn', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'column_id' })
  column?: unknown;

  @Column('text')
  title: string;

  @Column('text', { default: '' })
  description: string;

  @Column({ type: 'text', collation: 'C' })
  position: string;

  @Column('uuid', { name: 'assignee_ids', array: true, default: () => "'{}'" })
  assigneeIds: string[];

  /**
   * @deprecated The free-text labels of the previous release, kept one release so its replicas
   * keep working during a rolling deploy (migration CollaborationContent). This code neither reads
   * nor writes it; the next release converts what was written meanwhile and drops it.
   */
  @Column('text', { array: true, default: () => "'{}'" })
  labels: string[];

  /** Ids of board_labels of this board (checked on write; a deleted label is removed in its transaction). */
  @Column('uuid', { name: 'label_ids', array: true, default: () => "'{}'" })
  labelIds: string[];

  /** Set while archived (the task leaves the board view). */
  @Column('timestamptz', { name: 'archived_at', nullable: true })
  archivedAt: Date | null;

  // Counters kept by the comments and checklists features under the board's stream lock, so a
  // snapshot reads them without counting (docs/benchmarks.md: board snapshot).
  @Column('integer', { name: 'comment_count', default: 0 })
  commentCount: number;

  @Column('integer', { name: 'checklist_done', default: 0 })
  checklistDone: number;

  @Column('integer', { name: 'checklist_total', default: 0 })
  checklistTotal: number;

  @Column('timestamptz', { name: 'due_at', nullable: true })
  dueAt: Date | null;

  /** Set while the task is done (the time it was marked done); its reminders are then cancelled. */
  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;

  @Column('uuid', { name: 'created_by' })
  createdBy: string;

  @Column('uuid', { name: 'updated_by' })
  updatedBy: string;

  /**
   * Full-text vector of the title (weight A) and description (weight B), kept by PostgreSQL
   * (generated, stored), 'simple' configuration: no stemming, so prefix queries match what
   * was typed, in any language. Never selected by the app; GET /search matches and ranks on it.
   */
  @Column({
    type: 'tsvector',
    name: 'search_vector',
    generatedType: 'STORED',
    asExpression: `setweight(to_tsvector('simple', coalesce("title", '')), 'A') || setweight(to_tsvector('simple', coalesce("description", '')), 'B')`,
    select: false,
    insert: false,
    update: false,
  })
  searchVector?: string;
}
