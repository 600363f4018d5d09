import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generateNKeysBetween } from 'fractional-indexing';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole, BoardSnapshot, BoardSummary, Page } from '@tasklane/contracts';
import { toColumnView } from '../columns/columns.dto.js';
import { BoardColumn } from '../columns/board-column.entity.js';
import { decodeCursor, encodeCursor } from '../pagination/cursor.js';
import { preconditionFailed } from '../concurrency/if-match.js';
import { BoardEventsService, type Committed, type WriteRequest } from '../events/board-events.service.js';
import { claimIdempotencyKey, storeIdempotentResponse } from '../idempotency/idempotency.js';
import { BoardAccessService } from '../members/board-access.service.js';
import { MEMBER_COLUMNS, toMemberView, type MemberRow } from '../members/members.dto.js';
import { TASK_COLUMNS, toTaskView, type TaskRow } from '../tasks/tasks.dto.js';
import { Board } from './board.entity.js';
import { toBoardSummary, type CreateBoardDto, type ListBoardsQueryDto, type UpdateBoardDto } from './boards.dto.js';

export const DEFAULT_COLUMNS = ['To do', 'Doing', 'Done'];

/** Boards: create (with columns and the creator as owner), list mine, snapshot, update, delete. */
@Injectable()
export class BoardsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
      await tx.getRepository(Board).insert({ id: boardId, name: dto.name, description: dto.description ?? '', createdBy: userId, deletedAt: null });
      await tx.query(`INSERT INTO board_members (board_id, user_id, role) VALUES ($1, $2, 'owner')`, [boardId, userId]);
      const positions = generateNKeysBetween(null, null, names.length);
      if (names.length) {
        await tx.getRepository(BoardColumn).insert(names.map((name, i) => ({ id: randomUUID(), boardId, name, position: positions[i] })));
      }
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
    const params: unknown[] = [userId, limit + 1];
    let cursorSql = '';
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      params.push(after);
      cursorSql = 'AND (b.created_at, b.id) > (SELECT created_at, id FROM boards WHERE id = $3)';
    }
    const rows = (await this.dataSource.query(
      `SELECT b.id, b.name, b.description, b.seq, b.version, b.created_at, b.updated_at, m.role
         FROM board_members m JOIN boards b ON b.id = m.board_id
        WHERE m.user_id = $1 AND b.deleted_at IS NULL ${cursorSql}
        ORDER BY b.created_at, b.id LIMIT $2`,
      params,
    )) as (Board & { created_at: Date; updated_at: Date; role: BoardRole })[];
    const items = rows.slice(0, limit).map((r) => toBoardSummary({ ...r, createdAt: r.created_at, updatedAt: r.updated_at }, r.role));
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
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
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => {
      const [, updated] = (await tx.query(
        `UPDATE boards SET name = COALESCE($2, name), description = COALESCE($3, description), version = version + 1, updated_at = now()
          WHERE id = $1 AND ($4::int IS NULL OR version = $4)`,
        [boardId, dto.name ?? null, dto.description ?? null, req.ifMatch ?? null],
      )) as [unknown, number];
      const board = await tx.getRepository(Board).findOneByOrFail({ id: boardId });
      if (updated === 0) throw preconditionFailed(toBoardSummary(board));
      // seq in the event data is the event's own seq, known only after the insert: send seq + 1.
      const summary = toBoardSummary({ ...board, seq: board.seq + 1 });
      return { result: summary, event: { type: 'board.updated', data: summary } };
    }, { idempotency: req.idempotency });
  }

  /**
   * Soft-deletes the board (its events stay readable for the `board.deleted` broadcast). Owners only.
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, PRECONDITION_FAILED (412, If-Match)
   */
  async remove(boardId: string, userId: string, req: WriteRequest = {}): Promise<void> {
    await this.events.write(boardId, userId, 'owner', async ({ tx }) => {
      const [, deleted] = (await tx.query(`UPDATE boards SET deleted_at = now(), updated_at = now() WHERE id = $1 AND ($2::int IS NULL OR version = $2)`, [
        boardId,
        req.ifMatch ?? null,
      ])) as [unknown, number];
      if (deleted === 0) throw preconditionFailed(toBoardSummary(await tx.getRepository(Board).findOneByOrFail({ id: boardId })));
      return { result: null, event: { type: 'board.deleted', data: { id: boardId } } };
    }, { idempotency: req.idempotency, successStatus: 204 });
  }

  private async readSnapshot(tx: EntityManager, boardId: string, role: BoardRole): Promise<BoardSnapshot> {
    const board = await tx.getRepository(Board).findOneByOrFail({ id: boardId });
    const columns = await tx.getRepository(BoardColumn).find({ where: { boardId }, order: { position: 'ASC' } });
    const tasks = (await tx.query(
      `SELECT ${TASK_COLUMNS.split(', ').map((c) => `t.${c}`).join(', ')} FROM tasks t JOIN columns c ON c.id = t.column_id
        WHERE t.board_id = $1 ORDER BY c.position, t.position`,
      [boardId],
    )) as TaskRow[];
    const members = (await tx.query(
      `SELECT ${MEMBER_COLUMNS} FROM board_members m JOIN users u ON u.id = m.user_id WHERE m.board_id = $1 ORDER BY m.added_at, m.user_id`,
      [boardId],
    )) as MemberRow[];
    return {
      ...toBoardSummary(board, role),
      columns: columns.map(toColumnView),
      tasks: tasks.map(toTaskView),
      members: members.map(toMemberView),
    };
  }
}
