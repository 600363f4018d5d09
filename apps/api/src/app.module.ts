import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AccessTokenGuard } from './auth/access-token.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { BoardsModule } from './boards/boards.module.js';
import { ColumnsModule } from './columns/columns.module.js';
import { validateEnv } from './config/env.schema.js';
import { DatabaseModule } from './database/database.module.js';
import { AppExceptionFilter } from './errors/app-exception.filter.js';
import { createValidationPipe } from './errors/validation.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { ResourceHeadersInterceptor } from './http/resource-headers.interceptor.js';
import { MembersModule } from './members/members.module.js';
import { HttpRateLimitGuard } from './rate-limits/http-rate-limit.guard.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { UsersModule } from './users/users.module.js';

/**
 * The API: one deployable with REST and the Socket.IO gateway. Global pipe, filter, guards and
 * interceptor are APP_* providers so that tests importing this module get production behaviour.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, validate: validateEnv }),
    DatabaseModule,
    RateLimitsModule,
    AuthModule,
    UsersModule,
    EventsModule,
    BoardsModule,
    MembersModule,
    ColumnsModule,
    TasksModule,
    RealtimeModule,
    HealthModule,
    RetentionModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AppExceptionFilter },
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    // After AccessTokenGuard (global guards run in this order): limits per user need the user.
    { provide: APP_GUARD, useClass: HttpRateLimitGuard },
    { provide: APP_INTERCEPTOR, useClass: ResourceHeadersInterceptor },
  ],
})
export class AppModule {}
