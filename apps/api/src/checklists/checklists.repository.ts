import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ChecklistItemView } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';

interface ItemRow {
  id: string;
  board_id: string;
  task_id: string;
  text: string;
  done: boolean;
  position: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const ITEM_COLUMNS = 'id, board_id, task_id, text, done, position, version, created_at, updated_at';
const toItemView = (r: ItemRow): ChecklistItemView => ({
  id: r.id,
  boardId: r.board_id,
  taskId: r.task_id,
  text: r.text,
  done: r.done,
  position: r.position,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** The nil UUID: matches no row, for "ignoring no item". */
const NO_ID = '00000000-0000-0000-0000-000000000000';

/** SQL for `checklist_items` (index (task_id, position)). Writes run inside a board write. */
@Injectable()
export class ChecklistsRepository {
  async insert(tx: EntityManager, i: { id: string; boardId: string; taskId: string; text: string; done: boolean; position: string }): Promise<ChecklistItemView> {
    const { rows } = await runPrepared<ItemRow>(
      tx,
      `INSERT INTO checklist_items (id, board_id, task_id, text, done, position) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ITEM_COLUMNS}`,
      [i.id, i.boardId, i.taskId, i.text, i.done, i.position],
    );
    return toItemView(rows[0]);
  }

  /** The item of this task of this board, or null. */
  async find(db: EntityManager, boardId: string, taskId: string, itemId: string): Promise<ChecklistItemView | null> {
    const { rows } = await runPrepared<ItemRow>(db, `SELECT ${ITEM_COLUMNS} FROM checklist_items WHERE id = $1 AND task_id = $2 AND board_id = $3`, [itemId, taskId, boardId]);
    return rows[0] ? toItemView(rows[0]) : null;
  }

  /** The task's items by position. */
  async list(db: EntityManager, taskId: string): Promise<ChecklistItemView[]> {
    const { rows } = await runPrepared<ItemRow>(db, `SELECT ${ITEM_COLUMNS} FROM checklist_items WHERE task_id = $1 ORDER BY position`, [taskId]);
    return rows.map(toItemView);
  }

  /** Items of several tasks (export), each task's by position: task id → items. */
  async listByTasks(db: EntityManager, taskIds: string[]): Promise<Map<string, ChecklistItemView[]>> {
    const out = new Map<string, ChecklistItemView[]>();
    if (taskIds.length === 0) return out;
    const { rows } = await runPrepared<ItemRow>(db, `SELECT ${ITEM_COLUMNS} FROM checklist_items WHERE task_id = ANY($1::uuid[]) ORDER BY task_id, position`, [taskIds]);
    for (const item of rows.map(toItemView)) out.set(item.taskId, [...(out.get(item.taskId) ?? []), item]);
    return out;
  }

  async count(tx: EntityManager, taskId: string): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `SELECT count(*)::int AS n FROM checklist_items WHERE task_id = $1`, [taskId]);
    return rows[0].n;
  }

  /** Sets text, done and position, bumps the version. */
  async update(tx: EntityManager, itemId: string, f: { text: string; done: boolean; position: string }): Promise<ChecklistItemView> {
    const { rows } = await runPrepared<ItemRow>(
      tx,
      `UPDATE checklist_items SET text = $2, done = $3, position = $4, version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${ITEM_COLUMNS}`,
      [itemId, f.text, f.done, f.position],
    );
    return toItemView(rows[0]);
  }

  async delete(tx: EntityManager, itemId: string): Promise<void> {
    await runPrepared(tx, `DELETE FROM checklist_items WHERE id = $1`, [itemId]);
  }

  /** The last position of the task's list, ignoring `selfId`; null for an empty list. */
  async lastPosition(tx: EntityManager, taskId: string, selfId: string | null): Promise<string | null> {
    const { rows } = await runPrepared<{ position: string }>(tx, `SELECT position FROM checklist_items WHERE task_id = $1 AND id <> $2 ORDER BY position DESC LIMIT 1`, [
      taskId,
      selfId ?? NO_ID,
    ]);
    return rows[0]?.position ?? null;
  }

  /** The nearest position after (`>`) or before (`<`) `from` in the task's list, ignoring `selfId`. */
  async neighbour(tx: EntityManager, taskId: string, selfId: string | null, op: '>' | '<', from: string): Promise<string | null> {
    const { rows } = await runPrepared<{ position: string }>(
      tx,
      `SELECT position FROM checklist_items WHERE task_id = $1 AND id <> $2 AND position ${op} $3 ORDER BY position ${op === '>' ? 'ASC' : 'DESC'} LIMIT 1`,
      [taskId, selfId ?? NO_ID, from],
    );
    return rows[0]?.position ?? null;
  }
}
