import { Module } from '@nestjs/common';
import { ColumnsModule } from '../columns/columns.module.js';
import { EventsModule } from '../events/events.module.js';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { LabelsModule } from '../labels/labels.module.js';
import { MembersModule } from '../members/members.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { BoardsController } from './boards.controller.js';
import { BoardsRepository } from './boards.repository.js';
import { BoardsService } from './boards.service.js';

/** Boards; snapshots read columns, tasks and members through their modules' services. Exports BoardsService for retention. */
@Module({
  imports: [BoardAccessModule, EventsModule, ColumnsModule, TasksModule, MembersModule, LabelsModule],
  controllers: [BoardsController],
  providers: [BoardsService, BoardsRepository],
  exports: [BoardsService],
})
export class BoardsModule {}
