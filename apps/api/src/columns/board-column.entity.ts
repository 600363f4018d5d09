import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/**
 * A column of a board. `position` is a fractional-index key; COLLATE "C" makes PostgreSQL order it
 * by bytes, which is the order the algorithm defines (a locale collation would not).
 */
@Entity('columns')
@Index('ix_columns_board_id_position', ['boardId', 'position'])
@Index('ix_columns_board_id_archived_at_id', ['boardId', 'archivedAt', 'id'], { where: '"archived_at" IS NOT NULL' })
export class BoardColumn {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'board_id' })
  boardId: string;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('text')
  name: string;

  @Column({ type: 'text', collation: 'C' })
  position: string;

  @Column('integer', { default: 1 })
  version: number;

  /** Set while archived (the column and its tasks leave the board view). */
  @Column('timestamptz', { name: 'archived_at', nullable: true })
  archivedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
