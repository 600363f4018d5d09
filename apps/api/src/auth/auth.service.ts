import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { isUUID } from 'class-validator';
import { LRUCache } from 'lru-cache';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthResponse, UserView } from '@tasklane/contracts';
import { AuditLog, emailHash } from '../audit/audit-log.service.js';
import type { RequestOrigin } from '../audit/request-origin.js';
import type { Env } from '../config/env.schema.js';
import { freshBatchLoader } from '../database/fresh-batch-loader.js';
import type { AuthUser } from '../http/current-user.decorator.js';
import { UsersService } from '../users/users.service.js';
import { API_TOKEN_PREFIX, ApiTokensService } from './api-tokens.service.js';
import type { LoginDto, RegisterDto } from './auth.dto.js';
import { emailTaken, invalidCredentials, invalidCurrentPassword, invalidRefreshToken } from './auth.errors.js';
import { AuthSessionsRepository } from './auth-sessions.repository.js';
import { assertStrongPassword } from './password-policy.js';
import { SESSION_SOCKETS, type SessionSockets } from './session-sockets.js';
import { decideRefresh, nextTokenExpiry, type RefreshDecision } from './token-families.js';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first recommended setting
 * (m = 19 MiB, t = 2, p = 1).
 */
const ARGON2 = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

/**
 * How many verified access tokens a replica remembers (least recently used first out): one per
 * active login within ACCESS_TOKEN_TTL is enough; at a few hundred bytes each this bounds the
 * cache to a few MB.
 */
export const VERIFIED_TOKENS_MAX = 10_000;
/**
 * Most session ids in one batched liveness read (a uuid[] parameter of this length, one primary-key
 * lookup each); a larger burst is split into reads that run side by side.
 */
export const SESSION_CHECKS_PER_READ = 500;

/** A session just started or rotated: the answer (with the refresh token, which the controller may move into a cookie) and the session's absolute end. */
export interface IssuedSession {
  response: AuthResponse & { refreshToken: string };
  sessionId: string;
  /** The session's absolute end (REFRESH_TOKEN_ABSOLUTE_TTL after login): the refresh cookie's lifetime. */
  sessionExpiresAt: Date;
  /** Row id of the refresh token issued (`refresh_tokens.id`), for linking its predecessor to it. */
  refreshTokenId: string;
}

/**
 * Accounts, sessions and tokens: argon2id password hashes checked against zxcvbn; HS256 access
 * JWTs (`sub`, `typ: 'access'`, `sid` = session id, ACCESS_TOKEN_TTL); login sessions as refresh-token
 * families with rotation, reuse detection, a grace window for a lost answer and an absolute lifetime (token-families.ts); logout of
 * one session, of all, and on password change, each also ending the sessions' sockets through the
 * SESSION_SOCKETS port. Security-relevant outcomes are written to the AuditLog.
 */
@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both failures cost the same time. */
  private readonly dummyHash = hash('tasklane-timing-equaliser', ARGON2);
  /**
   * Liveness checks of sessions, batched: the checks asked in one event-loop turn, of any sessions,
   * share one `auth_sessions` read of up to SESSION_CHECKS_PER_READ ids that starts after all of
   * them asked (freshBatchLoader, as RoomAccessService's membership checks). During a reconnect storm a replica reads once per
   * turn instead of once per session, and a revocation committed before a socket asked is still
   * seen by it. Batches do not wait for each other.
   */
  private readonly liveSessions = freshBatchLoader<string, boolean>(
    async (ids) => {
      // `sid` comes from a token we signed, so it is a UUID; anything else is simply not live
      // (and must not fail the read the batch shares).
      const live = await this.sessions.liveAmong([...new Set(ids.filter((id) => isUUID(id, 'all')).map((id) => id.toLowerCase()))]);
      return ids.map((id) => live.has(id.toLowerCase()));
    },
    SESSION_CHECKS_PER_READ,
  );
  /**
   * Access tokens already verified, by the token's exact text: a hit skips the HMAC and the JSON
   * decoding (about 11 µs alone, docs/benchmarks.md; issue 13: CPU per write). Only a token whose
   * signature and claims were checked is stored, the entry is frozen, and its expiry is checked
   * again on every hit, so a cached token is accepted exactly when `jwt.verify` would accept it
   * (our tokens have whole-second `exp` and no `nbf`). Per service instance on purpose, never
   * static: each app (the e2e suites run several in one process) has its own JWT secret.
   */
  private readonly verifiedTokens = new LRUCache<string, AuthUser & { kind: 'session' }>({ max: VERIFIED_TOKENS_MAX });

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly sessions: AuthSessionsRepository,
    private readonly apiTokens: ApiTokensService,
    private readonly jwt: JwtService,
    private readonly config: ConfigService<Env, true>,
    private readonly audit: AuditLog,
    @Inject(SESSION_SOCKETS) private readonly sockets: SessionSockets,
  ) {}

  /** Creates the account and its first session. @throws AppError VALIDATION_FAILED (400, weak password), EMAIL_TAKEN (409) */
  async register(dto: RegisterDto, origin: RequestOrigin | null): Promise<IssuedSession> {
    assertStrongPassword(dto.password, dto);
    const passwordHash = await hash(dto.password, ARGON2);
    let issued: IssuedSession;
    try {
      // User and first session in one transaction: a failure leaves no half-made account.
      issued = await this.dataSource.transaction(async (tx) => {
        const user = await this.users.create(tx, { id: randomUUID(), email: dto.email, name: dto.name, passwordHash });
        return this.startSession(tx, user);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    this.audit.record('user.registered', issued.response.user.id, origin, { sessionId: issued.sessionId });
    return issued;
  }

  /** Starts a new session. @throws AppError INVALID_CREDENTIALS (401), with one message for unknown email and wrong password. */
  async login(dto: LoginDto, origin: RequestOrigin | null): Promise<IssuedSession> {
    const found = await this.users.findCredentials(dto.email);
    const ok = await verify(found?.passwordHash ?? (await this.dummyHash), dto.password);
    if (!found || !ok) {
      this.audit.record('login.failed', found?.user.id ?? null, origin, { emailHash: emailHash(dto.email), accountExists: found !== null });
      throw invalidCredentials();
    }
    const issued = await this.startSession(this.dataSource.manager, found.user);
    this.audit.record('login.succeeded', found.user.id, origin, { sessionId: issued.sessionId });
    return issued;
  }

  /**
   * Rotates a refresh token within its session (decideRefresh, judged by the database's clock): the
   * token is revoked, linked to its successor and the successor issued in one transaction, with the
   * session row locked first (AuthSessionsRepository.lockToken). A token
   * rotated less than REFRESH_TOKEN_REUSE_GRACE seconds ago whose successor is still unused is a
   * retry of a refresh whose answer was lost: the unused successor is superseded and a new one
   * issued (audited `refresh.retried`). Any other token that was already revoked is reuse: it
   * revokes its whole session (committed before the error is thrown), ends the session's sockets
   * on every replica and is audited.
   * @throws AppError INVALID_REFRESH_TOKEN (401): missing, unknown, reused, revoked or expired
   */
  async refresh(refreshToken: string | undefined, origin: RequestOrigin | null): Promise<IssuedSession> {
    if (!refreshToken) throw invalidRefreshToken();
    const graceS = this.config.getOrThrow('REFRESH_TOKEN_REUSE_GRACE', { infer: true });
    const outcome = await this.dataSource.transaction(async (tx): Promise<{ decision: RefreshDecision; issued?: IssuedSession }> => {
      // `now` is the database's clock at the locked read: the same for every replica.
      const { state: found, now } = await this.sessions.lockToken(tx, sha256(refreshToken));
      let decision = decideRefresh(found, now, graceS);
      // The successor is read under the session lock, so it is still unused here; should it not be, a retry would fork the family: reuse.
      if (decision.kind === 'retry' && !(await this.sessions.supersede(tx, decision.state.replacedById, now))) decision = { kind: 'reuse', state: decision.state };
      if (decision.kind === 'reuse') await this.sessions.revokeSessions(tx, [decision.state.sessionId]);
      if (decision.kind !== 'rotate' && decision.kind !== 'retry') return { decision };
      const { state } = decision;
      const user = await this.users.getById(state.userId, tx);
      const issued = await this.issue(tx, user, state.sessionId, state.sessionExpiresAt, now);
      await this.sessions.markRotated(tx, state.tokenId, issued.refreshTokenId, now);
      return { decision, issued };
    });
    const { decision, issued } = outcome;
    if (decision.kind === 'reuse') {
      this.sockets.endSessions([decision.state.sessionId]);
      this.audit.record('refresh.reuse_detected', decision.state.userId, origin, { sessionId: decision.state.sessionId });
    }
    if (decision.kind === 'retry') this.audit.record('refresh.retried', decision.state.userId, origin, { sessionId: decision.state.sessionId });
    if (!issued) throw invalidRefreshToken();
    return issued;
  }

  /**
   * Ends the session the refresh token belongs to (any token of it, rotated ones too) and its
   * sockets. Idempotent: an unknown token, or none, changes nothing and is not an error.
   */
  async logout(refreshToken: string | undefined, origin: RequestOrigin | null): Promise<void> {
    if (!refreshToken) return;
    const found = await this.sessions.findSessionOfToken(sha256(refreshToken));
    if (!found) return;
    const revoked = await this.sessions.revokeSessions(this.dataSource.manager, [found.sessionId]);
    if (revoked.length === 0) return;
    this.sockets.endSessions(revoked);
    this.audit.record('session.logged_out', found.userId, origin, { sessionId: found.sessionId });
  }

  /** Ends every session of the user and disconnects every socket of theirs on every replica. API tokens stay valid (revoke them one by one). */
  async logoutAll(user: AuthUser, origin: RequestOrigin | null): Promise<void> {
    const revoked = await this.sessions.revokeUserSessions(this.dataSource.manager, user.id, null);
    this.sockets.endUser(user.id);
    this.audit.record('sessions.logged_out_all', user.id, origin, { sessions: revoked.length });
  }

  /**
   * Changes the password, then ends every other session of the user (and their sockets); the
   * caller's own session (`sid`) stays. API tokens stay valid.
   * @throws AppError INVALID_CURRENT_PASSWORD (403), VALIDATION_FAILED (400, weak new password)
   */
  async changePassword(user: AuthUser, currentPassword: string, newPassword: string, origin: RequestOrigin | null): Promise<void> {
    const credentials = await this.users.findCredentialsById(user.id);
    const ok = await verify(credentials?.passwordHash ?? (await this.dummyHash), currentPassword);
    if (!credentials || !ok) throw invalidCurrentPassword();
    assertStrongPassword(newPassword, credentials.user, 'newPassword');
    const passwordHash = await hash(newPassword, ARGON2);
    const keep = user.kind === 'session' ? user.sessionId : null;
    const revoked = await this.dataSource.transaction(async (tx) => {
      await this.users.setPasswordHash(tx, user.id, passwordHash);
      return this.sessions.revokeUserSessions(tx, user.id, keep);
    });
    this.sockets.endSessions(revoked);
    this.audit.record('password.changed', user.id, origin, { sessionId: keep, revokedSessions: revoked.length });
  }

  /**
   * The caller a bearer token stands for, or null. An access JWT is verified synchronously (no
   * database: a revoked session's access tokens keep working on REST until they expire, at most
   * ACCESS_TOKEN_TTL); an API token (`tl_…`) is looked up (a Promise).
   */
  authenticate(token: string): AuthUser | null | Promise<AuthUser | null> {
    return token.startsWith(API_TOKEN_PREFIX) ? this.apiTokens.authenticate(token) : this.verifyAccessToken(token);
  }

  /**
   * True while the caller's credential is live: its session (access tokens with `sid`) or its API
   * token is neither revoked nor expired. Sockets outlive requests, so the socket handshake and
   * `auth:refresh` check it after `authenticate` (SocketSessionsService): a revoked session must
   * not reconnect with an access token it still holds.
   */
  async isLive(user: AuthUser): Promise<boolean> {
    if (user.expiresAt !== null && user.expiresAt <= Date.now()) return false;
    if (user.kind === 'api-token') return this.apiTokens.isLive(user.tokenId);
    const sessionId = user.sessionId;
    return sessionId === null || this.liveSessions.load(sessionId);
  }

  /**
   * Returns the caller for a valid access token, or null (bad signature, expired, wrong type). The
   * returned object is frozen and may be shared by every request carrying the same token
   * (`verifiedTokens`). Expired means `exp` (seconds) ≤ now, as jsonwebtoken decides it.
   */
  verifyAccessToken(token: string): AuthUser | null {
    const known = this.verifiedTokens.get(token);
    if (known) {
      if (known.expiresAt > Date.now()) return known;
      this.verifiedTokens.delete(token);
      return null;
    }
    let payload: { sub?: unknown; typ?: unknown; sid?: unknown; exp?: unknown };
    try {
      payload = this.jwt.verify(token);
    } catch {
      return null;
    }
    if (typeof payload.sub !== 'string' || payload.typ !== 'access' || typeof payload.exp !== 'number') return null;
    const user = Object.freeze({ kind: 'session' as const, id: payload.sub, sessionId: typeof payload.sid === 'string' ? payload.sid : null, expiresAt: payload.exp * 1000 });
    this.verifiedTokens.set(token, user);
    return user;
  }

  /** Deletes ended sessions, expired refresh tokens and old revoked or expired API tokens (retention); returns how many rows. */
  async pruneTokens(tx: EntityManager): Promise<number> {
    return (await this.sessions.prune(tx)) + (await this.apiTokens.prune(tx));
  }

  /** A new session (family) for `user`, with its first tokens. */
  private async startSession(db: EntityManager, user: UserView): Promise<IssuedSession> {
    const now = new Date();
    const sessionId = randomUUID();
    const sessionExpiresAt = new Date(now.getTime() + this.config.getOrThrow('REFRESH_TOKEN_ABSOLUTE_TTL', { infer: true }) * 1000);
    await this.sessions.insertSession(db, { id: sessionId, userId: user.id, expiresAt: sessionExpiresAt });
    return this.issue(db, user, sessionId, sessionExpiresAt, now);
  }

  /** An access token and a refresh token in session `sessionId`; neither outlives the session. */
  private async issue(db: EntityManager, user: UserView, sessionId: string, sessionExpiresAt: Date, now: Date): Promise<IssuedSession> {
    const remainingS = Math.floor((sessionExpiresAt.getTime() - now.getTime()) / 1000);
    const expiresIn = Math.max(1, Math.min(this.config.getOrThrow('ACCESS_TOKEN_TTL', { infer: true }), remainingS));
    const accessToken = this.jwt.sign({ sub: user.id, typ: 'access', sid: sessionId }, { expiresIn });
    const refreshToken = randomBytes(32).toString('base64url');
    const expiresAt = nextTokenExpiry(now, this.config.getOrThrow('REFRESH_TOKEN_TTL', { infer: true }), sessionExpiresAt);
    const refreshTokenId = randomUUID();
    await this.sessions.insertToken(db, { id: refreshTokenId, sessionId, userId: user.id, tokenHash: sha256(refreshToken), expiresAt });
    return { response: { user, accessToken, refreshToken, expiresIn }, sessionId, sessionExpiresAt, refreshTokenId };
  }
}
