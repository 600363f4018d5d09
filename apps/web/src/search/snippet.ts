/** One piece of a search snippet: plain text, highlighted or not. */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The API's snippet (HTML-escaped text with `<mark>`…`</mark>` around matches, nothing else) as
 * text parts for React to render as text nodes: the app never sets it as HTML, so even a snippet
 * that broke that promise could not inject markup.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  for (const [i, piece] of snippet.split(/<\/?mark>/).entries()) {
    if (piece) parts.push({ text: piece.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]), mark: i % 2 === 1 });
  }
  return parts;
}

/** True when a keydown should open the search box: `/` typed outside any text field. */
export function isSearchShortcut(e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; target: EventTarget | null }): boolean {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return false;
  const t = e.target as { tagName?: string; isContentEditable?: boolean } | null;
  return !(t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName ?? '')));
}
