import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Board } from '../boards/board.entity.js';

/**
 * The head of a board's event stream: `seq` is the number of its last event. Every board write
 * locks this row (`SELECT … FOR UPDATE`), so writes to one board are serialised and seq order is
 * commit order, then bumps `seq` in the statement that inserts the event. Created with the board;
 * removed with it (ON DELETE CASCADE).
 */
@Entity('board_streams')
export class BoardStream {
  @PrimaryColumn('uuid', { name: 'board_id' })
  boardId: string;

  @OneToOne(() => Board, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: Relation<Board>;

  @Column('integer', { default: 0 })
  seq: number;
}
