import DOMPurify from 'dompurify';
import { Marked } from 'marked';

/** Tags a comment may render to: Markdown's own output, nothing else (no img: no tracking pixels; no raw HTML). */
const ALLOWED_TAGS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];
const ALLOWED_ATTR = ['href', 'title', 'align', 'start'];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// One Marked instance for comments: GFM, line breaks as typed, and raw HTML shown as text (the
// `html` tokens a user typed are escaped, not interpreted), so `<b>` reads as `<b>`.
const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

/** Class of the `<span>` around a resolved mention in rendered comments. */
export const MENTION_CLASS = 'mention';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Wraps `@Name` of the given names in text nodes (not in code, pre or links) in a mention span, with the server's boundary rules. */
function markMentions(root: DocumentFragment, names: readonly string[]): void {
  const usable = [...new Set(names.filter((n) => n.trim() !== ''))].sort((a, b) => b.length - a.length);
  if (usable.length === 0) return;
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}_])(@(?:${usable.map(escapeRegExp).join('|')}))(?![\\p{L}\\p{N}_])`, 'giu');
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) if (!n.parentElement?.closest('code, pre, a')) texts.push(n as Text);
  for (const text of texts) {
    const value = text.data;
    pattern.lastIndex = 0;
    if (!pattern.test(value)) continue;
    pattern.lastIndex = 0;
    const parts = doc.createDocumentFragment();
    let at = 0;
    for (const m of value.matchAll(pattern)) {
      const start = (m.index ?? 0) + m[1].length;
      parts.append(value.slice(at, start));
      const span = doc.createElement('span');
      span.className = MENTION_CLASS;
      span.textContent = m[2];
      parts.append(span);
      at = start + m[2].length;
    }
    parts.append(value.slice(at));
    text.replaceWith(parts);
  }
}

/**
 * A comment's Markdown as safe HTML for `dangerouslySetInnerHTML`: parsed by `marked` (GFM) with raw
 * HTML escaped as text, then sanitized by DOMPurify to Markdown's tags only (no script, style,
 * iframe, img, event handlers or `javascript:` URLs). Links open in a new tab without an opener.
 * `mentionNames` (the names of the members the comment's `mentionIds` resolved to) are marked as
 * `<span class="mention">@Name</span>`, built as DOM nodes after sanitizing.
 */
export function renderMarkdown(source: string, mentionNames: readonly string[] = []): string {
  const html = marked.parse(source, { async: false });
  const fragment = DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, RETURN_DOM_FRAGMENT: true });
  for (const a of fragment.querySelectorAll('a')) {
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer nofollow');
  }
  markMentions(fragment, mentionNames);
  const box = fragment.ownerDocument.createElement('div');
  box.append(fragment);
  return box.innerHTML;
}
