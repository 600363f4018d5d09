import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { Env } from '../config/env.schema.js';
import type { NotifiedWrite } from '../events/board-notifier.js';
import type { NotificationEmailsPort } from '../events/notification-emails.js';
import { JobQueue } from '../jobs/job-queue.service.js';

/**
 * NOTIFICATION_EMAILS: one `emails.notify` job per intent of a write, in its transaction, never to
 * the actor; nothing when SMTP_URL is unset. Depends on nothing of the write path (the job's
 * handler, EmailsService, does the reading and sending), so the event stream can use it.
 */
@Injectable()
export class EmailOutbox implements NotificationEmailsPort {
  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async enqueue(tx: EntityManager, write: NotifiedWrite): Promise<void> {
    if (!this.config.get('SMTP_URL', { infer: true })) return;
    for (const i of write.intents) {
      if (i.userId === write.actorId) continue;
      await this.jobs.enqueue(tx, 'emails.notify', { userId: i.userId, kind: i.kind, boardId: write.boardId, taskId: i.taskId, actorId: write.actorId });
    }
  }
}
