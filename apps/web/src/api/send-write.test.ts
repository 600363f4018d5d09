import { describe, expect, it } from 'vitest';
import { TasklaneHttpError } from '@tasklane/client';
import { sendWrite } from './send-write.js';

const http = (status: number, message?: string) =>
  new TasklaneHttpError(status, message === undefined ? undefined : ({ statusCode: status, code: 'X', message, requestId: 'r' } as never), 'POST', '/x');

/** The problem lines shown, in order. */
function recorder() {
  const shown: (string | null)[] = [];
  return { shown, show: (problem: string | null) => void shown.push(problem) };
}

describe('sendWrite', () => {
  it('clears the problem line, sends with an Idempotency-Key and gives the answer', async () => {
    const { shown, show } = recorder();
    const keys: string[] = [];
    const sent = await sendWrite('Posting the comment', async (headers) => (keys.push(headers['Idempotency-Key']), 42), show);
    expect(sent).toEqual({ ok: true, value: 42 });
    expect(shown).toEqual([null]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends a transient failure again with the same key', async () => {
    const keys: string[] = [];
    const sent = await sendWrite('Saving', async (headers) => {
      keys.push(headers['Idempotency-Key']);
      if (keys.length === 1) throw http(503);
      return 'done';
    }, () => undefined);
    expect(sent).toEqual({ ok: true, value: 'done' });
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('shows "… failed." with the reason, and never rejects', async () => {
    const { shown, show } = recorder();
    const error = http(409, 'Name already taken');
    const sent = await sendWrite('Renaming the board', () => Promise.reject(error), show);
    expect(sent).toEqual({ ok: false, error });
    expect(shown).toEqual([null, 'Renaming the board failed. Name already taken.']);
  });

  it("shows explain's sentence instead, or nothing when it gives null", async () => {
    const gone = http(404, 'Not found');
    const a = recorder();
    await sendWrite('Revoking', () => Promise.reject(gone), a.show, () => 'It was already revoked.');
    expect(a.shown).toEqual([null, 'It was already revoked.']);
    const b = recorder();
    const sent = await sendWrite('Deleting', () => Promise.reject(gone), b.show, () => null);
    expect(sent.ok).toBe(false);
    expect(b.shown).toEqual([null]);
    const c = recorder();
    await sendWrite('Deleting', () => Promise.reject(http(403, 'Forbidden')), c.show, () => undefined);
    expect(c.shown).toEqual([null, 'Deleting failed. Forbidden.']);
  });
});
