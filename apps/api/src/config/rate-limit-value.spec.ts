import { describe, expect, it } from '@jest/globals';
import { parseRateLimit, parseTrustProxy } from './rate-limit-value.js';

describe('parseRateLimit', () => {
  it.each([
    ['10/15m', 10, 900_000],
    ['20/1s', 20, 1_000],
    ['5/1h', 5, 3_600_000],
    ['1/24h', 1, 86_400_000],
    [' 30/1m ', 30, 60_000],
  ])('reads %s as %i per %i ms', (raw, count, windowMs) => {
    expect(parseRateLimit(raw)).toEqual({ count, windowMs });
  });

  it.each(['', '10', '10/', '/1m', '10/1', '10/1d', '10/0s', '0/1m', '-1/1m', '1.5/1m', '10/15 m', '10/25h', '10/1ms', 'ten/1m'])('refuses %j', (raw) => {
    expect(parseRateLimit(raw)).toBeNull();
  });
});

describe('parseTrustProxy', () => {
  it('reads off, hop counts and address lists', () => {
    expect(parseTrustProxy('off')).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('loopback')).toEqual(['loopback']);
    expect(parseTrustProxy('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,uniquelocal')).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', 'uniquelocal']);
  });

  it.each(['true', 'all', '10.0.0.0/33', '10.0.0/8', 'nginx', '127.0.0.1/8/2', '', ','])('refuses %j', (raw) => {
    expect(parseTrustProxy(raw)).toBeUndefined();
  });
});
