/**
 * The SQL of a search box's query, shared by the repositories that search (tasks, comments):
 * websearch_to_tsquery('simple', <rest>) AND, when <prefix> is not null, the prefix query
 * `<prefix>:*` (search as you type). `prefix` must be letters and digits only (SearchService makes
 * it so): it is spliced into to_tsquery's syntax. Arguments are parameter placeholders, e.g. `$2`.
 */
export const searchQuerySql = (rest: string, prefix: string): string =>
  `CASE WHEN ${prefix}::text IS NULL THEN websearch_to_tsquery('simple', ${rest}) ELSE websearch_to_tsquery('simple', ${rest}) && to_tsquery('simple', ${prefix} || ':*') END`;

/** ts_headline options: \u0001 / \u0002 around matches (the text is stripped of both first), up to two fragments. */
export const HEADLINE_OPTIONS = `'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'`;

/** SQL removing the highlight markers from a text before ts_headline. */
export const unmarked = (column: string): string => `translate(${column}, chr(1) || chr(2), '')`;
