import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { isUUID } from 'class-validator';
import type { SearchHit, SearchPage } from '@tasklane/contracts';
import { boardNotFound } from '../board-access/board-access.errors.js';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { BoardsService } from '../boards/boards.service.js';
import { ColumnsService } from '../columns/columns.service.js';
import { CommentsService } from '../comments/comments.service.js';
import { validationFailed } from '../errors/common.errors.js';
import { SEARCH_RANK_CANDIDATES, TasksService } from '../tasks/tasks.service.js';
import type { SearchQueryDto } from './search.dto.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * ts_headline output → safe HTML: every character of the text escaped, then the match markers
 * (\u0001 start, \u0002 stop; the repository strips them from the text before highlighting) become
 * `<mark>` and `</mark>`. The only markup in the result is those two tags.
 */
export function snippetHtml(headline: string): string {
  return headline.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]).replaceAll('\u0001', '<mark>').replaceAll('\u0002', '</mark>');
}

/**
 * Splits a search box's text into the websearch part and the last word to match as a prefix
 * (search as you type): the prefix is the last whitespace-separated token when the text does not
 * end in a space and that token is a plain word (letters and digits after removing anything else,
 * not negated with `-`, not inside quotes, not `or`). Lower-cased (the 'simple' configuration
 * lower-cases lexemes). Example: `deploy read` → rest `deploy`, prefix `read`.
 */
export function splitPrefix(text: string): { rest: string; prefix: string | null } {
  const trimmed = text.replace(/\s+$/u, '');
  if (trimmed !== text || (trimmed.split('"').length - 1) % 2 === 1) return { rest: text, prefix: null };
  const cut = trimmed.search(/\S+$/u);
  const last = trimmed.slice(cut);
  if (last.startsWith('-') || last.endsWith('"') || /^or$/iu.test(last)) return { rest: text, prefix: null };
  const word = last.replace(/[^\p{L}\p{N}]+/gu, '').toLowerCase();
  if (!word) return { rest: text, prefix: null };
  const rest = trimmed.slice(0, cut).replace(/\s+or\s*$/iu, ' ');
  return { rest, prefix: word };
}

/** Keyset cursor of search pages: the last hit's rank and id. */
const encodeCursor = (rank: number, id: string): string => Buffer.from(`r:${rank}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { rank: number; id: string } {
  const m = /^r:([0-9.e+-]+)\|(.+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  const rank = m ? Number(m[1]) : NaN;
  if (!m || !Number.isFinite(rank) || rank < 0 || !isUUID(m[2], 'all')) throw validationFailed([{ field: 'cursor', errors: ['cursor is not valid'] }]);
  return { rank, id: m[2] };
}

/**
 * `GET /search`: full-text search over the tasks of every board the caller is a member of, by
 * their title and description and by their comments (CommentsService finds the tasks whose
 * comments match; they rank below matches in the task itself). The
 * boards are the caller's memberships read right before the search (BoardAccessService), so a
 * board they left is never searched; the memberships table is board-access's, hence two
 * statements rather than one join (docs/architecture.md, table ownership).
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly access: BoardAccessService,
    private readonly boards: BoardsService,
    private readonly tasks: TasksService,
    private readonly columns: ColumnsService,
    private readonly comments: CommentsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** @throws AppError BOARD_NOT_FOUND (404: `boardId` of a board you are not a member of), VALIDATION_FAILED (400: cursor) */
  async search(userId: string, query: SearchQueryDto): Promise<SearchPage> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const mine = await this.access.boardsOf(userId);
    if (query.boardId && !mine.has(query.boardId)) throw boardNotFound();
    const boardIds = query.boardId ? [query.boardId] : [...mine.keys()];
    if (boardIds.length === 0) return { items: [], nextCursor: null };
    const limit = query.pageSize();
    const { rest, prefix } = splitPrefix(query.q);
    const [commentMatches, archivedColumnIds] = await Promise.all([
      this.comments.matchingTasks(boardIds, rest, prefix, SEARCH_RANK_CANDIDATES),
      this.columns.archivedIdsOf(this.dataSource.manager, boardIds),
    ]);
    const rows = await this.tasks.search({
      boardIds,
      rest,
      prefix,
      assigneeId: query.assigneeId,
      labelId: query.labelId,
      due: query.due,
      archived: query.archived === true,
      archivedColumnIds,
      commentMatches,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    // A hit found through a comment only: its snippet comes from that comment.
    const viaComment = page.filter((r) => !r.snippet.includes('\u0001') && commentMatches.has(r.id)).map((r) => r.id);
    const [names, commentSnippets] = await Promise.all([
      this.boards.liveNames([...new Set(page.map((r) => r.board_id))]),
      this.comments.commentSnippets(viaComment, rest, prefix),
    ]);
    const items: SearchHit[] = page.map((r) => ({
      taskId: r.id,
      boardId: r.board_id,
      boardName: names.get(r.board_id) ?? '',
      columnId: r.column_id,
      title: r.title,
      snippet: snippetHtml(commentSnippets.get(r.id) ?? r.snippet),
      matchedIn: commentSnippets.has(r.id) ? 'comment' : 'task',
      assigneeIds: r.assignee_ids,
      dueAt: r.due_at ? r.due_at.toISOString() : null,
      completedAt: r.completed_at ? r.completed_at.toISOString() : null,
      rank: r.rank,
    }));
    const last = page[page.length - 1];
    return { items, nextCursor: rows.length > limit ? encodeCursor(last.rank, last.id) : null };
  }
}
