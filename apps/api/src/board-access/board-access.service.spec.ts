import { describe, expect, it } from '@jest/globals';
import type { BoardRole } from '@tasklane/contracts';
import { AppError } from '../errors/app-error.js';
import { assertRole } from './board-access.service.js';

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
