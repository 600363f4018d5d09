import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import { JwtService as RealJwtService, type JwtService } from '@nestjs/jwt';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditLog } from '../audit/audit-log.service.js';
import type { Env } from '../config/env.schema.js';
import type { UsersService } from '../users/users.service.js';
import type { ApiTokensService } from './api-tokens.service.js';
import { AuthService } from './auth.service.js';
import type { AuthSessionsRepository } from './auth-sessions.repository.js';
import type { SessionSockets } from './session-sockets.js';
import type { RefreshTokenState } from './token-families.js';

/** The request the audited calls come from: passed through to the audit line as is. */
const ORIGIN = { ip: '10.0.0.9', requestId: 'req-9' };

// The family rules of AuthService.refresh/logout with the session repository stubbed (and a
// transaction that just runs its callback); the SQL and the real transaction are covered by
// auth-sessions.e2e-spec.ts.
const USER = { id: 'u1', email: 'u1@example.test', name: 'U', createdAt: new Date(0).toISOString() };
const tx = {} as EntityManager;
const later = (s: number) => new Date(Date.now() + s * 1000);
const state = (over: Partial<RefreshTokenState> = {}): RefreshTokenState => ({
  tokenId: 't1',
  sessionId: 's1',
  userId: USER.id,
  tokenExpiresAt: later(3600),
  tokenRevokedAt: null,
  sessionExpiresAt: later(7200),
  sessionRevokedAt: null,
  replacedById: null,
  successorRevokedAt: null,
  ...over,
});

function setup(found: RefreshTokenState | null, { successorStillUnused = true } = {}) {
  const calls: string[] = [];
  const repo = {
    lockToken: jest.fn(async () => ({ state: found, now: new Date() })),
    markRotated: jest.fn(async (_db: EntityManager, _tokenId: string, _successorId: string, _now: Date) => void calls.push('markRotated')),
    supersede: jest.fn(async (_db: EntityManager, _tokenId: string, _now: Date) => (calls.push('supersede'), successorStillUnused)),
    revokeSessions: jest.fn(async (_db: EntityManager, ids: readonly string[]) => [...ids]),
    insertToken: jest.fn(async (_db: EntityManager, _token: { id: string; sessionId: string; expiresAt: Date; tokenHash: string }) => void calls.push('insertToken')),
    findSessionOfToken: jest.fn(async () => (found ? { sessionId: found.sessionId, userId: found.userId } : null)),
  };
  const sockets = { endSessions: jest.fn(), endUser: jest.fn() };
  const audit = { record: jest.fn() };
  const config = { getOrThrow: (key: keyof Env) => ({ ACCESS_TOKEN_TTL: 900, REFRESH_TOKEN_TTL: 3600, REFRESH_TOKEN_ABSOLUTE_TTL: 7200, REFRESH_TOKEN_REUSE_GRACE: 30 })[key as string] };
  const service = new AuthService(
    { transaction: (fn: (m: EntityManager) => unknown) => fn(tx), manager: tx } as unknown as DataSource,
    { getById: async () => USER } as unknown as UsersService,
    repo as unknown as AuthSessionsRepository,
    {} as ApiTokensService,
    { sign: (payload: object) => `jwt:${JSON.stringify(payload)}` } as unknown as JwtService,
    config as unknown as ConfigService<Env, true>,
    audit as unknown as AuditLog,
    sockets as SessionSockets,
  );
  return { service, repo, sockets, audit, calls };
}

describe('AuthService refresh-token families', () => {
  it('rotates: revokes the presented token, links it to its successor, issued in the same session and capped at the session end', async () => {
    const found = state({ sessionExpiresAt: later(1800) });
    const { service, repo, sockets } = setup(found);
    const issued = await service.refresh('presented', null);
    expect(repo.markRotated).toHaveBeenCalledWith(tx, 't1', issued.refreshTokenId, expect.any(Date));
    expect(repo.insertToken).toHaveBeenCalledWith(tx, expect.objectContaining({ id: issued.refreshTokenId }));
    expect(repo.supersede).not.toHaveBeenCalled();
    expect(repo.revokeSessions).not.toHaveBeenCalled();
    expect(sockets.endSessions).not.toHaveBeenCalled();
    expect(issued.sessionId).toBe('s1');
    expect(issued.sessionExpiresAt).toBe(found.sessionExpiresAt);
    expect(issued.response.accessToken).toBe(`jwt:${JSON.stringify({ sub: USER.id, typ: 'access', sid: 's1' })}`);
    const inserted = repo.insertToken.mock.calls[0] as unknown as [EntityManager, { sessionId: string; expiresAt: Date; tokenHash: string }];
    expect(inserted[1]).toMatchObject({ sessionId: 's1', expiresAt: found.sessionExpiresAt });
    expect(inserted[1].tokenHash).not.toContain(issued.response.refreshToken);
  });

  it('on reuse revokes the whole session inside the transaction, then ends its sockets, audits, and answers 401', async () => {
    const { service, repo, sockets, audit } = setup(state({ tokenRevokedAt: later(-60) }));
    await expect(service.refresh('rotated-copy', ORIGIN)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    expect(repo.revokeSessions).toHaveBeenCalledWith(tx, ['s1']);
    expect(repo.insertToken).not.toHaveBeenCalled();
    expect(sockets.endSessions).toHaveBeenCalledWith(['s1']);
    expect(audit.record).toHaveBeenCalledWith('refresh.reuse_detected', USER.id, ORIGIN, { sessionId: 's1' });
  });

  it('a retry within the grace window (successor unused) supersedes the successor, issues a new one and audits it; no revocation', async () => {
    const { service, repo, sockets, audit, calls } = setup(state({ tokenRevokedAt: later(-10), replacedById: 't2' }));
    const issued = await service.refresh('rotated-but-answer-lost', ORIGIN);
    expect(repo.supersede).toHaveBeenCalledWith(tx, 't2', expect.any(Date));
    // the new token exists before the old one points at it (foreign key)
    expect(calls).toEqual(['supersede', 'insertToken', 'markRotated']);
    expect(repo.markRotated).toHaveBeenCalledWith(tx, 't1', issued.refreshTokenId, expect.any(Date));
    expect(issued.sessionId).toBe('s1');
    expect(repo.revokeSessions).not.toHaveBeenCalled();
    expect(sockets.endSessions).not.toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledWith('refresh.retried', USER.id, ORIGIN, { sessionId: 's1' });
  });

  it('a retry whose successor turns out used after all is reuse: never a second live token in the family', async () => {
    const { service, repo, audit } = setup(state({ tokenRevokedAt: later(-10), replacedById: 't2' }), { successorStillUnused: false });
    await expect(service.refresh('copy', ORIGIN)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    expect(repo.revokeSessions).toHaveBeenCalledWith(tx, ['s1']);
    expect(repo.insertToken).not.toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledWith('refresh.reuse_detected', USER.id, ORIGIN, { sessionId: 's1' });
  });

  it.each([
    ['past the grace window', state({ tokenRevokedAt: later(-31), replacedById: 't2' })],
    ['whose successor was used', state({ tokenRevokedAt: later(-10), replacedById: 't2', successorRevokedAt: later(-5) })],
  ])('a rotated token %s is reuse', async (_label, found) => {
    const { service, repo, audit } = setup(found);
    await expect(service.refresh('copy', ORIGIN)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    expect(repo.revokeSessions).toHaveBeenCalledWith(tx, ['s1']);
    expect(repo.supersede).not.toHaveBeenCalled();
    expect(repo.insertToken).not.toHaveBeenCalled();
    expect(audit.record).toHaveBeenCalledWith('refresh.reuse_detected', USER.id, ORIGIN, { sessionId: 's1' });
  });

  it.each([
    ['unknown', null],
    ['of a revoked session', state({ sessionRevokedAt: later(-1), tokenRevokedAt: later(-1) })],
    ['of a session past its absolute end', state({ sessionExpiresAt: later(-1) })],
    ['expired', state({ tokenExpiresAt: later(-1) })],
  ])('refuses a token that is %s with 401 and touches nothing', async (_label, found) => {
    const { service, repo, sockets, audit } = setup(found);
    await expect(service.refresh('x', null)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    expect(repo.revokeSessions).not.toHaveBeenCalled();
    expect(repo.markRotated).not.toHaveBeenCalled();
    expect(repo.insertToken).not.toHaveBeenCalled();
    expect(sockets.endSessions).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('refuses a missing token without a lookup', async () => {
    const { service, repo } = setup(state());
    await expect(service.refresh(undefined, null)).rejects.toMatchObject({ code: 'INVALID_REFRESH_TOKEN' });
    expect(repo.lockToken).not.toHaveBeenCalled();
  });

  it('logout revokes the token’s session and ends its sockets once; unknown or absent tokens are a no-op', async () => {
    const { service, repo, sockets, audit } = setup(state({ tokenRevokedAt: later(-60) }));
    await service.logout('any-token-of-the-family', ORIGIN);
    expect(repo.revokeSessions).toHaveBeenCalledWith(tx, ['s1']);
    expect(sockets.endSessions).toHaveBeenCalledWith(['s1']);
    expect(audit.record).toHaveBeenCalledWith('session.logged_out', USER.id, ORIGIN, { sessionId: 's1' });

    const none = setup(null);
    await none.service.logout('unknown', null);
    await none.service.logout(undefined, null);
    expect(none.repo.revokeSessions).not.toHaveBeenCalled();
    expect(none.sockets.endSessions).not.toHaveBeenCalled();
  });
});

describe('AuthService.verifyAccessToken (real HS256 JWTs, verified tokens remembered)', () => {
  const secret = createSecretKey(randomBytes(32));
  const realJwt = new RealJwtService({ secret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } });
  function withJwt(jwt: RealJwtService = realJwt) {
    const verify = jest.spyOn(jwt, 'verify');
    verify.mockClear();
    const service = new AuthService(
      {} as DataSource,
      {} as UsersService,
      {} as AuthSessionsRepository,
      {} as ApiTokensService,
      jwt,
      {} as ConfigService<Env, true>,
      {} as AuditLog,
      { endSessions: jest.fn(), endUser: jest.fn() } as SessionSockets,
    );
    return { service, verify };
  }

  it('checks a token once; later requests with the same token get the same frozen caller', () => {
    const { service, verify } = withJwt();
    const token = realJwt.sign({ sub: 'u1', typ: 'access', sid: 's1' }, { expiresIn: 900 });
    const first = service.verifyAccessToken(token);
    expect(first).toEqual({ kind: 'session', id: 'u1', sessionId: 's1', expiresAt: expect.any(Number) });
    expect(Object.isFrozen(first)).toBe(true);
    expect(service.verifyAccessToken(token)).toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered token from the second its exp is reached, as jsonwebtoken does', () => {
    const { service, verify } = withJwt();
    const token = realJwt.sign({ sub: 'u1', typ: 'access', sid: 's1' }, { expiresIn: 60 });
    const user = service.verifyAccessToken(token);
    if (user?.kind !== 'session') throw new Error('expected a session caller');
    const now = jest.spyOn(Date, 'now');
    try {
      now.mockReturnValue(user.expiresAt - 1);
      expect(service.verifyAccessToken(token)).toBe(user);
      now.mockReturnValue(user.expiresAt);
      expect(service.verifyAccessToken(token)).toBeNull();
      // jsonwebtoken agrees at that instant.
      expect(realJwt.verify.bind(realJwt, token)).toThrow('jwt expired');
      verify.mockClear();
      // The entry is gone: with the clock turned back, the token is verified again (a new object).
      now.mockReturnValue(user.expiresAt - 1);
      const again = service.verifyAccessToken(token);
      expect(again).toEqual(user);
      expect(again).not.toBe(user);
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      now.mockRestore();
    }
  });

  it('remembers per service: another app in the process, with its own secret, still refuses a token this one accepted', () => {
    const { service } = withJwt();
    const other = withJwt(new RealJwtService({ secret: createSecretKey(randomBytes(32)), signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } }));
    const token = realJwt.sign({ sub: 'u1', typ: 'access', sid: 's1' }, { expiresIn: 900 });
    expect(service.verifyAccessToken(token)).toMatchObject({ id: 'u1' });
    expect(other.service.verifyAccessToken(token)).toBeNull();
    expect(other.verify).toHaveBeenCalledTimes(1);
  });

  it('remembers nothing that failed: a forged signature, another type, a malformed token are checked every time', () => {
    const { service, verify } = withJwt();
    const good = realJwt.sign({ sub: 'u1', typ: 'access' }, { expiresIn: 900 });
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${Buffer.from('not the signature').toString('base64url')}`;
    const refresh = realJwt.sign({ sub: 'u1', typ: 'refresh' }, { expiresIn: 900 });
    for (const token of [forged, refresh, 'not-a-jwt']) {
      expect(service.verifyAccessToken(token)).toBeNull();
      expect(service.verifyAccessToken(token)).toBeNull();
    }
    expect(verify).toHaveBeenCalledTimes(6);
    expect(service.verifyAccessToken(good)).toMatchObject({ id: 'u1', sessionId: null });
  });
});
