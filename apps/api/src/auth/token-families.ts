/**
 * Refresh-token families: the pure rules of rotation and reuse detection (IETF OAuth 2.0 Security
 * Best Current Practice, RFC 9700 §4.14.2, "refresh token rotation"). A login starts a family (an
 * `auth_sessions` row); each refresh revokes the presented token and issues its successor in the
 * same family. A revoked token of a live family can only have been rotated already, so whoever
 * presents it holds a copy (an attacker, or the victim after the attacker refreshed first): the
 * whole family is revoked, and the legitimate client logs in again.
 *
 * One exception, the grace window for a lost answer (as Okta's "grace period for token rotation"
 * and Auth0's "reuse interval"): a client whose refresh was committed but whose answer never
 * arrived (a timeout, a cut connection) still holds the rotated token and sends it again. If that
 * happens within `graceS` seconds of the rotation and the successor has never been presented, it is
 * a **retry**: the unused successor is superseded (revoked, with no successor of its own) and a new
 * one issued. A superseded token that is presented later proves that the first answer did arrive
 * after all, so a copy is in play: that is reuse. What the window costs: a thief who presents a
 * stolen token within `graceS` of the victim's rotation is served (as often as it retries within the
 * window) and can go on refreshing its own branch until the victim's next refresh, which presents a
 * superseded token and revokes the session (the thief's access tokens still work on REST until they
 * expire, as after any revocation); without the window the thief's first try would have revoked it.
 * `graceS = 0` turns the window off.
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
  /** The token this one was rotated into; null if never rotated (unused, or revoked without being presented). */
  replacedById: string | null;
  /** When that successor was revoked; null while it is unused (or when there is none). */
  successorRevokedAt: Date | null;
}

/** What presenting a refresh token leads to. */
export type RefreshDecision =
  | { kind: 'rotate'; state: RefreshTokenState }
  | { kind: 'retry'; state: RefreshTokenState & { replacedById: string } }
  | { kind: 'reuse'; state: RefreshTokenState }
  | { kind: 'invalid'; why: 'unknown' | 'session_revoked' | 'session_expired' | 'token_expired' };

/**
 * Decides what a presented refresh token leads to, in this order: unknown → invalid; family
 * revoked → invalid (nothing left to revoke); family past its absolute end → invalid; token already
 * revoked in a live family → retry if it was rotated less than `graceS` seconds ago into a
 * successor that is still unused (even if the token has reached its own expiry since), else reuse;
 * token past its own expiry → invalid; else rotate.
 * @param now the time to judge expiry and the grace window at (both exclusive: a token is dead at
 *   its `expiresAt`, and a retry at exactly `tokenRevokedAt + graceS` is reuse)
 * @param graceS REFRESH_TOKEN_REUSE_GRACE in seconds; 0: every revoked token is reuse
 */
export function decideRefresh(state: RefreshTokenState | null, now: Date, graceS: number): RefreshDecision {
  if (!state) return { kind: 'invalid', why: 'unknown' };
  if (state.sessionRevokedAt) return { kind: 'invalid', why: 'session_revoked' };
  if (state.sessionExpiresAt <= now) return { kind: 'invalid', why: 'session_expired' };
  if (state.tokenRevokedAt) {
    const { replacedById } = state;
    const inGrace = now.getTime() < state.tokenRevokedAt.getTime() + graceS * 1000;
    if (replacedById !== null && state.successorRevokedAt === null && inGrace) return { kind: 'retry', state: { ...state, replacedById } };
    return { kind: 'reuse', state };
  }
  if (state.tokenExpiresAt <= now) return { kind: 'invalid', why: 'token_expired' };
  return { kind: 'rotate', state };
}

/**
 * Expiry of a newly issued refresh token: `idleTtlS` seconds from `now` (a session unused that
 * long ends), never past its family's absolute end, which rotation therefore cannot extend.
 */
export const nextTokenExpiry = (now: Date, idleTtlS: number, sessionExpiresAt: Date): Date =>
  new Date(Math.min(now.getTime() + idleTtlS * 1000, sessionExpiresAt.getTime()));
