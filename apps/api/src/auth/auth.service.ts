import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuthResponse, UserView } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from '../http/current-user.decorator.js';
import type { LoginDto, RegisterDto } from './auth.dto.js';
import { emailTaken, invalidCredentials, invalidRefreshToken } from './auth.errors.js';
import { RefreshTokensRepository } from './refresh-tokens.repository.js';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first recommended setting
 * (m = 19 MiB, t = 2, p = 1).
 */
const ARGON2 = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === '23505';

/** Accounts and tokens: argon2id password hashes, 15-minute JWT access tokens, rotating opaque refresh tokens. */
@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both failures cost the same time. */
  private readonly dummyHash = hash('tasklane-timing-equaliser', ARGON2);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly jwt: JwtService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /** @throws AppError EMAIL_TAKEN (409) */
  async register(dto: RegisterDto): Promise<AuthResponse> {
    const passwordHash = await hash(dto.password, ARGON2);
    try {
      // User and first refresh token in one transaction: a failure leaves no half-made account.
      return await this.dataSource.transaction(async (tx) => {
        const user = await this.users.create(tx, { id: randomUUID(), email: dto.email, name: dto.name, passwordHash });
        return this.issue(user, tx);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  /** @throws AppError INVALID_CREDENTIALS (401), with one message for unknown email and wrong password. */
  async login(dto: LoginDto): Promise<AuthResponse> {
    const found = await this.users.findCredentials(dto.email);
    const ok = await verify(found?.passwordHash ?? (await this.dummyHash), dto.password);
    if (!found || !ok) throw invalidCredentials();
    return this.issue(found.user);
  }

  /**
   * Exchanges a refresh token for a new pair. The old token is revoked atomically, so of two
   * concurrent uses only one succeeds; revoking and issuing share one transaction, so a failure
   * keeps the old token valid.
   * @throws AppError INVALID_REFRESH_TOKEN (401) for unknown, used or expired tokens.
   */
  async refresh(refreshToken: string): Promise<AuthResponse> {
    return this.dataSource.transaction(async (tx) => {
      const userId = await this.refreshTokens.revokeLive(tx, sha256(refreshToken));
      if (!userId) throw invalidRefreshToken();
      return this.issue(await this.users.getById(userId, tx), tx);
    });
  }

  /** Returns the caller for a valid access token, or null (bad signature, expired, wrong type). */
  verifyAccessToken(token: string): AuthUser | null {
    try {
      const payload = this.jwt.verify<{ sub?: unknown; typ?: unknown }>(token);
      return typeof payload.sub === 'string' && payload.typ === 'access' ? { id: payload.sub } : null;
    } catch {
      return null;
    }
  }

  /** Deletes expired and long-revoked refresh tokens (retention); returns how many. */
  pruneRefreshTokens(tx: EntityManager): Promise<number> {
    return this.refreshTokens.prune(tx);
  }

  private async issue(user: UserView, db: EntityManager = this.dataSource.manager): Promise<AuthResponse> {
    const expiresIn = this.config.getOrThrow('ACCESS_TOKEN_TTL', { infer: true });
    const accessToken = this.jwt.sign({ sub: user.id, typ: 'access' }, { expiresIn });
    const refreshToken = randomBytes(32).toString('base64url');
    const ttl = this.config.getOrThrow('REFRESH_TOKEN_TTL', { infer: true });
    await this.refreshTokens.insert(db, { id: randomUUID(), userId: user.id, tokenHash: sha256(refreshToken), expiresAt: new Date(Date.now() + ttl * 1000) });
    return { user, accessToken, refreshToken, expiresIn };
  }
}
