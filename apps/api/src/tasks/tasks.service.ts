import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { Page, TaskView } from '@tasklane/contracts';
import { AppError } from '../errors/app-error.js';
import { decodeCursor, encodeCursor } from '../pagination/cursor.js';
import { ErrorCode } from '../errors/error-codes.js';
import { preconditionFailed } from '../concurrency/if-match.js';
import { BoardEventsService, type Committed, type WriteRequest } from '../events/board-events.service.js';
import { BoardAccessService } from '../members/board-access.service.js';
import { keyForSlot, type Slot } from './task-position.js';
import { TASK_COLUMNS, toTaskView, type CreateTaskDto, type ListTasksQueryDto, type MoveTaskDto, type TaskRow, type UpdateTaskDto } from './tasks.dto.js';

const taskNotFound = (what = 'Task') => new AppError(ErrorCode.TaskNotFound, `${what} not found`);
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Tasks: CRUD, move and search. Every write runs inside `BoardEventsService.write` (one
 * transaction with its event, under the board's row lock, so neighbour lookups for positions
 * cannot race with another write to the same board).
 */
@Injectable()
export class TasksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
  ) {}

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND, TASK_NOT_FOUND (anchors), INVALID_POSITION, VALIDATION_FAILED (assignees) */
  create(boardId: string, userId: string, dto: CreateTaskDto, req: WriteRequest = {}): Promise<Committed<TaskView>> {
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => {
      await this.requireMembers(tx, boardId, dto.assigneeIds);
      const position = keyForSlot(await this.slot(tx, boardId, dto.columnId, dto.afterTaskId, dto.beforeTaskId, null));
      const [row] = (await tx.query(
        `INSERT INTO tasks (id, board_id, column_id, title, description, position, assignee_ids, labels, due_at, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], $8::text[], $9, $10, $10)
         RETURNING ${TASK_COLUMNS}`,
        [randomUUID(), boardId, dto.columnId, dto.title, dto.description ?? '', position, dto.assigneeIds ?? [], dto.labels ?? [], dto.dueAt ?? null, userId],
      )) as TaskRow[];
      const task = toTaskView(row);
      return { result: task, event: { type: 'task.created', data: task } };
    }, { idempotency: req.idempotency, successStatus: 201 });
  }

  /** @throws AppError BOARD_NOT_FOUND, TASK_NOT_FOUND */
  async get(boardId: string, userId: string, taskId: string): Promise<TaskView> {
    await this.access.require(boardId, userId, 'viewer');
    return toTaskView(await this.requireTask(this.dataSource.manager, boardId, taskId));
  }

  /** Keyset-paginated list ordered by (created_at, id). @throws AppError BOARD_NOT_FOUND */
  async list(boardId: string, userId: string, query: ListTasksQueryDto): Promise<Page<TaskView>> {
    await this.access.require(boardId, userId, 'viewer');
    const limit = query.limit ?? 50;
    const where = ['board_id = $1'];
    const params: unknown[] = [boardId];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.columnId) add((n) => `column_id = $${n}`, query.columnId);
    if (query.assigneeId) add((n) => `assignee_ids @> ARRAY[$${n}]::uuid[]`, query.assigneeId);
    if (query.q) add((n) => `(title ILIKE $${n} OR description ILIKE $${n})`, `%${escapeLike(query.q)}%`);
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      add((n) => `(created_at, id) > (SELECT created_at, id FROM tasks WHERE id = $${n})`, after);
    }
    params.push(limit + 1);
    const rows = (await this.dataSource.query(
      `SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT $${params.length}`,
      params,
    )) as TaskRow[];
    const items = rows.slice(0, limit).map(toTaskView);
    const nextCursor = rows.length > limit ? encodeCursor(items[items.length - 1].id) : null;
    return { items, nextCursor };
  }

  /**
   * Sets the given fields (absent = unchanged, `dueAt: null` clears).
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, VALIDATION_FAILED, PRECONDITION_FAILED (412, If-Match)
   */
  update(boardId: string, userId: string, taskId: string, dto: UpdateTaskDto, req: WriteRequest = {}): Promise<Committed<TaskView>> {
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => {
      await this.requireMembers(tx, boardId, dto.assigneeIds);
      const [rows] = (await tx.query(
        `UPDATE tasks SET
           title = COALESCE($3, title),
           description = COALESCE($4, description),
           assignee_ids = COALESCE($5::uuid[], assignee_ids),
           labels = COALESCE($6::text[], labels),
           due_at = CASE WHEN $7::boolean THEN $8::timestamptz ELSE due_at END,
           version = version + 1, updated_at = now(), updated_by = $9
         WHERE id = $1 AND board_id = $2 AND ($10::int IS NULL OR version = $10)
         RETURNING ${TASK_COLUMNS}`,
        [taskId, boardId, dto.title ?? null, dto.description ?? null, dto.assigneeIds ?? null, dto.labels ?? null, dto.dueAt !== undefined, dto.dueAt ?? null, userId, req.ifMatch ?? null],
      )) as [TaskRow[], number];
      if (!rows.length) throw preconditionFailed(toTaskView(await this.requireTask(tx, boardId, taskId)));
      const task = toTaskView(rows[0]);
      return { result: task, event: { type: 'task.updated', data: task } };
    }, { idempotency: req.idempotency });
  }

  /** Moves to a column (maybe the same) between anchors; rewrites only this row's column and position. */
  move(boardId: string, userId: string, taskId: string, dto: MoveTaskDto, req: WriteRequest = {}): Promise<Committed<TaskView>> {
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => {
      const current = await this.requireTask(tx, boardId, taskId);
      if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(toTaskView(current));
      const position = keyForSlot(await this.slot(tx, boardId, dto.columnId, dto.afterTaskId, dto.beforeTaskId, taskId));
      const [rows] = (await tx.query(
        `UPDATE tasks SET column_id = $3, position = $4, version = version + 1, updated_at = now(), updated_by = $5
          WHERE id = $1 AND board_id = $2 RETURNING ${TASK_COLUMNS}`,
        [taskId, boardId, dto.columnId, position, userId],
      )) as [TaskRow[], number];
      const task = toTaskView(rows[0]);
      return { result: task, event: { type: 'task.moved', data: task } };
    }, { idempotency: req.idempotency });
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, PRECONDITION_FAILED (412, If-Match) */
  remove(boardId: string, userId: string, taskId: string, req: WriteRequest = {}): Promise<Committed<null>> {
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => {
      const [rows] = (await tx.query(`DELETE FROM tasks WHERE id = $1 AND board_id = $2 AND ($3::int IS NULL OR version = $3) RETURNING id`, [
        taskId,
        boardId,
        req.ifMatch ?? null,
      ])) as [{ id: string }[], number];
      if (!rows.length) throw preconditionFailed(toTaskView(await this.requireTask(tx, boardId, taskId)));
      return { result: null, event: { type: 'task.deleted', data: { id: taskId } } };
    }, { idempotency: req.idempotency, successStatus: 204 });
  }

  private async requireTask(manager: EntityManager, boardId: string, taskId: string): Promise<TaskRow> {
    const rows = (await manager.query(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 AND board_id = $2`, [taskId, boardId])) as TaskRow[];
    if (!rows.length) throw taskNotFound();
    return rows[0];
  }

  private async requireColumn(tx: EntityManager, boardId: string, columnId: string): Promise<void> {
    const rows = (await tx.query(`SELECT 1 FROM columns WHERE id = $1 AND board_id = $2`, [columnId, boardId])) as unknown[];
    if (!rows.length) throw new AppError(ErrorCode.ColumnNotFound, 'Column not found');
  }

  /** @throws AppError VALIDATION_FAILED listing assignee ids that are not members of the board. */
  private async requireMembers(tx: EntityManager, boardId: string, userIds: string[] | undefined): Promise<void> {
    if (!userIds?.length) return;
    const rows = (await tx.query(`SELECT user_id FROM board_members WHERE board_id = $1 AND user_id = ANY($2::uuid[])`, [boardId, userIds])) as { user_id: string }[];
    const members = new Set(rows.map((r) => r.user_id));
    const strangers = userIds.filter((id) => !members.has(id.toLowerCase()));
    if (strangers.length) {
      throw new AppError(ErrorCode.ValidationFailed, 'Assignees must be members of the board', [{ field: 'assigneeIds', errors: [`not members: ${strangers.join(', ')}`] }]);
    }
  }

  /**
   * The slot for a task in `columnId` of this board given optional anchors; the moving task itself
   * (`selfId`) is ignored as a neighbour. Without anchors: the end of the column, found in the same
   * query that checks the column (the common case costs one round trip).
   * @throws AppError COLUMN_NOT_FOUND, TASK_NOT_FOUND (unknown anchor), INVALID_POSITION (anchor in another column, or the task itself)
   */
  private async slot(tx: EntityManager, boardId: string, columnId: string, afterId: string | undefined, beforeId: string | undefined, selfId: string | null): Promise<Slot> {
    const self = selfId ?? '00000000-0000-0000-0000-000000000000';
    if (!afterId && !beforeId) {
      const rows = (await tx.query(
        `SELECT (SELECT position FROM tasks WHERE column_id = c.id AND id <> $3 ORDER BY position DESC LIMIT 1) AS last
           FROM columns c WHERE c.id = $1 AND c.board_id = $2`,
        [columnId, boardId, self],
      )) as { last: string | null }[];
      if (!rows.length) throw new AppError(ErrorCode.ColumnNotFound, 'Column not found');
      return { prev: rows[0].last, next: null };
    }
    await this.requireColumn(tx, boardId, columnId);
    const anchor = async (id: string, name: string) => {
      if (id === selfId) throw new AppError(ErrorCode.InvalidPosition, `${name} cannot be the task being moved`);
      const rows = (await tx.query(`SELECT column_id, position FROM tasks WHERE id = $1 AND board_id = $2`, [id, boardId])) as { column_id: string; position: string }[];
      if (!rows.length) throw taskNotFound(name);
      if (rows[0].column_id !== columnId) throw new AppError(ErrorCode.InvalidPosition, `${name} is not in the target column`);
      return rows[0].position;
    };
    const neighbour = async (op: '>' | '<', from: string) => {
      const dir = op === '>' ? 'ASC' : 'DESC';
      const rows = (await tx.query(
        `SELECT position FROM tasks WHERE column_id = $1 AND id <> $2 AND position ${op} $3 ORDER BY position ${dir} LIMIT 1`,
        [columnId, self, from],
      )) as { position: string }[];
      return rows[0]?.position ?? null;
    };
    if (afterId && beforeId) {
      const prev = await anchor(afterId, 'afterTaskId');
      const next = await anchor(beforeId, 'beforeTaskId');
      // The anchors must be neighbours: a key between non-adjacent ones could equal a task's in between.
      const between = prev < next ? await neighbour('>', prev) : null;
      if (between !== null && between < next) throw new AppError(ErrorCode.InvalidPosition, 'afterTaskId and beforeTaskId must be adjacent in the column');
      return { prev, next };
    }
    if (afterId) {
      const prev = await anchor(afterId, 'afterTaskId');
      return { prev, next: await neighbour('>', prev) };
    }
    const next = await anchor(beforeId as string, 'beforeTaskId');
    return { prev: await neighbour('<', next), next };
  }
}
