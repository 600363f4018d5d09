import { describe, expect, it } from '@jest/globals';
import { AppError } from '../errors/app-error.js';
import { assertStrongPassword } from './password-policy.js';

const ada = { email: 'ada.lovelace@example.com', name: 'Ada Lovelace' };
const failure = (password: string, field?: string): AppError => {
  try {
    assertStrongPassword(password, ada, field);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`accepted ${password}`);
};

describe('assertStrongPassword', () => {
  it('accepts passphrases of uncommon words (the e2e fixtures’ TEST_PASSWORD included)', () => {
    for (const p of ['correct horse battery', 'Tasklane-e2e-pa55phrase!', 'orbit velvet cactus lantern']) expect(() => assertStrongPassword(p, ada)).not.toThrow();
  });

  it('refuses common passwords, keyboard walks and repeats with VALIDATION_FAILED naming the field and the reason', () => {
    for (const p of ['password123', 'qwertyuiop12', 'aaaaaaaaaaaa', '1234567890']) {
      const error = failure(p);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual([{ field: 'password', errors: expect.arrayContaining([expect.stringMatching(/^is too easy to guess \(strength [0-2] of 4, at least 3 needed\)$/)]) }]);
    }
    expect((failure('password123').details as { errors: string[] }[])[0].errors).toContain('This is a commonly used password.');
  });

  it('counts the user’s email and name as known words', () => {
    expect(() => assertStrongPassword('ada.lovelace1815', { email: 'someone@example.com', name: 'Someone' })).not.toThrow();
    expect((failure('ada.lovelace1815').details as { errors: string[] }[])[0].errors).toContain('There should not be any personal or page related data.');
    expect(failure('lovelace2024').code).toBe('VALIDATION_FAILED');
  });

  it('names the given field', () => {
    expect(failure('password123', 'newPassword').details).toEqual([{ field: 'newPassword', errors: expect.any(Array) }]);
  });
});
