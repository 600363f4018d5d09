import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * An item of a task's checklist (`text` 1…500 characters, `done`). `position` is a fractional-index
 * key within the task (COLLATE "C": byte order, as the algorithm defines it). Deleted with its task.
 * Index (task_id, position): the list in order and neighbour lookups.
 */
@Entity('checklist_items')
@Index('ix_checklist_items_task_id_position', ['taskId', 'position'])
export class ChecklistItem {
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

  @Column('text')
  text: string;

  @Column('boolean', { default: false })
  done: boolean;

  @Column({ type: 'text', collation: 'C' })
  position: string;

  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
