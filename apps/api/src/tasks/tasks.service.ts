import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { BoardEventType, ChecklistProgress, ColumnView, Page, TaskView } from '@tasklane/contracts';
import { ColumnsService } from '../columns/columns.service.js';
import type { Env } from '../config/env.schema.js';
import { limitReached, preconditionFailed, validationFailed } from '../errors/common.errors.js';
import type { NotificationIntent } from '../events/board-notifier.js';
import { BoardEventsService, type WriteOutcome, type WriteRequest } from '../events/board-events.service.js';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { afterCursor, toPage } from '../pagination/cursor.js';
import { keyForSlot, keysForNewList, type Slot } from '../positions/fractional-index.js';
import { invalidPosition } from '../positions/positions.errors.js';
import { LabelsService } from '../labels/labels.service.js';
import type { Keyed, Keyset } from '../pagination/cursor.js';
import { taskArchived, taskNotFound } from './tasks.errors.js';
import { columnArchived, columnNotFound } from '../columns/columns.errors.js';
import { SEARCH_RANK_CANDIDATES, TasksRepository, type SearchRow, type TaskFields, type TaskSearch } from './tasks.repository.js';

export { SEARCH_RANK_CANDIDATES };
import type { ListTasksQueryDto } from './tasks.dto.js';

const TASK_SLOT = { after: 'afterTaskId', before: 'beforeTaskId' };

/** `assigned` notifications for the users in `now` who were not in `before` (the notifier drops the actor). */
const assigned = (now: readonly string[], before: readonly string[], taskId: string): NotificationIntent[] =>
  now.filter((id) => !before.includes(id)).map((userId) => ({ userId, kind: 'assigned', taskId }));

/** Where a task goes: a column and optional adjacent anchors (default: the end of the column). */
export interface TaskPlacement {
  columnId: string;
  afterTaskId?: string;
  beforeTaskId?: string;
}

/**
 * Tasks: CRUD, move and search. Every write runs inside `BoardEventsService.write` (one
 * transaction with its event, under the board's stream lock, so neighbour lookups for positions
 * cannot race with another write to the same board).
 */
@Injectable()
export class TasksService {
  /** TASKS_PER_BOARD_MAX, or null with RATE_LIMITS=off. */
  private readonly maxTasks: number | null;

  constructor(
    private readonly tasks: TasksRepository,
    private readonly columns: ColumnsService,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
    private readonly labels: LabelsService,
    config: ConfigService<Env, true>,
  ) {
    labels.onDelete((tx, boardId, labelId) => this.tasks.dropLabel(tx, boardId, labelId));
    this.maxTasks = config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on' ? config.getOrThrow('TASKS_PER_BOARD_MAX', { infer: true }) : null;
  }

  /**
   * Counted inside the write, under the board's stream lock, so concurrent creates on one board
   * are counted one after another and cannot overshoot TASKS_PER_BOARD_MAX.
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, LIMIT_REACHED (409, the board has TASKS_PER_BOARD_MAX tasks), COLUMN_NOT_FOUND, COLUMN_ARCHIVED (409), TASK_NOT_FOUND (anchors), INVALID_POSITION, VALIDATION_FAILED (assignees, labels)
   */
  create(boardId: string, userId: string, input: TaskPlacement & Partial<TaskFields> & { title: string }, req: WriteRequest = {}): Promise<TaskView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        if (this.maxTasks !== null && (await this.tasks.countUpTo(tx, boardId, this.maxTasks)) >= this.maxTasks) {
          throw limitReached('tasks_per_board', this.maxTasks, 'tasks per board');
        }
        await this.requireMembers(tx, boardId, input.assigneeIds);
        await this.labels.requireLabels(tx, boardId, input.labelIds);
        const position = keyForSlot(await this.slot(tx, boardId, input, null), TASK_SLOT);
        const task = await this.tasks.insert(tx, {
          id: randomUUID(),
          boardId,
          columnId: input.columnId,
          title: input.title,
          description: input.description ?? '',
          position,
          assigneeIds: input.assigneeIds ?? [],
          labelIds: input.labelIds ?? [],
          dueAt: input.dueAt ?? null,
          completed: input.completed ?? false,
          actorId: userId,
        });
        return { result: task, event: { type: 'task.created', data: task }, notify: assigned(task.assigneeIds, [], task.id) };
      },
      req.idempotency,
    );
  }

  /** Full-text search over the given boards' tasks (the caller resolved the boards from the user's memberships). */
  search(filter: TaskSearch): Promise<SearchRow[]> {
    return this.tasks.search(filter);
  }

  /** Current titles of tasks, each on its board: id → title (deleted ones absent). For notification views. */
  titlesOf(refs: readonly { boardId: string; taskId: string }[]): Promise<Map<string, string>> {
    return this.tasks.titlesOf(refs);
  }

  /** @throws AppError BOARD_NOT_FOUND, TASK_NOT_FOUND */
  async get(boardId: string, userId: string, taskId: string): Promise<TaskView> {
    await this.access.require(boardId, userId, 'viewer');
    const task = await this.tasks.find(boardId, taskId);
    if (!task) throw taskNotFound();
    return task;
  }

  /** Keyset-paginated list ordered by (created_at, id). @throws AppError BOARD_NOT_FOUND, VALIDATION_FAILED (cursor) */
  async list(boardId: string, userId: string, query: ListTasksQueryDto): Promise<Page<TaskView>> {
    await this.access.require(boardId, userId, 'viewer');
    const limit = query.pageSize();
    const rows = await this.tasks.list(boardId, {
      columnId: query.columnId,
      assigneeId: query.assigneeId,
      q: query.q,
      due: query.due ? { kind: query.due, now: new Date() } : undefined,
      hiddenColumnIds: await this.columns.archivedIds(this.tasks.pool(), boardId),
      after: afterCursor(query.cursor),
      limit: limit + 1,
    });
    return toPage(rows, limit);
  }

  /**
   * Inside an imported board's creating transaction: the tasks of one column, in order (positions
   * spread over the column), without assignees, `labelIds` of the new board's labels, archived ones
   * archived now. The caller checked the caps (TASKS_PER_BOARD_MAX). Returns the new ids, in order.
   */
  async insertImported(
    tx: EntityManager,
    boardId: string,
    columnId: string,
    tasks: readonly { title: string; description: string; labelIds: string[]; dueAt: string | null; completedAt: string | null; archived: boolean }[],
    actorId: string,
  ): Promise<string[]> {
    const positions = keysForNewList(tasks.length);
    const ids = tasks.map(() => randomUUID());
    await this.tasks.insertMany(tx, tasks.map((t, i) => ({ ...t, id: ids[i], boardId, columnId, position: positions[i], actorId })));
    return ids;
  }

  /** A column's tasks in display order, `pageSize` at a time (export: never the whole board in memory). */
  async *columnTasks(columnId: string, pageSize = 500): AsyncGenerator<TaskView[]> {
    let after: { position: string; id: string } | undefined;
    for (;;) {
      const page = await this.tasks.pageOfColumn(columnId, pageSize, after);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      const last = page[page.length - 1];
      after = { position: last.position, id: last.id };
    }
  }

  /**
   * The task as stored (archived ones too) and whether its column is archived (the task is then
   * hidden with it), read inside `tx` once the board's writes are held off until `tx` ends
   * (BoardEventsService.holdWrites, then one statement): no board write (they all take the board's
   * lock) can change the task or its column between this read and the end of `tx`, and every one
   * that committed before is seen.
   * Null for an unknown task. No access check (background jobs).
   * @throws a database error (lock_timeout when a write holds the board longer)
   */
  async findAnyWithColumnStateForShare(tx: EntityManager, boardId: string, taskId: string): Promise<{ task: TaskView; columnArchived: boolean } | null> {
    await this.events.holdWrites(tx, boardId);
    return this.tasks.findWithColumnState(tx, boardId, taskId);
  }

  /** TASKS_PER_BOARD_MAX, or Infinity with RATE_LIMITS=off (imports check it before writing). */
  get tasksPerBoard(): number {
    return this.maxTasks ?? Infinity;
  }

  /**
   * Every live task of the board's live `columns` in display order: by the position of its column
   * in `columns`, then its own position (for snapshots). Tasks of columns not in `columns`
   * (archived ones) are left out.
   */
  async listByBoard(db: EntityManager, boardId: string, columns: ColumnView[]): Promise<TaskView[]> {
    const columnOrder = new Map(columns.map((c, i) => [c.id, i]));
    const tasks = (await this.tasks.listByBoard(db, boardId)).filter((t) => columnOrder.has(t.columnId));
    // Stable sort: within a column the rows already come by position (byte order, as the keys define it).
    return tasks.sort((a, b) => (columnOrder.get(a.columnId) ?? 0) - (columnOrder.get(b.columnId) ?? 0));
  }

  /**
   * The task, which must be live: not archived, nor in an archived column (for writes to it or
   * its comments and checklist, inside the caller's write).
   * @throws AppError TASK_NOT_FOUND (404), TASK_ARCHIVED (409)
   */
  async requireLive(tx: EntityManager, boardId: string, taskId: string): Promise<TaskView> {
    const found = await this.tasks.findWithColumnState(tx, boardId, taskId);
    if (!found) throw taskNotFound();
    if (found.task.archivedAt || found.columnArchived) throw taskArchived();
    return found.task;
  }

  /**
   * A write to something that belongs to a live task (its comments, its checklist): an editor's
   * write on the board that first checks, under the board's lock, that the task is live, then runs
   * `work` with the task as it is now.
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND (404), TASK_ARCHIVED (409),
   *   IDEMPOTENCY_KEY_REUSED, and whatever `work` throws (after rolling back)
   */
  writeOnLiveTask<R, T extends BoardEventType>(
    boardId: string,
    userId: string,
    taskId: string,
    req: WriteRequest,
    work: (tx: EntityManager, task: TaskView) => Promise<WriteOutcome<R, T>>,
  ): Promise<R> {
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => work(tx, await this.requireLive(tx, boardId, taskId)), req.idempotency);
  }

  /** The task (archived or not) for readers of its comments and checklist. @throws AppError BOARD_NOT_FOUND, TASK_NOT_FOUND */
  async requireReadable(boardId: string, userId: string, taskId: string): Promise<TaskView> {
    return this.get(boardId, userId, taskId);
  }

  /** The task on this board (archived or not), with the caller's transaction. @throws AppError TASK_NOT_FOUND */
  findIn(tx: EntityManager, boardId: string, taskId: string): Promise<TaskView> {
    return this.requireTask(tx, boardId, taskId);
  }

  /** Adds `delta` to the task's comment count inside the caller's write; the new count. */
  addCommentCount(tx: EntityManager, taskId: string, delta: number): Promise<number> {
    return this.tasks.addCommentCount(tx, taskId, delta);
  }

  /** Adds the deltas to the task's checklist progress inside the caller's write; the new progress. */
  addChecklistProgress(tx: EntityManager, taskId: string, delta: ChecklistProgress): Promise<ChecklistProgress> {
    return this.tasks.addChecklistProgress(tx, taskId, delta);
  }

  /** Archives (`true`) or restores a task inside the caller's write; null for an unknown task. */
  setArchived(tx: EntityManager, boardId: string, taskId: string, archived: boolean, actorId: string): Promise<TaskView | null> {
    return this.tasks.setArchived(tx, boardId, taskId, archived, actorId);
  }

  /** Archived tasks, newest first (keyset on (archived_at, id) descending). */
  listArchived(db: EntityManager, boardId: string, after: Keyset | undefined, limit: number): Promise<Keyed<TaskView>[]> {
    return this.tasks.listArchived(db, boardId, after, limit);
  }

  /** The live tasks of a column by position (they come back with it when it is restored). */
  listLiveInColumn(db: EntityManager, boardId: string, columnId: string): Promise<TaskView[]> {
    return this.tasks.listLiveInColumn(db, boardId, columnId);
  }

  /** How many live tasks each archived column hides: column id → count. */
  countLiveInColumns(db: EntityManager, boardId: string, columnIds: string[]): Promise<Map<string, number>> {
    return this.tasks.countLiveInColumns(db, boardId, columnIds);
  }

  /**
   * Sets the given fields (absent = unchanged, `dueAt: null` clears, `completed` marks done or reopens; the version bumps either way).
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, TASK_ARCHIVED (409), VALIDATION_FAILED (assignees, labels), PRECONDITION_FAILED (412, If-Match)
   */
  update(boardId: string, userId: string, taskId: string, patch: Partial<TaskFields>, req: WriteRequest = {}): Promise<TaskView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        // With assignees or labels, the task's state is checked first (404 / 409 before their
        // validation) and gives who was assigned before, to notify only the newly added (under the
        // board's lock: no write in between). Without them, the UPDATE checks it itself: one round
        // trip, and the reason is looked up only when no row matched.
        const current = patch.assigneeIds || patch.labelIds ? await this.requireLive(tx, boardId, taskId) : null;
        await this.requireMembers(tx, boardId, patch.assigneeIds);
        await this.labels.requireLabels(tx, boardId, patch.labelIds);
        const assignedBefore = patch.assigneeIds ? (current?.assigneeIds ?? []) : [];
        const updated = await this.tasks.update(tx, boardId, taskId, patch, userId, req.ifMatch);
        if (!updated) throw preconditionFailed(await this.requireLive(tx, boardId, taskId));
        const { task } = updated;
        // `before` (due date and done state before the change, from the UPDATE itself): the reminders schedule only when those changed.
        return { result: task, event: { type: 'task.updated', data: task }, before: updated.before, notify: patch.assigneeIds ? assigned(task.assigneeIds, assignedBefore, task.id) : [] };
      },
      req.idempotency,
    );
  }

  /** Moves to a column (maybe the same) between anchors; rewrites only this row's column and position. */
  move(boardId: string, userId: string, taskId: string, placement: TaskPlacement, req: WriteRequest = {}): Promise<TaskView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        const current = await this.requireLive(tx, boardId, taskId);
        if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(current);
        const position = keyForSlot(await this.slot(tx, boardId, placement, taskId), TASK_SLOT);
        const task = await this.tasks.move(tx, boardId, taskId, placement.columnId, position, userId);
        return { result: task, event: { type: 'task.moved', data: task } };
      },
      req.idempotency,
    );
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, PRECONDITION_FAILED (412, If-Match) */
  remove(boardId: string, userId: string, taskId: string, req: WriteRequest = {}): Promise<null> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        if (!(await this.tasks.delete(tx, boardId, taskId, req.ifMatch))) throw preconditionFailed(await this.requireTask(tx, boardId, taskId));
        return { result: null, event: { type: 'task.deleted', data: { id: taskId } } };
      },
      req.idempotency,
    );
  }

  private async requireTask(tx: EntityManager, boardId: string, taskId: string): Promise<TaskView> {
    const task = await this.tasks.find(boardId, taskId, tx);
    if (!task) throw taskNotFound();
    return task;
  }

  /** @throws AppError VALIDATION_FAILED listing assignee ids that are not members of the board. */
  private async requireMembers(tx: EntityManager, boardId: string, userIds: string[] | undefined): Promise<void> {
    if (!userIds?.length) return;
    const strangers = await this.access.nonMembers(tx, boardId, userIds);
    if (strangers.length) throw validationFailed([{ field: 'assigneeIds', errors: [`not members: ${strangers.join(', ')}`] }]);
  }

  /**
   * The slot for a task in `p.columnId` of this board given optional anchors; the moving task itself
   * (`selfId`) is ignored as a neighbour. Without anchors: the end of the column. With both anchors
   * they must be neighbours: a key between non-adjacent ones could equal the key of a task in between.
   * @throws AppError COLUMN_NOT_FOUND, COLUMN_ARCHIVED, TASK_NOT_FOUND (unknown anchor), INVALID_POSITION (anchor in another column, the task itself, or non-adjacent anchors)
   */
  private async slot(tx: EntityManager, boardId: string, p: TaskPlacement, selfId: string | null): Promise<Slot> {
    const { afterTaskId: afterId, beforeTaskId: beforeId } = p;
    if (!afterId && !beforeId) {
      // The most common placement: the column check and its last position in one statement.
      const end = await this.tasks.columnEnd(tx, boardId, p.columnId, selfId);
      if (!end.column) throw columnNotFound();
      if (end.column.archived) throw columnArchived();
      return { prev: end.lastPosition, next: null };
    }
    await this.columns.requireLive(tx, boardId, p.columnId);
    const anchor = async (id: string, field: string) => {
      if (id === selfId) throw invalidPosition(`${field} cannot be the task being moved`);
      const placed = await this.tasks.placement(tx, boardId, id);
      if (!placed) throw taskNotFound(field);
      if (placed.columnId !== p.columnId) throw invalidPosition(`${field} is not in the target column`);
      return placed.position;
    };
    if (afterId && beforeId) {
      const prev = await anchor(afterId, 'afterTaskId');
      const next = await anchor(beforeId, 'beforeTaskId');
      // Adjacent as the client sees the column (archived tasks are hidden); the key still goes
      // before any archived task in between, so it never equals one that a restore brings back.
      const between = prev < next ? await this.tasks.neighbour(tx, p.columnId, selfId, '>', prev, true) : null;
      if (between !== null && between < next) throw invalidPosition('afterTaskId and beforeTaskId must be adjacent in the column');
      const hidden = prev < next ? await this.tasks.neighbour(tx, p.columnId, selfId, '>', prev) : null;
      return { prev, next: hidden !== null && hidden < next ? hidden : next };
    }
    if (afterId) {
      const prev = await anchor(afterId, 'afterTaskId');
      return { prev, next: await this.tasks.neighbour(tx, p.columnId, selfId, '>', prev) };
    }
    const next = await anchor(beforeId as string, 'beforeTaskId');
    return { prev: await this.tasks.neighbour(tx, p.columnId, selfId, '<', next), next };
  }
}
