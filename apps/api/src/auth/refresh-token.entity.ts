import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

// Relations name their target entity by string: features do not import each other's entities
// (dependency-cruiser); the properties only declare the foreign keys, queries are SQL in repositories.
/**
 * A refresh token, stored as the SHA-256 of the opaque token handed to the client. Tokens rotate
 * within their session (family): each use revokes the row and issues a new one in the same
 * session; presenting a revoked one of a live session is reuse, which revokes the session.
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

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
