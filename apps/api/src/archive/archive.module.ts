import { Module } from '@nestjs/common';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { ColumnsModule } from '../columns/columns.module.js';
import { EventsModule } from '../events/events.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { ArchiveController } from './archive.controller.js';
import { ArchiveService } from './archive.service.js';

/** Archive and restore of tasks and columns (above both: restoring a column brings its tasks). */
@Module({ imports: [BoardAccessModule, ColumnsModule, EventsModule, TasksModule], controllers: [ArchiveController], providers: [ArchiveService] })
export class ArchiveModule {}
