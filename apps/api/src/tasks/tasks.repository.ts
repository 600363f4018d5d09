import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';
import type { Keyset } from '../pagination/cursor.js';
import { TASK_COLUMNS, type TaskRow } from './tasks.dto.js';

/** Fields of a new task row (ids and position already decided by the service). */
export interface NewTaskRow {
  id: string;
  boardId: string;
  columnId: string;
  title: string;
  description: string;
  position: string;
  assigneeIds: string[];
  labels: string[];
  dueAt: string | null;
  actorId: string;
}

/** A partial update: undefined leaves a field unchanged; `dueAt: null` clears it. */
export interface TaskPatch {
  title?: string;
  description?: string;
  assigneeIds?: string[];
  labels?: string[];
  dueAt?: string | null;
}

/** Filters of the task list; `after` is where the previous page ended. */
export interface TaskFilter {
  columnId?: string;
  assigneeId?: string;
  /** Case-insensitive substring of title or description (LIKE wildcards are escaped here). */
  q?: string;
  after?: Keyset;
  limit: number;
}

const NO_ID = '00000000-0000-0000-0000-000000000000';
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * SQL for tasks. Every method takes the transaction's EntityManager when it is part of a write
 * (the caller holds the board's row lock); reads default to the pool. Indexes used:
 * (column_id, position) for ordering and neighbours, (board_id, created_at, id) for the list,
 * GIN on assignee_ids for `assigneeId`.
 */
@Injectable()
export class TasksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, t: NewTaskRow): Promise<TaskRow> {
    const { rows } = await runPrepared<TaskRow>(
      tx,
      `INSERT INTO tasks (id, board_id, column_id, title, description, position, assignee_ids, labels, due_at, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], $8::text[], $9, $10, $10)
       RETURNING ${TASK_COLUMNS}`,
      [t.id, t.boardId, t.columnId, t.title, t.description, t.position, t.assigneeIds, t.labels, t.dueAt, t.actorId],
    );
    return rows[0];
  }

  /** The task on this board, or null. */
  async find(boardId: string, taskId: string, manager: EntityManager = this.dataSource.manager): Promise<TaskRow | null> {
    const { rows } = await runPrepared<TaskRow>(manager, `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 AND board_id = $2`, [taskId, boardId]);
    return rows[0] ?? null;
  }

  /** Applies `patch` and bumps the version; null when no row matched (unknown task, or `ifMatch` differs). */
  async update(tx: EntityManager, boardId: string, taskId: string, patch: TaskPatch, actorId: string, ifMatch?: number): Promise<TaskRow | null> {
    const { rows } = await runPrepared<TaskRow>(
      tx,
      `UPDATE tasks SET
         title = COALESCE($3, title),
         description = COALESCE($4, description),
         assignee_ids = COALESCE($5::uuid[], assignee_ids),
         labels = COALESCE($6::text[], labels),
         due_at = CASE WHEN $7::boolean THEN $8::timestamptz ELSE due_at END,
         version = version + 1, updated_at = now(), updated_by = $9
       WHERE id = $1 AND board_id = $2 AND ($10::int IS NULL OR version = $10)
       RETURNING ${TASK_COLUMNS}`,
      [
        taskId,
        boardId,
        patch.title ?? null,
        patch.description ?? null,
        patch.assigneeIds ?? null,
        patch.labels ?? null,
        patch.dueAt !== undefined,
        patch.dueAt ?? null,
        actorId,
        ifMatch ?? null,
      ],
    );
    return rows[0] ?? null;
  }

  async move(tx: EntityManager, boardId: string, taskId: string, columnId: string, position: string, actorId: string): Promise<TaskRow> {
    const { rows } = await runPrepared<TaskRow>(
      tx,
      `UPDATE tasks SET column_id = $3, position = $4, version = version + 1, updated_at = now(), updated_by = $5
        WHERE id = $1 AND board_id = $2 RETURNING ${TASK_COLUMNS}`,
      [taskId, boardId, columnId, position, actorId],
    );
    return rows[0];
  }

  /** Deletes the task; false when no row matched (unknown task, or `ifMatch` differs). */
  async delete(tx: EntityManager, boardId: string, taskId: string, ifMatch?: number): Promise<boolean> {
    const { rowCount } = await runPrepared(tx, `DELETE FROM tasks WHERE id = $1 AND board_id = $2 AND ($3::int IS NULL OR version = $3)`, [
      taskId,
      boardId,
      ifMatch ?? null,
    ]);
    return rowCount > 0;
  }

  /** Every task of the board in display order: by column position, then position (for snapshots). */
  listByBoard(tx: EntityManager, boardId: string): Promise<TaskRow[]> {
    return tx.query(
      `SELECT ${TASK_COLUMNS.split(', ').map((c) => `t.${c}`).join(', ')} FROM tasks t JOIN columns c ON c.id = t.column_id
        WHERE t.board_id = $1 ORDER BY c.position, t.position`,
      [boardId],
    ) as Promise<TaskRow[]>;
  }

  /**
   * Keyset page ordered by (created_at, id); returns up to `limit + 1` rows so the caller sees
   * whether more exist. Each row carries `cursor_at` (created_at in UTC to the microsecond) for the next cursor.
   */
  async list(boardId: string, f: TaskFilter): Promise<(TaskRow & { cursor_at: string })[]> {
    const where = ['board_id = $1'];
    const params: unknown[] = [boardId];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (f.columnId) add((n) => `column_id = $${n}`, f.columnId);
    if (f.assigneeId) add((n) => `assignee_ids @> ARRAY[$${n}]::uuid[]`, f.assigneeId);
    if (f.q) add((n) => `(title ILIKE $${n} OR description ILIKE $${n})`, `%${escapeLike(f.q)}%`);
    if (f.after) {
      params.push(f.after.createdAt);
      add((n) => `(created_at, id) > ($${n - 1}::timestamptz, $${n}::uuid)`, f.after.id);
    }
    params.push(f.limit + 1);
    return (await this.dataSource.query(
      `SELECT ${TASK_COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at FROM tasks WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT $${params.length}`,
      params,
    )) as (TaskRow & { cursor_at: string })[];
  }

  /**
   * Whether the column exists on this board and the last position in it (ignoring `selfId`), in
   * one round trip: the slot for "append at the end".
   */
  async columnTail(tx: EntityManager, boardId: string, columnId: string, selfId: string | null): Promise<{ exists: boolean; last: string | null }> {
    const { rows } = await runPrepared<{ last: string | null }>(
      tx,
      `SELECT (SELECT position FROM tasks WHERE column_id = c.id AND id <> $3 ORDER BY position DESC LIMIT 1) AS last
         FROM columns c WHERE c.id = $1 AND c.board_id = $2`,
      [columnId, boardId, selfId ?? NO_ID],
    );
    return { exists: rows.length > 0, last: rows[0]?.last ?? null };
  }

  async columnExists(tx: EntityManager, boardId: string, columnId: string): Promise<boolean> {
    return (await runPrepared(tx, `SELECT 1 FROM columns WHERE id = $1 AND board_id = $2`, [columnId, boardId])).rowCount > 0;
  }

  /** Column and position of a task on this board (an anchor), or null. */
  async placement(tx: EntityManager, boardId: string, taskId: string): Promise<{ columnId: string; position: string } | null> {
    const { rows } = await runPrepared<{ column_id: string; position: string }>(tx, `SELECT column_id, position FROM tasks WHERE id = $1 AND board_id = $2`, [taskId, boardId]);
    return rows[0] ? { columnId: rows[0].column_id, position: rows[0].position } : null;
  }

  /** The nearest position after (`>`) or before (`<`) `from` in the column, ignoring `selfId`. */
  async neighbour(tx: EntityManager, columnId: string, selfId: string | null, op: '>' | '<', from: string): Promise<string | null> {
    const { rows } = await runPrepared<{ position: string }>(
      tx,
      `SELECT position FROM tasks WHERE column_id = $1 AND id <> $2 AND position ${op} $3 ORDER BY position ${op === '>' ? 'ASC' : 'DESC'} LIMIT 1`,
      [columnId, selfId ?? NO_ID, from],
    );
    return rows[0]?.position ?? null;
  }

  /** The ids among `userIds` that are not members of the board. */
  async nonMembers(tx: EntityManager, boardId: string, userIds: string[]): Promise<string[]> {
    const { rows } = await runPrepared<{ user_id: string }>(tx, `SELECT user_id FROM board_members WHERE board_id = $1 AND user_id = ANY($2::uuid[])`, [boardId, userIds]);
    const members = new Set(rows.map((r) => r.user_id));
    return userIds.filter((id) => !members.has(id));
  }
}
