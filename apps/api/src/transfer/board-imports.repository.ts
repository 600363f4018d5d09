import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';
import type { ImportPlan } from './board-file.js';

/** An import as its importer sees it. */
export interface ImportRecord {
  id: string;
  userId: string;
  source: 'tasklane' | 'trello';
  status: 'queued' | 'succeeded' | 'failed';
  columnCount: number;
  taskCount: number;
  skipped: ImportPlan['skipped'];
  /** Tasks written so far (task_count once succeeded). */
  processed: number;
  boardId: string | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface ImportRow {
  id: string;
  user_id: string;
  source: ImportRecord['source'];
  status: ImportRecord['status'];
  column_count: number;
  task_count: number;
  skipped: ImportPlan['skipped'];
  processed: number;
  board_id: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const COLUMNS = 'id, user_id, source, status, column_count, task_count, skipped, processed, board_id, error, created_at, finished_at';
const toRecord = (r: ImportRow): ImportRecord => ({
  id: r.id,
  userId: r.user_id,
  source: r.source,
  status: r.status,
  columnCount: r.column_count,
  taskCount: r.task_count,
  skipped: r.skipped,
  processed: r.processed,
  boardId: r.board_id,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** `board_imports`: every statement of the imports. */
@Injectable()
export class BoardImportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, id: string, userId: string, plan: ImportPlan): Promise<ImportRecord> {
    const tasks = plan.columns.reduce((n, c) => n + c.tasks.length, 0);
    const { rows } = await runPrepared<ImportRow>(
      tx,
      `INSERT INTO board_imports (id, user_id, source, plan, column_count, task_count, skipped) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb) RETURNING ${COLUMNS}`,
      [id, userId, plan.source, JSON.stringify(plan), plan.columns.length, tasks, JSON.stringify(plan.skipped)],
    );
    return toRecord(rows[0]);
  }

  /** The import if it is `userId`'s, else null. */
  async find(id: string, userId: string): Promise<ImportRecord | null> {
    const { rows } = await runPrepared<ImportRow>(this.dataSource.manager, `SELECT ${COLUMNS} FROM board_imports WHERE id = $1 AND user_id = $2`, [id, userId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The import, whoever's it is (the job's own look-up). */
  async get(id: string): Promise<ImportRecord | null> {
    const { rows } = await runPrepared<ImportRow>(this.dataSource.manager, `SELECT ${COLUMNS} FROM board_imports WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** A queued import's owner, plan, task count and progress so far; null when it is finished (or gone). */
  async queued(id: string): Promise<{ userId: string; plan: ImportPlan; total: number; processed: number } | null> {
    const { rows } = await runPrepared<{ user_id: string; plan: ImportPlan; task_count: number; processed: number }>(
      this.dataSource.manager,
      `SELECT user_id, plan, task_count, processed FROM board_imports WHERE id = $1 AND status = 'queued'`,
      [id],
    );
    return rows[0] ? { userId: rows[0].user_id, plan: rows[0].plan, total: rows[0].task_count, processed: rows[0].processed } : null;
  }

  /**
   * Raises a queued import's `processed` to `processed` (never lowers it: a retried job counts from
   * 0 again) on its own connection, outside the import's transaction. Returns the stored value,
   * or null when the import is no longer queued.
   */
  async progress(id: string, processed: number): Promise<number | null> {
    const { rows } = await runPrepared<{ processed: number }>(
      this.dataSource.manager,
      `UPDATE board_imports SET processed = GREATEST(processed, $2) WHERE id = $1 AND status = 'queued' RETURNING processed`,
      [id, processed],
    );
    return rows[0]?.processed ?? null;
  }

  /**
   * Marks a queued import finished (a succeeded one with `processed` = its task count). Returns the
   * finished import, or null when it was finished already (a rerun, another worker).
   */
  async finish(tx: EntityManager | null, id: string, outcome: { boardId: string } | { error: string }): Promise<ImportRecord | null> {
    const { rows } = await runPrepared<ImportRow>(
      tx ?? this.dataSource.manager,
      `UPDATE board_imports SET status = $2, board_id = $3, error = $4, plan = NULL, finished_at = now(),
         processed = CASE WHEN $2 = 'succeeded' THEN task_count ELSE processed END
       WHERE id = $1 AND status = 'queued' RETURNING ${COLUMNS}`,
      [id, 'boardId' in outcome ? 'succeeded' : 'failed', 'boardId' in outcome ? outcome.boardId : null, 'error' in outcome ? outcome.error : null],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }
}
