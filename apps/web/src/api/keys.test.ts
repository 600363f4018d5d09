import { describe, expect, it } from 'vitest';
import { isTransient, newIdempotencyKey, withRetries } from './keys.js';

describe('Idempotency-Keys and retries', () => {
  it('makes distinct v4 UUIDs', () => {
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey));
    expect(keys.size).toBe(100);
    for (const k of keys) expect(k).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('retries transient failures with the same key, and not a 4xx', async () => {
    const seen: string[] = [];
    let calls = 0;
    const result = await withRetries('key-1', async (headers) => {
      seen.push(headers['Idempotency-Key']);
      if (++calls < 3) throw Object.assign(new Error('bad gateway'), { status: 502 });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(seen).toEqual(['key-1', 'key-1', 'key-1']);
    const refused = Object.assign(new Error('forbidden'), { status: 403 });
    let tries = 0;
    await expect(withRetries('k', async () => { tries++; throw refused; })).rejects.toBe(refused);
    expect(tries).toBe(1);
    expect(isTransient(new TypeError('fetch failed'))).toBe(true);
    expect(isTransient(new Error('other'))).toBe(false);
  });

  it("retries a browser's network failure, not a TypeError from a bug, and gives up after `attempts`", async () => {
    let network = 0;
    await expect(
      withRetries('k', async () => {
        if (++network < 2) throw new TypeError('Failed to fetch'); // Chrome's fetch() offline
        return 'ok';
      }),
    ).resolves.toBe('ok');
    expect(network).toBe(2);
    let bug = 0;
    const thrown = new TypeError('write is not a function');
    await expect(withRetries('k', async () => { bug++; throw thrown; })).rejects.toBe(thrown);
    expect(bug).toBe(1);
    let down = 0;
    await expect(withRetries('k', async () => { down++; throw Object.assign(new Error('unavailable'), { status: 503 }); }, 2)).rejects.toMatchObject({ status: 503 });
    expect(down).toBe(2);
  });
});
