import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import type { Env } from '../config/env.schema.js';
import { jwtSigningSecret } from '../config/jwt-secret.js';
import { UsersModule } from '../users/users.module.js';
import { ApiTokensController } from './api-tokens.controller.js';
import { ApiTokensRepository } from './api-tokens.repository.js';
import { ApiTokensService } from './api-tokens.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AuthSessionsRepository } from './auth-sessions.repository.js';

/**
 * Accounts, sessions and tokens. Exports AuthService for the access-token guard, the socket
 * handshake and retention. Needs SESSION_SOCKETS (session-sockets.ts), provided by the global
 * RealtimeModule, and the global AuditLog.
 */
@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Env, true>) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a
        // public key (and throws) on every verify; that was 16% of a replica's CPU under load.
        secret: createSecretKey(
          Buffer.from(jwtSigningSecret({ JWT_SECRET: config.get('JWT_SECRET', { infer: true }), EMBEDDED_PG_DIR: config.getOrThrow('EMBEDDED_PG_DIR', { infer: true }) })),
        ),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, ApiTokensController],
  providers: [AuthService, AuthSessionsRepository, ApiTokensService, ApiTokensRepository],
  exports: [AuthService],
})
export class AuthModule {}
