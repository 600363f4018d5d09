import { describe, expect, it } from 'vitest';
import { isSearchShortcut, snippetParts } from './snippet.js';

describe('snippetParts', () => {
  it('splits on the marks and decodes the escaped text', () => {
    expect(snippetParts('a &lt;b&gt; <mark>deploy</mark> &amp; <mark>x</mark>')).toEqual([
      { text: 'a <b> ', mark: false },
      { text: 'deploy', mark: true },
      { text: ' & ', mark: false },
      { text: 'x', mark: true },
    ]);
  });

  it('keeps anything that looks like markup as text', () => {
    expect(snippetParts('&lt;script&gt;alert(1)&lt;/script&gt;')).toEqual([{ text: '<script>alert(1)</script>', mark: false }]);
  });
});

describe('isSearchShortcut', () => {
  const key = (k: string, tagName = 'BODY') => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: { tagName } as unknown as EventTarget });
  it('is `/` outside text fields only', () => {
    expect(isSearchShortcut(key('/'))).toBe(true);
    expect(isSearchShortcut(key('/', 'INPUT'))).toBe(false);
    expect(isSearchShortcut(key('/', 'TEXTAREA'))).toBe(false);
    expect(isSearchShortcut(key('a'))).toBe(false);
    expect(isSearchShortcut({ ...key('/'), ctrlKey: true })).toBe(false);
  });
});
