import { describe, expect, it } from '@jest/globals';
import { resolveMentions } from './mentions.js';

const ANN = { userId: 'ann', name: 'Ann' };
const ANN_LEE = { userId: 'ann-lee', name: 'Ann Lee' };
const BOB = { userId: 'bob', name: 'Bob' };
const ZOE = { userId: 'zoe', name: 'Zoë Ünal' };

describe('resolveMentions', () => {
  it('resolves @Name of members, ignoring case, in order of first mention, each once', () => {
    expect(resolveMentions('@bob and @ANN, then @Bob again', [ANN, BOB])).toEqual(['bob', 'ann']);
  });

  it('prefers the longest matching name and handles names with spaces and non-ASCII letters', () => {
    expect(resolveMentions('ping @Ann Lee please', [ANN, ANN_LEE])).toEqual(['ann-lee']);
    expect(resolveMentions('ping @Ann, please', [ANN, ANN_LEE])).toEqual(['ann']);
    expect(resolveMentions('@zoë ünal: done?', [ZOE])).toEqual(['zoe']);
  });

  it('treats emails, longer words and non-members as plain text', () => {
    expect(resolveMentions('mail ann@example.com', [ANN])).toEqual([]);
    expect(resolveMentions('@Annabel is not Ann', [ANN])).toEqual([]);
    expect(resolveMentions('@Carol is not on the board', [ANN, BOB])).toEqual([]);
    expect(resolveMentions('no mentions at all @', [ANN])).toEqual([]);
  });

  it('mentions every member sharing the matched name', () => {
    expect(resolveMentions('@Ann', [ANN, { userId: 'ann2', name: 'ann' }])).toEqual(['ann', 'ann2']);
  });

  it('accepts mentions after punctuation and Markdown', () => {
    expect(resolveMentions('**@Bob**, (@Ann)', [ANN, BOB])).toEqual(['bob', 'ann']);
  });
});
