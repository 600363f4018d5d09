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
 * How long a `reminders_sent` row is kept past its due date: 15 days. It only has to outlive every
 * `reminders.due` job for that (task, kind, date), and each one starts at or before the date (it
 * is enqueued only while the date is ahead) and runs by 14 days after its start at the latest:
 * pg-boss deletes a job still waiting then (`keep_until` = start + the queue's retention, the
 * default 14 days: `reminders.due` sets none). Retries add under 20 minutes (JOB_RETRY_LIMIT 10,
 * backoff from 1 s, doubling, at most 1 h apart); one more day is the margin. A JOB_RETRY_LIMIT
 * above about 30 could outlast it (a reminder sent twice); docs/operations.md says so.
 */
export const REMINDERS_SENT_RETENTION_S = 15 * 24 * 3600;

/**
 * DUE_DATE_SINK: schedules the reminders of a task in the transaction of the event that makes
 * them due (see RemindersService): two `reminders.due` jobs for its due date, `due_soon`
 * REMINDER_LEAD_S before it (at once when that moment has passed) and `overdue` at it, when the
 * date is ahead and the task is open (not done, not archived), and only when the write could have
 * changed that:
 *  - `task.created` with a due date;
 *  - `task.updated` that set or moved the due date, or reopened the task (`completedAt` cleared),
 *    told by `before` (the task's `dueAt` and `completedAt` before the write, which
 *    TasksService.update reads in its UPDATE). A rename or any other change adds no job (before,
 *    every update of a task with a date ahead added two: the queue is standard, so the
 *    `singletonKey` dedupes nothing). Without `before`, an update counts as a change;
 *  - `task.restored` (jobs that ran while it was archived sent nothing).
 * A reopened or restored task may get a second job for a date whose first still waits; the one that
 * runs second finds the `reminders_sent` row and stays silent. Depends on nothing of the write
 * path, so the event stream can use it.
 */
@Injectable()
export class ReminderScheduler implements BoardEventSink {
  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async record(tx: EntityManager, event: AnyBoardEvent, before?: object): Promise<void> {
    if (event.type !== 'task.created' && event.type !== 'task.updated' && event.type !== 'task.restored') return;
    const task = event.data;
    if (!task.dueAt || task.archivedAt || task.completedAt) return;
    if (event.type === 'task.updated' && before && !ReminderScheduler.changed(before as Partial<TaskView>, task)) return;
    const due = Date.parse(task.dueAt);
    if (due <= Date.now()) return;
    const soon = new Date(Math.max(Date.now(), due - this.config.getOrThrow('REMINDER_LEAD_S', { infer: true }) * 1000));
    for (const [kind, at] of [['due_soon', soon], ['overdue', new Date(due)]] as const) {
      await this.jobs.enqueue(tx, 'reminders.due', { boardId: task.boardId, taskId: task.id, dueAt: task.dueAt, kind }, { startAfter: at, singletonKey: `${task.id}:${kind}:${task.dueAt}` });
    }
  }

  /** Whether an update set or moved the due date, or reopened the task (`before` = its fields before the write). */
  private static changed(before: Partial<TaskView>, task: TaskView): boolean {
    return before.dueAt !== task.dueAt || (!!before.completedAt && !task.completedAt);
  }
}

/**
 * Due-date reminders (docs/jobs.md). ReminderScheduler enqueues two `reminders.due` jobs for a
 * task's due date when a write makes them due (created with a date, date set or moved, reopened,
 * restored). The job (here) cancels itself when the task is gone, archived, done (`completedAt`
 * set), or its due date is no longer the one it was scheduled for (changed or cleared); else the
 * assignees (the creator when there are none) are notified through BOARD_NOTIFIER, as members
 * only. Retention prunes `reminders_sent` (`prune`).
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
   * in the same transaction as the `reminders_sent` row, and only when that row is new, so a second
   * job for the same date (a reopened or restored task's, beside one that already ran or still
   * waits: the queue does not dedupe), or a retry after a crash, notifies nobody a second time.
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

  /**
   * Retention (inside the retention pass's transaction): deletes the `reminders_sent` rows whose
   * due date is more than REMINDERS_SENT_RETENTION_S (15 days) ago, when no job for that date can
   * run any more. Returns how many were deleted.
   */
  prune(tx: EntityManager): Promise<number> {
    return this.reminders.prune(tx, REMINDERS_SENT_RETENTION_S);
  }
}
