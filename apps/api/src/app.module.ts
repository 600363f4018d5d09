import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ActivityModule } from './activity/activity.module.js';
import { ArchiveModule } from './archive/archive.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AccessTokenGuard } from './auth/access-token.guard.js';
import { AuthModule } from './auth/auth.module.js';
import { BoardsModule } from './boards/boards.module.js';
import { ChecklistsModule } from './checklists/checklists.module.js';
import { ColumnsModule } from './columns/columns.module.js';
import { CommentsModule } from './comments/comments.module.js';
import type { Env } from './config/env.schema.js';
import { DatabaseModule } from './database/database.module.js';
import { AppExceptionFilter } from './errors/app-exception.filter.js';
import { createValidationPipe } from './errors/validation.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { InvitationsModule } from './invitations/invitations.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LabelsModule } from './labels/labels.module.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MembersModule } from './members/members.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { HttpRateLimitGuard } from './rate-limits/http-rate-limit.guard.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { SearchModule } from './search/search.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { TransferModule } from './transfer/transfer.module.js';
import { EmailsModule } from './emails/emails.module.js';
import { RemindersModule } from './reminders/reminders.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/**
 * The API: one deployable with REST and the Socket.IO gateway. Global pipe, filter and guards
 * are APP_* providers so that tests importing this module get production behaviour (the ETag
 * hook is app.factory.ts's, which every e2e app is built with).
 * Built with `AppModule.forRoot(env)`: the configuration is validated once, by the caller
 * (`loadEnv()`), and handed to ConfigService as it is.
 */
@Module({
  imports: [
    LoggingModule,
    MetricsModule,
    DatabaseModule,
    JobsModule,
    AuditModule,
    RateLimitsModule,
    AuthModule,
    UsersModule,
    EventsModule,
    BoardsModule,
    MembersModule,
    InvitationsModule,
    ColumnsModule,
    TasksModule,
    LabelsModule,
    CommentsModule,
    ChecklistsModule,
    ArchiveModule,
    ActivityModule,
    NotificationsModule,
    SearchModule,
    RealtimeModule,
    HealthModule,
    RetentionModule,
    WebhooksModule,
    TransferModule,
    EmailsModule,
    RemindersModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AppExceptionFilter },
    { provide: APP_GUARD, useClass: AccessTokenGuard },
    // After AccessTokenGuard (global guards run in this order): limits per user need the user.
    { provide: APP_GUARD, useClass: HttpRateLimitGuard },
  ],
})
export class AppModule {
  /** The app with `env` (already validated) as its configuration; ConfigService reads nothing else. */
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, cache: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ ...env })] })],
    };
  }
}
