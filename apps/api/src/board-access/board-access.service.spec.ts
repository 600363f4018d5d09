import { describe, expect, it } from '@jest/globals';
import type { BoardRole } from '@tasklane/contracts';
import { AppError } from '../errors/app-error.js';
import type { ConfigService } from '@nestjs/config';
import type { EntityManager } from 'typeorm';
import type { Env } from '../config/env.schema.js';
import { assertRole, BoardAccessService } from './board-access.service.js';
import type { BoardMembersRepository } from './board-members.repository.js';

const ROLES: BoardRole[] = ['viewer', 'editor', 'owner'];

/** The code assertRole throws, or 'ok' with the returned role. */
const outcome = (role: BoardRole | null, required: BoardRole): string => {
  try {
    const result = assertRole(role, required);
    expect(result).toBe(role);
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).code;
  }
};

describe('assertRole', () => {
  it.each(ROLES)('answers BOARD_NOT_FOUND to a non-member (null role) whatever %s is required', (required) => {
    expect(outcome(null, required)).toBe('BOARD_NOT_FOUND');
  });

  it('allows a role at or above the requirement and forbids one below it', () => {
    const matrix = Object.fromEntries(ROLES.map((role) => [role, Object.fromEntries(ROLES.map((required) => [required, outcome(role, required)]))]));
    expect(matrix).toEqual({
      viewer: { viewer: 'ok', editor: 'FORBIDDEN', owner: 'FORBIDDEN' },
      editor: { viewer: 'ok', editor: 'ok', owner: 'FORBIDDEN' },
      owner: { viewer: 'ok', editor: 'ok', owner: 'ok' },
    });
  });

  it('says which role was needed in the FORBIDDEN message', () => {
    expect(() => assertRole('viewer', 'owner')).toThrow(/owner/);
  });
});

describe('BoardAccessService.requireUnderLock', () => {
  /** A service over a stubbed repository whose roles come from `roles` (`<board>:<user>` → role), counting reads. */
  function service(roles: Map<string, BoardRole>) {
    const reads: string[] = [];
    const members = {
      roleOf: async (boardId: string, userId: string) => (reads.push(`${boardId}:${userId}`), roles.get(`${boardId}:${userId}`) ?? null),
      insert: async () => null,
      updateRole: async () => undefined,
      delete: async () => undefined,
      deleteAll: async () => undefined,
    } as unknown as BoardMembersRepository;
    const config = { getOrThrow: () => 'off' } as unknown as ConfigService<Env, true>;
    return { access: new BoardAccessService(members, config), reads };
  }
  const tx = () => ({}) as EntityManager;

  it('reads a user’s role once per transaction and board, and again in another transaction', async () => {
    const { access, reads } = service(new Map([['b1:u1', 'editor'], ['b2:u1', 'viewer']]));
    const first = tx();
    await expect(access.requireUnderLock(first, 'b1', 'u1', 'editor')).resolves.toBe('editor');
    await expect(access.requireUnderLock(first, 'b1', 'u1', 'viewer')).resolves.toBe('editor');
    await expect(access.requireUnderLock(first, 'b2', 'u1', 'editor')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(access.requireUnderLock(first, 'b2', 'u1', 'editor')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(access.requireUnderLock(first, 'b1', 'u2', 'viewer')).rejects.toMatchObject({ code: 'BOARD_NOT_FOUND' });
    await expect(access.requireUnderLock(first, 'b1', 'u2', 'viewer')).rejects.toMatchObject({ code: 'BOARD_NOT_FOUND' });
    expect(reads).toEqual(['b1:u1', 'b2:u1', 'b1:u2']);
    await access.requireUnderLock(tx(), 'b1', 'u1', 'editor');
    expect(reads).toEqual(['b1:u1', 'b2:u1', 'b1:u2', 'b1:u1']);
  });

  it.each([
    ['add', (a: BoardAccessService, t: EntityManager) => a.add(t, 'b1', 'u2', 'viewer')],
    ['setRole', (a: BoardAccessService, t: EntityManager) => a.setRole(t, 'b1', 'u1', 'viewer')],
    ['remove', (a: BoardAccessService, t: EntityManager) => a.remove(t, 'b1', 'u1')],
    ['removeAll', (a: BoardAccessService, t: EntityManager) => a.removeAll(t, 'b1')],
  ])('reads the role again after %s in the same transaction, and only in that one', async (_name, change) => {
    const roles = new Map<string, BoardRole>([['b1:u1', 'editor']]);
    const { access, reads } = service(roles);
    const changed = tx();
    const other = tx();
    await access.requireUnderLock(changed, 'b1', 'u1', 'editor');
    await access.requireUnderLock(other, 'b1', 'u1', 'editor');
    await change(access, changed);
    roles.set('b1:u1', 'viewer');
    await expect(access.requireUnderLock(changed, 'b1', 'u1', 'editor')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(access.requireUnderLock(other, 'b1', 'u1', 'editor')).resolves.toBe('editor');
    expect(reads).toEqual(['b1:u1', 'b1:u1', 'b1:u1']);
  });
});
