import { describe, expect, it } from 'vitest';
import { completeMention, mentionCandidates, mentionQuery } from './mention-complete.js';

describe('mention completion', () => {
  it('finds the @query before the caret only where the server would see a mention', () => {
    expect(mentionQuery('Hi @an', 6)).toEqual({ at: 3, query: 'an' });
    expect(mentionQuery('@', 1)).toEqual({ at: 0, query: '' });
    expect(mentionQuery('(@Ann Le', 8)).toEqual({ at: 1, query: 'Ann Le' });
    expect(mentionQuery('mail ann@ex', 11)).toBeNull();
    expect(mentionQuery('@ann\nnext', 9)).toBeNull();
    expect(mentionQuery('@ nobody', 8)).toBeNull();
    expect(mentionQuery('no at sign', 10)).toBeNull();
  });

  it('lists members starting with the query first, then containing it, up to the limit', () => {
    const members = [{ name: 'Joanna' }, { name: 'Ann Lee' }, { name: 'Anna' }, { name: 'Bob' }];
    expect(mentionCandidates(members, 'an').map((m) => m.name)).toEqual(['Ann Lee', 'Anna', 'Joanna']);
    expect(mentionCandidates(members, '', 2).map((m) => m.name)).toEqual(['Joanna', 'Ann Lee']);
  });

  it('replaces the typed mention with @Name and a space, keeping the text after the caret', () => {
    expect(completeMention('Hi @an, ok', 6, { at: 3, query: 'an' }, 'Ann Lee')).toEqual({ text: 'Hi @Ann Lee , ok', caret: 12 });
  });
});
