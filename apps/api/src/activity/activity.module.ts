import { Module } from '@nestjs/common';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { ColumnsModule } from '../columns/columns.module.js';
import { EventsModule } from '../events/events.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { UsersModule } from '../users/users.module.js';
import { ActivityController } from './activity.controller.js';
import { ActivityService } from './activity.service.js';

/** Activity: a read model over the board event stream (no table of its own). */
@Module({
  imports: [BoardAccessModule, ColumnsModule, EventsModule, TasksModule, UsersModule],
  controllers: [ActivityController],
  providers: [ActivityService],
})
export class ActivityModule {}
