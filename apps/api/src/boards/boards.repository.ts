import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardRole } from '@tasklane/contracts';
import type { Keyset } from '../pagination/cursor.js';
import type { Board } from './board.entity.js';

/** A board row with the caller's role (list of my boards). */
export type BoardWithRole = Board & { role: BoardRole; cursor_at: string };

/** SELECT list mapping a `boards` row (alias b) onto the Board entity's property names. */
const BOARD_FIELDS = `b.id, b.name, b.description, b.seq, b.version, b.created_by AS "createdBy", b.created_at AS "createdAt", b.updated_at AS "updatedAt", b.deleted_at AS "deletedAt"`;

/** SQL for boards. `seq` is only ever changed by BoardEventsService (the event stream). */
@Injectable()
export class BoardsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the board (seq 0, version 1) with `ownerId` as its owner. */
  async insertWithOwner(tx: EntityManager, b: { id: string; name: string; description: string; ownerId: string }): Promise<void> {
    await tx.query(`INSERT INTO boards (id, name, description, created_by) VALUES ($1, $2, $3, $4)`, [b.id, b.name, b.description, b.ownerId]);
    await tx.query(`INSERT INTO board_members (board_id, user_id, role) VALUES ($1, $2, 'owner')`, [b.id, b.ownerId]);
  }

  /** The board row (deleted or not), or null. */
  async find(boardId: string, manager: EntityManager = this.dataSource.manager): Promise<Board | null> {
    const rows = (await manager.query(`SELECT ${BOARD_FIELDS} FROM boards b WHERE b.id = $1`, [boardId])) as Board[];
    return rows[0] ?? null;
  }

  /**
   * Live boards the user is a member of, ordered by (created_at, id), after `after`; up to
   * `limit + 1` rows so the caller sees whether more exist, each with `cursor_at`
   * (created_at in UTC to the microsecond) for the next cursor. Index: (user_id, board_id).
   */
  listForUser(userId: string, limit: number, after?: Keyset): Promise<BoardWithRole[]> {
    const params: unknown[] = [userId, limit + 1];
    if (after) params.push(after.createdAt, after.id);
    return this.dataSource.query(
      `SELECT ${BOARD_FIELDS}, m.role, to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
         FROM board_members m JOIN boards b ON b.id = m.board_id
        WHERE m.user_id = $1 AND b.deleted_at IS NULL ${after ? 'AND (b.created_at, b.id) > ($3::timestamptz, $4::uuid)' : ''}
        ORDER BY b.created_at, b.id LIMIT $2`,
      params,
    ) as Promise<BoardWithRole[]>;
  }

  /** Sets name/description (undefined = unchanged), bumps the version and returns the row; null when `ifMatch` differs. */
  async update(tx: EntityManager, boardId: string, patch: { name?: string; description?: string }, ifMatch?: number): Promise<Board | null> {
    const [rows] = (await tx.query(
      `UPDATE boards b SET name = COALESCE($2, name), description = COALESCE($3, description), version = version + 1, updated_at = now()
        WHERE b.id = $1 AND ($4::int IS NULL OR b.version = $4) RETURNING ${BOARD_FIELDS}`,
      [boardId, patch.name ?? null, patch.description ?? null, ifMatch ?? null],
    )) as [Board[], number];
    return rows[0] ?? null;
  }

  /** Soft-deletes; false when `ifMatch` differs. */
  async softDelete(tx: EntityManager, boardId: string, ifMatch?: number): Promise<boolean> {
    const [, deleted] = (await tx.query(`UPDATE boards SET deleted_at = now(), updated_at = now() WHERE id = $1 AND ($2::int IS NULL OR version = $2)`, [
      boardId,
      ifMatch ?? null,
    ])) as [unknown, number];
    return deleted > 0;
  }
}
