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
  board_id: string | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const COLUMNS = 'id, user_id, source, status, column_count, task_count, skipped, board_id, error, created_at, finished_at';
const toRecord = (r: ImportRow): ImportRecord => ({
  id: r.id,
  userId: r.user_id,
  source: r.source,
  status: r.status,
  columnCount: r.column_count,
  taskCount: r.task_count,
  skipped: r.skipped,
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

  /** A queued import's owner and plan; null when it is finished (or gone). */
  async queued(id: string): Promise<{ userId: string; plan: ImportPlan } | null> {
    const { rows } = await runPrepared<{ user_id: string; plan: ImportPlan }>(this.dataSource.manager, `SELECT user_id, plan FROM board_imports WHERE id = $1 AND status = 'queued'`, [id]);
    return rows[0] ? { userId: rows[0].user_id, plan: rows[0].plan } : null;
  }

  async finish(tx: EntityManager | null, id: string, outcome: { boardId: string } | { error: string }): Promise<void> {
    await runPrepared(
      tx ?? this.dataSource.manager,
      `UPDATE board_imports SET status = $2, board_id = $3, error = $4, plan = NULL, finished_at = now() WHERE id = $1 AND status = 'queued'`,
      [id, 'boardId' in outcome ? 'succeeded' : 'failed', 'boardId' in outcome ? outcome.boardId : null, 'error' in outcome ? outcome.error : null],
    );
  }
}
