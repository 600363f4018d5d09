import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/**
 * A board. `seq` is the number of the board's last event: every write bumps it with
 * `UPDATE boards SET seq = seq + 1 … RETURNING seq` inside the write's transaction, which also
 * takes the row lock that serialises writes to one board (so seq order is commit order).
 * Deleting a board sets `deletedAt`: the `board.deleted` event row references the board, and
 * members' clients learn of the deletion from it; the row is removed by retention later.
 */
@Entity('boards')
export class Board {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  description: string;

  @Column('integer', { default: 0 })
  seq: number;

  @Column('integer', { default: 1 })
  version: number;

  @Column('uuid', { name: 'created_by' })
  createdBy: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'created_by' })
  creator?: Relation<User>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
