import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { BoardRole, InvitationStatus } from '@tasklane/contracts';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/**
 * An invitation of an email address (lower-cased, with or without an account) to a board with a
 * role. At most one pending invitation per (board, email): the partial unique index, which a
 * renewed invitation upserts on. Expiry is computed at read time (`expires_at > now()`), so an
 * expired invitation keeps status `pending` until it is renewed or the board is purged.
 * `invited_by` has no foreign key, like `tasks.created_by` (accounts are never deleted).
 * Indexes: (board_id, created_at, id) and (email, created_at, id), both for pending invitations
 * only, serve the owners' list, the cap's count and the invitee's list.
 */
@Entity('invitations')
@Check('ck_invitations_role', `"role" IN ('owner', 'editor', 'viewer')`)
@Check('ck_invitations_status', `"status" IN ('pending', 'accepted', 'declined', 'revoked')`)
@Check('ck_invitations_email_lower_case', `"email" = lower("email")`)
@Index('ux_invitations_board_id_email_pending', ['boardId', 'email'], { unique: true, where: `"status" = 'pending'` })
@Index('ix_invitations_board_id_created_at_id_pending', ['boardId', 'createdAt', 'id'], { where: `"status" = 'pending'` })
@Index('ix_invitations_email_created_at_id_pending', ['email', 'createdAt', 'id'], { where: `"status" = 'pending'` })
export class Invitation {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'board_id' })
  boardId: string;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('text')
  email: string;

  @Column('text')
  role: BoardRole;

  @Column('text', { default: 'pending' })
  status: InvitationStatus;

  @Column('uuid', { name: 'invited_by' })
  invitedBy: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'responded_at', nullable: true })
  respondedAt: Date | null;
}
