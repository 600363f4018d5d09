import type { EntityManager } from 'typeorm';
import type { NotifiedWrite } from './board-notifier.js';

/**
 * Where a write's notification intents also go: the emails feature, which enqueues one email job
 * per intent in the write's transaction (nothing when SMTP_URL is unset). Behind this port so
 * `events` never imports it. Independent of BOARD_NOTIFIER: in-app notifications and emails are
 * two consumers of the same intents.
 */
export interface NotificationEmailsPort {
  /** Inside the write's transaction; throws only for a database error (which rolls the write back). */
  enqueue(tx: EntityManager, write: NotifiedWrite): Promise<void>;
}

/** Injection token of the NotificationEmailsPort (optional). */
export const NOTIFICATION_EMAILS = Symbol('NOTIFICATION_EMAILS');
