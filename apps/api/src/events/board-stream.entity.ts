import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
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

  @OneToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('integer', { default: 0 })
  seq: number;
}
