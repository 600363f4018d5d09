import { describe, expect, it } from '@jest/globals';
import { snippetHtml, splitPrefix } from './search.service.js';

describe('splitPrefix', () => {
  it('takes the last plain word as a prefix', () => {
    expect(splitPrefix('deploy read')).toEqual({ rest: 'deploy ', prefix: 'read' });
    expect(splitPrefix('Rea')).toEqual({ rest: '', prefix: 'rea' });
    expect(splitPrefix('Überprüf')).toEqual({ rest: '', prefix: 'überprüf' });
    expect(splitPrefix("it's")).toEqual({ rest: '', prefix: 'its' });
  });

  it('leaves finished words, negations, phrases and `or` to websearch_to_tsquery', () => {
    for (const q of ['deploy ', 'deploy -draft', '"exact phrase"', 'a or', '"open phrase', '!!!']) expect(splitPrefix(q)).toEqual({ rest: q, prefix: null });
    expect(splitPrefix('a or rea')).toEqual({ rest: 'a ', prefix: 'rea' });
  });
});

describe('snippetHtml', () => {
  it('escapes all text and turns only the markers into <mark>', () => {
    expect(snippetHtml('<img src=x onerror=alert(1)> \u0001deploy\u0002 & "q"')).toBe('&lt;img src=x onerror=alert(1)&gt; <mark>deploy</mark> &amp; &quot;q&quot;');
  });
});
