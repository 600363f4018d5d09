import { describe, expect, it, jest } from '@jest/globals';
import type { DataSource, EntityManager } from 'typeorm';
import type { MemberView, UserView } from '@tasklane/contracts';
import type { BoardEventsService, WriteContext, WriteOutcome } from '../events/board-events.service.js';
import type { AuditLog } from '../audit/audit-log.service.js';
import type { UsersService } from '../users/users.service.js';
import type { BoardAccessService } from '../board-access/board-access.service.js';
import { MembersService } from './members.service.js';
import { ListMembersQueryDto } from './members.dto.js';

// The membership rules with BoardAccessService's record operations mocked and the event stream stubbed; the real
// transaction and authorization paths are covered by members.e2e-spec.ts.
const BOARD = '00000000-0000-4000-8000-00000000000b';
const OWNER = '00000000-0000-4000-8000-00000000000a';
const tx = {} as EntityManager;
const member = (userId: string, role: MemberView['role']) => ({ userId, role, addedAt: new Date(0).toISOString() });
const user = (id: string): UserView => ({ id, email: `${id}@x`, name: id, createdAt: new Date(0).toISOString() });

function setup(access: Partial<Record<keyof BoardAccessService, unknown>>) {
  const required: string[] = [];
  const emitted: WriteOutcome<unknown>['event'][] = [];
  const events = {
    write: jest.fn(async (_b: string, _u: string, role: string, work: (ctx: WriteContext) => Promise<WriteOutcome<unknown>>) => {
      required.push(role);
      const outcome = await work({ tx, seq: 1, webhookEnabled: () => undefined });
      emitted.push(outcome.event);
      return outcome.result;
    }),
  } as unknown as BoardEventsService;
  const users = {
    findByIds: async (ids: string[]) => new Map(ids.map((id) => [id, user(id)])),
  } as unknown as UsersService;
  const audit = { record: jest.fn() };
  const service = new MembersService({ manager: tx } as unknown as DataSource, users, events, access as unknown as BoardAccessService, audit as unknown as AuditLog);
  return { service, required, emitted, audit };
}

describe('MembersService', () => {
  it('keeps at least one owner: demoting or removing the last one is LAST_OWNER', async () => {
    const del = jest.fn();
    const { service } = setup({ find: async () => member(OWNER, 'owner'), hasOtherOwner: async () => false, setRole: jest.fn(), remove: del });
    await expect(service.updateRole(BOARD, OWNER, OWNER, 'editor', null)).rejects.toMatchObject({ code: 'LAST_OWNER' });
    await expect(service.remove(BOARD, OWNER, OWNER)).rejects.toMatchObject({ code: 'LAST_OWNER' });
    expect(del).not.toHaveBeenCalled();
  });

  it('lets any member remove themselves, but only owners remove others', async () => {
    const { service, required } = setup({ find: async (_t: EntityManager, _b: string, id: string) => member(id, 'viewer'), remove: jest.fn() });
    await service.remove(BOARD, 'u1', 'u1');
    await service.remove(BOARD, OWNER, 'u1');
    expect(required).toEqual(['viewer', 'owner']);
  });

  it('shows members’ emails to owners only, in lists and snapshots', async () => {
    const rows = [{ item: member(OWNER, 'owner'), key: { at: '2030-01-01T00:00:00.000000Z', id: OWNER } }];
    const listing = (role: MemberView['role']) => setup({ require: async () => role, list: async () => rows });
    for (const role of ['viewer', 'editor'] as const) {
      const { service } = listing(role);
      const page = await service.list(BOARD, 'u1', new ListMembersQueryDto());
      expect(page.items).toEqual([{ userId: OWNER, name: OWNER, role: 'owner', addedAt: expect.any(String) }]);
      await expect(service.listAll(tx, BOARD, role)).resolves.toEqual(page.items);
    }
    const { service } = listing('owner');
    expect((await service.list(BOARD, OWNER, new ListMembersQueryDto())).items).toEqual([expect.objectContaining({ userId: OWNER, email: `${OWNER}@x` })]);
    await expect(service.listAll(tx, BOARD, 'owner')).resolves.toEqual([expect.objectContaining({ email: `${OWNER}@x` })]);
  });

  it('answers a role change with the email (to the owner) but emits member.updated without it, and audits it with the request origin', async () => {
    const { service, emitted, audit } = setup({ find: async () => member('u1', 'viewer'), setRole: jest.fn() });
    const origin = { ip: '10.0.0.9', requestId: 'req-9' };
    await expect(service.updateRole(BOARD, OWNER, 'u1', 'editor', origin)).resolves.toEqual({ userId: 'u1', email: 'u1@x', name: 'u1', role: 'editor', addedAt: expect.any(String) });
    expect(emitted).toEqual([{ type: 'member.updated', data: { userId: 'u1', name: 'u1', role: 'editor', addedAt: expect.any(String) } }]);
    expect(audit.record).toHaveBeenCalledWith('member.role_changed', OWNER, origin, { boardId: BOARD, memberId: 'u1', role: 'editor' });
  });
});
