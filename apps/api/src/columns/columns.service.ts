import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ColumnView } from '@tasklane/contracts';
import { preconditionFailed } from '../concurrency/if-match.js';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { BoardEventsService, type Committed, type WriteRequest } from '../events/board-events.service.js';
import { keyForSlot, type Slot } from '../tasks/task-position.js';
import type { BoardColumn } from './board-column.entity.js';
import { toColumnView, type CreateColumnDto, type UpdateColumnDto } from './columns.dto.js';
import { ColumnsRepository } from './columns.repository.js';

const columnNotFound = (what = 'Column') => new AppError(ErrorCode.ColumnNotFound, `${what} not found`);

/** Columns of a board: create, rename, reorder (fractional index), delete with their tasks. */
@Injectable()
export class ColumnsService {
  constructor(
    private readonly columns: ColumnsRepository,
    private readonly events: BoardEventsService,
  ) {}

  /** `afterColumnId`: undefined = last, null = first. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND */
  create(boardId: string, userId: string, dto: CreateColumnDto, req: WriteRequest = {}): Promise<Committed<ColumnView>> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        const position = keyForSlot(await this.slot(tx, boardId, dto.afterColumnId, null));
        const column = toColumnView(await this.columns.insert(tx, { id: randomUUID(), boardId, name: dto.name, position }));
        return { result: column, event: { type: 'column.created', data: column } };
      },
      { idempotency: req.idempotency, successStatus: 201 },
    );
  }

  /** Renames and/or moves. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND, INVALID_POSITION, PRECONDITION_FAILED */
  update(boardId: string, userId: string, columnId: string, dto: UpdateColumnDto, req: WriteRequest = {}): Promise<Committed<ColumnView>> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        const current = await this.requireColumnAt(tx, boardId, columnId, req.ifMatch);
        const position = dto.afterColumnId === undefined ? current.position : keyForSlot(await this.slot(tx, boardId, dto.afterColumnId, columnId));
        const column = toColumnView(await this.columns.update(tx, boardId, columnId, dto.name, position));
        return { result: column, event: { type: 'column.updated', data: column } };
      },
      { idempotency: req.idempotency },
    );
  }

  /** Deletes the column and (by ON DELETE CASCADE) its tasks, as one `column.deleted` event. */
  remove(boardId: string, userId: string, columnId: string, req: WriteRequest = {}): Promise<Committed<null>> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        await this.requireColumnAt(tx, boardId, columnId, req.ifMatch);
        await this.columns.delete(tx, boardId, columnId);
        return { result: null, event: { type: 'column.deleted', data: { id: columnId } } };
      },
      { idempotency: req.idempotency, successStatus: 204 },
    );
  }

  /** The column, checked against If-Match. @throws AppError COLUMN_NOT_FOUND, PRECONDITION_FAILED (with the current column) */
  private async requireColumnAt(tx: EntityManager, boardId: string, columnId: string, ifMatch: number | undefined): Promise<BoardColumn> {
    const current = await this.requireColumn(tx, boardId, columnId);
    if (ifMatch !== undefined && current.version !== ifMatch) throw preconditionFailed(toColumnView(current));
    return current;
  }

  private async requireColumn(tx: EntityManager, boardId: string, columnId: string, what?: string): Promise<BoardColumn> {
    const column = await this.columns.find(tx, boardId, columnId);
    if (!column) throw columnNotFound(what);
    return column;
  }

  /** Slot after `afterId` (null = first, undefined = last), ignoring `selfId`. */
  private async slot(tx: EntityManager, boardId: string, afterId: string | null | undefined, selfId: string | null): Promise<Slot> {
    if (afterId === undefined) return { prev: await this.columns.edge(tx, boardId, 'DESC', selfId), next: null };
    if (afterId === null) return { prev: null, next: await this.columns.edge(tx, boardId, 'ASC', selfId) };
    if (afterId === selfId) throw new AppError(ErrorCode.InvalidPosition, 'afterColumnId cannot be the column itself');
    const prev = (await this.requireColumn(tx, boardId, afterId, 'afterColumnId')).position;
    return { prev, next: await this.columns.after(tx, boardId, prev, selfId) };
  }
}
