import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * A board's webhook: where its events are POSTed (`url`), which (`events`: types, or `*`), and the
 * HMAC key of their signatures (`secret`, shown once at creation). `enabled` turns false after
 * WEBHOOK_DISABLE_AFTER consecutive failed attempts (`consecutive_failures`, reset by a success).
 */
@Entity('webhooks')
@Index('ix_webhooks_board', ['boardId'])
export class Webhook {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'board_id' })
  boardId: string;

  @ManyToOne('Board', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'board_id' })
  board?: unknown;

  @Column('text')
  url: string;

  @Column('text', { array: true })
  events: string[];

  @Column('text')
  secret: string;

  @Column('boolean', { default: true })
  enabled: boolean;

  @Column('integer', { name: 'consecutive_failures', default: 0 })
  consecutiveFailures: number;

  @Column('text', { name: 'disabled_reason', nullable: true })
  disabledReason: string | null;

  @Column('uuid', { name: 'created_by' })
  createdBy: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
