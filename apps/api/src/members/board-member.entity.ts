import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { BoardRole } from '@tasklane/contracts';
import { Board } from '../boards/board.entity.js';
import { User } from '../users/user.entity.js';

/** Membership of a user on a board, with a role. The primary key (board_id, user_id) serves per-board lookups. */
@Entity('board_members')
@Check('ck_board_members_role', `"role" IN ('owner', 'editor', 'viewer')`)
@Index('ix_board_members_user_id_board_id', ['userId', 'boardId'])
export class BoardMember {
  @PrimaryColumn('uuid', { name: 'board_id' })
  boardId: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne(() => Board, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: Relation<Board>;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column('text')
  role: BoardRole;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt: Date;
}
