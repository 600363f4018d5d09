import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { API_TOKEN_SCOPES, type ApiTokenScope, type ApiTokenView, type CreatedApiToken } from '@tasklane/contracts';
import { AuditLog } from '../audit/audit-log.service.js';
import type { RequestOrigin } from '../audit/request-origin.js';
import type { AuthUser } from '../http/current-user.decorator.js';
import { apiTokenLimitReached, apiTokenNotFound } from './auth.errors.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import { SESSION_SOCKETS, type SessionSockets } from './session-sockets.js';

/** Every API token starts with this, so it is told apart from a JWT at a glance (and by secret scanners). */
export const API_TOKEN_PREFIX = 'tl_';
/** Unrevoked tokens a user may hold (expired ones count until deleted or pruned). */
export const MAX_API_TOKENS = 50;
/** `lastUsedAt` is written at most this often per token (ms), so reads do not turn into writes. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Personal API tokens for scripts and REST consumers: `tl_` + 32 random bytes in base64url (256
 * bits), stored as SHA-256 (a fast hash suffices for a random secret of that size; nothing to
 * brute-force), shown once at creation. A token authenticates as its owner with its scopes
 * (AccessTokenGuard enforces them) until it expires or is revoked.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: ApiTokensRepository,
    private readonly audit: AuditLog,
    @Inject(SESSION_SOCKETS) private readonly sockets: SessionSockets,
  ) {}

  /**
   * Creates a token; its secret is in the answer only.
   * @param input.scopes must contain `boards:read` (DTO-validated); stored in canonical order
   * @param input.expiresAt a future instant (DTO-validated) or none
   * @param origin the request, for the audit line (null outside one)
   * @throws AppError API_TOKEN_LIMIT_REACHED (409) when the user already holds MAX_API_TOKENS
   */
  async create(userId: string, input: { name: string; scopes: ApiTokenScope[]; expiresAt?: string }, origin: RequestOrigin | null): Promise<CreatedApiToken> {
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const scopes = API_TOKEN_SCOPES.filter((s) => input.scopes.includes(s));
    const view = await this.dataSource.transaction(async (tx) => {
      await this.tokens.lockUser(tx, userId);
      if ((await this.tokens.countUnrevoked(tx, userId)) >= MAX_API_TOKENS) throw apiTokenLimitReached(MAX_API_TOKENS);
      return this.tokens.insert(tx, { id: randomUUID(), userId, name: input.name, tokenHash: sha256(token), scopes, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null });
    });
    this.audit.record('api_token.created', userId, origin, { tokenId: view.id, scopes, expiresAt: view.expiresAt });
    return { ...view, token };
  }

  /** The user's unrevoked tokens, newest first, without secrets. */
  list(userId: string): Promise<ApiTokenView[]> {
    return this.tokens.list(userId);
  }

  /**
   * Revokes the token at once and disconnects the sockets it authenticated, on every replica.
   * @throws AppError API_TOKEN_NOT_FOUND (404) for an unknown, already revoked or someone else's token
   */
  async revoke(userId: string, tokenId: string, origin: RequestOrigin | null): Promise<void> {
    if (!(await this.tokens.revoke(userId, tokenId))) throw apiTokenNotFound();
    this.sockets.endSessions([tokenId]);
    this.audit.record('api_token.revoked', userId, origin, { tokenId });
  }

  /**
   * The caller a `tl_…` secret stands for, or null (unknown, revoked or expired). Records the use
   * (`lastUsedAt`) when the stored one is older than LAST_USED_RESOLUTION_MS: one write per token
   * per minute at most, whatever the request rate.
   */
  async authenticate(secret: string): Promise<AuthUser | null> {
    if (!secret.startsWith(API_TOKEN_PREFIX)) return null;
    const stored = await this.tokens.findByHash(sha256(secret));
    const now = Date.now();
    if (!stored || stored.revokedAt || (stored.expiresAt && stored.expiresAt.getTime() <= now)) return null;
    if (!stored.lastUsedAt || now - stored.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) await this.tokens.touch(stored.id);
    return { kind: 'api-token', id: stored.userId, tokenId: stored.id, scopes: stored.scopes, expiresAt: stored.expiresAt?.getTime() ?? null };
  }

  /** True when the token is neither revoked nor expired. */
  isLive(tokenId: string): Promise<boolean> {
    return this.tokens.isLive(tokenId);
  }

  /** Deletes tokens revoked over a day ago or expired over 30 days ago (retention); returns how many. */
  prune(tx: EntityManager): Promise<number> {
    return this.tokens.prune(tx);
  }
}
