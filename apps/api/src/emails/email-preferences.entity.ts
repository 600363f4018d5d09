import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';

/**
 * A user's email preferences: the notification kinds they do not want by email (`muted_kinds`),
 * and the secret of their unsubscribe links (`unsubscribe_token`, random, in every email). A user
 * without a row gets every kind (the row is created on first read or change).
 */
@Entity('email_preferences')
export class EmailPreferences {
  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @OneToOne('User', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: unknown;

  @Column('text', { name: 'muted_kinds', array: true, default: () => `'{}'` })
  mutedKinds: string[];

  /** Set by the repository's INSERT (gen_random_uuid()). */
  @Column('uuid', { name: 'unsubscribe_token', unique: true })
  unsubscribeToken: string;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt: Date;
}
