import { describe, expect, it } from '@jest/globals';
import { decideRefresh, nextTokenExpiry, type RefreshTokenState } from './token-families.js';

const NOW = new Date('2030-01-01T12:00:00Z');
const at = (s: number) => new Date(NOW.getTime() + s * 1000);
const state = (over: Partial<RefreshTokenState> = {}): RefreshTokenState => ({
  tokenId: 't',
  sessionId: 's',
  userId: 'u',
  tokenExpiresAt: at(3600),
  tokenRevokedAt: null,
  sessionExpiresAt: at(7200),
  sessionRevokedAt: null,
  ...over,
});

describe('decideRefresh', () => {
  it('rotates a live token of a live family', () => {
    const s = state();
    expect(decideRefresh(s, NOW)).toEqual({ kind: 'rotate', state: s });
  });

  it('treats a revoked (rotated) token of a live family as reuse', () => {
    const s = state({ tokenRevokedAt: at(-10) });
    expect(decideRefresh(s, NOW)).toEqual({ kind: 'reuse', state: s });
    // even when the rotated token would also have expired by now: it is still proof of a copy
    expect(decideRefresh(state({ tokenRevokedAt: at(-10), tokenExpiresAt: at(-1) }), NOW)).toMatchObject({ kind: 'reuse' });
  });

  it('refuses without further action: unknown token, revoked family, family past its absolute end, token past its own expiry', () => {
    expect(decideRefresh(null, NOW)).toEqual({ kind: 'invalid', why: 'unknown' });
    expect(decideRefresh(state({ sessionRevokedAt: at(-5), tokenRevokedAt: at(-5) }), NOW)).toEqual({ kind: 'invalid', why: 'session_revoked' });
    expect(decideRefresh(state({ sessionRevokedAt: at(-5) }), NOW)).toEqual({ kind: 'invalid', why: 'session_revoked' });
    expect(decideRefresh(state({ sessionExpiresAt: at(-1) }), NOW)).toEqual({ kind: 'invalid', why: 'session_expired' });
    // a rotated token of an ended family is no reason to revoke anything any more
    expect(decideRefresh(state({ sessionExpiresAt: at(-1), tokenRevokedAt: at(-100) }), NOW)).toEqual({ kind: 'invalid', why: 'session_expired' });
    expect(decideRefresh(state({ tokenExpiresAt: at(-1) }), NOW)).toEqual({ kind: 'invalid', why: 'token_expired' });
  });

  it('counts expiry as exclusive: dead at exactly expiresAt', () => {
    expect(decideRefresh(state({ tokenExpiresAt: NOW }), NOW)).toEqual({ kind: 'invalid', why: 'token_expired' });
    expect(decideRefresh(state({ sessionExpiresAt: NOW }), NOW)).toEqual({ kind: 'invalid', why: 'session_expired' });
  });
});

describe('nextTokenExpiry', () => {
  it('is the idle lifetime from now, but never past the family’s absolute end (rotation does not extend a session)', () => {
    expect(nextTokenExpiry(NOW, 60, at(7200))).toEqual(at(60));
    expect(nextTokenExpiry(NOW, 30 * 24 * 3600, at(7200))).toEqual(at(7200));
    expect(nextTokenExpiry(at(7100), 3600, at(7200))).toEqual(at(7200));
  });
});
