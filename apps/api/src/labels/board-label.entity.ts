import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A label of a board: `name` (1…50 characters, unique per board ignoring case) and `color`
 * (`#rrggbb`, lower case). Tasks list label ids in `tasks.label_ids`.
 */
@Entity('board_labels')
@Index('ux_board_labels_board_id_lower_name', { synchronize: false })
export class BoardLabel {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'board_id' })
  boardId: string;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('text')
  name: string;

  @Column('text')
  color: string;

  @Column('integer', { default: 1 })
  version: number;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
