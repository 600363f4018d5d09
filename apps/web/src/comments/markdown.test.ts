// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('renders Markdown: emphasis, lists, code, links (opening in a new tab without opener)', () => {
    const html = renderMarkdown('**bold** _it_ `code`\n\n- one\n- two\n\n[site](https://example.com)');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>it</em>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>one</li>');
    const link = new DOMParser().parseFromString(html, 'text/html').querySelector('a');
    expect([link?.getAttribute('href'), link?.getAttribute('target'), link?.getAttribute('rel'), link?.textContent]).toEqual(['https://example.com', '_blank', 'noopener noreferrer nofollow', 'site']);
  });

  it('shows raw HTML as text and never renders a script, an event handler, an image or an iframe', () => {
    for (const attack of ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<iframe src="https://evil.test"></iframe>', '<b onclick="alert(1)">x</b>', '<style>body{display:none}</style>']) {
      const html = renderMarkdown(`before ${attack} after`);
      const dom = new DOMParser().parseFromString(html, 'text/html');
      expect(dom.querySelectorAll('script, img, iframe, style, b').length).toBe(0);
      expect(html).not.toMatch(/<(script|img|iframe|style)\b/i);
      const handlers = [...dom.body.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name)).filter((name) => name.startsWith('on'));
      expect(handlers).toEqual([]);
      expect(dom.body.textContent).toContain(attack.slice(0, 6));
    }
  });

  it('drops javascript: and data: links but keeps their text', () => {
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>']) {
      const html = renderMarkdown(`[click](${href})`);
      expect(html.toLowerCase()).not.toContain('javascript:');
      expect(html).not.toContain('data:text');
      expect(html).toContain('click');
    }
  });

  it('drops Markdown images (no tracking pixels)', () => {
    expect(renderMarkdown('![x](https://tracker.test/p.gif)')).not.toContain('<img');
  });
});

describe('renderMarkdown mentions', () => {
  it('marks @Name of the given members (longest first, ignoring case), not in code, links, emails or longer words', () => {
    const html = renderMarkdown('Hi @ann lee and @Bob, not `@Bob` nor bob@Bob.com nor @Bobby', ['Ann Lee', 'Ann', 'Bob']);
    const dom = new DOMParser().parseFromString(html, 'text/html');
    expect([...dom.querySelectorAll('span.mention')].map((s) => s.textContent)).toEqual(['@ann lee', '@Bob']);
    expect(dom.querySelector('code')?.textContent).toBe('@Bob');
  });

  it('cannot be used to inject markup through a member name', () => {
    const html = renderMarkdown('@<img src=x onerror=alert(1)>', ['<img src=x onerror=alert(1)>']);
    expect(new DOMParser().parseFromString(html, 'text/html').querySelectorAll('img').length).toBe(0);
  });
});
