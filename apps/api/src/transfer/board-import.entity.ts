import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An uploaded board file waiting for, or done with, its import job: `plan` is the file already
 * read and checked (transfer/board-file.ts ImportPlan), so the job only writes. `status`
 * queued → succeeded (board_id set) | failed (error); `processed` counts the tasks written while
 * queued. Visible to its importer only.
 */
@Entity('board_imports')
@Index('ix_board_imports_user', ['userId', 'createdAt'])
export class BoardImport {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('text')
  source: 'tasklane' | 'trello';

  @Column('text', { default: 'queued' })
  status: 'queued' | 'succeeded' | 'failed';

  /** The plan; cleared once the job has finished. */
  @Column('jsonb', { nullable: true })
  plan: unknown;

  @Column('integer', { name: 'column_count' })
  columnCount: number;

  @Column('integer', { name: 'task_count' })
  taskCount: number;

  @Column('jsonb', { default: () => `'{}'` })
  skipped: unknown;

  /** Tasks written so far by the job (0 … task_count); only ever raised, also across retries (`import:progress`). */
  @Column('integer', { default: 0 })
  processed: number;

  @Column('uuid', { name: 'board_id', nullable: true })
  boardId: string | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
