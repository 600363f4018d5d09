import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/**
 * A refresh token, stored as the SHA-256 of the opaque token handed to the client. Tokens rotate
 * within their session (family): each use revokes the row, links it to its successor
 * (`replaced_by_id`) and issues the successor in the same session; presenting a revoked one of a
 * live session is reuse, which revokes the session, except for a retry within the grace window
 * (token-families.ts).
 */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryColumn('uuid')
  id: string;

  @Index('ix_refresh_tokens_user_id')
  @Column('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @Index('ix_refresh_tokens_session_id')
  @Column('uuid', { name: 'session_id' })
  sessionId: string;

  @ManyToOne('AuthSession', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: unknown;

  @Index('ux_refresh_tokens_token_hash', { unique: true })
  @Column('text', { name: 'token_hash' })
  tokenHash: string;

  /** Indexed for retention (AuthSessionsRepository.prune deletes expired tokens by it). */
  @Index('ix_refresh_tokens_expires_at')
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  /**
   * The token this one was rotated into (set when it is presented and rotated); null while unused,
   * and for a token revoked without being presented (its session ended, or it was superseded by a
   * retry within REFRESH_TOKEN_REUSE_GRACE). Set to null if that successor row is deleted (retention);
   * indexed, so deleting tokens finds the rows that point at them without a scan.
   */
  @Index('ix_refresh_tokens_replaced_by_id')
  @Column('uuid', { name: 'replaced_by_id', nullable: true })
  replacedById: string | null;

  @ManyToOne('RefreshToken', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'replaced_by_id' })
  replacedBy?: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
