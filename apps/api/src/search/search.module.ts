import { Module } from '@nestjs/common';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { BoardsModule } from '../boards/boards.module.js';
import { ColumnsModule } from '../columns/columns.module.js';
import { CommentsModule } from '../comments/comments.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { SearchController } from './search.controller.js';
import { SearchService } from './search.service.js';

/** Search across boards: the caller's memberships (board-access), the tasks' full-text query (tasks), board names (boards). */
@Module({
  imports: [BoardAccessModule, BoardsModule, ColumnsModule, CommentsModule, TasksModule],
  controllers: [SearchController],
  providers: [SearchService],
})
export class SearchModule {}
