import { describe, expect, it } from '@jest/globals';
import type { AnyBoardEvent, BoardSnapshot } from '@tasklane/contracts';
import { applyEvent, cloneState, normalizeState } from './board-state.js';

// Member events carry no email (every member receives them; only owners' snapshots have emails).
const boardId = '00000000-0000-4000-8000-00000000000b';
const T = new Date(0).toISOString();
const ownerSnapshot = (): BoardSnapshot => ({
  id: boardId,
  name: 'b',
  description: '',
  seq: 1,
  version: 1,
  createdAt: T,
  updatedAt: T,
  role: 'owner',
  columns: [],
  tasks: [],
  members: [{ userId: 'u1', email: 'u1@example.test', name: 'U1', role: 'viewer', addedAt: T }],
});
const event = (seq: number, type: 'member.added' | 'member.updated', userId: string, role: 'viewer' | 'editor'): AnyBoardEvent =>
  ({ boardId, seq, type, actorId: userId, occurredAt: T, data: { userId, name: userId.toUpperCase(), role, addedAt: T } }) as AnyBoardEvent;

describe('applyEvent for member events', () => {
  it('adds a member without email and keeps the email an owner’s snapshot had when a member is updated', () => {
    const state = applyEvent(applyEvent(cloneState(ownerSnapshot()), event(2, 'member.updated', 'u1', 'editor')), event(3, 'member.added', 'u2', 'viewer'));
    expect(state.members).toEqual([
      { userId: 'u1', email: 'u1@example.test', name: 'U1', role: 'editor', addedAt: T },
      { userId: 'u2', name: 'U2', role: 'viewer', addedAt: T },
    ]);
    expect(state.seq).toBe(3);
  });

  it('compares states without the caller-specific role and emails (normalizeState)', () => {
    const asOwner = ownerSnapshot();
    const asViewer: BoardSnapshot = { ...ownerSnapshot(), role: 'viewer', members: [{ userId: 'u1', name: 'U1', role: 'viewer', addedAt: T }] };
    expect(normalizeState(asOwner)).toEqual(normalizeState(asViewer));
    expect(normalizeState(asOwner).members).toEqual([{ userId: 'u1', name: 'U1', role: 'viewer', addedAt: T }]);
  });
});
