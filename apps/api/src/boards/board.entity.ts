import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/**
 * A board. Its event stream's head (seq, and the lock that serialises writes) is its
 * `board_streams` row (events module). Deleting a board sets `deletedAt` and removes its members:
 * the `board.deleted` event row references the board, and members' clients learn of the deletion
 * from it; retention removes the row later.
 */
@Entity('boards')
// Retention (purgeDeleted) finds deleted boards without reading the whole table.
@Index('ix_boards_deleted_at', ['deletedAt'], { where: '"deleted_at" IS NOT NULL' })
export class Board {
  @PrimaryColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  description: string;

  @Column('integer', { default: 1 })
  version: number;

  @Column('uuid', { name: 'created_by' })
  createdBy: string;

  @ManyToOne('User')
  @JoinColumn({ name: 'created_by' })
  creator?: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
