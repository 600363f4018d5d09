import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { runPrepared } from '../database/prepared.js';

/** A user's email preferences (see EmailPreferences). */
export interface PreferencesRecord {
  userId: string;
  mutedKinds: string[];
  unsubscribeToken: string;
}

interface Row {
  user_id: string;
  muted_kinds: string[];
  unsubscribe_token: string;
}
const toRecord = (r: Row): PreferencesRecord => ({ userId: r.user_id, mutedKinds: r.muted_kinds, unsubscribeToken: r.unsubscribe_token });

/** `email_preferences` and `email_recipients`: every statement of the emails feature. */
@Injectable()
export class EmailsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The user's preferences, created with defaults (nothing muted, a new token) on first use. */
  async get(userId: string): Promise<PreferencesRecord> {
    const { rows } = await runPrepared<Row>(
      this.dataSource.manager,
      `INSERT INTO email_preferences (user_id, unsubscribe_token) VALUES ($1, gen_random_uuid()) ON CONFLICT (user_id) DO UPDATE SET user_id = excluded.user_id
       RETURNING user_id, muted_kinds, unsubscribe_token`,
      [userId],
    );
    return toRecord(rows[0]);
  }

  /** Replaces the muted kinds (creating the row if needed). */
  async setMuted(userId: string, mutedKinds: string[]): Promise<PreferencesRecord> {
    const { rows } = await runPrepared<Row>(
      this.dataSource.manager,
      `INSERT INTO email_preferences (user_id, muted_kinds, unsubscribe_token) VALUES ($1, $2::text[], gen_random_uuid())
       ON CONFLICT (user_id) DO UPDATE SET muted_kinds = excluded.muted_kinds, updated_at = now()
       RETURNING user_id, muted_kinds, unsubscribe_token`,
      [userId, mutedKinds],
    );
    return toRecord(rows[0]);
  }

  /**
   * Mutes `kind` (or every kind, `all`) for the owner of `token`, or, for the token of an address
   * without an account (`email_recipients`), stops every email to it; false for an unknown token.
   */
  async unsubscribe(token: string, kinds: string[]): Promise<boolean> {
    const { rowCount } = await runPrepared(
      this.dataSource.manager,
      `UPDATE email_preferences SET muted_kinds = ARRAY(SELECT DISTINCT unnest(muted_kinds || $2::text[]) ORDER BY 1), updated_at = now() WHERE unsubscribe_token = $1`,
      [token, kinds],
    );
    if (rowCount > 0) return true;
    const recipient = await runPrepared(this.dataSource.manager, `UPDATE email_recipients SET suppressed_at = coalesce(suppressed_at, now()) WHERE unsubscribe_token = $1`, [token]);
    return recipient.rowCount > 0;
  }

  /** The unsubscribe secret of an address without an account (created on first use), and whether it unsubscribed. */
  async recipient(email: string): Promise<{ unsubscribeToken: string; suppressed: boolean }> {
    const { rows } = await runPrepared<{ unsubscribe_token: string; suppressed_at: Date | null }>(
      this.dataSource.manager,
      `INSERT INTO email_recipients (email, unsubscribe_token) VALUES ($1, gen_random_uuid()) ON CONFLICT (email) DO UPDATE SET email = excluded.email
       RETURNING unsubscribe_token, suppressed_at`,
      [email],
    );
    return { unsubscribeToken: rows[0].unsubscribe_token, suppressed: rows[0].suppressed_at !== null };
  }
}
