import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LabelView } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';

interface LabelRow {
  id: string;
  board_id: string;
  name: string;
  color: string;
  version: number;
}

const LABEL_COLUMNS = 'id, board_id, name, color, version';
const toLabelView = (r: LabelRow): LabelView => ({ id: r.id, boardId: r.board_id, name: r.name, color: r.color, version: r.version });

/** SQL for `board_labels` (unique index (board_id, lower(name))). Writes run inside a board write. */
@Injectable()
export class LabelsRepository {
  /** The board's labels by name (case-insensitive, then byte order). */
  async listByBoard(db: EntityManager, boardId: string): Promise<LabelView[]> {
    const { rows } = await runPrepared<LabelRow>(db, `SELECT ${LABEL_COLUMNS} FROM board_labels WHERE board_id = $1 ORDER BY lower(name), name COLLATE "C", id`, [boardId]);
    return rows.map(toLabelView);
  }

  async find(db: EntityManager, boardId: string, labelId: string): Promise<LabelView | null> {
    const { rows } = await runPrepared<LabelRow>(db, `SELECT ${LABEL_COLUMNS} FROM board_labels WHERE id = $1 AND board_id = $2`, [labelId, boardId]);
    return rows[0] ? toLabelView(rows[0]) : null;
  }

  /** Whether another label of the board (not `exceptId`) has this name, ignoring case. */
  async nameTaken(tx: EntityManager, boardId: string, name: string, exceptId: string | null): Promise<boolean> {
    const { rows } = await runPrepared(tx, `SELECT 1 FROM board_labels WHERE board_id = $1 AND lower(name) = lower($2) AND id <> COALESCE($3::uuid, '00000000-0000-0000-0000-000000000000')`, [
      boardId,
      name,
      exceptId,
    ]);
    return rows.length > 0;
  }

  async count(tx: EntityManager, boardId: string): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `SELECT count(*)::int AS n FROM board_labels WHERE board_id = $1`, [boardId]);
    return rows[0].n;
  }

  /** Which of `ids` are labels of this board. */
  async existing(db: EntityManager, boardId: string, ids: string[]): Promise<Set<string>> {
    const { rows } = await runPrepared<{ id: string }>(db, `SELECT id FROM board_labels WHERE board_id = $1 AND id = ANY($2::uuid[])`, [boardId, ids]);
    return new Set(rows.map((r) => r.id));
  }

  async insert(tx: EntityManager, l: { id: string; boardId: string; name: string; color: string }): Promise<LabelView> {
    const { rows } = await runPrepared<LabelRow>(tx, `INSERT INTO board_labels (id, board_id, name, color) VALUES ($1, $2, $3, $4) RETURNING ${LABEL_COLUMNS}`, [
      l.id,
      l.boardId,
      l.name,
      l.color,
    ]);
    return toLabelView(rows[0]);
  }

  /** Sets the given fields and bumps the version. */
  async update(tx: EntityManager, boardId: string, labelId: string, patch: { name?: string; color?: string }): Promise<LabelView> {
    const { rows } = await runPrepared<LabelRow>(
      tx,
      `UPDATE board_labels SET name = COALESCE($3, name), color = COALESCE($4, color), version = version + 1 WHERE id = $1 AND board_id = $2 RETURNING ${LABEL_COLUMNS}`,
      [labelId, boardId, patch.name ?? null, patch.color ?? null],
    );
    return toLabelView(rows[0]);
  }

  async delete(tx: EntityManager, boardId: string, labelId: string): Promise<void> {
    await runPrepared(tx, `DELETE FROM board_labels WHERE id = $1 AND board_id = $2`, [labelId, boardId]);
  }
}
