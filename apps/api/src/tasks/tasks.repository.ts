import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChecklistProgress, TaskView } from '@tasklane/contracts';
import { HEADLINE_OPTIONS, searchQuerySql, unmarked } from '../database/full-text.js';
import { runPrepared } from '../database/prepared.js';
import { keysetAt, type Keyed, type Keyset } from '../pagination/cursor.js';

/** A `tasks` row as node-postgres returns it. */
interface TaskRow {
  id: string;
  board_id: string;
  column_id: string;
  title: string;
  description: string;
  position: string;
  assignee_ids: string[];
  label_ids: string[];
  due_at: Date | null;
  completed_at: Date | null;
  archived_at: Date | null;
  comment_count: number;
  checklist_done: number;
  checklist_total: number;
  version: number;
  created_at: Date;
  updated_at: Date;
  created_by: string;
  updated_by: string;
}

const TASK_COLUMNS =
  'id, board_id, column_id, title, description, position, assignee_ids, label_ids, due_at, completed_at, version, created_at, updated_at, created_by, updated_by, archived_at, comment_count, checklist_done, checklist_total';

/**
 * `TasksRepository.update`'s statement ($1 task, $2 board, $3–$6 title, description, assignee and
 * label ids or null to keep, $7 whether to set due_at to $8, $9 actor, $10 If-Match version or null,
 * $11 completed or null). Exported for scripts/bench-outbox.mjs, which sends it as a rename does.
 */
export const UPDATE_TASK_SQL = `UPDATE tasks SET
         title = COALESCE($3, title),
         description = COALESCE($4, description),
         assignee_ids = COALESCE($5::uuid[], assignee_ids),
         label_ids = COALESCE($6::uuid[], label_ids),
         due_at = CASE WHEN $7::boolean THEN $8::timestamptz ELSE due_at END,
         completed_at = CASE WHEN $11::boolean IS NULL THEN completed_at WHEN $11::boolean THEN COALESCE(completed_at, now()) ELSE NULL END,
         version = version + 1, updated_at = now(), updated_by = $9
       FROM (SELECT due_at AS before_due_at, completed_at AS before_completed_at FROM tasks WHERE id = $1 AND board_id = $2 FOR UPDATE) prev
       WHERE id = $1 AND board_id = $2 AND ($10::int IS NULL OR version = $10) AND archived_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM columns c WHERE c.id = tasks.column_id AND c.archived_at IS NOT NULL)
       RETURNING ${TASK_COLUMNS}, prev.before_due_at, prev.before_completed_at`;

/** The one mapping from a row to the wire shape. */
const toTaskView = (r: TaskRow): TaskView => ({
  id: r.id,
  boardId: r.board_id,
  columnId: r.column_id,
  title: r.title,
  description: r.description,
  position: r.position,
  assigneeIds: r.assignee_ids,
  labelIds: r.label_ids,
  dueAt: r.due_at ? r.due_at.toISOString() : null,
  completedAt: r.completed_at ? r.completed_at.toISOString() : null,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  createdBy: r.created_by,
  updatedBy: r.updated_by,
  archivedAt: r.archived_at ? r.archived_at.toISOString() : null,
  commentCount: r.comment_count,
  checklist: { done: r.checklist_done, total: r.checklist_total },
});

/** The editable fields of a task; in a patch, undefined leaves a field unchanged and `dueAt: null` clears it. */
export interface TaskFields {
  title: string;
  description: string;
  assigneeIds: string[];
  labelIds: string[];
  dueAt: string | null;
  /** Done or not: true sets `completed_at` to the transaction's time unless already set, false clears it. */
  completed: boolean;
}

/** Filters of the task list; `after` is where the previous page ended. */
export interface TaskFilter {
  columnId?: string;
  assigneeId?: string;
  /** Case-insensitive substring of title or description (LIKE wildcards are escaped here). */
  q?: string;
  /** `overdue`: due before `now`; `week`: due from `now` to 7 days later; either leaves done tasks out. */
  due?: { kind: 'overdue' | 'week'; now: Date };
  /** Columns whose tasks are hidden (archived columns). */
  hiddenColumnIds: string[];
  after?: Keyset;
  limit: number;
}

/** The nil UUID: matches no row, for "ignoring no task". */
const NO_ID = '00000000-0000-0000-0000-000000000000';
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * SQL for `tasks`. Every method takes the transaction's EntityManager when it is part of a write
 * (the caller holds the board's stream lock); reads default to the pool. Indexes used:
 * (column_id, position) for ordering and neighbours, (board_id, created_at, id) for the list,
 * GIN on assignee_ids for `assigneeId`.
 */
@Injectable()
export class TasksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The pool's manager, for reads outside a write. */
  pool(): EntityManager {
    return this.dataSource.manager;
  }

  /** How many tasks the board has, counting no further than `upTo` (index (board_id, created_at, id)). */
  async countUpTo(tx: EntityManager, boardId: string, upTo: number): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks WHERE board_id = $1 LIMIT $2) t`, [boardId, upTo]);
    return rows[0].n;
  }

  async insert(tx: EntityManager, t: TaskFields & { id: string; boardId: string; columnId: string; position: string; actorId: string }): Promise<TaskView> {
    const { rows } = await runPrepared<TaskRow>(
      tx,
      `INSERT INTO tasks (id, board_id, column_id, title, description, position, assignee_ids, label_ids, due_at, completed_at, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], $8::uuid[], $9, CASE WHEN $11::boolean THEN now() END, $10, $10)
       RETURNING ${TASK_COLUMNS}`,
      [t.id, t.boardId, t.columnId, t.title, t.description, t.position, t.assigneeIds, t.labelIds, t.dueAt, t.actorId, t.completed],
    );
    return toTaskView(rows[0]);
  }

  /** Inserts many tasks of one column in one statement (an imported board's); no assignees. */
  async insertMany(
    tx: EntityManager,
    tasks: { id: string; boardId: string; columnId: string; title: string; description: string; position: string; labelIds: string[]; dueAt: string | null; completedAt: string | null; archived: boolean; actorId: string }[],
  ): Promise<void> {
    if (tasks.length === 0) return;
    // Label ids travel as one JSON array per task (unnest cannot take an array of arrays of varying length).
    await runPrepared(
      tx,
      `INSERT INTO tasks (id, board_id, column_id, title, description, position, assignee_ids, label_ids, due_at, completed_at, archived_at, created_by, updated_by)
       SELECT id, board_id, column_id, title, description, position, '{}'::uuid[], ARRAY(SELECT jsonb_array_elements_text(label_ids))::uuid[], due_at,
              completed_at, CASE WHEN archived THEN now() END, actor, actor
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::timestamptz[], $11::timestamptz[], $10::boolean[], $9::uuid[])
         AS t(id, board_id, column_id, title, description, position, label_ids, due_at, completed_at, archived, actor)`,
      [
        tasks.map((t) => t.id),
        tasks.map((t) => t.boardId),
        tasks.map((t) => t.columnId),
        tasks.map((t) => t.title),
        tasks.map((t) => t.description),
        tasks.map((t) => t.position),
        tasks.map((t) => JSON.stringify(t.labelIds)),
        tasks.map((t) => t.dueAt),
        tasks.map((t) => t.actorId),
        tasks.map((t) => t.archived),
        tasks.map((t) => t.completedAt),
      ],
    );
  }

  /** One page of a column's tasks by position (export), after `after` (position, id). */
  async pageOfColumn(columnId: string, limit: number, after?: { position: string; id: string }): Promise<TaskView[]> {
    const { rows } = await runPrepared<TaskRow>(
      this.dataSource.manager,
      after
        ? `SELECT ${TASK_COLUMNS} FROM tasks WHERE column_id = $1 AND (position, id) > ($3, $4::uuid) ORDER BY position, id LIMIT $2`
        : `SELECT ${TASK_COLUMNS} FROM tasks WHERE column_id = $1 ORDER BY position, id LIMIT $2`,
      after ? [columnId, limit, after.position, after.id] : [columnId, limit],
    );
    return rows.map(toTaskView);
  }

  /** The task on this board, or null. */
  async find(boardId: string, taskId: string, db: EntityManager = this.dataSource.manager): Promise<TaskView | null> {
    const { rows } = await runPrepared<TaskRow>(db, `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 AND board_id = $2`, [taskId, boardId]);
    return rows[0] ? toTaskView(rows[0]) : null;
  }

  /**
   * The task (archived or not) and whether its column is archived, in one statement (the live
   * check of every write to a task, and of a due-date reminder when it runs); null for an unknown task.
   */
  async findWithColumnState(tx: EntityManager, boardId: string, taskId: string): Promise<{ task: TaskView; columnArchived: boolean } | null> {
    const { rows } = await runPrepared<TaskRow & { column_archived: boolean }>(
      tx,
      `SELECT ${TASK_COLUMNS}, EXISTS (SELECT 1 FROM columns c WHERE c.id = tasks.column_id AND c.archived_at IS NOT NULL) AS column_archived
         FROM tasks WHERE id = $1 AND board_id = $2`,
      [taskId, boardId],
    );
    return rows[0] ? { task: toTaskView(rows[0]), columnArchived: rows[0].column_archived } : null;
  }

  /**
   * Applies `patch` and bumps the version, only to a live task (not archived, nor in an archived
   * column: the live check is part of the statement); null when no row matched (unknown or archived
   * task, or `ifMatch` differs). Returns the task and, from the same statement, its `dueAt` and
   * `completedAt` before the change (for the reminders: TasksService.update). PostgreSQL before 18
   * has no `RETURNING old.*`, so the row joins itself through a sub-select that locks it first
   * (FOR UPDATE: the values it reads are the ones this UPDATE replaces, even under a concurrent
   * write, which the board's stream lock already rules out).
   */
  async update(
    tx: EntityManager,
    boardId: string,
    taskId: string,
    patch: Partial<TaskFields>,
    actorId: string,
    ifMatch?: number,
  ): Promise<{ task: TaskView; before: Pick<TaskView, 'dueAt' | 'completedAt'> } | null> {
    const { rows } = await runPrepared<TaskRow & { before_due_at: Date | null; before_completed_at: Date | null }>(
      tx,
      UPDATE_TASK_SQL,
      [
        taskId,
        boardId,
        patch.title ?? null,
        patch.description ?? null,
        patch.assigneeIds ?? null,
        patch.labelIds ?? null,
        patch.dueAt !== undefined,
        patch.dueAt ?? null,
        actorId,
        ifMatch ?? null,
        patch.completed ?? null,
      ],
    );
    const row = rows[0];
    if (!row) return null;
    return { task: toTaskView(row), before: { dueAt: row.before_due_at?.toISOString() ?? null, completedAt: row.before_completed_at?.toISOString() ?? null } };
  }

  async move(tx: EntityManager, boardId: string, taskId: string, columnId: string, position: string, actorId: string): Promise<TaskView> {
    const { rows } = await runPrepared<TaskRow>(
      tx,
      `UPDATE tasks SET column_id = $3, position = $4, version = version + 1, updated_at = now(), updated_by = $5
        WHERE id = $1 AND board_id = $2 RETURNING ${TASK_COLUMNS}`,
      [taskId, boardId, columnId, position, actorId],
    );
    return toTaskView(rows[0]);
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

  /** Every live (not archived) task of the board, by column and position within it (the caller orders the columns and drops archived ones). */
  async listByBoard(db: EntityManager, boardId: string): Promise<TaskView[]> {
    const { rows } = await runPrepared<TaskRow>(db, `SELECT ${TASK_COLUMNS} FROM tasks WHERE board_id = $1 AND archived_at IS NULL ORDER BY column_id, position`, [boardId]);
    return rows.map(toTaskView);
  }

  /** The live tasks of one column, by position (they come back with a restored column). */
  async listLiveInColumn(db: EntityManager, boardId: string, columnId: string): Promise<TaskView[]> {
    const { rows } = await runPrepared<TaskRow>(db, `SELECT ${TASK_COLUMNS} FROM tasks WHERE board_id = $1 AND column_id = $2 AND archived_at IS NULL ORDER BY position`, [
      boardId,
      columnId,
    ]);
    return rows.map(toTaskView);
  }

  /** How many live tasks each of `columnIds` holds (hidden with their archived column): id → count. */
  async countLiveInColumns(db: EntityManager, boardId: string, columnIds: string[]): Promise<Map<string, number>> {
    if (columnIds.length === 0) return new Map();
    const { rows } = await runPrepared<{ column_id: string; n: number }>(
      db,
      `SELECT column_id, count(*)::int AS n FROM tasks WHERE board_id = $1 AND column_id = ANY($2::uuid[]) AND archived_at IS NULL GROUP BY column_id`,
      [boardId, columnIds],
    );
    return new Map(rows.map((r) => [r.column_id, r.n]));
  }

  /** Sets or clears `archived_at` (now) without changing the version; null for an unknown task. */
  async setArchived(tx: EntityManager, boardId: string, taskId: string, archived: boolean, actorId: string): Promise<TaskView | null> {
    const { rows } = await runPrepared<TaskRow>(
      tx,
      `UPDATE tasks SET archived_at = CASE WHEN $3::boolean THEN now() ELSE NULL END, updated_by = $4 WHERE id = $1 AND board_id = $2 RETURNING ${TASK_COLUMNS}`,
      [taskId, boardId, archived, actorId],
    );
    return rows[0] ? toTaskView(rows[0]) : null;
  }

  /** Archived tasks of the board, newest archived first, after `after` (keyset on (archived_at, id) descending), up to `limit`. */
  async listArchived(db: EntityManager, boardId: string, after: Keyset | undefined, limit: number): Promise<Keyed<TaskView>[]> {
    const { rows } = await runPrepared<TaskRow & { keyset_at: string }>(
      db,
      `SELECT ${TASK_COLUMNS}, ${keysetAt('archived_at')} AS keyset_at FROM tasks
        WHERE board_id = $1 AND archived_at IS NOT NULL AND ($2::timestamptz IS NULL OR (archived_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY archived_at DESC, id DESC LIMIT $4`,
      [boardId, after?.at ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({ item: toTaskView(r), key: { at: r.keyset_at, id: r.id } }));
  }

  /** Adds `delta` to the task's comment count; the new count. */
  async addCommentCount(tx: EntityManager, taskId: string, delta: number): Promise<number> {
    const { rows } = await runPrepared<{ n: number }>(tx, `UPDATE tasks SET comment_count = comment_count + $2 WHERE id = $1 RETURNING comment_count AS n`, [taskId, delta]);
    return rows[0].n;
  }

  /** Adds the deltas to the task's checklist counters; the new progress. */
  async addChecklistProgress(tx: EntityManager, taskId: string, delta: ChecklistProgress): Promise<ChecklistProgress> {
    const { rows } = await runPrepared<{ done: number; total: number }>(
      tx,
      `UPDATE tasks SET checklist_done = checklist_done + $2, checklist_total = checklist_total + $3 WHERE id = $1 RETURNING checklist_done AS done, checklist_total AS total`,
      [taskId, delta.done, delta.total],
    );
    return rows[0];
  }

  /** Removes a label id from every task of the board that has it (the version stays: `label.deleted` says it). */
  async dropLabel(tx: EntityManager, boardId: string, labelId: string): Promise<void> {
    await runPrepared(tx, `UPDATE tasks SET label_ids = array_remove(label_ids, $2::uuid) WHERE board_id = $1 AND label_ids @> ARRAY[$2::uuid]`, [boardId, labelId]);
  }

  /**
   * Keyset page ordered by (created_at, id), after `f.after`, up to `f.limit` rows. The SQL text
   * varies only with which filters are present (a few dozen prepared statements at most).
   */
  async list(boardId: string, f: TaskFilter): Promise<Keyed<TaskView>[]> {
    const where = ['board_id = $1'];
    const params: unknown[] = [boardId];
    const add = (sql: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (f.columnId) add((n) => `column_id = $${n}`, f.columnId);
    if (f.assigneeId) add((n) => `assignee_ids @> ARRAY[$${n}]::uuid[]`, f.assigneeId);
    if (f.q) add((n) => `(title ILIKE $${n} OR description ILIKE $${n})`, `%${escapeLike(f.q)}%`);
    // A done task is neither overdue nor due this week.
    if (f.due) where.push('completed_at IS NULL');
    if (f.due?.kind === 'overdue') add((n) => `due_at < $${n}::timestamptz`, f.due.now);
    if (f.due?.kind === 'week') {
      params.push(f.due.now);
      add((n) => `due_at >= $${n - 1}::timestamptz AND due_at < $${n - 1}::timestamptz + $${n}::interval`, '7 days');
    }
    where.push('archived_at IS NULL');
    if (f.hiddenColumnIds.length) add((n) => `column_id <> ALL($${n}::uuid[])`, f.hiddenColumnIds);
    if (f.after) {
      params.push(f.after.at);
      add((n) => `(created_at, id) > ($${n - 1}::timestamptz, $${n}::uuid)`, f.after.id);
    }
    params.push(f.limit);
    const { rows } = await runPrepared<TaskRow & { keyset_at: string }>(
      this.dataSource.manager,
      `SELECT ${TASK_COLUMNS}, ${keysetAt('created_at')} AS keyset_at FROM tasks WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ item: toTaskView(r), key: { at: r.keyset_at, id: r.id } }));
  }

  /**
   * The column's state and its last task position (ignoring `selfId`), in one statement: the
   * column check and the end slot of a create or a move to the end of a column. Reads `columns`
   * like findWithColumnState (the column's existence and archived flag only). `column` is null
   * for a column that is not on this board; `lastPosition` is null for an empty column.
   */
  async columnEnd(tx: EntityManager, boardId: string, columnId: string, selfId: string | null): Promise<{ column: { archived: boolean } | null; lastPosition: string | null }> {
    const { rows } = await runPrepared<{ archived: boolean; last_position: string | null }>(
      tx,
      `SELECT c.archived_at IS NOT NULL AS archived,
              (SELECT position FROM tasks WHERE column_id = c.id AND id <> $3 ORDER BY position DESC LIMIT 1) AS last_position
         FROM columns c WHERE c.id = $1 AND c.board_id = $2`,
      [columnId, boardId, selfId ?? NO_ID],
    );
    return rows[0] ? { column: { archived: rows[0].archived }, lastPosition: rows[0].last_position } : { column: null, lastPosition: null };
  }

  /** Column and position of a task on this board (an anchor), or null. */
  async placement(tx: EntityManager, boardId: string, taskId: string): Promise<{ columnId: string; position: string } | null> {
    const { rows } = await runPrepared<{ column_id: string; position: string }>(tx, `SELECT column_id, position FROM tasks WHERE id = $1 AND board_id = $2`, [taskId, boardId]);
    return rows[0] ? { columnId: rows[0].column_id, position: rows[0].position } : null;
  }

  /**
   * The nearest position after (`>`) or before (`<`) `from` in the column, ignoring `selfId`;
   * `liveOnly` also ignores archived tasks (the neighbours a client sees).
   */
  async neighbour(tx: EntityManager, columnId: string, selfId: string | null, op: '>' | '<', from: string, liveOnly = false): Promise<string | null> {
    const { rows } = await runPrepared<{ position: string }>(
      tx,
      `SELECT position FROM tasks WHERE column_id = $1 AND id <> $2 AND position ${op} $3 ${liveOnly ? 'AND archived_at IS NULL' : ''} ORDER BY position ${op === '>' ? 'ASC' : 'DESC'} LIMIT 1`,
      [columnId, selfId ?? NO_ID, from],
    );
    return rows[0]?.position ?? null;
  }

  /** Titles of tasks by id, each only if it is on the board named with it: id → title (deleted or mismatched ones are absent). */
  async titlesOf(refs: readonly { boardId: string; taskId: string }[]): Promise<Map<string, string>> {
    if (refs.length === 0) return new Map();
    const { rows } = await runPrepared<{ id: string; title: string }>(
      this.dataSource.manager,
      `SELECT t.id, t.title FROM tasks t JOIN unnest($1::uuid[], $2::uuid[]) AS r(board_id, id) ON t.id = r.id AND t.board_id = r.board_id`,
      [refs.map((r) => r.boardId), refs.map((r) => r.taskId)],
    );
    return new Map(rows.map((r) => [r.id, r.title]));
  }

  /**
   * Full-text search over the tasks of `boardIds` (search_vector @@ the query; GIN index
   * ix_tasks_search_vector), ranked by ts_rank_cd (descending, then id), keyset after `after`.
   * At most SEARCH_RANK_CANDIDATES matches are ranked (see there).
   * The query: websearch_to_tsquery('simple', `rest`) AND, when `prefix` is given, the prefix
   * query `prefix:*` (search as you type). `prefix` must be letters and digits only (the service
   * makes it so): it is spliced into to_tsquery's syntax. Snippets come from ts_headline on the
   * page's rows only, with \u0001 / \u0002 around matches (stripped from the text first), for the
   * service to escape and turn into <mark>.
   */
  async search(f: TaskSearch): Promise<SearchRow[]> {
    const { rows } = await runPrepared<SearchRow>(
      this.dataSource.manager,
      `WITH q AS (
         SELECT ${searchQuerySql('$2', '$3')} AS tsq
       ), matches AS (
         (SELECT t.id, t.board_id, t.column_id, t.title, t.description, t.assignee_ids, t.due_at, t.completed_at, t.search_vector, q.tsq
            FROM tasks t, q WHERE t.board_id = ANY($1::uuid[]) AND t.search_vector @@ q.tsq AND ${SEARCH_FILTERS} LIMIT $10)
         UNION ALL
         (SELECT t.id, t.board_id, t.column_id, t.title, t.description, t.assignee_ids, t.due_at, t.completed_at, t.search_vector, q.tsq
            FROM tasks t, q WHERE t.id = ANY($11::uuid[]) AND t.board_id = ANY($1::uuid[]) AND ${SEARCH_FILTERS})
       ), hits AS (
         -- A match in the task's own text outranks one in its comments only (a tenth of the comment's rank).
         SELECT DISTINCT ON (m.id) m.id, m.board_id, m.column_id, m.title, m.description, m.assignee_ids, m.due_at, m.completed_at,
                (ts_rank_cd(m.search_vector, m.tsq) + coalesce(c.rank, 0) * 0.1)::real AS rank, m.tsq
           FROM matches m LEFT JOIN unnest($11::uuid[], $12::real[]) AS c(task_id, rank) ON c.task_id = m.id
       ), page AS (
         SELECT * FROM hits
          WHERE $7::real IS NULL OR rank < $7::real OR (rank = $7::real AND id > $8::uuid)
          ORDER BY rank DESC, id LIMIT $9
       )
       SELECT id, board_id, column_id, title, assignee_ids, due_at, completed_at, rank,
              ts_headline('simple', CASE WHEN to_tsvector('simple', description) @@ tsq THEN ${unmarked('description')} ELSE ${unmarked('title')} END, tsq, ${HEADLINE_OPTIONS}) AS snippet
         FROM page ORDER BY rank DESC, id`,
      [
        f.boardIds,
        f.rest,
        f.prefix,
        f.assigneeId ?? null,
        f.due ?? null,
        f.archived,
        f.after?.rank ?? null,
        f.after?.id ?? null,
        f.limit,
        SEARCH_RANK_CANDIDATES,
        [...f.commentMatches.keys()],
        [...f.commentMatches.values()],
        f.labelId ?? null,
        f.archivedColumnIds,
      ],
    );
    return rows;
  }
}

/** The filters of a search ($4 assignee, $5 due (done tasks never match it), $13 label, $6 archived with $14 archived columns), on `t`. */
const SEARCH_FILTERS = `($4::uuid IS NULL OR t.assignee_ids @> ARRAY[$4::uuid])
  AND ($5::text IS NULL OR (t.completed_at IS NULL AND (($5 = 'overdue' AND t.due_at < now()) OR ($5 = 'week' AND t.due_at >= now() AND t.due_at < now() + interval '7 days'))))
  AND ($13::uuid IS NULL OR t.label_ids @> ARRAY[$13::uuid])
  AND CASE WHEN $6::boolean THEN (t.archived_at IS NOT NULL OR t.column_id = ANY($14::uuid[]))
           ELSE (t.archived_at IS NULL AND NOT (t.column_id = ANY($14::uuid[]))) END`;

/**
 * How many matches a search ranks at most. Ranking reads every match's vector, so a very common
 * word or a 2-letter prefix over 100,000 tasks costs hundreds of ms (docs/benchmarks.md); past this
 * many matches the hits are the best of the first 2,000 the index returns, not of all of them,
 * and pages stay consistent only while the matches do not change. A query that specific is
 * better refined than paged.
 */
export const SEARCH_RANK_CANDIDATES = 2_000;

/** Filters of a task search (see TasksRepository.search). */
export interface TaskSearch {
  boardIds: string[];
  /** websearch_to_tsquery input (the text minus the prefix word, when there is one). */
  rest: string;
  /** The last word, letters and digits only, matched as a prefix; null: none. */
  prefix: string | null;
  assigneeId?: string;
  labelId?: string;
  due?: 'overdue' | 'week';
  /** Archived tasks (archived themselves or in an archived column) instead of live ones. */
  archived: boolean;
  /** The archived columns of `boardIds` (their tasks count as archived). */
  archivedColumnIds: string[];
  /** Tasks matched by a comment (CommentsService.matchingTasks): task id → the comment's rank. */
  commentMatches: Map<string, number>;
  /** Keyset: the last hit of the previous page. */
  after?: { rank: number; id: string };
  limit: number;
}

/** A search hit as the query returns it. */
export interface SearchRow {
  id: string;
  board_id: string;
  column_id: string;
  title: string;
  assignee_ids: string[];
  due_at: Date | null;
  completed_at: Date | null;
  rank: number;
  /** ts_headline output with \u0001 / \u0002 around matches. */
  snippet: string;
}
