import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { Board } from '../boards/board.entity.js';

/**
 * A column of a board. `position` is a fractional-index key; COLLATE "C" makes PostgreSQL order it
 * by bytes, which is the order the algorithm defines (a locale collation would not).
 */
@Entity('columns')
@Index('ix_columns_board_id_position', ['boardId', 'position'])
export class BoardColumn {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'board_id' })
  boardId: string;

  @ManyToOne(() => Board, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: Relation<Board>;

  @Column('text')
  name: string;

  @Column({ type: 'text', collation: 'C' })
  position: string;

  @Column('integer', { default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
