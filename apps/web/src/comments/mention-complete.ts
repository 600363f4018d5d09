/** The `@…` being typed right before the caret: where its `@` is and what follows it. */
export interface MentionQuery {
  /** Index of the `@` in the text. */
  at: number;
  /** What was typed after the `@` (may be empty). */
  query: string;
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * The mention being typed in `text` with the caret at `caret`, or null: an `@` that starts the text
 * or follows a non-word character (as the server's mention rule wants), followed by at most 40
 * characters without a line break or another `@`, up to the caret.
 */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || (at > 0 && WORD.test(before[at - 1]))) return null;
  const query = before.slice(at + 1);
  if (query.length > 40 || /[\n@]/.test(query) || query.startsWith(' ')) return null;
  return { at, query };
}

/** Members whose name starts with the query (ignoring case), then those containing it; at most `limit`. */
export function mentionCandidates<M extends { name: string }>(members: readonly M[], query: string, limit = 5): M[] {
  const q = query.toLocaleLowerCase('und');
  const named = members.filter((m) => m.name.trim() !== '');
  const starts = named.filter((m) => m.name.toLocaleLowerCase('und').startsWith(q));
  const contains = named.filter((m) => !starts.includes(m) && m.name.toLocaleLowerCase('und').includes(q));
  return [...starts, ...contains].slice(0, limit);
}

/** `text` with the mention being typed at `q` replaced by `@name ` and where the caret goes after it. */
export function completeMention(text: string, caret: number, q: MentionQuery, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  return { text: text.slice(0, q.at) + inserted + text.slice(caret), caret: q.at + inserted.length };
}
