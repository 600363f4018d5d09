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

/** What the scheduler reads of a task (a TaskView has it): its ids, due date, and whether it is done or archived. */
export type ReminderTask = Pick<TaskView, 'id' | 'boardId' | 'dueAt' | 'completedAt' | 'archivedAt'>;

/** At most this many jobs go into one INSERT (an import of a large board: its JSON parameter stays under ~1 MB). */
const JOBS_PER_INSERT = 2000;

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
 *  - `task.restored` (jobs that ran while it was archived sent nothing);
 *  - `column.restored`: the tasks that come back with the column (the event lists them; jobs that
 *    ran while the column was archived sent nothing).
 * Imports call `schedule` for the tasks they create, in the import's transaction.
 * A reopened or restored task whose job for the date still waits keeps that job (updated in
 * place, JobQueue.enqueueUnlessWaiting) instead of getting a second one; the tasks of a restored
 * column are enqueued in one statement without that check, so one of them may get a second job
 * beside a waiting one: the one that runs second finds the `reminders_sent` row and stays silent.
 * Depends on nothing of the write path, so the event stream can use it.
 */
@Injectable()
export class ReminderScheduler implements BoardEventSink {
  constructor(
    private readonly jobs: JobQueue,
    private readonly config: ConfigService<Env, true>,
  ) {}

  async record(tx: EntityManager, event: AnyBoardEvent, before?: object): Promise<void> {
    switch (event.type) {
      case 'task.created':
        return this.schedule(tx, [event.data]);
      case 'task.updated': {
        const was = before as Partial<TaskView> | undefined;
        if (was && !ReminderScheduler.changed(was, event.data)) return;
        // Reopened with the same date (or not known): that date's jobs may still wait.
        return this.schedule(tx, [event.data], { mayBeWaiting: !was || was.dueAt === event.data.dueAt });
      }
      case 'task.restored':
        return this.schedule(tx, [event.data], { mayBeWaiting: true });
      case 'column.restored':
        return this.schedule(tx, event.data.tasks);
      default:
        return;
    }
  }

  /**
   * Enqueues, inside `tx`, the two `reminders.due` jobs of each of `tasks` that is open (not done,
   * not archived) with a due date ahead; the others are skipped. One INSERT per JOBS_PER_INSERT
   * jobs; with `mayBeWaiting` (a task that comes back: reopened, restored), a job whose twin
   * (same task, kind and date) still waits is not added again (a statement or two per job).
   * @throws a database error (which fails the transaction)
   */
  async schedule(tx: EntityManager, tasks: readonly ReminderTask[], options: { mayBeWaiting?: boolean } = {}): Promise<void> {
    const now = Date.now();
    const lead = this.config.getOrThrow('REMINDER_LEAD_S', { infer: true }) * 1000;
    const jobs = tasks.flatMap((task) => {
      if (!task.dueAt || task.archivedAt || task.completedAt) return [];
      const due = Date.parse(task.dueAt);
      if (due <= now) return [];
      const soon = new Date(Math.max(now, due - lead));
      return ([['due_soon', soon], ['overdue', new Date(due)]] as const).map(([kind, at]) => ({
        data: { boardId: task.boardId, taskId: task.id, dueAt: task.dueAt as string, kind },
        startAfter: at,
        singletonKey: `${task.id}:${kind}:${task.dueAt}`,
      }));
    });
    if (options.mayBeWaiting) {
      for (const { data, ...keyed } of jobs) await this.jobs.enqueueUnlessWaiting(tx, 'reminders.due', data, keyed);
      return;
    }
    for (let i = 0; i < jobs.length; i += JOBS_PER_INSERT) await this.jobs.enqueueMany(tx, 'reminders.due', jobs.slice(i, i + JOBS_PER_INSERT));
  }

  /** Whether an update set or moved the due date, or reopened the task (`before` = its fields before the write). */
  private static changed(before: Partial<TaskView>, task: TaskView): boolean {
    return before.dueAt !== task.dueAt || (!!before.completedAt && !task.completedAt);
  }
}

/**
 * Due-date reminders (docs/jobs.md). ReminderScheduler enqueues two `reminders.due` jobs for a
 * task's due date when a write makes them due (created with a date, date set or moved, reopened,
 * restored, its column restored, imported). The job (here) cancels itself when the task is gone,
 * archived or in an archived column (hidden from the board), done (`completedAt` set), or its due
 * date is no longer the one it was scheduled for (changed or cleared); else the assignees (the
 * creator when there are none) are notified through BOARD_NOTIFIER, as members only. Retention
 * prunes `reminders_sent` (`prune`).
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
   * The `reminders.due` job. Sends nothing when the task is gone, archived, in an archived column,
   * done, or due at another date than `job.dueAt`.
   * The check and the record are one transaction that first holds the board's writes off
   * (TasksService.findAnyWithColumnStateForShare: the board's advisory lock in shared mode, then
   * the task and its column's state in one statement), so a write that completes, archives or
   * re-dates the task, or archives its column, either commits before the read (and is honoured)
   * or waits until the reminder is recorded: a reminder is never sent for a state already gone.
   * Why that lock: every board write takes the board's advisory lock first (BoardEventsRepository
   * .lock), so waiting for it in shared mode is the one statement that covers the task's row and
   * its column's alike, taken where writes take it (first, with nothing held: no deadlock), without
   * the `board_streams` row lock, and reminders of one board (many tasks due at once) do not wait
   * for each other. Row locks (`FOR SHARE` on the task and its column) would take the two rows in
   * the opposite order to a column's delete (which cascades to its tasks) and block comment and
   * checklist writes of the task too; the exclusive stream lock would queue reminders one by one
   * among the writes. A write waits at most for this transaction: the read, the `reminders_sent`
   * row and the notifications. The price: a job that sends nothing now costs a transaction (BEGIN,
   * the lock, the read, COMMIT) where it cost one read.
   * Idempotent per (task, kind, due date): the notification is recorded in the same transaction as
   * the `reminders_sent` row, and only when that row is new, so a second job for the same date (a
   * task's in a restored column beside one that already ran or still waits, a reopened task's beside
   * one that ran), or a retry after a crash, notifies nobody a second time.
   * @throws a database error (lock_timeout, a lost connection): the queue retries the job
   */
  async remind(job: JobPayloads['reminders.due']): Promise<void> {
    const notifier = this.notifier;
    if (!notifier) return;
    const afterCommit = await this.dataSource.transaction(async (tx) => {
      const found = await this.tasks.findAnyWithColumnStateForShare(tx, job.boardId, job.taskId);
      if (!found || found.columnArchived) return null;
      const { task } = found;
      if (task.archivedAt || task.completedAt || task.dueAt !== job.dueAt) return null;
      if (!(await this.reminders.markSent(tx, task.id, job.kind, job.dueAt))) return null;
      const recipients = task.assigneeIds.length > 0 ? task.assigneeIds : [task.createdBy];
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
