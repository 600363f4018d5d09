import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

/**
 * One event (or test ping) to send to one webhook, and its log: `body` is the exact JSON sent
 * (the event's envelope), `position` the order of sending (taken under the board's write lock, so
 * it follows seq), `status` pending → succeeded | failed. Its id is the `Tasklane-Delivery` header,
 * the same on every attempt, for the receiver's deduplication.
 */
@Entity('webhook_deliveries')
@Index('ix_webhook_deliveries_pending', ['webhookId', 'position'], { where: `"status" = 'pending'` })
@Index('ix_webhook_deliveries_log', ['webhookId', 'createdAt', 'id'])
// Retention (pruneDeliveries) deletes finished deliveries by age without reading the whole table.
@Index('ix_webhook_deliveries_finished_created_at', ['createdAt'], { where: `"status" <> 'pending'` })
export class WebhookDelivery {
  @PrimaryColumn('uuid')
  id: string;

  @Column('bigint', { generated: 'increment' })
  position: string;

  @Column('uuid', { name: 'webhook_id' })
  webhookId: string;

  @ManyToOne('Webhook', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id' })
  webhook?: unknown;

  /** The event's seq; null for a test ping. */
  @Column('integer', { nullable: true })
  seq: number | null;

  @Column('text', { name: 'event_type' })
  eventType: string;

  @Column('text')
  body: string;

  @Column('text', { default: 'pending' })
  status: 'pending' | 'succeeded' | 'failed';

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('timestamptz', { name: 'next_attempt_at', default: () => 'now()' })
  nextAttemptAt: Date;

  @Column('timestamptz', { name: 'last_attempt_at', nullable: true })
  lastAttemptAt: Date | null;

  @Column('integer', { name: 'response_code', nullable: true })
  responseCode: number | null;

  @Column('integer', { name: 'duration_ms', nullable: true })
  durationMs: number | null;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
