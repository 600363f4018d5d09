import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generateNKeysBetween } from 'fractional-indexing';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole, BoardSnapshot, BoardSummary, Page } from '@tasklane/contracts';
import { toColumnView } from '../columns/columns.dto.js';
import { ColumnsRepository } from '../columns/columns.repository.js';
import { preconditionFailed } from '../concurrency/if-match.js';
import { boardNotFound } from '../errors/app-error.js';
import { BoardEventsService, type Committed, type WriteRequest } from '../events/board-events.service.js';
import { claimIdempotencyKey, storeIdempotentResponse } from '../idempotency/idempotency.js';
import { BoardAccessService } from '../members/board-access.service.js';
import { toMemberView } from '../members/members.dto.js';
import { MembersRepository } from '../members/members.repository.js';
import { decodeCursor, encodeCursor } from '../pagination/cursor.js';
import { toTaskView } from '../tasks/tasks.dto.js';
import { TasksRepository } from '../tasks/tasks.repository.js';
import type { Board } from './board.entity.js';
import { toBoardSummary, type CreateBoardDto, type ListBoardsQueryDto, type UpdateBoardDto } from './boards.dto.js';
import { BoardsRepository } from './boards.repository.js';

export const DEFAULT_COLUMNS = ['To do', 'Doing', 'Done'];

/** Boards: create (with columns and the creator as owner), list mine, snapshot, update, delete. */
@Injectable()
export class BoardsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly boards: BoardsRepository,
    private readonly columns: ColumnsRepository,
    private readonly tasks: TasksRepository,
    private readonly members: MembersRepository,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
  ) {}

  /** Creates the board at seq 0 in one transaction and returns its snapshot (or, for an Idempotency-Key retry, the first response). */
  async create(userId: string, dto: CreateBoardDto, req: WriteRequest = {}): Promise<BoardSnapshot> {
    const boardId = randomUUID();
    const names = dto.columns ?? DEFAULT_COLUMNS;
    return this.dataSource.transaction(async (tx) => {
      if (req.idempotency) {
        const stored = await claimIdempotencyKey(tx, req.idempotency);
        if (stored) return stored.body as BoardSnapshot;
      }
      await this.boards.insertWithOwner(tx, { id: boardId, name: dto.name, description: dto.description ?? '', ownerId: userId });
      const positions = generateNKeysBetween(null, null, names.length);
      await this.columns.insertMany(tx, names.map((name, i) => ({ id: randomUUID(), boardId, name, position: positions[i] })));
      const snapshot = await this.readSnapshot(tx, boardId, 'owner');
      if (req.idempotency) await storeIdempotentResponse(tx, req.idempotency, { statusCode: 201, body: snapshot });
      return snapshot;
    });
  }

  /**
   * Boards the user is a member of, oldest first, keyset-paginated on (created_at, id).
   * @throws AppError VALIDATION_FAILED for a malformed cursor.
   */
  async list(userId: string, query: ListBoardsQueryDto): Promise<Page<BoardSummary>> {
    const limit = query.limit ?? 50;
    const rows = await this.boards.listForUser(userId, limit, query.cursor ? decodeCursor(query.cursor) : undefined);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => toBoardSummary(r, r.role)), nextCursor: rows.length > limit ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null };
  }

  /**
   * A consistent snapshot: board, columns, tasks and members read in one REPEATABLE READ
   * transaction, so `seq` is exactly the last event reflected in it.
   * @throws AppError BOARD_NOT_FOUND (404) for non-members.
   */
  snapshot(boardId: string, userId: string): Promise<BoardSnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const role = await this.access.require(boardId, userId, 'viewer', tx);
      return this.readSnapshot(tx, boardId, role);
    });
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN (viewers), PRECONDITION_FAILED (412, If-Match) */
  update(boardId: string, userId: string, dto: UpdateBoardDto, req: WriteRequest = {}): Promise<Committed<BoardSummary>> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        const board = await this.boards.update(tx, boardId, dto, req.ifMatch);
        if (!board) throw preconditionFailed(toBoardSummary(await this.requireBoard(tx, boardId)));
        // seq in the event data is the event's own seq: the board's seq + 1 (we hold its lock).
        const summary = toBoardSummary({ ...board, seq: board.seq + 1 });
        return { result: summary, event: { type: 'board.updated', data: summary } };
      },
      { idempotency: req.idempotency },
    );
  }

  /**
   * Soft-deletes the board (the `board.deleted` event row references it; retention removes it later). Owners only.
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, PRECONDITION_FAILED (412, If-Match)
   */
  async remove(boardId: string, userId: string, req: WriteRequest = {}): Promise<void> {
    await this.events.write(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        if (!(await this.boards.softDelete(tx, boardId, req.ifMatch))) throw preconditionFailed(toBoardSummary(await this.requireBoard(tx, boardId)));
        return { result: null, event: { type: 'board.deleted', data: { id: boardId } } };
      },
      { idempotency: req.idempotency, successStatus: 204 },
    );
  }

  private async requireBoard(tx: EntityManager, boardId: string): Promise<Board> {
    const board = await this.boards.find(boardId, tx);
    if (!board) throw boardNotFound();
    return board;
  }

  private async readSnapshot(tx: EntityManager, boardId: string, role: BoardRole): Promise<BoardSnapshot> {
    const board = await this.requireBoard(tx, boardId);
    const columns = await this.columns.listByBoard(tx, boardId);
    const tasks = await this.tasks.listByBoard(tx, boardId);
    const members = await this.members.list(boardId, tx);
    return { ...toBoardSummary(board, role), columns: columns.map(toColumnView), tasks: tasks.map(toTaskView), members: members.map(toMemberView) };
  }
}
