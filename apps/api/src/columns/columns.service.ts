import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { ColumnView } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { limitReached, preconditionFailed } from '../errors/common.errors.js';
import { BoardEventsService, type WriteRequest } from '../events/board-events.service.js';
import { keyForSlot, keysForNewList, type Slot } from '../positions/fractional-index.js';
import { invalidPosition } from '../positions/positions.errors.js';
import { columnArchived, columnNotFound } from './columns.errors.js';
import type { Keyed, Keyset } from '../pagination/cursor.js';
import { ColumnsRepository } from './columns.repository.js';

const COLUMN_SLOT = { after: 'afterColumnId', before: 'the column after it' };

/** Columns of a board: create, rename, reorder (fractional index), delete with their tasks. */
@Injectable()
export class ColumnsService {
  /** COLUMNS_PER_BOARD_MAX, or null with RATE_LIMITS=off. */
  private readonly maxColumns: number | null;

  constructor(
    private readonly columns: ColumnsRepository,
    private readonly events: BoardEventsService,
    config: ConfigService<Env, true>,
  ) {
    this.maxColumns = config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on' ? config.getOrThrow('COLUMNS_PER_BOARD_MAX', { infer: true }) : null;
  }

  /**
   * `afterColumnId`: undefined = last, null = first. Counted under the board's stream lock, so
   * concurrent creates cannot overshoot COLUMNS_PER_BOARD_MAX.
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, LIMIT_REACHED (409), COLUMN_NOT_FOUND
   */
  create(boardId: string, userId: string, input: { name: string; afterColumnId?: string | null }, req: WriteRequest = {}): Promise<ColumnView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        if (this.maxColumns !== null && (await this.columns.count(tx, boardId)) >= this.maxColumns) throw this.tooManyColumns(this.maxColumns);
        const position = keyForSlot(await this.slot(tx, boardId, input.afterColumnId, null), COLUMN_SLOT);
        const column = await this.columns.insert(tx, { id: randomUUID(), boardId, name: input.name, position });
        return { result: column, event: { type: 'column.created', data: column } };
      },
      req.idempotency,
    );
  }

  /** A new board's columns, in order (inside BoardEventsService.create; no events). @throws AppError LIMIT_REACHED (more than COLUMNS_PER_BOARD_MAX names) */
  async createInitial(tx: EntityManager, boardId: string, names: string[]): Promise<string[]> {
    if (this.maxColumns !== null && names.length > this.maxColumns) throw this.tooManyColumns(this.maxColumns);
    if (names.length === 0) return [];
    const positions = keysForNewList(names.length);
    const ids = names.map(() => randomUUID());
    await this.columns.insertMany(tx, names.map((name, i) => ({ id: ids[i], boardId, name, position: positions[i] })));
    return ids;
  }

  /** COLUMNS_PER_BOARD_MAX, or Infinity with RATE_LIMITS=off (imports check it before writing). */
  get columnsPerBoard(): number {
    return this.maxColumns ?? Infinity;
  }

  /** The board's columns by position, read with `db` (a snapshot's transaction). */
  listByBoard(db: EntityManager, boardId: string): Promise<ColumnView[]> {
    return this.columns.listByBoard(db, boardId);
  }

  /** Whether the column exists on this board (read with the caller's transaction, under its board lock). */
  async exists(db: EntityManager, boardId: string, columnId: string): Promise<boolean> {
    return (await this.columns.find(db, boardId, columnId)) !== null;
  }

  /** The column of this board, archived or not, or null. */
  find(db: EntityManager, boardId: string, columnId: string): Promise<ColumnView | null> {
    return this.columns.find(db, boardId, columnId);
  }

  /**
   * The column, which must be live (tasks are created in or moved into it).
   * @throws AppError COLUMN_NOT_FOUND (404), COLUMN_ARCHIVED (409)
   */
  async requireLive(db: EntityManager, boardId: string, columnId: string, field?: string): Promise<ColumnView> {
    const column = await this.columns.find(db, boardId, columnId);
    if (!column) throw columnNotFound(field);
    if (column.archivedAt) throw columnArchived();
    return column;
  }

  /** Ids of the archived columns of several boards (their tasks are archived with them), for search. */
  archivedIdsOf(db: EntityManager, boardIds: string[]): Promise<string[]> {
    return boardIds.length === 0 ? Promise.resolve([]) : this.columns.archivedIdsOf(db, boardIds);
  }

  /** Ids of the board's archived columns (their tasks are hidden with them). */
  archivedIds(db: EntityManager, boardId: string): Promise<string[]> {
    return this.columns.archivedIds(db, boardId);
  }

  /** Archives (`true`) or restores the column inside the caller's write; its version stays. */
  setArchived(tx: EntityManager, boardId: string, columnId: string, archived: boolean): Promise<ColumnView> {
    return this.columns.setArchived(tx, boardId, columnId, archived);
  }

  /** Archived columns, newest first (keyset on (archived_at, id) descending). */
  listArchived(db: EntityManager, boardId: string, after: Keyset | undefined, limit: number): Promise<Keyed<ColumnView>[]> {
    return this.columns.listArchived(db, boardId, after, limit);
  }

  /** Renames and/or moves. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, COLUMN_NOT_FOUND, COLUMN_ARCHIVED (409), INVALID_POSITION, PRECONDITION_FAILED */
  update(boardId: string, userId: string, columnId: string, input: { name?: string; afterColumnId?: string | null }, req: WriteRequest = {}): Promise<ColumnView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        const current = await this.requireColumnAt(tx, boardId, columnId, req.ifMatch);
        if (current.archivedAt) throw columnArchived();
        const position = input.afterColumnId === undefined ? current.position : keyForSlot(await this.slot(tx, boardId, input.afterColumnId, columnId), COLUMN_SLOT);
        const column = await this.columns.update(tx, boardId, columnId, input.name, position);
        return { result: column, event: { type: 'column.updated', data: column } };
      },
      req.idempotency,
    );
  }

  /** Deletes the column and (by ON DELETE CASCADE) its tasks, as one `column.deleted` event. */
  remove(boardId: string, userId: string, columnId: string, req: WriteRequest = {}): Promise<null> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        await this.requireColumnAt(tx, boardId, columnId, req.ifMatch);
        await this.columns.delete(tx, boardId, columnId);
        return { result: null, event: { type: 'column.deleted', data: { id: columnId } } };
      },
      req.idempotency,
    );
  }

  private tooManyColumns(max: number) {
    return limitReached('columns_per_board', max, 'columns per board');
  }

  /** The column, checked against If-Match. @throws AppError COLUMN_NOT_FOUND, PRECONDITION_FAILED (with the current column) */
  private async requireColumnAt(tx: EntityManager, boardId: string, columnId: string, ifMatch: number | undefined): Promise<ColumnView> {
    const current = await this.columns.find(tx, boardId, columnId);
    if (!current) throw columnNotFound();
    if (ifMatch !== undefined && current.version !== ifMatch) throw preconditionFailed(current);
    return current;
  }

  /** Slot after `afterId` (null = first, undefined = last), ignoring `selfId`. */
  private async slot(tx: EntityManager, boardId: string, afterId: string | null | undefined, selfId: string | null): Promise<Slot> {
    if (afterId === undefined) return { prev: await this.columns.edge(tx, boardId, 'last', selfId), next: null };
    if (afterId === null) return { prev: null, next: await this.columns.edge(tx, boardId, 'first', selfId) };
    if (afterId === selfId) throw invalidPosition('afterColumnId cannot be the column itself');
    const anchor = await this.columns.find(tx, boardId, afterId);
    if (!anchor) throw columnNotFound('afterColumnId');
    return { prev: anchor.position, next: await this.columns.after(tx, boardId, anchor.position, selfId) };
  }
}
