import { describe, expect, it } from '@jest/globals';
import type { NotifiedWrite } from '../events/board-notifier.js';
import { selectNotifications } from './board-notifier.adapter.js';

const write = (intents: NotifiedWrite['intents']): NotifiedWrite => ({ boardId: 'b', actorId: 'actor', seq: 3, intents });

describe('selectNotifications', () => {
  it('drops the actor and non-members, keeps one per user with the strongest kind', () => {
    const out = selectNotifications(
      write([
        { userId: 'actor', kind: 'assigned', taskId: 't' },
        { userId: 'stranger', kind: 'assigned', taskId: 't' },
        { userId: 'ann', kind: 'commented', taskId: 't', commentId: 'c' },
        { userId: 'ann', kind: 'mentioned', taskId: 't', commentId: 'c' },
        { userId: 'bob', kind: 'assigned', taskId: 't' },
      ]),
      new Set(['actor', 'ann', 'bob']),
    );
    expect(out).toEqual([
      { userId: 'ann', kind: 'mentioned', taskId: 't', commentId: 'c' },
      { userId: 'bob', kind: 'assigned', taskId: 't', commentId: null },
    ]);
  });

  it('sends `invited` only to non-members', () => {
    const intents = [{ userId: 'ann', kind: 'invited' as const, taskId: null }];
    expect(selectNotifications(write(intents), new Set())).toEqual([{ userId: 'ann', kind: 'invited', taskId: null, commentId: null }]);
    expect(selectNotifications(write(intents), new Set(['ann']))).toEqual([]);
  });
});
