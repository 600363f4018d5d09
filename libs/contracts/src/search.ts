/** `due` filter of search: past due (and not archived) tasks, or due within the next 7 days. */
export type SearchDue = 'overdue' | 'week';
export const SEARCH_DUE: readonly SearchDue[] = ['overdue', 'week'];

/**
 * One search hit (`GET /search`): a task of a board the caller is a member of, ranked by full-text
 * relevance. `snippet` is HTML-escaped text in which the matched words are wrapped in `<mark>` and
 * `</mark>` and nothing else: render it as HTML only after checking that (the web app splits on
 * the marks instead, see apps/web).
 */
export interface SearchHit {
  taskId: string;
  boardId: string;
  boardName: string;
  columnId: string;
  title: string;
  /** Escaped excerpt with `<mark>…</mark>` around matches (ts_headline): of the description or title, or of the matching comment. */
  snippet: string;
  /** Where the words were found: the task's own title or description, or (only) one of its comments. */
  matchedIn: 'task' | 'comment';
  assigneeIds: string[];
  dueAt: string | null;
  /** When the task was marked done; null while open. */
  completedAt: string | null;
  /** ts_rank_cd of the match; higher is better. */
  rank: number;
}

/** `GET /search` response. */
export interface SearchPage {
  items: SearchHit[];
  nextCursor: string | null;
}
