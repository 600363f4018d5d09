import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify';
import type { DataSource } from 'typeorm';
import type { ChecklistItemView, CommentView, ImportProgressNotice, TaskView } from '@tasklane/contracts';
import { BoardsService } from '../boards/boards.service.js';
import { ChecklistsService } from '../checklists/checklists.service.js';
import { CommentsService } from '../comments/comments.service.js';
import { ColumnsService } from '../columns/columns.service.js';
import type { Env } from '../config/env.schema.js';
import { validationFailed } from '../errors/common.errors.js';
import { isLastAttempt, JobQueue } from '../jobs/job-queue.service.js';
import { LABELS_PER_BOARD_MAX } from '../labels/labels.service.js';
import { ReminderScheduler } from '../reminders/reminders.service.js';
import { TasksService } from '../tasks/tasks.service.js';
import { BadBoardFile, BOARD_FILE_FORMAT, BOARD_FILE_VERSION, planFromFile } from './board-file.js';
import { BoardImportsRepository, type ImportRecord } from './board-imports.repository.js';
import { IMPORT_PROGRESS_SOCKETS, type ImportProgressSockets } from './import-progress.js';
import type { ImportDto } from './transfer.dto.js';
import { badFile, importNotFound } from './transfer.errors.js';

/** The boards table's primary key (migration 1795238171360-Init): a unique violation on it means the board was already made. */
const BOARDS_PRIMARY_KEY = 'PK_606923b0b068ef262dfdcd18f44';
/** How many `running` notices an import sends at most (besides the first): one per 1/PROGRESS_STEPS of its tasks. */
export const PROGRESS_STEPS = 20;

/** The `error` of an import that failed on the server (the cause is in the log, not shown to the importer). */
export const IMPORT_FAILED = 'The import failed on the server; nothing was imported. Try again later.';

/** Thrown inside an import's transaction when its import has ended meanwhile: rolls the board back. */
class ImportEnded extends Error {}

/** The CSV columns of an export, one row per task. */
export const CSV_HEADER = ['id', 'column', 'title', 'description', 'labels', 'assignees', 'dueAt', 'completedAt', 'archivedAt', 'createdAt', 'updatedAt'] as const;

const toImportView = (r: ImportRecord): ImportDto => ({
  id: r.id,
  source: r.source,
  status: r.status,
  columnCount: r.columnCount,
  taskCount: r.taskCount,
  skipped: r.skipped,
  processed: r.processed,
  boardId: r.boardId,
  error: r.error,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

/**
 * Export and import of boards (docs/api.md "Export and import").
 *  - Export (any member): the head (board, labels, columns, members) from one snapshot, then the
 *    tasks column by column, 500 at a time with their checklists and comments, written to the
 *    response as they are read: never the whole board in memory. JSON in the versioned own format (board-file.ts), or CSV (csv-stringify).
 *  - Import (any user): the uploaded file is parsed and checked now (400 naming every problem by
 *    JSON path), stored as a plan in `board_imports`, and the `imports.run` job creates the board
 *    in one transaction (nothing half-imported). Its status: `GET /imports/:importId`.
 */
@Injectable()
export class TransferService implements OnModuleInit {
  private readonly logger = new Logger('Imports');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly boards: BoardsService,
    private readonly columns: ColumnsService,
    private readonly tasks: TasksService,
    private readonly imports: BoardImportsRepository,
    private readonly jobs: JobQueue,
    private readonly checklists: ChecklistsService,
    private readonly comments: CommentsService,
    private readonly reminders: ReminderScheduler,
    private readonly config: ConfigService<Env, true>,
    @Optional() @Inject(IMPORT_PROGRESS_SOCKETS) private readonly progressSockets?: ImportProgressSockets,
  ) {}

  onModuleInit(): void {
    // The queue retries imports.run as often as the job's own retry_limit says (JOB_RETRY_LIMIT when its queue was created: JobQueue's default
    // queue options); the handler fetches that figure (includeMetadata) and falls back to JOB_RETRY_LIMIT only without it. The last attempt
    // records a failure instead of throwing. A last attempt that never gets to (its process died, or recording failed) reaches pg-boss'
    // dead letter queue imports.fail: see abandon().
    const retryLimit = this.config.getOrThrow('JOB_RETRY_LIMIT', { infer: true });
    this.jobs.define({ name: 'imports.fail', handler: ({ importId }) => this.abandon(importId) });
    this.jobs.define({
      name: 'imports.run',
      handler: ({ importId }, job) => this.run(importId, isLastAttempt(job, retryLimit)),
      includeMetadata: true,
      queue: { deadLetter: 'imports.fail' },
    });
  }

  /** The board as a stream of JSON text (own format, version 1). @throws AppError BOARD_NOT_FOUND before the first byte */
  async exportJson(boardId: string, userId: string): Promise<Readable> {
    const head = await this.boards.exportHead(boardId, userId);
    const names = new Map(head.members.map((m) => [m.userId, m.name]));
    const labels = new Map(head.labels.map((l) => [l.id, l.name]));
    const { tasks, checklists, comments } = this;
    async function* chunks(): AsyncGenerator<string> {
      const prefix = {
        format: BOARD_FILE_FORMAT,
        version: BOARD_FILE_VERSION,
        exportedAt: new Date().toISOString(),
        board: { name: head.name, description: head.description },
        labels: head.labels.map((l) => ({ name: l.name, color: l.color })),
        columns: head.columns.map((c) => ({ id: c.id, name: c.name })),
        members: head.members.map((m) => ({ name: m.name, role: m.role })),
      };
      const text = JSON.stringify(prefix);
      yield `${text.slice(0, -1)},"tasks":[`;
      let first = true;
      for (const column of head.columns) {
        for await (const page of tasks.columnTasks(column.id)) {
          const ids = page.map((t) => t.id);
          const [items, said] = await Promise.all([checklists.listByTasks(ids), comments.listByTasks(ids)]);
          const text = page.map((t) => JSON.stringify(exportTask(t, names, labels, items.get(t.id) ?? [], said.get(t.id) ?? []))).join(',');
          yield first ? text : `,${text}`;
          first = false;
        }
      }
      yield ']}';
    }
    return Readable.from(chunks());
  }

  /** The board's tasks as CSV (CSV_HEADER), column by column in display order. @throws AppError BOARD_NOT_FOUND before the first byte */
  async exportCsv(boardId: string, userId: string): Promise<Readable> {
    const head = await this.boards.exportHead(boardId, userId);
    const names = new Map(head.members.map((m) => [m.userId, m.name]));
    const labels = new Map(head.labels.map((l) => [l.id, l.name]));
    const tasks = this.tasks;
    async function* rows(): AsyncGenerator<string[]> {
      for (const column of head.columns) {
        for await (const page of tasks.columnTasks(column.id)) {
          for (const t of page) {
            const row = [t.id, column.name, t.title, t.description, t.labelIds.map((id) => labels.get(id) ?? id).join(', '), t.assigneeIds.map((id) => names.get(id) ?? id).join(', ')];
            yield [...row, t.dueAt ?? '', t.completedAt ?? '', t.archivedAt ?? '', t.createdAt, t.updatedAt];
          }
        }
      }
    }
    // escape_formulas: a cell starting with = + - @ tab or CR gets a leading ' so that a spreadsheet
    // shows a title like =HYPERLINK(…) as text instead of running it (OWASP, "CSV Injection").
    return Readable.from(rows()).pipe(stringify({ header: true, columns: [...CSV_HEADER], escape_formulas: true }));
  }

  /**
   * Reads an uploaded file (UTF-8 JSON: our export or Trello's) and queues its import.
   * @throws AppError VALIDATION_FAILED (400) naming what is wrong and where
   */
  async startImport(userId: string, file: Buffer): Promise<ImportDto> {
    let json: unknown;
    try {
      json = JSON.parse(file.toString('utf8'));
    } catch (error) {
      throw validationFailed([{ field: 'file', errors: [`is not valid JSON: ${(error as Error).message}`] }]);
    }
    let plan;
    try {
      plan = planFromFile(json, { maxColumns: this.columns.columnsPerBoard, maxTasks: this.tasks.tasksPerBoard, maxLabels: LABELS_PER_BOARD_MAX });
    } catch (error) {
      if (error instanceof BadBoardFile) throw badFile(error.problems);
      throw error;
    }
    const id = randomUUID();
    const record = await this.dataSource.transaction(async (tx) => {
      const r = await this.imports.insert(tx, id, userId, plan);
      await this.jobs.enqueue(tx, 'imports.run', { importId: id });
      return r;
    });
    return toImportView(record);
  }

  /** The import, for its importer only. @throws AppError IMPORT_NOT_FOUND */
  async status(userId: string, importId: string): Promise<ImportDto> {
    const r = await this.imports.find(importId, userId);
    if (!r) throw importNotFound();
    return toImportView(r);
  }

  /**
   * The `imports.run` job. Idempotent: the import is marked succeeded in the transaction that
   * creates the board, so the board exists if and only if the import succeeded; a finished import
   * is left alone (its final notice is sent again, in case the crash came before it). The board's
   * id is the import's, so of two runs at once (a stalled attempt and its retry) the second meets
   * a unique violation and only marks the import (as for a board an older version created without
   * marking it). The open tasks with a due date ahead get their reminders (ReminderScheduler), in
   * the same transaction. A run that finds its import finished meanwhile (failed by `abandon` while
   * this run was still alive, e.g. its heartbeats stalled) rolls its board back. Pushes
   * `import:progress` to the importer's sockets: `running` at the start and after every
   * 1/PROGRESS_STEPS of the tasks (the count stored first with GREATEST,
   * so it never goes down, also across retries), then the final `succeeded` or `failed` once it is
   * stored. `lastAttempt`: the queue will not retry this run; an unexpected error then marks the
   * import failed (with a generic message; the error goes to the log) instead of being thrown.
   * @throws the unexpected error of an attempt that is not the last (for the queue to retry it)
   */
  async run(importId: string, lastAttempt = false): Promise<void> {
    const claimed = await this.imports.queued(importId);
    if (!claimed) {
      await this.resendFinal(importId);
      return;
    }
    const { userId, plan, total } = claimed;
    const running = async (processed: number): Promise<void> => {
      const stored = await this.imports.progress(importId, processed);
      if (stored !== null) this.push(userId, { importId, status: 'running', processed: stored, total });
    };
    try {
      await running(0);
      const step = Math.max(1, Math.ceil(total / PROGRESS_STEPS));
      let processed = 0;
      let succeeded = null as ImportRecord | null;
      await this.boards.importBoard(userId, plan, importId, async (tx, boardId, taskIds) => {
        for (const [i, column] of plan.columns.entries()) {
          for (const [j, task] of column.tasks.entries()) {
            await this.checklists.insertImported(tx, boardId, taskIds[i][j], task.checklist ?? []);
            await this.comments.insertImported(tx, boardId, taskIds[i][j], userId, task.comments ?? []);
            processed++;
            if (processed % step === 0 && processed < total) await running(processed);
          }
        }
        // Due-date reminders of the open tasks with a date ahead, as a created task gets them (the importer is reminded: imported tasks have no assignees); archived ones get none.
        await this.reminders.schedule(
          tx,
          plan.columns.flatMap((column, i) =>
            column.tasks.flatMap((task, j) => (task.archived ? [] : [{ id: taskIds[i][j], boardId, dueAt: task.dueAt, completedAt: task.completedAt ?? null, archivedAt: null }])),
          ),
        );
        // Last of the import's statements: the import's row stays locked only until the commit, and progress() (its own connection) has no more to write.
        succeeded = await this.imports.finish(tx, importId, { boardId: importId });
        if (!succeeded) throw new ImportEnded();
      });
      if (succeeded) this.pushFinal(succeeded);
    } catch (error) {
      if (error instanceof ImportEnded) {
        this.logger.warn(`import ${importId} ended while this run was creating its board; the board was rolled back`);
        return;
      }
      const pg = ((error as { driverError?: unknown }).driverError ?? error) as { code?: string; constraint?: string };
      // An earlier run of this import committed its board (the board's id is the import's): the
      // import is done. Any other unique violation (e.g. two labels whose names differ only in
      // case) is a failure like any other.
      if (pg.code === '23505' && pg.constraint === BOARDS_PRIMARY_KEY) {
        await this.finished(importId, { boardId: importId });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      this.logger.warn(`import ${importId} failed: ${message}`);
      // A refusal (a cap reached meanwhile) is final, and so is data the database refuses (SQLSTATE
      // classes 22 and 23: a retry would meet the same rows); anything else is retried by the
      // queue, and on the last attempt recorded as failed, so the import (and its final notice) always ends.
      const refusedData = typeof pg.code === 'string' && (pg.code.startsWith('22') || pg.code.startsWith('23'));
      if ((error as { name?: string }).name === 'AppError') await this.finished(importId, { error: message.slice(0, 1000) });
      else if (lastAttempt || refusedData) await this.finished(importId, { error: IMPORT_FAILED });
      else throw error;
    }
  }

  /**
   * The `imports.fail` job, pg-boss' dead letter queue of `imports.run`: it gets the payload of an
   * `imports.run` job that failed for good. The handler's own last attempt records a failure itself
   * (`run`'s lastAttempt) and completes; this catches what it cannot: a last attempt whose process
   * died (SIGKILL, OOM: pg-boss' supervisor fails the job once its heartbeat is older than
   * JOB_HEARTBEAT_S, and moves it to this queue in the same statement), or one whose recording
   * failed. Marks the import failed with the same generic message and pushes the same final notice
   * as that path; an import that has ended already is left as it is and its final notice is sent
   * again (as a rerun of `run` does). Idempotent.
   */
  async abandon(importId: string): Promise<void> {
    const record = await this.imports.finish(null, importId, { error: IMPORT_FAILED });
    if (!record) return this.resendFinal(importId);
    this.logger.warn(`import ${importId} failed: its last attempt ended without recording an outcome (process killed or out of memory?)`);
    this.pushFinal(record);
  }

  /** Pushes the final notice of an import that has ended again (a rerun's: the crash may have come before the first). */
  private async resendFinal(importId: string): Promise<void> {
    const done = await this.imports.get(importId);
    if (done && done.status !== 'queued') this.pushFinal(done);
  }

  /** Stores the outcome and pushes the final notice (only the run that stored it does). */
  private async finished(importId: string, outcome: { boardId: string } | { error: string }): Promise<void> {
    const record = await this.imports.finish(null, importId, outcome);
    if (record) this.pushFinal(record);
  }

  private pushFinal(r: ImportRecord): void {
    this.push(r.userId, {
      importId: r.id,
      status: r.status,
      processed: r.processed,
      total: r.taskCount,
      ...(r.boardId ? { boardId: r.boardId } : {}),
      ...(r.error ? { error: r.error } : {}),
    });
  }

  private push(userId: string, notice: ImportProgressNotice): void {
    this.progressSockets?.deliver(userId, notice);
  }
}

/** One task of the own format: labels, assignees and comment authors by name (ids mean nothing on another board). */
function exportTask(t: TaskView, names: Map<string, string>, labels: Map<string, string>, items: ChecklistItemView[], said: CommentView[]) {
  return {
    id: t.id,
    columnId: t.columnId,
    title: t.title,
    description: t.description,
    labels: t.labelIds.map((id) => labels.get(id)).filter((n): n is string => n !== undefined),
    dueAt: t.dueAt,
    completedAt: t.completedAt,
    archived: t.archivedAt !== null,
    checklist: items.map((i) => ({ text: i.text, done: i.done })),
    comments: said.map((c) => ({ author: names.get(c.authorId) ?? 'a former member', body: c.body, createdAt: c.createdAt })),
    assignees: t.assigneeIds.map((id) => names.get(id) ?? id),
    createdAt: t.createdAt,
  };
}
