import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A login session, i.e. one refresh-token family: created by register or login, it holds every
 * refresh token rotated from the first one. Its id is the access token's `sid` claim. Revoking it
 * (logout, logout-all, password change, reuse of a rotated token) ends every token of the family;
 * `expires_at` is the absolute end (REFRESH_TOKEN_ABSOLUTE_TTL after login), which rotation never moves.
 */
@Entity('auth_sessions')
export class AuthSession {
  @PrimaryColumn('uuid')
  id: string;

  @Index('ix_auth_sessions_user_id')
  @Column('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  /** Indexed for retention (AuthSessionsRepository.prune deletes ended sessions by it). */
  @Index('ix_auth_sessions_expires_at')
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Index('ix_auth_sessions_revoked_at', { where: '"revoked_at" IS NOT NULL' })
  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
