/**
 * Refresh-token families: the pure rules of rotation and reuse detection (IETF OAuth 2.0 Security
 * Best Current Practice, RFC 9700 §4.14.2, "refresh token rotation"). A login starts a family (an
 * `auth_sessions` row); each refresh revokes the presented token and issues its successor in the
 * same family. A revoked token of a live family can only have been rotated already, so whoever
 * presents it holds a copy (an attacker, or the victim after the attacker refreshed first): the
 * whole family is revoked, and the legitimate client logs in again.
 */

/** A refresh token and its family as stored. */
export interface RefreshTokenState {
  tokenId: string;
  sessionId: string;
  userId: string;
  tokenExpiresAt: Date;
  tokenRevokedAt: Date | null;
  sessionExpiresAt: Date;
  sessionRevokedAt: Date | null;
}

/** What presenting a refresh token leads to. */
export type RefreshDecision =
  | { kind: 'rotate'; state: RefreshTokenState }
  | { kind: 'reuse'; state: RefreshTokenState }
  | { kind: 'invalid'; why: 'unknown' | 'session_revoked' | 'session_expired' | 'token_expired' };

/**
 * Decides what a presented refresh token leads to, in this order: unknown → invalid; family
 * revoked → invalid (nothing left to revoke); family past its absolute end → invalid; token already
 * revoked (rotated) in a live family → reuse; token past its own expiry → invalid; else rotate.
 * @param now the time to judge expiry at (expiry is exclusive: a token is dead at its `expiresAt`)
 */
export function decideRefresh(state: RefreshTokenState | null, now: Date): RefreshDecision {
  if (!state) return { kind: 'invalid', why: 'unknown' };
  if (state.sessionRevokedAt) return { kind: 'invalid', why: 'session_revoked' };
  if (state.sessionExpiresAt <= now) return { kind: 'invalid', why: 'session_expired' };
  if (state.tokenRevokedAt) return { kind: 'reuse', state };
  if (state.tokenExpiresAt <= now) return { kind: 'invalid', why: 'token_expired' };
  return { kind: 'rotate', state };
}

/**
 * Expiry of a newly issued refresh token: `idleTtlS` seconds from `now` (a session unused that
 * long ends), never past its family's absolute end, which rotation therefore cannot extend.
 */
export const nextTokenExpiry = (now: Date, idleTtlS: number, sessionExpiresAt: Date): Date =>
  new Date(Math.min(now.getTime() + idleTtlS * 1000, sessionExpiresAt.getTime()));
