import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { AuthResponse } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { User } from '../users/user.entity.js';
import { toUserView } from '../users/users.dto.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './current-user.decorator.js';
import type { LoginDto, RegisterDto } from './auth.dto.js';
import { RefreshToken } from './refresh-token.entity.js';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first recommended setting
 * (m = 19 MiB, t = 2, p = 1).
 */
const ARGON2 = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const INVALID_CREDENTIALS = 'Invalid email or password';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Accounts and tokens: argon2id password hashes, 15-minute JWT access tokens, rotating opaque refresh tokens. */
@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both failures cost the same time. */
  private readonly dummyHash = hash('tasklane-timing-equaliser', ARGON2);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  /** @throws AppError EMAIL_TAKEN (409) */
  async register(dto: RegisterDto): Promise<AuthResponse> {
    const passwordHash = await hash(dto.password, ARGON2);
    try {
      // User and first refresh token in one transaction: a failure leaves no half-made account.
      return await this.dataSource.transaction(async (tx) => {
        const user = await tx.getRepository(User).save({ id: randomUUID(), email: dto.email, name: dto.name, passwordHash });
        return this.issue(user, tx);
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') {
        throw new AppError(ErrorCode.EmailTaken, 'Email already registered');
      }
      throw error;
    }
  }

  /** @throws AppError INVALID_CREDENTIALS (401), with one message for unknown email and wrong password. */
  async login(dto: LoginDto): Promise<AuthResponse> {
    const user = await this.users.findByEmail(dto.email);
    const ok = await verify(user?.passwordHash ?? (await this.dummyHash), dto.password);
    if (!user || !ok) throw new AppError(ErrorCode.InvalidCredentials, INVALID_CREDENTIALS);
    return this.issue(user);
  }

  /**
   * Exchanges a refresh token for a new pair. The old token is revoked atomically, so of two
   * concurrent uses only one succeeds.
   * @throws AppError INVALID_REFRESH_TOKEN (401) for unknown, used or expired tokens.
   */
  async refresh(refreshToken: string): Promise<AuthResponse> {
    // Revoke the old token and issue the new pair in one transaction: a failure keeps the old one valid.
    return this.dataSource.transaction(async (tx) => {
      const [rows] = (await tx.query(
        `UPDATE refresh_tokens SET revoked_at = now()
          WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()
          RETURNING user_id`,
        [sha256(refreshToken)],
      )) as [{ user_id: string }[], number];
      if (!rows?.length) throw new AppError(ErrorCode.InvalidRefreshToken, 'Invalid or expired refresh token');
      const user = await tx.getRepository(User).findOneBy({ id: rows[0].user_id });
      if (!user) throw new AppError(ErrorCode.InvalidRefreshToken, 'Invalid or expired refresh token');
      return this.issue(user, tx);
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

  private async issue(user: User, tx: EntityManager = this.dataSource.manager): Promise<AuthResponse> {
    const expiresIn = this.config.getOrThrow('ACCESS_TOKEN_TTL', { infer: true });
    const accessToken = this.jwt.sign({ sub: user.id, typ: 'access' }, { expiresIn });
    const refreshToken = randomBytes(32).toString('base64url');
    const ttl = this.config.getOrThrow('REFRESH_TOKEN_TTL', { infer: true });
    await tx.getRepository(RefreshToken).insert({
      id: randomUUID(),
      userId: user.id,
      tokenHash: sha256(refreshToken),
      expiresAt: new Date(Date.now() + ttl * 1000),
      revokedAt: null,
    });
    return { user: toUserView(user), accessToken, refreshToken, expiresIn };
  }
}
