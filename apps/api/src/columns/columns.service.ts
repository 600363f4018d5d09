import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ColumnView } from '@tasklane/contracts';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { preconditionFailed } from '../concurrency/if-match.js';
import { BoardEventsService, type Committed, type WriteRequest } from '../events/board-events.service.js';
import { keyForSlot, type Slot } from '../tasks/task-position.js';
import type { BoardColumn } from './board-column.entity.js';
import { toColumnView, type CreateColumnDto, type UpdateColumnDto } from './columns.dto.js';

const COLUMN_FIELDS = 'id, board_id AS "boardId", name, position, version';
const columnNotFound = (what = 'Column') => new AppError(ErrorCode.ColumnNotFound, `${what} not found`);

/** Columns of a board: create, rename, reorder (fractional index), delete with their tasks. */
@Injectable()
export class ColumnsService {
  constructor(private readonly events: BoardEventsService) {}

  /** `afterColumnId`: undefined = last, null = first. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND */
  create(boardId: string, userId: string, dto: CreateColumnDto, req: WriteRequest = {}): Promise<Committed<ColumnView>> {
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => {
      const position = keyForSlot(await this.slot(tx, boardId, dto.afterColumnId, null));
      const [row] = (await tx.query(
        `INSERT INTO columns (id, board_id, name, position) VALUES ($1, $2, $3, $4) RETURNING ${COLUMN_FIELDS}`,
        [randomUUID(), boardId, dto.name, position],
      )) as BoardColumn[];
      const column = toColumnView(row);
      return { result: column, event: { type: 'column.created', data: column } };
    }, { idempotency: req.idempotency, successStatus: 201 });
  }

  /** Renames and/or moves. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND, INVALID_POSITION, PRECONDITION_FAILED */
  update(boardId: string, userId: string, columnId: string, dto: UpdateColumnDto, req: WriteRequest = {}): Promise<Committed<ColumnView>> {
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => {
      const current = await this.requireColumn(tx, boardId, columnId);
      if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(toColumnView(current));
      const position = dto.afterColumnId === undefined ? current.position : keyForSlot(await this.slot(tx, boardId, dto.afterColumnId, columnId));
      const [rows] = (await tx.query(
        `UPDATE columns SET name = COALESCE($3, name), position = $4, version = version + 1, updated_at = now()
          WHERE id = $1 AND board_id = $2 RETURNING ${COLUMN_FIELDS}`,
        [columnId, boardId, dto.name ?? null, position],
      )) as [BoardColumn[], number];
      const column = toColumnView(rows[0]);
      return { result: column, event: { type: 'column.updated', data: column } };
    }, { idempotency: req.idempotency });
  }

  /** Deletes the column and (by ON DELETE CASCADE) its tasks, as one `column.deleted` event. */
  remove(boardId: string, userId: string, columnId: string, req: WriteRequest = {}): Promise<Committed<null>> {
    return this.events.write(boardId, userId, 'editor', async ({ tx }) => {
      const current = await this.requireColumn(tx, boardId, columnId);
      if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(toColumnView(current));
      await tx.query(`DELETE FROM columns WHERE id = $1 AND board_id = $2`, [columnId, boardId]);
      return { result: null, event: { type: 'column.deleted', data: { id: columnId } } };
    }, { idempotency: req.idempotency, successStatus: 204 });
  }

  private async requireColumn(tx: EntityManager, boardId: string, columnId: string): Promise<BoardColumn> {
    const rows = (await tx.query(`SELECT ${COLUMN_FIELDS} FROM columns WHERE id = $1 AND board_id = $2`, [columnId, boardId])) as BoardColumn[];
    if (!rows.length) throw columnNotFound();
    return rows[0];
  }

  /** Slot after `afterId` (null = first, undefined = last), ignoring `selfId`. */
  private async slot(tx: EntityManager, boardId: string, afterId: string | null | undefined, selfId: string | null): Promise<Slot> {
    const self = selfId ?? '00000000-0000-0000-0000-000000000000';
    const edge = async (dir: 'ASC' | 'DESC') =>
      ((await tx.query(`SELECT position FROM columns WHERE board_id = $1 AND id <> $2 ORDER BY position ${dir} LIMIT 1`, [boardId, self])) as { position: string }[])[0]?.position ?? null;
    if (afterId === undefined) return { prev: await edge('DESC'), next: null };
    if (afterId === null) return { prev: null, next: await edge('ASC') };
    if (afterId === selfId) throw new AppError(ErrorCode.InvalidPosition, 'afterColumnId cannot be the column itself');
    const prev = (await this.requireColumn(tx, boardId, afterId).catch(() => Promise.reject(columnNotFound('afterColumnId')))).position;
    const next = ((await tx.query(
      `SELECT position FROM columns WHERE board_id = $1 AND id <> $2 AND position > $3 ORDER BY position LIMIT 1`,
      [boardId, self, prev],
    )) as { position: string }[])[0]?.position ?? null;
    return { prev, next };
  }
}
