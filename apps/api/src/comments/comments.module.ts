import { Module } from '@nestjs/common';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { EventsModule } from '../events/events.module.js';
import { MembersModule } from '../members/members.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { CommentsController } from './comments.controller.js';
import { CommentsRepository } from './comments.repository.js';
import { CommentsService } from './comments.service.js';

/** Comments on tasks, with mentions. */
@Module({ imports: [BoardAccessModule, EventsModule, MembersModule, TasksModule], controllers: [CommentsController], providers: [CommentsService, CommentsRepository], exports: [CommentsService] })
export class CommentsModule {}
