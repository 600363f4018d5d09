import { Global, Module } from '@nestjs/common';
import { DUE_DATE_SINK } from '../events/event-sink.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { RemindersRepository } from './reminders.repository.js';
import { ReminderScheduler, RemindersService } from './reminders.service.js';

/**
 * Due-date reminders. Global for one port only: DUE_DATE_SINK, through which the event stream
 * schedules them. Exports RemindersService for retention (RetentionModule imports this module)
 * and ReminderScheduler for board imports (TransferModule), which schedule the tasks they create.
 */
@Global()
@Module({
  imports: [TasksModule],
  providers: [RemindersService, RemindersRepository, ReminderScheduler, { provide: DUE_DATE_SINK, useExisting: ReminderScheduler }],
  exports: [DUE_DATE_SINK, RemindersService, ReminderScheduler],
})
export class RemindersModule {}
