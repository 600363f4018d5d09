import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Page, TaskView } from '@tasklane/contracts';
import { preconditionFailed } from '../concurrency/if-match.js';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { BoardEventsService, type Committed, type WriteRequest } from '../events/board-events.service.js';
import { BoardAccessService } from '../members/board-access.service.js';
import { decodeCursor, encodeCursor } from '../pagination/cursor.js';
import { keyForSlot, type Slot } from './task-position.js';
import { toTaskView, type CreateTaskDto, type ListTasksQueryDto, type MoveTaskDto, type TaskRow, type UpdateTaskDto } from './tasks.dto.js';
import { TasksRepository } from './tasks.repository.js';

const taskNotFound = (what = 'Task') => new AppError(ErrorCode.TaskNotFound, `${what} not found`);
const columnNotFound = () => new AppError(ErrorCode.ColumnNotFound, 'Column not found');

/**
 * Tasks: CRUD, move and search. Every write runs inside `BoardEventsService.write` (one
 * transaction with its event, under the board's row lock, so neighbour lookups for positions
 * cannot race with another write to the same board).
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
  ) {}

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND, TASK_NOT_FOUND (anchors), INVALID_POSITION, VALIDATION_FAILED (assignees) */
  create(boardId: string, userId: string, dto: CreateTaskDto, req: WriteRequest = {}): Promise<Committed<TaskView>> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        await this.requireMembers(tx, boardId, dto.assigneeIds);
        const position = keyForSlot(await this.slot(tx, boardId, dto.columnId, dto.afterTaskId, dto.beforeTaskId, null));
        const row = await this.tasks.insert(tx, {
          id: randomUUID(),
          boardId,
          columnId: dto.columnId,
          title: dto.title,
          description: dto.description ?? '',
          position,
          assigneeIds: dto.assigneeIds ?? [],
          labels: dto.labels ?? [],
          dueAt: dto.dueAt ?? null,
          actorId: userId,
        });
        const task = toTaskView(row);
        return { result: task, event: { type: 'task.created', data: task } };
      },
      { idempotency: req.idempotency, successStatus: 201 },
    );
  }

  /** @throws AppError BOARD_NOT_FOUND, TASK_NOT_FOUND */
  async get(boardId: string, userId: string, taskId: string): Promise<TaskView> {
    await this.access.require(boardId, userId, 'viewer');
    const row = await this.tasks.find(boardId, taskId);
    if (!row) throw taskNotFound();
    return toTaskView(row);
  }

  /** Keyset-paginated list ordered by (created_at, id). @throws AppError BOARD_NOT_FOUND, VALIDATION_FAILED (cursor) */
  async list(boardId: string, userId: string, query: ListTasksQueryDto): Promise<Page<TaskView>> {
    await this.access.require(boardId, userId, 'viewer');
    const limit = query.limit ?? 50;
    const rows = await this.tasks.list(boardId, {
      columnId: query.columnId,
      assigneeId: query.assigneeId,
      q: query.q,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toTaskView), nextCursor: rows.length > limit ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null };
  }

  /**
   * Sets the given fields (absent = unchanged, `dueAt: null` clears).
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, VALIDATION_FAILED, PRECONDITION_FAILED (412, If-Match)
   */
  update(boardId: string, userId: string, taskId: string, dto: UpdateTaskDto, req: WriteRequest = {}): Promise<Committed<TaskView>> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        await this.requireMembers(tx, boardId, dto.assigneeIds);
        const row = await this.tasks.update(tx, boardId, taskId, dto, userId, req.ifMatch);
        if (!row) throw preconditionFailed(toTaskView(await this.requireTask(tx, boardId, taskId)));
        const task = toTaskView(row);
        return { result: task, event: { type: 'task.updated', data: task } };
      },
      { idempotency: req.idempotency },
    );
  }

  /** Moves to a column (maybe the same) between anchors; rewrites only this row's column and position. */
  move(boardId: string, userId: string, taskId: string, dto: MoveTaskDto, req: WriteRequest = {}): Promise<Committed<TaskView>> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        const current = await this.requireTask(tx, boardId, taskId);
        if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(toTaskView(current));
        const position = keyForSlot(await this.slot(tx, boardId, dto.columnId, dto.afterTaskId, dto.beforeTaskId, taskId));
        const task = toTaskView(await this.tasks.move(tx, boardId, taskId, dto.columnId, position, userId));
        return { result: task, event: { type: 'task.moved', data: task } };
      },
      { idempotency: req.idempotency },
    );
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, PRECONDITION_FAILED (412, If-Match) */
  remove(boardId: string, userId: string, taskId: string, req: WriteRequest = {}): Promise<Committed<null>> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        if (!(await this.tasks.delete(tx, boardId, taskId, req.ifMatch))) throw preconditionFailed(toTaskView(await this.requireTask(tx, boardId, taskId)));
        return { result: null, event: { type: 'task.deleted', data: { id: taskId } } };
      },
      { idempotency: req.idempotency, successStatus: 204 },
    );
  }

  private async requireTask(tx: EntityManager, boardId: string, taskId: string): Promise<TaskRow> {
    const row = await this.tasks.find(boardId, taskId, tx);
    if (!row) throw taskNotFound();
    return row;
  }

  /** @throws AppError VALIDATION_FAILED listing assignee ids that are not members of the board. */
  private async requireMembers(tx: EntityManager, boardId: string, userIds: string[] | undefined): Promise<void> {
    if (!userIds?.length) return;
    const strangers = await this.tasks.nonMembers(tx, boardId, userIds);
    if (strangers.length) {
      throw new AppError(ErrorCode.ValidationFailed, 'Assignees must be members of the board', [{ field: 'assigneeIds', errors: [`not members: ${strangers.join(', ')}`] }]);
    }
  }

  /**
   * The slot for a task in `columnId` of this board given optional anchors; the moving task itself
   * (`selfId`) is ignored as a neighbour. Without anchors: the end of the column, found in the same
   * query that checks the column (the common case costs one round trip). With both anchors they
   * must be neighbours: a key between non-adjacent ones could equal the key of a task in between.
   * @throws AppError COLUMN_NOT_FOUND, TASK_NOT_FOUND (unknown anchor), INVALID_POSITION (anchor in another column, the task itself, or non-adjacent anchors)
   */
  private async slot(tx: EntityManager, boardId: string, columnId: string, afterId: string | undefined, beforeId: string | undefined, selfId: string | null): Promise<Slot> {
    if (!afterId && !beforeId) {
      const tail = await this.tasks.columnTail(tx, boardId, columnId, selfId);
      if (!tail.exists) throw columnNotFound();
      return { prev: tail.last, next: null };
    }
    if (!(await this.tasks.columnExists(tx, boardId, columnId))) throw columnNotFound();
    const anchor = async (id: string, name: string) => {
      if (id === selfId) throw new AppError(ErrorCode.InvalidPosition, `${name} cannot be the task being moved`);
      const placed = await this.tasks.placement(tx, boardId, id);
      if (!placed) throw taskNotFound(name);
      if (placed.columnId !== columnId) throw new AppError(ErrorCode.InvalidPosition, `${name} is not in the target column`);
      return placed.position;
    };
    if (afterId && beforeId) {
      const prev = await anchor(afterId, 'afterTaskId');
      const next = await anchor(beforeId, 'beforeTaskId');
      const between = prev < next ? await this.tasks.neighbour(tx, columnId, selfId, '>', prev) : null;
      if (between !== null && between < next) throw new AppError(ErrorCode.InvalidPosition, 'afterTaskId and beforeTaskId must be adjacent in the column');
      return { prev, next };
    }
    if (afterId) {
      const prev = await anchor(afterId, 'afterTaskId');
      return { prev, next: await this.tasks.neighbour(tx, columnId, selfId, '>', prev) };
    }
    const next = await anchor(beforeId as string, 'beforeTaskId');
    return { prev: await this.tasks.neighbour(tx, columnId, selfId, '<', next), next };
  }
}
