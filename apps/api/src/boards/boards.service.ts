import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole, BoardSnapshot, BoardSummary, Page } from '@tasklane/contracts';
import { ColumnsService } from '../columns/columns.service.js';
import { limitReached, preconditionFailed } from '../errors/common.errors.js';
import { BoardEventsService, type WriteRequest } from '../events/board-events.service.js';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { LabelsService } from '../labels/labels.service.js';
import { MembersService } from '../members/members.service.js';
import { afterCursor, toPage } from '../pagination/cursor.js';
import { TasksService } from '../tasks/tasks.service.js';
import { boardNotFound } from '../board-access/board-access.errors.js';
import { BoardsRepository, type BoardRecord } from './boards.repository.js';
import type { ListBoardsQueryDto } from './boards.dto.js';

/** Columns of a board created without a `columns` list. */
export const DEFAULT_COLUMNS = ['To do', 'Doing', 'Done'];

/** A board record as its summary: with the stream's seq and, for the caller, their role. */
const toSummary = (board: BoardRecord, seq: number, role?: BoardRole): BoardSummary => ({ ...board, seq, ...(role ? { role } : {}) });

/** Boards: create (with columns and the creator as owner), list mine, snapshot, update, delete. */
@Injectable()
export class BoardsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly boards: BoardsRepository,
    private readonly columns: ColumnsService,
    private readonly tasks: TasksService,
    private readonly members: MembersService,
    private readonly labels: LabelsService,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
  ) {}

  /** Creates the board at seq 0 with its columns and the caller as owner, and returns its snapshot. */
  create(userId: string, input: { name: string; description?: string; columns?: string[] }, req: WriteRequest = {}): Promise<BoardSnapshot> {
    const boardId = randomUUID();
    return this.events.create(
      boardId,
      async ({ tx, seq }) => {
        await this.boards.insert(tx, { id: boardId, name: input.name, description: input.description ?? '', createdBy: userId });
        await this.access.add(tx, boardId, userId, 'owner');
        await this.columns.createInitial(tx, boardId, input.columns ?? DEFAULT_COLUMNS);
        return this.readSnapshot(tx, boardId, 'owner', seq);
      },
      req.idempotency,
    );
  }

  /**
   * Creates a board from an import plan (import/export, transfer/board-file.ts) in ONE transaction:
   * the board at seq 0 with the importer as owner, its labels, its columns in order and each
   * column's tasks in order. All or nothing: a failure leaves no board. `boardId` (default: new) lets a retried
   * import job find the board it already made (the insert then fails with a unique violation).
   * Returns the new board's id.
   * @throws AppError LIMIT_REACHED (boards per user, columns or tasks per board)
   */
  importBoard(
    userId: string,
    plan: {
      name: string;
      description: string;
      labels: { name: string; color: string }[];
      columns: { name: string; tasks: { title: string; description: string; labels: string[]; dueAt: string | null; completedAt?: string | null; archived: boolean }[] }[];
    },
    boardId: string = randomUUID(),
    /** Runs in the same transaction once the tasks exist: their ids, column by column in plan order (checklists, comments). */
    afterTasks?: (tx: EntityManager, boardId: string, taskIds: string[][]) => Promise<void>,
  ): Promise<string> {
    return this.events.create(boardId, async ({ tx }) => {
      const total = plan.columns.reduce((n, c) => n + c.tasks.length, 0);
      if (total > this.tasks.tasksPerBoard) throw limitReached('tasks_per_board', this.tasks.tasksPerBoard, 'tasks per board');
      await this.boards.insert(tx, { id: boardId, name: plan.name, description: plan.description, createdBy: userId });
      await this.access.add(tx, boardId, userId, 'owner');
      const columnIds = await this.columns.createInitial(tx, boardId, plan.columns.map((c) => c.name));
      const labelIds = await this.labels.insertImported(tx, boardId, plan.labels);
      const taskIds: string[][] = [];
      for (const [i, column] of plan.columns.entries()) {
        const tasks = column.tasks.map((t) => ({ ...t, completedAt: t.completedAt ?? null, labelIds: t.labels.map((name) => labelIds.get(name)).filter((id): id is string => id !== undefined) }));
        taskIds.push(await this.tasks.insertImported(tx, boardId, columnIds[i], tasks, userId));
      }
      await afterTasks?.(tx, boardId, taskIds);
      return boardId;
    });
  }

  /**
   * What an export starts with, read in one REPEATABLE READ transaction: the board, its columns in
   * order and its members (names and roles; emails only for owners). Tasks follow column by column
   * (TasksService.columnTasks), so a large board is never held whole. Any member.
   * @throws AppError BOARD_NOT_FOUND (404) for non-members.
   */
  exportHead(boardId: string, userId: string): Promise<Omit<BoardSnapshot, 'tasks'>> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const role = await this.access.require(boardId, userId, 'viewer', tx);
      const board = await this.requireBoard(tx, boardId);
      return {
        ...toSummary(board, (await this.events.currentSeq(boardId, tx)) ?? 0, role),
        columns: await this.columns.listByBoard(tx, boardId),
        members: await this.members.listAll(tx, boardId, role),
        labels: await this.labels.listByBoard(tx, boardId),
      };
    });
  }

  /**
   * Boards the user is a member of, oldest first, keyset-paginated on (created_at, id).
   * @throws AppError VALIDATION_FAILED for a malformed cursor.
   */
  async list(userId: string, query: ListBoardsQueryDto): Promise<Page<BoardSummary>> {
    const limit = query.pageSize();
    const roles = await this.access.boardsOf(userId);
    if (roles.size === 0) return { items: [], nextCursor: null };
    const page = toPage(await this.boards.listByIds([...roles.keys()], { limit: limit + 1, after: afterCursor(query.cursor) }), limit);
    const seqs = await this.events.currentSeqs(page.items.map((b) => b.id));
    return { ...page, items: page.items.map((b) => toSummary(b, seqs.get(b.id) ?? 0, roles.get(b.id))) };
  }

  /**
   * A consistent snapshot: board, seq, columns, tasks and members read in one REPEATABLE READ
   * transaction, so `seq` is exactly the last event reflected in it. Members' emails only for owners.
   * @throws AppError BOARD_NOT_FOUND (404) for non-members.
   */
  snapshot(boardId: string, userId: string): Promise<BoardSnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const role = await this.access.require(boardId, userId, 'viewer', tx);
      return this.readSnapshot(tx, boardId, role, (await this.events.currentSeq(boardId, tx)) ?? 0);
    });
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN (viewers), PRECONDITION_FAILED (412, If-Match) */
  update(boardId: string, userId: string, patch: { name?: string; description?: string }, req: WriteRequest = {}): Promise<BoardSummary> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx, seq }) => {
        const board = await this.boards.update(tx, boardId, patch, req.ifMatch);
        if (!board) throw preconditionFailed(toSummary(await this.requireBoard(tx, boardId), seq - 1));
        const summary = toSummary(board, seq);
        return { result: summary, event: { type: 'board.updated', data: summary } };
      },
      req.idempotency,
    );
  }

  /**
   * Deletes the board: marks it deleted and removes its members, so nobody reaches it any more
   * (retention purges the row later). Owners only.
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, PRECONDITION_FAILED (412, If-Match)
   */
  async remove(boardId: string, userId: string, req: WriteRequest = {}): Promise<void> {
    await this.events.write(
      boardId,
      userId,
      'owner',
      async ({ tx, seq }) => {
        if (!(await this.boards.softDelete(tx, boardId, req.ifMatch))) throw preconditionFailed(toSummary(await this.requireBoard(tx, boardId), seq - 1));
        await this.access.removeAll(tx, boardId);
        return { result: null, event: { type: 'board.deleted', data: { id: boardId } } };
      },
      req.idempotency,
    );
  }

  /**
   * The live board's summary as a member with `role` sees it at `seq` (the seq of the write in
   * progress, when called inside one), or null for a deleted or unknown board.
   */
  async summaryOf(db: EntityManager, boardId: string, role: BoardRole, seq: number): Promise<BoardSummary | null> {
    const board = await this.boards.find(db, boardId);
    return board ? toSummary(board, seq, role) : null;
  }

  /** The names of the live boards among `boardIds`, by id (deleted and unknown ones are absent). One query. */
  async liveNames(boardIds: string[], db?: EntityManager): Promise<Map<string, string>> {
    return boardIds.length === 0 ? new Map() : this.boards.namesOf(boardIds, db);
  }

  /** Removes boards deleted longer than `ageSeconds` ago, with their events (retention); returns how many. */
  purgeDeleted(tx: EntityManager, ageSeconds: number): Promise<number> {
    return this.boards.purgeDeleted(tx, ageSeconds);
  }

  private async requireBoard(db: EntityManager, boardId: string): Promise<BoardRecord> {
    const board = await this.boards.find(db, boardId);
    if (!board) throw boardNotFound();
    return board;
  }

  private async readSnapshot(tx: EntityManager, boardId: string, role: BoardRole, seq: number): Promise<BoardSnapshot> {
    const board = await this.requireBoard(tx, boardId);
    const columns = await this.columns.listByBoard(tx, boardId);
    return {
      ...toSummary(board, seq, role),
      columns,
      tasks: await this.tasks.listByBoard(tx, boardId, columns),
      members: await this.members.listAll(tx, boardId, role),
      labels: await this.labels.listByBoard(tx, boardId),
    };
  }
}
