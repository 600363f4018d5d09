import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CommentView } from '@tasklane/contracts';
import { HEADLINE_OPTIONS, searchQuerySql, unmarked } from '../database/full-text.js';
import { runPrepared } from '../database/prepared.js';
import { keysetAt, type Keyed, type Keyset } from '../pagination/cursor.js';

interface CommentRow {
  id: string;
  board_id: string;
  task_id: string;
  author_id: string;
  body: string;
  mention_ids: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COMMENT_COLUMNS = 'id, board_id, task_id, author_id, body, mention_ids, version, created_at, updated_at';
const toCommentView = (r: CommentRow): CommentView => ({
  id: r.id,
  boardId: r.board_id,
  taskId: r.task_id,
  authorId: r.author_id,
  body: r.body,
  mentionIds: r.mention_ids,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** SQL for `comments` (index (task_id, created_at, id)). Writes run inside a board write. */
@Injectable()
export class CommentsRepository {
  /**
   * Inserts a comment stamped with clock_timestamp(), not now(): now() is the transaction's start,
   * shared by every comment of a group-commit batch or an import, which would leave "oldest first"
   * to the ids.
   */
  async insert(tx: EntityManager, c: { id: string; boardId: string; taskId: string; authorId: string; body: string; mentionIds: string[] }): Promise<CommentView> {
    const { rows } = await runPrepared<CommentRow>(
      tx,
      `INSERT INTO comments (id, board_id, task_id, author_id, body, mention_ids, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6::uuid[], clock_timestamp(), clock_timestamp()) RETURNING ${COMMENT_COLUMNS}`,
      [c.id, c.boardId, c.taskId, c.authorId, c.body, c.mentionIds],
    );
    return toCommentView(rows[0]);
  }

  /** Comments of several tasks (export), oldest first: task id → comments. */
  async listByTasks(db: EntityManager, taskIds: string[]): Promise<Map<string, CommentView[]>> {
    const out = new Map<string, CommentView[]>();
    if (taskIds.length === 0) return out;
    const { rows } = await runPrepared<CommentRow>(db, `SELECT ${COMMENT_COLUMNS} FROM comments WHERE task_id = ANY($1::uuid[]) ORDER BY task_id, created_at, id`, [taskIds]);
    for (const c of rows.map(toCommentView)) out.set(c.taskId, [...(out.get(c.taskId) ?? []), c]);
    return out;
  }

  /** The comment of this task of this board, or null. */
  async find(db: EntityManager, boardId: string, taskId: string, commentId: string): Promise<CommentView | null> {
    const { rows } = await runPrepared<CommentRow>(db, `SELECT ${COMMENT_COLUMNS} FROM comments WHERE id = $1 AND task_id = $2 AND board_id = $3`, [commentId, taskId, boardId]);
    return rows[0] ? toCommentView(rows[0]) : null;
  }

  /** Replaces body and mentions and bumps the version. */
  async update(tx: EntityManager, commentId: string, body: string, mentionIds: string[]): Promise<CommentView> {
    const { rows } = await runPrepared<CommentRow>(
      tx,
      `UPDATE comments SET body = $2, mention_ids = $3::uuid[], version = version + 1, updated_at = now() WHERE id = $1 RETURNING ${COMMENT_COLUMNS}`,
      [commentId, body, mentionIds],
    );
    return toCommentView(rows[0]);
  }

  async delete(tx: EntityManager, commentId: string): Promise<void> {
    await runPrepared(tx, `DELETE FROM comments WHERE id = $1`, [commentId]);
  }

  /** The task's comments oldest first, after `after` (keyset (created_at, id)), up to `limit`. */
  async list(db: EntityManager, taskId: string, after: Keyset | undefined, limit: number): Promise<Keyed<CommentView>[]> {
    const { rows } = await runPrepared<CommentRow & { keyset_at: string }>(
      db,
      `SELECT ${COMMENT_COLUMNS}, ${keysetAt('created_at')} AS keyset_at FROM comments
        WHERE task_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
        ORDER BY created_at, id LIMIT $4`,
      [taskId, after?.at ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({ item: toCommentView(r), key: { at: r.keyset_at, id: r.id } }));
  }

  /**
   * Ids of the tasks (of `boardIds`) with a comment matching the search query (see
   * database/full-text.ts), at most `limit`, each with its best comment's ts_rank_cd. GIN index
   * ix_comments_search_vector.
   */
  async matchingTasks(db: EntityManager, boardIds: string[], rest: string, prefix: string | null, limit: number): Promise<Map<string, number>> {
    const { rows } = await runPrepared<{ task_id: string; rank: number }>(
      db,
      `WITH q AS (SELECT ${searchQuerySql('$2', '$3')} AS tsq)
       SELECT task_id, max(ts_rank_cd(c.search_vector, q.tsq)) AS rank
         FROM (SELECT c.task_id, c.search_vector FROM comments c, q WHERE c.board_id = ANY($1::uuid[]) AND c.search_vector @@ q.tsq LIMIT $4) c, q
        GROUP BY task_id`,
      [boardIds, rest, prefix, limit],
    );
    return new Map(rows.map((r) => [r.task_id, r.rank]));
  }

  /** For each of `taskIds`, a ts_headline of its best-matching comment (\u0001 / \u0002 around matches): task id → headline. */
  async snippets(db: EntityManager, taskIds: string[], rest: string, prefix: string | null): Promise<Map<string, string>> {
    if (taskIds.length === 0) return new Map();
    const { rows } = await runPrepared<{ task_id: string; snippet: string }>(
      db,
      `WITH q AS (SELECT ${searchQuerySql('$2', '$3')} AS tsq),
       best AS (
         SELECT DISTINCT ON (c.task_id) c.task_id, c.body, q.tsq FROM comments c, q
          WHERE c.task_id = ANY($1::uuid[]) AND c.search_vector @@ q.tsq
          ORDER BY c.task_id, ts_rank_cd(c.search_vector, q.tsq) DESC, c.created_at DESC)
       SELECT task_id, ts_headline('simple', ${unmarked('body')}, tsq, ${HEADLINE_OPTIONS}) AS snippet FROM best`,
      [taskIds, rest, prefix],
    );
    return new Map(rows.map((r) => [r.task_id, r.snippet]));
  }
}
