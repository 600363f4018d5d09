import type { NotificationKind } from '@tasklane/contracts';

/**
 * Every background job: its name and the JSON payload it carries. A handler gets exactly this
 * payload; `JobQueue.enqueue`/`send` accept nothing else for the name (the compiler checks both).
 * Payloads hold ids, never whole rows: a handler reads the current state when it runs, which is
 * what makes it idempotent (running it twice does the same as running it once).
 */
export interface JobPayloads {
  /** Prunes old events, Idempotency-Keys, tokens and deleted boards (scheduled, RETENTION_CRON). */
  'retention.prune': Record<string, never>;
  /**
   * Sends one webhook's pending deliveries, oldest seq first, until none is due (stately queue:
   * at most one queued and one running per webhook, so deliveries of a webhook never overlap).
   */
  'webhooks.drain': { webhookId: string };
  /** Creates the board of an uploaded file (board_imports row `importId`) in one transaction. */
  'imports.run': { importId: string };
  /**
   * The dead letter queue of `imports.run`: pg-boss sends it the payload of an `imports.run` job
   * that failed for good, also when its last attempt died (SIGKILL, OOM) and the heartbeat expired;
   * marks the import failed if it is still queued.
   */
  'imports.fail': { importId: string };
  /** Emails one notification to `userId` (emails/emails.service.ts), unless they muted its kind. */
  'emails.notify': { userId: string; kind: NotificationKind; boardId: string; taskId: string | null; actorId: string };
  /**
   * Emails an invitation to an address without an account (invitations/invitations.service.ts;
   * accounts get the `invited` notification email instead). Enqueued for every invitation when
   * SMTP_URL is set, whoever the address belongs to: the job decides, so inviting looks the same.
   */
  'emails.invitation': { invitationId: string };
  /** A due-date reminder of a task, for the due date it was scheduled for (a changed or cleared date cancels it). */
  'reminders.due': { boardId: string; taskId: string; dueAt: string; kind: 'due_soon' | 'overdue' };
}

/** A job name. */
export type JobName = keyof JobPayloads;

/** Every job name, for metrics and the worker's registration. */
export const JOB_NAMES: readonly JobName[] = ['retention.prune', 'webhooks.drain', 'imports.run', 'imports.fail', 'emails.notify', 'emails.invitation', 'reminders.due'];
