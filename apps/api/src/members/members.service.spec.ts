import { describe, expect, it, jest } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import type { MemberView, UserView } from '@tasklane/contracts';
import type { BoardEventsService, WriteContext, WriteOutcome } from '../events/board-events.service.js';
import type { AuditLog } from '../audit/audit-log.service.js';
import type { UsersService } from '../users/users.service.js';
import type { BoardAccessService } from '../board-access/board-access.service.js';
import { MembersService } from './members.service.js';

// The membership rules with BoardAccessService's record operations mocked and the event stream stubbed; the real
// transaction and authorization paths are covered by members.e2e-spec.ts.
const BOARD = '00000000-0000-4000-8000-00000000000b';
const OWNER = '00000000-0000-4000-8000-00000000000a';
const tx = {} as EntityManager;
const member = (userId: string, role: MemberView['role']) => ({ userId, role, addedAt: new Date(0).toISOString() });
const user = (id: string): UserView => ({ id, email: `${id}@x`, name: id, createdAt: new Date(0).toISOString() });

function setup(access: Partial<Record<keyof BoardAccessService, unknown>>, byEmail: UserView | null = null) {
  const required: string[] = [];
  const emitted: WriteOutcome<unknown>['event'][] = [];
  const events = {
    write: jest.fn(async (_b: string, _u: string, role: string, work: (ctx: WriteContext) => Promise<WriteOutcome<unknown>>) => {
      required.push(role);
      const outcome = await work({ tx, seq: 1 });
      emitted.push(outcome.event);
      return outcome.result;
    }),
  } as unknown as BoardEventsService;
  const users = {
    findByEmail: async () => byEmail,
    findByIds: async (ids: string[]) => new Map(ids.map((id) => [id, user(id)])),
  } as unknown as UsersService;
  const service = new MembersService({} as DataSource, users, events, access as unknown as BoardAccessService, { record: () => undefined } as unknown as AuditLog);
  return { service, required, emitted };
}

describe('MembersService', () => {
  it('keeps at least one owner: demoting or removing the last one is LAST_OWNER', async () => {
    const del = jest.fn();
    const { service } = setup({ find: async () => member(OWNER, 'owner'), hasOtherOwner: async () => false, setRole: jest.fn(), remove: del });
    await expect(service.updateRole(BOARD, OWNER, OWNER, 'editor')).rejects.toMatchObject({ code: 'LAST_OWNER' });
    await expect(service.remove(BOARD, OWNER, OWNER)).rejects.toMatchObject({ code: 'LAST_OWNER' });
    expect(del).not.toHaveBeenCalled();
  });

  it('lets any member remove themselves, but only owners remove others', async () => {
    const { service, required } = setup({ find: async (_t: EntityManager, _b: string, id: string) => member(id, 'viewer'), remove: jest.fn() });
    await service.remove(BOARD, 'u1', 'u1');
    await service.remove(BOARD, OWNER, 'u1');
    expect(required).toEqual(['viewer', 'owner']);
  });

  it('adds by email: unknown email is USER_NOT_FOUND, an existing member ALREADY_MEMBER', async () => {
    const unknown = setup({});
    await expect(unknown.service.add(BOARD, OWNER, { email: 'x@y', role: 'editor' })).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
    const twice = setup({ add: async () => null }, user('u1'));
    await expect(twice.service.add(BOARD, OWNER, { email: 'u1@x', role: 'editor' })).rejects.toMatchObject({ code: 'ALREADY_MEMBER' });
    const ok = setup({ add: async () => member('u1', 'editor') }, user('u1'));
    await expect(ok.service.add(BOARD, OWNER, { email: 'u1@x', role: 'editor' })).resolves.toMatchObject({ userId: 'u1', role: 'editor', email: 'u1@x', name: 'u1' });
    expect(ok.emitted).toEqual([{ type: 'member.added', data: expect.objectContaining({ userId: 'u1', role: 'editor' }) }]);
  });
});
