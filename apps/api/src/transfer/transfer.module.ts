import { Module } from '@nestjs/common';
import { BoardsModule } from '../boards/boards.module.js';
import { ChecklistsModule } from '../checklists/checklists.module.js';
import { ColumnsModule } from '../columns/columns.module.js';
import { CommentsModule } from '../comments/comments.module.js';
import { RemindersModule } from '../reminders/reminders.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { BoardImportsRepository } from './board-imports.repository.js';
import { TransferController } from './transfer.controller.js';
import { TransferService } from './transfer.service.js';

/** Board export (JSON, CSV; streamed) and import (Tasklane, Trello; as a job). docs/api.md "Export and import". */
@Module({ imports: [BoardsModule, ColumnsModule, TasksModule, ChecklistsModule, CommentsModule, RemindersModule], controllers: [TransferController], providers: [TransferService, BoardImportsRepository] })
export class TransferModule {}
