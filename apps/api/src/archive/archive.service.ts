import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ArchiveEntry, ColumnView, Page, TaskView } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { columnArchived, columnNotFound } from '../columns/columns.errors.js';
import { ColumnsService } from '../columns/columns.service.js';
import { BoardEventsService, type WriteRequest } from '../events/board-events.service.js';
import { afterCursor, encodeCursor, type Keyed } from '../pagination/cursor.js';
import { TasksService } from '../tasks/tasks.service.js';
import { notArchived } from './archive.errors.js';

/**
 * Archive and restore of tasks and columns. An archived task, or a column with all its tasks,
 * leaves the board view (snapshot, task list) but keeps its place: restoring puts it back where it
 * was. Archiving changes no `version` (it is not an edit); each is one event: `task.archived|
 * restored`, `column.archived|restored`. Writes to archived items answer 409 (TASK_ARCHIVED,
 * COLUMN_ARCHIVED) in their own features; deleting them still works.
 */
@Injectable()
export class ArchiveService {
  constructor(
    private readonly tasks: TasksService,
    private readonly columns: ColumnsService,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, TASK_ARCHIVED (409: already, or its column is) */
  archiveTask(boardId: string, userId: string, taskId: string, req: WriteRequest = {}): Promise<TaskView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        await this.tasks.requireLive(tx, boardId, taskId);
        const task = (await this.tasks.setArchived(tx, boardId, taskId, true, userId)) as TaskView;
        return { result: task, event: { type: 'task.archived', data: task } };
      },
      req.idempotency,
    );
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, NOT_ARCHIVED (409), COLUMN_ARCHIVED (409: restore its column first) */
  restoreTask(boardId: string, userId: string, taskId: string, req: WriteRequest = {}): Promise<TaskView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        const current = await this.tasks.findIn(tx, boardId, taskId);
        if (!current.archivedAt) throw notArchived('task');
        if ((await this.columns.find(tx, boardId, current.columnId))?.archivedAt) throw columnArchived();
        const task = (await this.tasks.setArchived(tx, boardId, taskId, false, userId)) as TaskView;
        return { result: task, event: { type: 'task.restored', data: task } };
      },
      req.idempotency,
    );
  }

  /** Archives the column; its tasks leave the view with it. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND, COLUMN_ARCHIVED (409) */
  archiveColumn(boardId: string, userId: string, columnId: string, req: WriteRequest = {}): Promise<ColumnView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        await this.columns.requireLive(tx, boardId, columnId);
        const column = await this.columns.setArchived(tx, boardId, columnId, true);
        return { result: column, event: { type: 'column.archived', data: column } };
      },
      req.idempotency,
    );
  }

  /** Restores the column with its tasks (not those archived on their own). @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND, NOT_ARCHIVED (409) */
  restoreColumn(boardId: string, userId: string, columnId: string, req: WriteRequest = {}): Promise<ColumnView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        const current = await this.columns.find(tx, boardId, columnId);
        if (!current) throw columnNotFound();
        if (!current.archivedAt) throw notArchived('column');
        const column = await this.columns.setArchived(tx, boardId, columnId, false);
        const tasks = await this.tasks.listLiveInColumn(tx, boardId, columnId);
        return { result: column, event: { type: 'column.restored', data: { column, tasks } } };
      },
      req.idempotency,
    );
  }

  /**
   * The board's archive, newest archived first: archived tasks and columns merged by
   * (archivedAt, id) descending, keyset-paginated over both.
   * @throws AppError BOARD_NOT_FOUND, VALIDATION_FAILED (cursor)
   */
  async list(boardId: string, userId: string, page: { limit: number; cursor?: string }): Promise<Page<ArchiveEntry>> {
    await this.access.require(boardId, userId, 'viewer');
    const after = afterCursor(page.cursor);
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const tasks = await this.tasks.listArchived(tx, boardId, after, page.limit + 1);
      const columns = await this.columns.listArchived(tx, boardId, after, page.limit + 1);
      const hidden = await this.tasks.countLiveInColumns(
        tx,
        boardId,
        columns.map((c) => c.item.id),
      );
      const entries: Keyed<ArchiveEntry>[] = [
        ...tasks.map((t) => ({ key: t.key, item: { kind: 'task' as const, archivedAt: t.item.archivedAt as string, task: t.item } })),
        ...columns.map((c) => ({ key: c.key, item: { kind: 'column' as const, archivedAt: c.item.archivedAt as string, column: c.item, taskCount: hidden.get(c.item.id) ?? 0 } })),
      ].sort((a, b) => (a.key.at === b.key.at ? (a.key.id < b.key.id ? 1 : -1) : a.key.at < b.key.at ? 1 : -1));
      const items = entries.slice(0, page.limit);
      return { items: items.map((e) => e.item), nextCursor: entries.length > page.limit ? encodeCursor(items[items.length - 1].key) : null };
    });
  }
}
