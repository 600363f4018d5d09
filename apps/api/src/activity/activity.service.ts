import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { describeEvent, type ActivityEntry, type AnyBoardEvent, type Page } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { ColumnsService } from '../columns/columns.service.js';
import { BoardEventsService } from '../events/board-events.service.js';
import { decodeSeqCursor, encodeSeqCursor } from '../pagination/cursor.js';
import { TasksService } from '../tasks/tasks.service.js';
import { UsersService } from '../users/users.service.js';
import type { ActivityQueryDto } from './activity.dto.js';

/** Every user id an event or its previous state names (actor, assignees, members), for one name look-up per page. */
function userIdsOf(event: AnyBoardEvent, before: unknown): string[] {
  const ids = [event.actorId];
  const data = event.data as { assigneeIds?: unknown; userId?: unknown };
  if (Array.isArray(data.assigneeIds)) ids.push(...(data.assigneeIds as string[]));
  if (typeof data.userId === 'string') ids.push(data.userId);
  if (event.type === 'member.removed') ids.push(event.data.id);
  const prev = before as { assigneeIds?: unknown } | null;
  if (prev && Array.isArray(prev.assigneeIds)) ids.push(...(prev.assigneeIds as string[]));
  return ids;
}

/**
 * A board's history as readable entries: the board's events (BoardEventsService, so the same rows,
 * the same retention, no second write path) rendered by the contracts' `describeEvent`, with
 * names read once per page (users, current columns).
 */
@Injectable()
export class ActivityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
    private readonly columns: ColumnsService,
    private readonly tasks: TasksService,
    private readonly users: UsersService,
  ) {}

  /** The board's activity, newest first. Any member. @throws AppError BOARD_NOT_FOUND (404), VALIDATION_FAILED (400, cursor) */
  async ofBoard(boardId: string, userId: string, query: ActivityQueryDto): Promise<Page<ActivityEntry>> {
    await this.access.require(boardId, userId, 'viewer');
    return this.page(boardId, undefined, query);
  }

  /** One task's activity (its own events and those of its comments and checklist), newest first. Any member. @throws AppError BOARD_NOT_FOUND, TASK_NOT_FOUND (also a task of another board), VALIDATION_FAILED */
  async ofTask(boardId: string, userId: string, taskId: string, query: ActivityQueryDto): Promise<Page<ActivityEntry>> {
    await this.tasks.get(boardId, userId, taskId);
    return this.page(boardId, taskId, query);
  }

  private async page(boardId: string, subject: string | undefined, query: ActivityQueryDto): Promise<Page<ActivityEntry>> {
    const limit = query.pageSize();
    const beforeSeq = query.cursor ? decodeSeqCursor(query.cursor) : undefined;
    const rows = await this.events.activity(boardId, { subject, beforeSeq, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const taskIds = [...new Set(page.flatMap((r) => (r.event.data as { taskId?: unknown }).taskId ?? []))] as string[];
    const [users, columns, titles] = await Promise.all([
      this.users.findByIds([...new Set(page.flatMap((r) => userIdsOf(r.event, r.before)))]),
      this.columns.listByBoard(this.dataSource.manager, boardId),
      this.tasks.titlesOf(taskIds.map((taskId) => ({ boardId, taskId }))),
    ]);
    const columnNames = new Map(columns.map((c) => [c.id, c.name]));
    const items = page.map(({ event, before }) =>
      describeEvent(event, {
        userName: (id) => users.get(id)?.name ?? null,
        columnName: (id) => columnNames.get(id) ?? null,
        taskTitle: (id) => titles.get(id) ?? null,
        before,
      }),
    );
    return { items, nextCursor: rows.length > limit ? encodeSeqCursor(page[page.length - 1].event.seq) : null };
  }
}
