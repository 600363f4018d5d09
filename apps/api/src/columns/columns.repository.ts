import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ColumnView } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';
import { keysetAt, type Keyed, type Keyset } from '../pagination/cursor.js';

/** A `columns` row as node-postgres returns it. */
interface ColumnRow {
  id: string;
  board_id: string;
  name: string;
  position: string;
  version: number;
  archived_at: Date | null;
}

const COLUMN_COLUMNS = 'id, board_id, name, position, version, archived_at';
const toColumnView = (r: ColumnRow): ColumnView => ({
  id: r.id,
  boardId: r.board_id,
  name: r.name,
  position: r.position,
  version: r.version,
  archivedAt: r.archived_at ? r.archived_at.toISOString() : null,
});

/** The nil UUID: matches no row, for "ignoring no column". */
const NO_ID = '00000000-0000-0000-0000-000000000000';

/** SQL for `columns`; writes run inside a board write transaction (index (board_id, position)). */
@Injectable()
export class ColumnsRepository {
  async insert(tx: EntityManager, c: { id: string; boardId: string; name: string; position: string }): Promise<ColumnView> {
    const { rows } = await runPrepared<ColumnRow>(tx, `INSERT INTO columns (id, board_id, name, position) VALUES ($1, $2, $3, $4) RETURNING ${COLUMN_COLUMNS}`, [
      c.id,
      c.boardId,
      c.name,
      c.position,
    ]);
    return toColumnView(rows[0]);
  }

  /** Inserts several columns in one statement (a new board's). */
  async insertMany(tx: EntityManager, columns: { id: string; boardId: string; name: string; position: string }[]): Promise<void> {
    await runPrepared(tx, `INSERT INTO columns (id, board_id, name, position) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])`, [
      columns.map((c) => c.id),
      columns.map((c) => c.boardId),
      columns.map((c) => c.name),
      columns.map((c) => c.position),
    ]);
  }

  /** How many columns the board has (index (board_id, position)). */
  async count(tx: EntityManager, boardId: string): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `SELECT count(*)::int AS n FROM columns WHERE board_id = $1`, [boardId]);
    return rows[0].n;
  }

  /** The board's live (not archived) columns by position. */
  async listByBoard(db: EntityManager, boardId: string): Promise<ColumnView[]> {
    const { rows } = await runPrepared<ColumnRow>(db, `SELECT ${COLUMN_COLUMNS} FROM columns WHERE board_id = $1 AND archived_at IS NULL ORDER BY position`, [boardId]);
    return rows.map(toColumnView);
  }

  /** Ids of the board's archived columns. */
  async archivedIds(db: EntityManager, boardId: string): Promise<string[]> {
    const { rows } = await runPrepared<{ id: string }>(db, `SELECT id FROM columns WHERE board_id = $1 AND archived_at IS NOT NULL`, [boardId]);
    return rows.map((r) => r.id);
  }

  /** Ids of the archived columns of several boards (for search's `archived` filter). */
  async archivedIdsOf(db: EntityManager, boardIds: string[]): Promise<string[]> {
    const { rows } = await runPrepared<{ id: string }>(db, `SELECT id FROM columns WHERE board_id = ANY($1::uuid[]) AND archived_at IS NOT NULL`, [boardIds]);
    return rows.map((r) => r.id);
  }

  /** Sets or clears `archived_at` (now) without changing the version. */
  async setArchived(tx: EntityManager, boardId: string, columnId: string, archived: boolean): Promise<ColumnView> {
    const { rows } = await runPrepared<ColumnRow>(
      tx,
      `UPDATE columns SET archived_at = CASE WHEN $3::boolean THEN now() ELSE NULL END WHERE id = $1 AND board_id = $2 RETURNING ${COLUMN_COLUMNS}`,
      [columnId, boardId, archived],
    );
    return toColumnView(rows[0]);
  }

  /** Archived columns, newest archived first, after `after` (keyset on (archived_at, id) descending), up to `limit`. */
  async listArchived(db: EntityManager, boardId: string, after: Keyset | undefined, limit: number): Promise<Keyed<ColumnView>[]> {
    const { rows } = await runPrepared<ColumnRow & { keyset_at: string }>(
      db,
      `SELECT ${COLUMN_COLUMNS}, ${keysetAt('archived_at')} AS keyset_at FROM columns
        WHERE board_id = $1 AND archived_at IS NOT NULL AND ($2::timestamptz IS NULL OR (archived_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY archived_at DESC, id DESC LIMIT $4`,
      [boardId, after?.at ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({ item: toColumnView(r), key: { at: r.keyset_at, id: r.id } }));
  }

  async find(db: EntityManager, boardId: string, columnId: string): Promise<ColumnView | null> {
    const { rows } = await runPrepared<ColumnRow>(db, `SELECT ${COLUMN_COLUMNS} FROM columns WHERE id = $1 AND board_id = $2`, [columnId, boardId]);
    return rows[0] ? toColumnView(rows[0]) : null;
  }

  /** Renames (when `name` is given) and sets the position; bumps the version. */
  async update(tx: EntityManager, boardId: string, columnId: string, name: string | undefined, position: string): Promise<ColumnView> {
    const { rows } = await runPrepared<ColumnRow>(
      tx,
      `UPDATE columns SET name = COALESCE($3, name), position = $4, version = version + 1, updated_at = now()
        WHERE id = $1 AND board_id = $2 RETURNING ${COLUMN_COLUMNS}`,
      [columnId, boardId, name ?? null, position],
    );
    return toColumnView(rows[0]);
  }

  /** Deletes the column; its tasks go with it (ON DELETE CASCADE). */
  async delete(tx: EntityManager, boardId: string, columnId: string): Promise<void> {
    await runPrepared(tx, `DELETE FROM columns WHERE id = $1 AND board_id = $2`, [columnId, boardId]);
  }

  /** First (`first`) or last (`last`) position on the board, ignoring `selfId`. */
  async edge(tx: EntityManager, boardId: string, which: 'first' | 'last', selfId: string | null): Promise<string | null> {
    const { rows } = await runPrepared<{ position: string }>(
      tx,
      `SELECT position FROM columns WHERE board_id = $1 AND id <> $2 ORDER BY position ${which === 'first' ? 'ASC' : 'DESC'} LIMIT 1`,
      [boardId, selfId ?? NO_ID],
    );
    return rows[0]?.position ?? null;
  }

  /** The next position after `from` on the board, ignoring `selfId`. */
  async after(tx: EntityManager, boardId: string, from: string, selfId: string | null): Promise<string | null> {
    const { rows } = await runPrepared<{ position: string }>(
      tx,
      `SELECT position FROM columns WHERE board_id = $1 AND id <> $2 AND position > $3 ORDER BY position LIMIT 1`,
      [boardId, selfId ?? NO_ID, from],
    );
    return rows[0]?.position ?? null;
  }
}
