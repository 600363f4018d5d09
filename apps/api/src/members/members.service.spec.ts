import { describe, expect, it, jest } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import type { BoardEventsService, WriteContext, WriteOutcome } from '../events/board-events.service.js';
import type { BoardAccessService } from './board-access.service.js';
import type { MemberRow } from './members.dto.js';
import type { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';

// The membership rules with our own repository mocked and the event stream stubbed; the real
// transaction and authorization paths are covered by members.e2e-spec.ts.
const BOARD = '00000000-0000-4000-8000-00000000000b';
const OWNER = '00000000-0000-4000-8000-00000000000a';
const tx = {} as EntityManager;
const member = (userId: string, role: MemberRow['role']): MemberRow => ({ user_id: userId, email: `${userId}@x`, name: userId, role, added_at: new Date(0) });

function setup(repo: Partial<Record<keyof MembersRepository, unknown>>) {
  const required: string[] = [];
  const events = {
    write: jest.fn(async (_b: string, _u: string, role: string, work: (ctx: WriteContext) => Promise<WriteOutcome<unknown>>) => {
      required.push(role);
      const outcome = await work({ tx, role: 'owner', seq: 0 });
      return { result: outcome.result, event: outcome.event, replayed: false };
    }),
  } as unknown as BoardEventsService;
  return { service: new MembersService(repo as unknown as MembersRepository, events, {} as BoardAccessService), required };
}

describe('MembersService', () => {
  it('keeps at least one owner: demoting or removing the last one is LAST_OWNER', async () => {
    const del = jest.fn();
    const { service } = setup({ find: async () => member(OWNER, 'owner'), hasOtherOwner: async () => false, updateRole: jest.fn(), delete: del });
    await expect(service.updateRole(BOARD, OWNER, OWNER, 'editor')).rejects.toMatchObject({ code: 'LAST_OWNER' });
    await expect(service.remove(BOARD, OWNER, OWNER)).rejects.toMatchObject({ code: 'LAST_OWNER' });
    expect(del).not.toHaveBeenCalled();
  });

  it('lets any member remove themselves, but only owners remove others', async () => {
    const { service, required } = setup({ find: async (_t: EntityManager, _b: string, id: string) => member(id, 'viewer'), delete: jest.fn() });
    await service.remove(BOARD, 'u1', 'u1');
    await service.remove(BOARD, OWNER, 'u1');
    expect(required).toEqual(['viewer', 'owner']);
  });

  it('adds by email: unknown email is USER_NOT_FOUND, an existing member ALREADY_MEMBER', async () => {
    const unknown = setup({ userIdByEmail: async () => null });
    await expect(unknown.service.add(BOARD, OWNER, { email: 'x@y', role: 'editor' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    const twice = setup({ userIdByEmail: async () => 'u1', insert: async () => false });
    await expect(twice.service.add(BOARD, OWNER, { email: 'x@y', role: 'editor' })).rejects.toMatchObject({ code: 'ALREADY_MEMBER' });
    const ok = setup({ userIdByEmail: async () => 'u1', insert: async () => true, find: async () => member('u1', 'editor') });
    await expect(ok.service.add(BOARD, OWNER, { email: 'x@y', role: 'editor' })).resolves.toMatchObject({ event: { type: 'member.added', data: { userId: 'u1', role: 'editor' } } });
  });
});
