import { Module } from '@nestjs/common';
import { ColumnsModule } from '../columns/columns.module.js';
import { EventsModule } from '../events/events.module.js';
import { LabelsModule } from '../labels/labels.module.js';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

/** Tasks. Exports TasksService for board snapshots, comments and checklists (live check, counters) and the archive. */
@Module({
  imports: [BoardAccessModule, ColumnsModule, EventsModule, LabelsModule],
  controllers: [TasksController],
  providers: [TasksService, TasksRepository],
  exports: [TasksService],
})
export class TasksModule {}
