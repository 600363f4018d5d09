import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A comment on a task (Markdown `body`, 1…10,000 characters). `mention_ids` are the board members
 * its `@Name` mentions resolved to when it was last written. Deleted with its task (and board).
 * Index (task_id, created_at, id): the thread, oldest first, keyset-paginated.
 */
@Entity('comments')
@Index('ix_comments_task_id_created_at_id', ['taskId', 'createdAt', 'id'])
// GIN on search_vector: GET /search finds a task by a word of its comments; created by migration CommentSearch.
@Index('ix_comments_search_vector', { synchronize: false })
export class Comment {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'board_id' })
  boardId: string;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('uuid', { name: 'task_id' })
  taskId: string;

  @ManyToOne('Task', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'task_id' })
  task?: unknown;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('text')
  body: string;

  @Column('uuid', { name: 'mention_ids', array: true, default: () => "'{}'" })
  mentionIds: string[];

  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;

  /** Full-text vector of the body ('simple', like tasks.search_vector), kept by PostgreSQL; never selected. */
  @Column({ type: 'tsvector', name: 'search_vector', generatedType: 'STORED', asExpression: `to_tsvector('simple', "body")`, select: false, insert: false, update: false })
  searchVector?: string;
}
