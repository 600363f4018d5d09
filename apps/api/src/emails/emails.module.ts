import { Global, Module } from '@nestjs/common';
import { NOTIFICATION_EMAILS } from '../events/notification-emails.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { UsersModule } from '../users/users.module.js';
import { EmailOutbox } from './email-outbox.js';
import { EmailsController } from './emails.controller.js';
import { EmailsRepository } from './emails.repository.js';
import { EmailsService } from './emails.service.js';

/**
 * Notification emails and email preferences. Global for one port: NOTIFICATION_EMAILS, through
 * which the write path hands every write's notification intents to the emails; exports
 * EmailsService for the invitation emails (invitations import this module).
 */
@Global()
@Module({
  imports: [UsersModule, TasksModule],
  controllers: [EmailsController],
  providers: [EmailsService, EmailsRepository, EmailOutbox, { provide: NOTIFICATION_EMAILS, useExisting: EmailOutbox }],
  exports: [NOTIFICATION_EMAILS, EmailsService],
})
export class EmailsModule {}
