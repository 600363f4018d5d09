import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A stored response for an `Idempotency-Key`, scoped per user. Written in the same transaction as
 * the write it guards, so a key is recorded if and only if its write committed. Pruned after 24 h.
 */
@Entity('idempotency_keys')
export class IdempotencyKey {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @PrimaryColumn('text')
  key: string;

  /** SHA-256 of method, path and body: the same key with another request is refused (422). */
  @Column('text', { name: 'request_hash' })
  requestHash: string;

  /** The response body of the write that recorded the key (JSON null for a response without a body, e.g. 204). */
  @Column('jsonb', { nullable: true })
  response: unknown;

  @Index('ix_idempotency_keys_created_at')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
