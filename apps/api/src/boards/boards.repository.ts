import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardSummary } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';
import { keysetAt, type Keyed, type Keyset } from '../pagination/cursor.js';

/** A board as stored: its summary without the stream's `seq` and the caller's `role`. */
export type BoardRecord = Omit<BoardSummary, 'seq' | 'role'>;

/** A `boards` row as node-postgres returns it. */
interface BoardRow {
  id: string;
  name: string;
  description: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const BOARD_COLUMNS = 'id, name, description, version, created_at, updated_at';
const toBoardRecord = (r: BoardRow): BoardRecord => ({
  id: r.id,
  name: r.name,
  description: r.description,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** SQL for `boards`. A deleted board keeps its row (`deleted_at` set) until retention purges it. */
@Injectable()
export class BoardsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, b: { id: string; name: string; description: string; createdBy: string }): Promise<BoardRecord> {
    const { rows } = await runPrepared<BoardRow>(tx, `INSERT INTO boards (id, name, description, created_by) VALUES ($1, $2, $3, $4) RETURNING ${BOARD_COLUMNS}`, [
      b.id,
      b.name,
      b.description,
      b.createdBy,
    ]);
    return toBoardRecord(rows[0]);
  }

  /** The live board, or null (unknown or deleted). */
  async find(db: EntityManager, boardId: string): Promise<BoardRecord | null> {
    const { rows } = await runPrepared<BoardRow>(db, `SELECT ${BOARD_COLUMNS} FROM boards WHERE id = $1 AND deleted_at IS NULL`, [boardId]);
    return rows[0] ? toBoardRecord(rows[0]) : null;
  }

  /**
   * The live boards among `ids`, ordered by (created_at, id), after `after`, up to `limit`
   * (callers ask one more than a page to learn whether more exist).
   */
  async listByIds(ids: string[], page: { limit: number; after?: Keyset }): Promise<Keyed<BoardRecord>[]> {
    const { rows } = await runPrepared<BoardRow & { keyset_at: string }>(
      this.dataSource.manager,
      `SELECT ${BOARD_COLUMNS}, ${keysetAt('created_at')} AS keyset_at FROM boards
        WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
        ORDER BY created_at, id LIMIT $4`,
      [ids, page.after?.at ?? null, page.after?.id ?? null, page.limit],
    );
    return rows.map((r) => ({ item: toBoardRecord(r), key: { at: r.keyset_at, id: r.id } }));
  }

  /** The names of the live boards among `ids`, by id. */
  async namesOf(ids: string[], db: EntityManager = this.dataSource.manager): Promise<Map<string, string>> {
    const { rows } = await runPrepared<{ id: string; name: string }>(db, `SELECT id, name FROM boards WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`, [ids]);
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Sets name/description (undefined = unchanged) and bumps the version; null when `ifMatch` differs. */
  async update(tx: EntityManager, boardId: string, patch: { name?: string; description?: string }, ifMatch?: number): Promise<BoardRecord | null> {
    const { rows } = await runPrepared<BoardRow>(
      tx,
      `UPDATE boards SET name = COALESCE($2, name), description = COALESCE($3, description), version = version + 1, updated_at = now()
        WHERE id = $1 AND ($4::int IS NULL OR version = $4) RETURNING ${BOARD_COLUMNS}`,
      [boardId, patch.name ?? null, patch.description ?? null, ifMatch ?? null],
    );
    return rows[0] ? toBoardRecord(rows[0]) : null;
  }

  /** Marks the board deleted; false when `ifMatch` differs. */
  async softDelete(tx: EntityManager, boardId: string, ifMatch?: number): Promise<boolean> {
    const { rowCount } = await runPrepared(tx, `UPDATE boards SET deleted_at = now(), updated_at = now() WHERE id = $1 AND ($2::int IS NULL OR version = $2)`, [
      boardId,
      ifMatch ?? null,
    ]);
    return rowCount > 0;
  }

  /** Removes boards deleted more than `ageSeconds` ago, with everything on them (ON DELETE CASCADE); returns how many. */
  async purgeDeleted(tx: EntityManager, ageSeconds: number): Promise<number> {
    return (await runPrepared(tx, `DELETE FROM boards WHERE deleted_at < now() - make_interval(secs => $1)`, [ageSeconds])).rowCount;
  }
}
