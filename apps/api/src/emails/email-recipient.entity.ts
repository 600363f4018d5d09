import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An address without an account that Tasklane emails (invitations): the secret of its unsubscribe
 * link and whether it was used (`suppressed_at`: nothing more is sent there). Accounts keep theirs
 * in `email_preferences`. Created when the first invitation email to the address is sent.
 */
@Entity('email_recipients')
export class EmailRecipient {
  /** Lower-cased, as invitations store it. */
  @PrimaryColumn('text')
  email: string;

  /** Set by the repository's INSERT (gen_random_uuid()). */
  @Column('uuid', { name: 'unsubscribe_token', unique: true })
  unsubscribeToken: string;

  @Column('timestamptz', { name: 'suppressed_at', nullable: true })
  suppressedAt: Date | null;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt: Date;
}
