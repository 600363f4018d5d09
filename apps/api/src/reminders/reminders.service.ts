import { Inject, Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { AnyBoardEvent, TaskView } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { BOARD_NOTIFIER, type BoardNotifier } from '../events/board-notifier.js';
import type { BoardEventSink } from '../events/event-sink.js';
import { JobQueue } from '../jobs/job-queue.service.js';
import type { JobPayloads } from '../jobs/job-names.js';
import { TasksService } from '../tasks/tasks.service.js';
import { RemindersRepository } from './reminders.repository.js';

/** Actor of notifications nobody's write caused (reminders): no user has this id. */
const SYSTEM_ACTOR = '00000000-0000-0000-0000-000000000000';

/**
 * Due-date reminders (docs/jobs.md). As DUE_DATE_SINK, in the transaction of every `task.created`
 * or `task.updated` event with a due date, it enqueues two `reminders.due` jobs for that date:
 * `due_soon` REMINDER_LEAD_S before it (at once when that moment has passed) and `overdue` at it,
 * keyed by task, kind and date (a write that keeps the date adds none while they wait; once one
 * has run, `reminders_sent` keeps it from notifying again). Nothing is enqueued for a done task. The
 * job cancels itself when the task is gone, archived, done, or its due date is no longer the one it was scheduled for
 * (changed or cleared); else the assignees (the creator when there are none) are notified through
 * BOARD_NOTIFIER, as members only.
 */
/**
 * DUE_DATE_SINK: schedules the reminders of a task in the transaction of its `task.created` or
 * `task.updated` event (see RemindersService). Depends on nothing of the write path, so the event
 * stream can use it.
 */
@Injectable()
export class ReminderScheduler implements BoardEventSink {
  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async record(tx: EntityManager, event: AnyBoardEvent): Promise<void> {
    if (event.type !== 'task.created' && event.type !== 'task.updated') return;
    const task = event.data as TaskView;
    if (!task.dueAt || task.archivedAt || task.completedAt) return;
    const due = Date.parse(task.dueAt);
    if (due <= Date.now()) return;
    const soon = new Date(Math.max(Date.now(), due - this.config.getOrThrow('REMINDER_LEAD_S', { infer: true }) * 1000));
    for (const [kind, at] of [['due_soon', soon], ['overdue', new Date(due)]] as const) {
      await this.jobs.enqueue(tx, 'reminders.due', { boardId: task.boardId, taskId: task.id, dueAt: task.dueAt, kind }, { startAfter: at, singletonKey: `${task.id}:${kind}:${task.dueAt}` });
    }
  }
}

/**
 * Due-date reminders (docs/jobs.md). ReminderScheduler, in the transaction of every `task.created`
 * or `task.updated` event with a due date, enqueues two `reminders.due` jobs for that date:
 * `due_soon` REMINDER_LEAD_S before it (at once when that moment has passed) and `overdue` at it,
 * keyed by task, kind and date (a write that keeps the date adds none), none for a done task. The
 * job (here) cancels itself when the task is gone, archived, done (`completedAt` set), or its due date is no longer the one it was scheduled
 * for (changed or cleared); else the assignees (the creator when there are none) are notified
 * through BOARD_NOTIFIER, as members only.
 */
@Injectable()
export class RemindersService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly tasks: TasksService,
    private readonly reminders: RemindersRepository,
    @Optional() @Inject(BOARD_NOTIFIER) private readonly notifier?: BoardNotifier,
  ) {}

  onModuleInit(): void {
    this.jobs.define({ name: 'reminders.due', handler: (data) => this.remind(data) });
  }

  /**
   * The `reminders.due` job. Idempotent per (task, kind, due date): the notification is recorded
   * in the same transaction as the `reminders_sent` row, and only when that row is new, so a job
   * enqueued again by a re-save with the same date (pg-boss' singletonKey only holds while a job
   * waits or runs), or a retry after a crash, notifies nobody a second time.
   */
  async remind(job: JobPayloads['reminders.due']): Promise<void> {
    const task = await this.tasks.findAny(job.boardId, job.taskId);
    if (!task || task.archivedAt || task.completedAt || task.dueAt !== job.dueAt || !this.notifier) return;
    const notifier = this.notifier;
    const recipients = task.assigneeIds.length > 0 ? task.assigneeIds : [task.createdBy];
    const afterCommit = await this.dataSource.transaction(async (tx) => {
      if (!(await this.reminders.markSent(tx, task.id, job.kind, job.dueAt))) return null;
      return notifier.record(tx, { boardId: job.boardId, actorId: SYSTEM_ACTOR, seq: 0, intents: recipients.map((userId) => ({ userId, kind: job.kind, taskId: task.id })) });
    });
    afterCommit?.();
  }
}
