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

/**
 * A comment's Markdown as safe HTML for `dangerouslySetInnerHTML`: parsed by `marked` (GFM) with raw
 * HTML escaped as text, then sanitized by DOMPurify to Markdown's tags only (no script, style,
 * iframe, img, event handlers or `javascript:` URLs). Links open in a new tab without an opener.
 */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false });
  const clean = DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false });
  // target/rel are added after sanitizing, on links that DOMPurify kept.
  return clean.replace(/<a href=/g, '<a target="_blank" rel="noopener noreferrer nofollow" href=');
}
