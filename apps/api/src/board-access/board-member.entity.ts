import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { BoardRole } from '@tasklane/contracts';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/** Membership of a user on a board, with a role. The primary key (board_id, user_id) serves per-board lookups. */
@Entity('board_members')
@Check('ck_board_members_role', `"role" IN ('owner', 'editor', 'viewer')`)
@Index('ix_board_members_user_id_board_id', ['userId', 'boardId'])
export class BoardMember {
  @PrimaryColumn('uuid', { name: 'board_id' })
  boardId: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @Column('text')
  role: BoardRole;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt: Date;
}
