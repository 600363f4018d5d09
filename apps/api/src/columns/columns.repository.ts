import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';
import type { BoardColumn } from './board-column.entity.js';

const COLUMN_FIELDS = 'id, board_id AS "boardId", name, position, version';
const NO_ID = '00000000-0000-0000-0000-000000000000';

/** SQL for columns; called inside a board write transaction (index: (board_id, position)). */
@Injectable()
export class ColumnsRepository {
  async insert(tx: EntityManager, c: { id: string; boardId: string; name: string; position: string }): Promise<BoardColumn> {
    const { rows } = await runPrepared<BoardColumn>(tx, `INSERT INTO columns (id, board_id, name, position) VALUES ($1, $2, $3, $4) RETURNING ${COLUMN_FIELDS}`, [
      c.id,
      c.boardId,
      c.name,
      c.position,
    ]);
    return rows[0];
  }

  /** Inserts several columns at once (a new board's). */
  async insertMany(tx: EntityManager, columns: { id: string; boardId: string; name: string; position: string }[]): Promise<void> {
    if (columns.length === 0) return;
    await tx.query(`INSERT INTO columns (id, board_id, name, position) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])`, [
      columns.map((c) => c.id),
      columns.map((c) => c.boardId),
      columns.map((c) => c.name),
      columns.map((c) => c.position),
    ]);
  }

  /** The board's columns by position. */
  listByBoard(tx: EntityManager, boardId: string): Promise<BoardColumn[]> {
    return tx.query(`SELECT ${COLUMN_FIELDS} FROM columns WHERE board_id = $1 ORDER BY position`, [boardId]) as Promise<BoardColumn[]>;
  }

  async find(tx: EntityManager, boardId: string, columnId: string): Promise<BoardColumn | null> {
    const { rows } = await runPrepared<BoardColumn>(tx, `SELECT ${COLUMN_FIELDS} FROM columns WHERE id = $1 AND board_id = $2`, [columnId, boardId]);
    return rows[0] ?? null;
  }

  /** Renames (when `name` is given) and sets the position; bumps the version. */
  async update(tx: EntityManager, boardId: string, columnId: string, name: string | undefined, position: string): Promise<BoardColumn> {
    const { rows } = await runPrepared<BoardColumn>(
      tx,
      `UPDATE columns SET name = COALESCE($3, name), position = $4, version = version + 1, updated_at = now()
        WHERE id = $1 AND board_id = $2 RETURNING ${COLUMN_FIELDS}`,
      [columnId, boardId, name ?? null, position],
    );
    return rows[0];
  }

  /** Deletes the column; its tasks go with it (ON DELETE CASCADE). */
  async delete(tx: EntityManager, boardId: string, columnId: string): Promise<void> {
    await tx.query(`DELETE FROM columns WHERE id = $1 AND board_id = $2`, [columnId, boardId]);
  }

  /** First (`ASC`) or last (`DESC`) position on the board, ignoring `selfId`. */
  async edge(tx: EntityManager, boardId: string, dir: 'ASC' | 'DESC', selfId: string | null): Promise<string | null> {
    const rows = (await tx.query(`SELECT position FROM columns WHERE board_id = $1 AND id <> $2 ORDER BY position ${dir} LIMIT 1`, [boardId, selfId ?? NO_ID])) as {
      position: string;
    }[];
    return rows[0]?.position ?? null;
  }

  /** The next position after `from` on the board, ignoring `selfId`. */
  async after(tx: EntityManager, boardId: string, from: string, selfId: string | null): Promise<string | null> {
    const rows = (await tx.query(`SELECT position FROM columns WHERE board_id = $1 AND id <> $2 AND position > $3 ORDER BY position LIMIT 1`, [
      boardId,
      selfId ?? NO_ID,
      from,
    ])) as { position: string }[];
    return rows[0]?.position ?? null;
  }
}
