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
  replacedById: null,
  successorRevokedAt: null,
  ...over,
});
const GRACE_S = 30;

describe('decideRefresh', () => {
  it('rotates a live token of a live family', () => {
    const s = state();
    expect(decideRefresh(s, NOW, GRACE_S)).toEqual({ kind: 'rotate', state: s });
  });

  it('treats a revoked (rotated) token of a live family as reuse', () => {
    const s = state({ tokenRevokedAt: at(-10) });
    expect(decideRefresh(s, NOW, GRACE_S)).toEqual({ kind: 'reuse', state: s });
    // even when the rotated token would also have expired by now: it is still proof of a copy
    expect(decideRefresh(state({ tokenRevokedAt: at(-10), tokenExpiresAt: at(-1) }), NOW, GRACE_S)).toMatchObject({ kind: 'reuse' });
  });

  it('treats a token rotated less than the grace window ago into a still unused successor as a retry (a lost answer)', () => {
    const s = state({ tokenRevokedAt: at(-10), replacedById: 't2' });
    expect(decideRefresh(s, NOW, GRACE_S)).toEqual({ kind: 'retry', state: s });
    // the window is exclusive, and 0 turns it off
    expect(decideRefresh(state({ tokenRevokedAt: at(-GRACE_S), replacedById: 't2' }), NOW, GRACE_S)).toMatchObject({ kind: 'reuse' });
    expect(decideRefresh(state({ tokenRevokedAt: at(-GRACE_S + 0.001), replacedById: 't2' }), NOW, GRACE_S)).toMatchObject({ kind: 'retry' });
    expect(decideRefresh(s, NOW, 0)).toMatchObject({ kind: 'reuse' });
    // a rotated token that has reached its own expiry since is still a retry inside the window (the session is what must be live)
    expect(decideRefresh(state({ tokenRevokedAt: at(-10), tokenExpiresAt: at(-1), replacedById: 't2' }), NOW, GRACE_S)).toMatchObject({ kind: 'retry' });
  });

  it('is reuse within the grace window once the successor was used, or for a token revoked without a successor (superseded)', () => {
    expect(decideRefresh(state({ tokenRevokedAt: at(-10), replacedById: 't2', successorRevokedAt: at(-5) }), NOW, GRACE_S)).toMatchObject({ kind: 'reuse' });
    expect(decideRefresh(state({ tokenRevokedAt: at(-1) }), NOW, GRACE_S)).toMatchObject({ kind: 'reuse' });
  });

  it('refuses without further action: unknown token, revoked family, family past its absolute end, token past its own expiry', () => {
    expect(decideRefresh(null, NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'unknown' });
    expect(decideRefresh(state({ sessionRevokedAt: at(-5), tokenRevokedAt: at(-5) }), NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'session_revoked' });
    expect(decideRefresh(state({ sessionRevokedAt: at(-5) }), NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'session_revoked' });
    expect(decideRefresh(state({ sessionExpiresAt: at(-1) }), NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'session_expired' });
    // a rotated token of an ended family is no reason to revoke anything any more
    expect(decideRefresh(state({ sessionExpiresAt: at(-1), tokenRevokedAt: at(-100) }), NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'session_expired' });
    // nor is a retry within the grace window of a revoked family
    expect(decideRefresh(state({ sessionRevokedAt: at(-1), tokenRevokedAt: at(-5), replacedById: 't2' }), NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'session_revoked' });
    expect(decideRefresh(state({ tokenExpiresAt: at(-1) }), NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'token_expired' });
  });

  it('counts expiry as exclusive: dead at exactly expiresAt', () => {
    expect(decideRefresh(state({ tokenExpiresAt: NOW }), NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'token_expired' });
    expect(decideRefresh(state({ sessionExpiresAt: NOW }), NOW, GRACE_S)).toEqual({ kind: 'invalid', why: 'session_expired' });
  });
});

describe('nextTokenExpiry', () => {
  it('is the idle lifetime from now, but never past the family’s absolute end (rotation does not extend a session)', () => {
    expect(nextTokenExpiry(NOW, 60, at(7200))).toEqual(at(60));
    expect(nextTokenExpiry(NOW, 30 * 24 * 3600, at(7200))).toEqual(at(7200));
    expect(nextTokenExpiry(at(7100), 3600, at(7200))).toEqual(at(7200));
  });
});
