import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { ChecklistsController } from './checklists.controller.js';
import { ChecklistsRepository } from './checklists.repository.js';
import { ChecklistsService } from './checklists.service.js';

/** Checklists of tasks. */
@Module({ imports: [EventsModule, TasksModule], controllers: [ChecklistsController], exports: [ChecklistsService], providers: [ChecklistsService, ChecklistsRepository] })
export class ChecklistsModule {}
