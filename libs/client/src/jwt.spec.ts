import { describe, expect, it } from '@jest/globals';
import { jwtExpiresAt } from './jwt.js';

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: object) => `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.signature`;

describe('jwtExpiresAt', () => {
  it('reads exp (seconds) as epoch milliseconds without verifying the signature', () => {
    expect(jwtExpiresAt(jwt({ sub: 'u', exp: 1_900_000_000 }))).toBe(1_900_000_000_000);
    // payloads whose base64url needs padding and uses - and _
    expect(jwtExpiresAt(jwt({ sub: '>>>???', exp: 1, x: 'ÿÿ' }))).toBe(1000);
  });

  it('is null for anything else: API tokens, malformed tokens, a missing or non-numeric exp', () => {
    for (const token of [undefined, '', 'tl_abcdef', 'a.b', 'a.b.c.d', `x.${b64url({ sub: 'u' })}.y`, `x.${b64url({ exp: '1' })}.y`, 'x.!!!.y']) expect(jwtExpiresAt(token)).toBeNull();
  });
});
